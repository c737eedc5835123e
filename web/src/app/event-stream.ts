// Following one of the server's Server-Sent Event streams. EventSource reconnects by itself after a
// dropped connection and resends Last-Event-ID; when the server answers with an error instead (restarting,
// behind a proxy that failed), EventSource gives up for good, so a new one is opened with backoff,
// carrying the last id in the URL. After being down, or told that the missed events are gone (`reset`),
// the caller is asked to reload what it shows.
// See: https://html.spec.whatwg.org/multipage/server-sent-events.html

export type StreamState = 'connecting' | 'live' | 'down';

export interface EventStreamOptions {
  /** One handler per event name; `data` is the event's JSON, parsed. */
  events: Record<string, (data: unknown) => void>;
  onState(state: StreamState): void;
  /** Reload what is shown: the stream was down, or the events missed are no longer kept. */
  onResync(): void;
}

const MAX_BACKOFF_MS = 15_000;

/** Opens `url` (which carries its own query, the token included) and keeps it open; returns a closer. */
export function followEventStream(url: string, options: EventStreamOptions): () => void {
  let source: EventSource | null = null;
  let lastId: string | null = null;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let attempt = 0;
  let wasDown = false;
  const open = () => {
    const opened = new EventSource(lastId ? `${url}${url.includes('?') ? '&' : '?'}lastEventId=${lastId}` : url);
    source = opened;
    opened.onopen = () => {
      attempt = 0;
      options.onState('live');
      if (wasDown) {
        wasDown = false;
        options.onResync();
      }
    };
    opened.onerror = () => {
      wasDown = true;
      options.onState('down');
      if (opened.readyState === EventSource.CLOSED) {
        opened.close();
        retry = setTimeout(open, Math.min(MAX_BACKOFF_MS, 1000 * 2 ** attempt++));
      }
    };
    for (const [name, handle] of Object.entries(options.events)) {
      opened.addEventListener(name, (event) => {
        const message = event as MessageEvent<string>;
        if (message.lastEventId) lastId = message.lastEventId;
        handle(JSON.parse(message.data));
      });
    }
    opened.addEventListener('reset', () => options.onResync());
  };
  open();
  return () => {
    clearTimeout(retry);
    source?.close();
  };
}
