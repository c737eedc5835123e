// React Query definitions for the cases pages. Every key starts with 'cases' so one invalidation after a
// transition refreshes the worklist, the case and the statistics together.
import { queryOptions } from '@tanstack/react-query';
import { api, query } from '../../app/api';
import type { Board, CaseCategory, CaseRecord, CaseStatistics, CaseTimeline, Department, Suggestions } from './types';

const FALLBACK_POLL_MS = 300_000;

export const casesQueries = {
  list: (params: Record<string, string | number | boolean | undefined>) => queryOptions({
    queryKey: ['cases', 'list', params],
    queryFn: () => api<{ items: CaseRecord[]; total: number }>(`/api/v1/cases${query(params)}`),
    placeholderData: (previous) => previous,
    // Others file, dispatch and close cases all day: the live stream (live.ts) refreshes what is shown as
    // it happens; this slow poll only covers a stream that is down for long.
    refetchInterval: FALLBACK_POLL_MS,
  }),
  board: (params: Record<string, string | number | undefined>) => queryOptions({
    queryKey: ['cases', 'board', params],
    queryFn: () => api<Board>(`/api/v1/cases/board${query(params)}`),
    placeholderData: (previous) => previous,
    refetchInterval: FALLBACK_POLL_MS,
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
