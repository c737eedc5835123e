// TanStack Query definitions for the transit pages. Passenger information is public: no token is sent,
// so a stop board works without signing in; the headway monitor uses the console's token.
import { queryOptions } from '@tanstack/react-query';
import { api, query } from '../../app/api';
import type { Headways, PredictionAccuracy, RouteDiagram, RouteSummary, StopArrivals, StopFound, TransitNetworks } from './types';

const publicApi = <T,>(path: string) => api<T>(path, { token: null });

export const transitQueries = {
  networks: () => queryOptions({
    queryKey: ['transit', 'networks'],
    queryFn: () => publicApi<TransitNetworks>('/api/v1/transit/networks'),
    staleTime: 5 * 60_000,
  }),
  arrivals: (stopId: string, feed: string | undefined, limit: number) => queryOptions({
    queryKey: ['transit', 'arrivals', feed ?? '', stopId, limit],
    queryFn: () => publicApi<StopArrivals>(`/api/v1/transit/stops/${encodeURIComponent(stopId)}/arrivals${query({ feed, limit })}`),
    // The stream keeps it fresh; this is the fallback while the stream is down (and picks up timetabled trips).
    refetchInterval: 60_000,
  }),
  /** The first `limit` stops matching `q` (numbers in names in number order), and how many match in all. */
  stops: (q: string, feed: string | undefined, limit: number) => queryOptions({
    queryKey: ['transit', 'stops', feed ?? '', q, limit],
    queryFn: () => publicApi<{ feed: string; total: number; items: StopFound[] }>(`/api/v1/transit/stops${query({ feed, q, limit })}`),
  }),
  /** The stops within walking distance of a place, the nearest first. */
  nearby: (place: { lat: number; lon: number }, radius: number, feed: string | undefined, limit: number) => queryOptions({
    queryKey: ['transit', 'nearby', feed ?? '', place.lat, place.lon, radius, limit],
    queryFn: () => publicApi<{ feed: string; total: number; items: StopFound[] }>(`/api/v1/transit/stops${query({ feed, lat: place.lat, lon: place.lon, radius, limit })}`),
  }),
  routes: (feed: string | undefined) => queryOptions({
    queryKey: ['transit', 'routes', feed ?? ''],
    queryFn: () => publicApi<{ feed: string; items: RouteSummary[] }>(`/api/v1/transit/routes${query({ feed })}`),
    staleTime: 300_000,
  }),
  route: (routeId: string, feed: string | undefined) => queryOptions({
    queryKey: ['transit', 'route', feed ?? '', routeId],
    queryFn: () => publicApi<RouteDiagram>(`/api/v1/transit/routes/${encodeURIComponent(routeId)}${query({ feed })}`),
    refetchInterval: 15_000,
  }),
  headways: (feed: string | undefined, window: number) => queryOptions({
    queryKey: ['transit', 'headways', feed ?? '', window],
    queryFn: () => api<Headways>(`/api/v1/transit/headways${query({ feed, window })}`),
    refetchInterval: 30_000,
  }),
  accuracy: (feed: string | undefined, window: number) => queryOptions({
    queryKey: ['transit', 'accuracy', feed ?? '', window],
    queryFn: () => api<PredictionAccuracy>(`/api/v1/transit/accuracy${query({ feed, window })}`),
    refetchInterval: 30_000,
  }),
};
