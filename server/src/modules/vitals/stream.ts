// The live stream's hub: numbered events kept for five minutes so that a client reconnecting with
// Last-Event-ID gets everything it missed, filtered to the org subtree it may see.
export const REPLAY_WINDOW_MS = 5 * 60_000;

export interface StreamItem {
  /** Org path of the item: a client sees it only if the path is inside its own subtree. */
  orgPath: string;
  data: unknown;
}

export interface StreamEvent {
  id: number;
  at: number;
  event: 'snapshot' | 'alert' | 'health';
  items: StreamItem[];
}

export const STREAM_EVENTS = ['snapshot', 'alert', 'health'] as const;

export interface StreamClient {
  orgPath: string;
  /** The kinds of event the client asked for; all when absent (an alert ticker needs no snapshots). */
  events?: ReadonlySet<StreamEvent['event']>;
  send(chunk: string): void;
  /** Ends the client's connection (on shutdown). */
  end(): void;
}

export function formatEvent(event: StreamEvent, orgPath: string, events?: ReadonlySet<StreamEvent['event']>): string | null {
  if (events && !events.has(event.event)) return null;
  const visible = event.items.filter((item) => item.orgPath.startsWith(orgPath)).map((item) => item.data);
  if (visible.length === 0) return null;
  return `id: ${event.id}\nevent: ${event.event}\ndata: ${JSON.stringify(visible)}\n\n`;
}

export class StreamHub {
  private readonly events: StreamEvent[] = [];
  private readonly clients = new Set<StreamClient>();
  // Ids grow across restarts (they start from the clock), so a client never mistakes a new event for one
  // it has already seen.
  private nextId: number;

  constructor(private readonly now: () => number) {
    this.nextId = now() * 1000;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  get lastId(): number {
    return this.nextId - 1;
  }

  /** Ends every connection: on shutdown, so that the server can close. Clients reconnect elsewhere. */
  closeAll(): void {
    for (const client of this.clients) client.end();
    this.clients.clear();
  }

  publish(event: StreamEvent['event'], items: StreamItem[]): void {
    if (items.length === 0) return;
    const at = this.now();
    const entry: StreamEvent = { id: this.nextId++, at, event, items };
    this.events.push(entry);
    this.prune(at);
    for (const client of this.clients) {
      const chunk = formatEvent(entry, client.orgPath, client.events);
      if (chunk) client.send(chunk);
    }
  }

  private prune(now: number): void {
    let drop = 0;
    while (drop < this.events.length && this.events[drop].at < now - REPLAY_WINDOW_MS) drop++;
    if (drop > 0) this.events.splice(0, drop);
  }

  /**
   * Adds a client. With a Last-Event-ID it first receives every later event still in the window; if the id
   * is older than the window, it gets a `reset` event telling it to reload the snapshot.
   */
  connect(client: StreamClient, lastEventId: number | null): () => void {
    if (lastEventId !== null) {
      this.prune(this.now());
      const oldest = this.events[0];
      if (lastEventId < this.lastId && (!oldest || lastEventId < oldest.id - 1)) {
        client.send(`event: reset\ndata: {"reason":"the events after ${lastEventId} are no longer kept; reload the snapshot"}\n\n`);
      } else {
        for (const event of this.events) {
          if (event.id <= lastEventId) continue;
          const chunk = formatEvent(event, client.orgPath, client.events);
          if (chunk) client.send(chunk);
        }
      }
    }
    this.clients.add(client);
    return () => this.clients.delete(client);
  }
}
