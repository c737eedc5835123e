// React Query definitions for the cases pages. Every key starts with 'cases' so one invalidation after a
// transition refreshes the worklist, the case and the statistics together.
import { queryOptions } from '@tanstack/react-query';
import { api, query } from '../../app/api';
import type { CaseCategory, CaseRecord, CaseStatistics, CaseTimeline, Department, Suggestions } from './types';

export const casesQueries = {
  list: (params: Record<string, string | number | boolean | undefined>) => queryOptions({
    queryKey: ['cases', 'list', params],
    queryFn: () => api<{ items: CaseRecord[]; total: number }>(`/api/v1/cases${query(params)}`),
    placeholderData: (previous) => previous,
    // Others file, dispatch and close cases all day: a worklist left open keeps up by itself.
    refetchInterval: 30_000,
  }),
  one: (id: number) => queryOptions({ queryKey: ['cases', 'one', id], queryFn: () => api<CaseTimeline>(`/api/v1/cases/${id}`) }),
  suggestions: (id: number, version: number) => queryOptions({
    queryKey: ['cases', 'suggestions', id, version],
    queryFn: () => api<Suggestions>(`/api/v1/cases/${id}/suggestions`),
  }),
  statistics: (days: number) => queryOptions({ queryKey: ['cases', 'statistics', days], queryFn: () => api<CaseStatistics>(`/api/v1/cases/statistics${query({ days })}`) }),
  categories: () => queryOptions({ queryKey: ['cases', 'categories'], queryFn: () => api<{ items: CaseCategory[] }>('/api/v1/cases/categories'), staleTime: 600_000 }),
  departments: () => queryOptions({ queryKey: ['departments'], queryFn: () => api<{ items: Department[] }>('/api/v1/departments'), staleTime: 600_000 }),
};
