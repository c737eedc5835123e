// Server-Sent Events: snapshot changes, alert transitions and health score changes, live.
// See: https://html.spec.whatwg.org/multipage/server-sent-events.html
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { principalOf } from '../../platform/http/auth-hook.js';
import { serveEventStream } from '../../platform/http/event-stream.js';
import type { VitalsService } from './service.js';
import { VitalsError, VitalsErrorCode } from './errors.js';
import { STREAM_EVENTS, type StreamEventKind } from './stream.js';

export function registerStreamRoute(app: FastifyInstance, vitals: VitalsService): void {
  app.get('/api/v1/vitals/stream', {
    config: { permission: 'vitals:read' },
    schema: {
      tags: ['vitals'],
      summary: 'Live stream (text/event-stream): events snapshot, alert, health; resumes from Last-Event-ID within 5 minutes',
      description: '`events` narrows the stream to some kinds, comma-separated (e.g. `alert,health` for a ticker that needs no snapshot changes); all by default.',
      querystring: Type.Object({
        token: Type.Optional(Type.String()),
        lastEventId: Type.Optional(Type.String()),
        events: Type.Optional(Type.String({ maxLength: 100 })),
      }, { additionalProperties: false }), // a misspelt "event=alert" would otherwise stream everything
    },
  }, (request, reply) => {
    const principal = principalOf(request);
    const events = parseEvents((request.query as { events?: string }).events);
    serveEventStream(request, reply, vitals.stream, { orgPath: principal.orgPath, events });
  });
}

function parseEvents(raw: string | undefined): ReadonlySet<StreamEventKind> | undefined {
  if (raw === undefined) return undefined;
  const asked = raw.split(',').map((part) => part.trim()).filter(Boolean);
  const unknown = asked.filter((event) => !(STREAM_EVENTS as readonly string[]).includes(event));
  if (asked.length === 0 || unknown.length > 0) {
    const reason = asked.length === 0 ? 'names no event' : `unknown event ${unknown.join(', ')}; expected some of ${STREAM_EVENTS.join(', ')}`;
    throw new VitalsError(VitalsErrorCode.InvalidQuery, `events ${reason}`, [{ name: 'events', reason }]);
  }
  return new Set(asked as StreamEventKind[]);
}
