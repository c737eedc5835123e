// The cases' live stream hub: every committed change of a case (the bus subject `cases.case`) as a numbered
// `case` event, kept for five minutes so that a client reconnecting with Last-Event-ID gets what it
// missed, and sent only to clients whose org subtree holds the case.
// See: https://html.spec.whatwg.org/multipage/server-sent-events.html
import type { CaseRecord } from './types.js';

export const CASE_STREAM_REPLAY_MS = 5 * 60_000;

/** What a client receives: the action and the case as it now is. */
export interface CaseStreamEvent {
  id: number;
  at: number;
  action: string;
  record: CaseRecord;
}

export interface CaseStreamClient {
  orgPath: string;
  send(chunk: string): void;
  /** Ends the client's connection (on shutdown). */
  end(): void;
}

function format(event: CaseStreamEvent): string {
  return `id: ${event.id}\nevent: case\ndata: ${JSON.stringify({ action: event.action, case: event.record })}\n\n`;
}

const visibleTo = (client: CaseStreamClient, event: CaseStreamEvent) => event.record.orgPath.startsWith(client.orgPath);

export class CaseStreamHub {
  private readonly events: CaseStreamEvent[] = [];
  private readonly clients = new Set<CaseStreamClient>();
  // Ids start from the clock so that they keep growing across restarts: a client never takes a new event
  // for one it has already seen.
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

  publish(action: string, record: CaseRecord): void {
    const at = this.now();
    const event: CaseStreamEvent = { id: this.nextId++, at, action, record };
    this.events.push(event);
    this.prune(at);
    for (const client of this.clients) if (visibleTo(client, event)) client.send(format(event));
  }

  /**
   * Adds a client. With a Last-Event-ID it first gets every later event still kept; when that id is older
   * than what is kept, a `reset` event tells it to reload what it shows.
   */
  connect(client: CaseStreamClient, lastEventId: number | null): () => void {
    if (lastEventId !== null) {
      this.prune(this.now());
      const oldest = this.events[0];
      if (lastEventId < this.lastId && (!oldest || lastEventId < oldest.id - 1)) {
        client.send(`event: reset\ndata: {"reason":"the events after ${lastEventId} are no longer kept; reload"}\n\n`);
      } else {
        for (const event of this.events) if (event.id > lastEventId && visibleTo(client, event)) client.send(format(event));
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
    while (drop < this.events.length && this.events[drop].at < now - CASE_STREAM_REPLAY_MS) drop++;
    if (drop > 0) this.events.splice(0, drop);
  }
}
