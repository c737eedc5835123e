// The cases' live stream: every committed change of a case (the bus subject `cases.case`) as a numbered
// `case` event with `{action, case}`, kept for five minutes for clients reconnecting with Last-Event-ID,
// and sent only to clients whose org subtree holds the case (see platform/http/event-stream.ts).
import { EventStreamHub, type NumberedEvent, type StreamClient } from '../../platform/http/event-stream.js';
import type { CaseRecord } from './types.js';

interface CaseChange {
  action: string;
  record: CaseRecord;
}

function format(event: NumberedEvent<CaseChange>, client: StreamClient): string | null {
  const { action, record } = event.payload;
  if (!record.orgPath.startsWith(client.orgPath)) return null;
  return `id: ${event.id}\nevent: case\ndata: ${JSON.stringify({ action, case: record })}\n\n`;
}

export class CaseStreamHub extends EventStreamHub<CaseChange> {
  constructor(now: () => number) {
    super(now, format);
  }

  publish(action: string, record: CaseRecord): void {
    this.push({ action, record });
  }
}
