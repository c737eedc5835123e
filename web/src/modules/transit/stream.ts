// A stop's arrivals, live: the first answer from the API (so an unknown stop shows the server's own
// error), then every `arrivals` event of the stop's stream written into the query cache.
// See: https://html.spec.whatwg.org/multipage/server-sent-events.html
import { useEffect, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { query } from '../../app/api';
import { followEventStream, type StreamState } from '../../app/event-stream';
import { transitQueries } from './queries';
import type { StopArrivals } from './types';

export type { StreamState } from '../../app/event-stream';

export function useStopArrivals(stopId: string, feed: string | undefined, limit: number) {
  const client = useQueryClient();
  const options = transitQueries.arrivals(stopId, feed, limit);
  const [state, setState] = useState<StreamState>('connecting');
  // Without its stream (refused, or lost) the board asks every 15 s rather than every minute.
  const result = useQuery({ ...options, refetchInterval: state === 'live' ? options.refetchInterval : 15_000 });
  const [updatedAt, setUpdatedAt] = useState<number | null>(null);
  // The stop was found once: a refresh failing since (status 'error', data kept) does not close the stream.
  const known = result.data !== undefined;

  useEffect(() => {
    if (!known) return;
    // Reopened with backoff when the server refuses it (restarting, or as many streams open as it keeps);
    // meanwhile the query's own refresh carries on. Every stream starts with the whole list: nothing to resync.
    return followEventStream(`/api/v1/transit/stops/${encodeURIComponent(stopId)}/stream${query({ feed, limit })}`, {
      events: {
        arrivals: (data) => {
          client.setQueryData(options.queryKey, data as StopArrivals);
          setUpdatedAt(Date.now());
          setState('live');
        },
      },
      onState: setState,
      // Told to reload (the stop or its feed is gone while an update was due): ask again, which shows
      // the stop as not found when it is.
      onResync: () => void client.invalidateQueries({ queryKey: options.queryKey }),
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [stopId, feed, limit, known, client]);

  return { ...result, stream: state, updatedAt: updatedAt ?? (result.dataUpdatedAt || null) };
}

/**
 * The current time, ticking every second. The stop page and the stop display count down with the same
 * clock: a slower tick on one of them showed a bus a minute later there than on the other for seconds on
 * end.
 */
export function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/**
 * Whole minutes from now (epoch ms) to a POSIX-seconds time, rounded down as a countdown is (13 min 56 s
 * is "13 minutes"), never below zero: what the stop page, the stop display and the live region all say.
 */
export const minutesUntil = (time: number, now: number) => Math.max(0, Math.floor((time * 1000 - now) / 60_000));

/** A bus less than a minute away, or just past its time and still at the stop: "due", not "0 min". */
export const isDue = (time: number, now: number) => minutesUntil(time, now) === 0;

/**
 * A timetabled bus (no vehicle known to run it) within its last minute: never said to be "due", which
 * would claim a bus pulling in that may not come; its clock time is shown and said instead.
 */
export const isDueUntracked = (arrival: { live: boolean; predictedArrival: number }, now: number) => !arrival.live && isDue(arrival.predictedArrival, now);
