// A stop's arrivals, live: the first answer from the API (so an unknown stop shows the server's own
// error), then every `arrivals` event of the stop's stream written into the query cache. EventSource
// reconnects by itself; while it is down the query's own refresh carries on.
// See: https://html.spec.whatwg.org/multipage/server-sent-events.html
import { useEffect, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { query } from '../../app/api';
import { transitQueries } from './queries';
import type { StopArrivals } from './types';

export type StreamState = 'connecting' | 'live' | 'down';

export function useStopArrivals(stopId: string, feed: string | undefined, limit: number) {
  const client = useQueryClient();
  const options = transitQueries.arrivals(stopId, feed, limit);
  const result = useQuery(options);
  const [state, setState] = useState<StreamState>('connecting');
  const [updatedAt, setUpdatedAt] = useState<number | null>(null);
  const known = result.isSuccess;

  useEffect(() => {
    if (!known) return;
    const source = new EventSource(`/api/v1/transit/stops/${encodeURIComponent(stopId)}/stream${query({ feed, limit })}`);
    source.addEventListener('open', () => setState('live'));
    // Lost (EventSource retries by itself): say so until the next event arrives.
    source.addEventListener('error', () => setState('down'));
    source.addEventListener('arrivals', (event) => {
      client.setQueryData(options.queryKey, JSON.parse((event as MessageEvent<string>).data) as StopArrivals);
      setUpdatedAt(Date.now());
      setState('live');
    });
    return () => source.close();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [stopId, feed, limit, known, client]);

  return { ...result, stream: state, updatedAt: updatedAt ?? (result.dataUpdatedAt || null) };
}

/** The current time, ticking every `ms` (the countdowns move between pushes). */
export function useNow(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

/** Whole minutes from now to a POSIX-seconds time (never below zero). */
export const minutesUntil = (time: number, now: number) => Math.max(0, Math.floor((time * 1000 - now) / 60_000));
