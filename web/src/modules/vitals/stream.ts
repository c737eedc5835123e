// The vital signs' live stream: snapshot changes, alerts and health scores as they happen; the page shows
// "down" until the stream is back, then asks the caller to refresh (see app/event-stream.ts).
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { followEventStream, type StreamState } from '../../app/event-stream';
import type { Alert, StreamHealthItem, StreamSnapshotItem } from './types';

export type { StreamState } from '../../app/event-stream';

export interface StreamHandlers {
  snapshot?(items: StreamSnapshotItem[]): void;
  alert?(items: Alert[]): void;
  health?(items: StreamHealthItem[]): void;
  /** The server no longer holds the events we missed, or we were down: reload what the page shows. */
  resync?(): void;
}

export interface StreamStatus {
  state: StreamState;
  /** When the last event arrived (read on demand: a clock asks each second, nothing re-renders per event). */
  lastEventAt(): number | null;
}

export function useVitalsStream(token: string | null, handlers: StreamHandlers): StreamStatus {
  const [state, setState] = useState<StreamState>('connecting');
  const lastEvent = useRef<number | null>(null);
  const current = useRef(handlers);
  current.current = handlers;

  useEffect(() => {
    if (!token) return;
    const received = <T,>(handle: (items: T) => void) => (data: unknown) => {
      lastEvent.current = Date.now();
      handle(data as T);
    };
    return followEventStream(`/api/v1/vitals/stream?token=${encodeURIComponent(token)}`, {
      events: {
        snapshot: received<StreamSnapshotItem[]>((items) => current.current.snapshot?.(items)),
        alert: received<Alert[]>((items) => current.current.alert?.(items)),
        health: received<StreamHealthItem[]>((items) => current.current.health?.(items)),
      },
      onState: setState,
      onResync: () => current.current.resync?.(),
    });
  }, [token]);

  const lastEventAt = useCallback(() => lastEvent.current, []);
  return useMemo(() => ({ state, lastEventAt }), [state, lastEventAt]);
}
