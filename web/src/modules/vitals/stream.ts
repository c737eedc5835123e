// The live stream (Server-Sent Events). EventSource reconnects by itself after a dropped connection and
// resends Last-Event-ID; when the server answers with an error instead (restarting, behind a proxy that
// failed), EventSource gives up for good, so we open a new one with backoff, carrying the last id in the
// URL. Either way the page shows "down" until the stream is back, then asks the caller to refresh.
// See: https://html.spec.whatwg.org/multipage/server-sent-events.html
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Alert, StreamHealthItem, StreamSnapshotItem } from './types';

export type StreamState = 'connecting' | 'live' | 'down';

export interface StreamHandlers {
  snapshot?(items: StreamSnapshotItem[]): void;
  alert?(items: Alert[]): void;
  health?(items: StreamHealthItem[]): void;
  /** The server no longer holds the events we missed, or we were down: reload what the page shows. */
  resync?(): void;
}

const MAX_BACKOFF_MS = 15_000;

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
    let source: EventSource | null = null;
    let lastId: string | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    let wasDown = false;

    const received = (event: MessageEvent) => {
      if (event.lastEventId) lastId = event.lastEventId;
      lastEvent.current = Date.now();
      return JSON.parse(event.data);
    };
    const open = () => {
      const url = `/api/v1/vitals/stream?token=${encodeURIComponent(token)}${lastId ? `&lastEventId=${lastId}` : ''}`;
      const opened = new EventSource(url);
      source = opened;
      opened.onopen = () => {
        attempt = 0;
        setState('live');
        if (wasDown) {
          wasDown = false;
          current.current.resync?.();
        }
      };
      opened.onerror = () => {
        wasDown = true;
        setState('down');
        if (opened.readyState === EventSource.CLOSED) {
          opened.close();
          retry = setTimeout(open, Math.min(MAX_BACKOFF_MS, 1000 * 2 ** attempt++));
        }
      };
      opened.addEventListener('snapshot', (event) => current.current.snapshot?.(received(event)));
      opened.addEventListener('alert', (event) => current.current.alert?.(received(event)));
      opened.addEventListener('health', (event) => current.current.health?.(received(event)));
      opened.addEventListener('reset', () => current.current.resync?.());
    };
    open();
    return () => {
      clearTimeout(retry);
      source?.close();
    };
  }, [token]);

  const lastEventAt = useCallback(() => lastEvent.current, []);
  return useMemo(() => ({ state, lastEventAt }), [state, lastEventAt]);
}
