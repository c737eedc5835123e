// Server-Sent Events for the modules' live streams: a hub that numbers events, keeps them for five minutes
// so that a client reconnecting with Last-Event-ID gets what it missed, and sends each client only what
// its formatter lets it see (its org subtree, the kinds it asked for); and the HTTP side of one stream.
// See: https://html.spec.whatwg.org/multipage/server-sent-events.html
import type { FastifyReply, FastifyRequest } from 'fastify';

export const REPLAY_WINDOW_MS = 5 * 60_000;
const HEARTBEAT_MS = 15_000;
let heartbeatMs = HEARTBEAT_MS;
/** For tests: heartbeats (and the bearer's checks) this often. */
export function setHeartbeatMs(ms: number | null): void {
  heartbeatMs = ms ?? HEARTBEAT_MS;
}

export interface StreamClient {
  /** Org path of the caller: what it may see. */
  orgPath: string;
  send(chunk: string): void;
  /** Ends the client's connection (on shutdown). */
  end(): void;
}

export interface NumberedEvent<T> {
  id: number;
  at: number;
  payload: T;
}

/** The SSE chunk of an event for one client, or null when that client is not to see it. */
export type EventFormatter<T, C extends StreamClient> = (event: NumberedEvent<T>, client: C) => string | null;

export class EventStreamHub<T, C extends StreamClient = StreamClient> {
  private readonly events: NumberedEvent<T>[] = [];
  private readonly clients = new Set<C>();
  // Ids start from the clock so that they keep growing across restarts: a client never takes a new event
  // for one it has already seen.
  private nextId: number;

  constructor(
    private readonly now: () => number,
    private readonly format: EventFormatter<T, C>,
  ) {
    this.nextId = now() * 1000;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  get lastId(): number {
    return this.nextId - 1;
  }

  protected push(payload: T): void {
    const at = this.now();
    const event: NumberedEvent<T> = { id: this.nextId++, at, payload };
    this.events.push(event);
    this.prune(at);
    for (const client of this.clients) {
      const chunk = this.format(event, client);
      if (chunk) client.send(chunk);
    }
  }

  /**
   * Adds a client. With a Last-Event-ID it first receives every later event still kept; when that id is
   * older than what is kept, a `reset` event tells it to reload what it shows.
   */
  connect(client: C, lastEventId: number | null): () => void {
    if (lastEventId !== null) {
      this.prune(this.now());
      const oldest = this.events[0];
      if (lastEventId < this.lastId && (!oldest || lastEventId < oldest.id - 1)) {
        client.send(`event: reset\ndata: {"reason":"the events after ${lastEventId} are no longer kept; reload"}\n\n`);
      } else {
        for (const event of this.events) {
          if (event.id <= lastEventId) continue;
          const chunk = this.format(event, client);
          if (chunk) client.send(chunk);
        }
      }
    }
    this.clients.add(client);
    return () => this.clients.delete(client);
  }

  /** Ends every connection, so that the server can close; clients reconnect to another process. */
  closeAll(): void {
    for (const client of this.clients) client.end();
    this.clients.clear();
  }

  private prune(now: number): void {
    let drop = 0;
    while (drop < this.events.length && this.events[drop].at < now - REPLAY_WINDOW_MS) drop++;
    if (drop > 0) this.events.splice(0, drop);
  }
}

/** The Last-Event-ID a reconnecting client sent (header, or `?lastEventId=` for EventSource), if any. */
export function lastEventIdOf(request: FastifyRequest): number | null {
  const header = request.headers['last-event-id'];
  const raw = (Array.isArray(header) ? header[0] : header) ?? (request.query as { lastEventId?: string }).lastEventId;
  return raw && /^\d+$/.test(raw) ? Number(raw) : null;
}

/**
 * Takes over the response as an event stream on `hub` for a client described by `client`: headers,
 * a retry hint, a heartbeat comment every 15 s (so that proxies keep the connection), and clean-up when
 * either side goes away. At each heartbeat the caller's bearer is checked again: a revoked API token, or
 * a session past its expiry, ends the stream (the events it would have seen are what it may no longer see).
 */
export function serveEventStream<T, C extends StreamClient>(
  request: FastifyRequest,
  reply: FastifyReply,
  hub: EventStreamHub<T, C>,
  client: Omit<C, 'send' | 'end'>,
): void {
  const lastEventId = lastEventIdOf(request);
  reply.hijack();
  const response = reply.raw;
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  response.write(`retry: 2000\n: connected, last event ${hub.lastId}\n\n`);
  const heartbeat = setInterval(() => {
    response.write(': heartbeat\n\n');
    void request.stillAuthorized?.().then((allowed) => {
      if (allowed) return;
      response.end('event: unauthorized\ndata: {"reason":"the token was revoked or the session expired; sign in again"}\n\n');
      close();
    });
  }, heartbeatMs);
  const disconnect = hub.connect({
    ...client,
    send: (chunk: string) => {
      response.write(chunk);
    },
    end: () => {
      clearInterval(heartbeat);
      response.end();
    },
  } as unknown as C, lastEventId);
  const close = () => {
    clearInterval(heartbeat);
    disconnect();
  };
  request.raw.on('close', close);
  response.on('error', close);
}
