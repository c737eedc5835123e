// React Query definitions for the vital signs: one key per resource so that the live stream and the
// actions (acknowledge, silence) can refresh exactly what they change.
import { queryOptions } from '@tanstack/react-query';
import { api, query } from '../../app/api';
import type { Alert, Category, Health, HealthHistory, IndicatorDefinition, Me, OrgUnit, Series, Snapshot } from './types';

const HOUR = 3_600_000;

export const vitalsQueries = {
  me: (token: string | null) => queryOptions({ queryKey: ['me', token], queryFn: () => api<Me>('/api/v1/auth/me'), enabled: !!token, retry: false, staleTime: 300_000 }),
  categories: () => queryOptions({ queryKey: ['categories'], queryFn: () => api<{ items: Category[] }>('/api/v1/vitals/categories'), staleTime: Infinity }),
  orgs: () => queryOptions({ queryKey: ['orgs'], queryFn: () => api<{ items: OrgUnit[] }>('/api/v1/orgs'), staleTime: 600_000 }),
  geojson: () => queryOptions({ queryKey: ['geojson'], queryFn: () => api<GeoJsonCollection>('/api/v1/orgs/geojson?level=district'), staleTime: Infinity }),
  snapshot: (org?: string, category?: string) => queryOptions({
    queryKey: ['snapshot', org ?? null, category ?? null],
    queryFn: () => api<Snapshot>(`/api/v1/vitals/snapshot${query({ org, category })}`),
  }),
  health: (org?: string) => queryOptions({ queryKey: ['health', org ?? null], queryFn: () => api<Health>(`/api/v1/vitals/health${query({ org })}`) }),
  healthHistory: (org: string | undefined, hours: number) => queryOptions({
    queryKey: ['health-history', org ?? null, hours],
    queryFn: () => api<HealthHistory>(`/api/v1/vitals/health/history${query({ org, from: new Date(Date.now() - hours * HOUR).toISOString() })}`),
    refetchInterval: 60_000,
  }),
  indicators: (params: { category?: string; q?: string; limit: number; offset: number }) => queryOptions({
    queryKey: ['indicators', params],
    queryFn: () => api<{ items: IndicatorDefinition[]; total: number }>(`/api/v1/vitals/indicators${query(params)}`),
    placeholderData: (previous) => previous,
  }),
  indicator: (code: string) => queryOptions({ queryKey: ['indicator', code], queryFn: () => api<IndicatorDefinition>(`/api/v1/vitals/indicators/${encodeURIComponent(code)}`), staleTime: 600_000 }),
  series: (code: string, org: string | undefined, fromMs: number, step?: number) => queryOptions({
    queryKey: ['series', code, org ?? null, fromMs, step ?? null],
    queryFn: () => api<Series>(`/api/v1/vitals/indicators/${encodeURIComponent(code)}/series${query({ org, from: new Date(fromMs).toISOString(), step })}`),
  }),
  alerts: (params: Record<string, string | number | boolean | undefined>) => queryOptions({
    queryKey: ['alerts', params],
    queryFn: () => api<{ items: Alert[]; total: number }>(`/api/v1/vitals/alerts${query(params)}`),
    placeholderData: (previous) => previous,
  }),
};

export interface GeoJsonCollection {
  type: 'FeatureCollection';
  features: { type: 'Feature'; id?: string; geometry: unknown; properties: { code: string; nameZh: string; nameEn: string } }[];
}
