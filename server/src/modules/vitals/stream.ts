// The vital signs' live stream: `snapshot`, `alert` and `health` events, each a batch of items, kept five
// minutes for clients reconnecting with Last-Event-ID (see platform/http/event-stream.ts). A client sees
// the items inside its org subtree, of the kinds it asked for.
import { EventStreamHub, type NumberedEvent, type StreamClient } from '../../platform/http/event-stream.js';

export const STREAM_EVENTS = ['snapshot', 'alert', 'health'] as const;
export type StreamEventKind = (typeof STREAM_EVENTS)[number];

export interface StreamItem {
  /** Org path of the item: a client sees it only if the path is inside its own subtree. */
  orgPath: string;
  data: unknown;
}

interface VitalsEvent {
  event: StreamEventKind;
  items: StreamItem[];
}

export interface VitalsStreamClient extends StreamClient {
  /** The kinds of event the client asked for; all when absent (an alert ticker needs no snapshots). */
  events?: ReadonlySet<StreamEventKind>;
}

function format(entry: NumberedEvent<VitalsEvent>, client: VitalsStreamClient): string | null {
  const { event, items } = entry.payload;
  if (client.events && !client.events.has(event)) return null;
  const visible = items.filter((item) => item.orgPath.startsWith(client.orgPath)).map((item) => item.data);
  if (visible.length === 0) return null;
  return `id: ${entry.id}\nevent: ${event}\ndata: ${JSON.stringify(visible)}\n\n`;
}

export class StreamHub extends EventStreamHub<VitalsEvent, VitalsStreamClient> {
  constructor(now: () => number) {
    super(now, format);
  }

  publish(event: StreamEventKind, items: StreamItem[]): void {
    if (items.length > 0) this.push({ event, items });
  }
}
