// Server-Sent Events: snapshot changes, alert transitions and health score changes, live.
// See: https://html.spec.whatwg.org/multipage/server-sent-events.html
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { principalOf } from '../../platform/http/auth-hook.js';
import type { VitalsService } from './service.js';
import { VitalsError, VitalsErrorCode } from './errors.js';
import { STREAM_EVENTS, type StreamEvent } from './stream.js';

const HEARTBEAT_MS = 15_000;

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
      }),
    },
  }, (request, reply) => {
    const principal = principalOf(request);
    const events = parseEvents((request.query as { events?: string }).events);
    const header = request.headers['last-event-id'];
    const raw = (Array.isArray(header) ? header[0] : header) ?? (request.query as { lastEventId?: string }).lastEventId;
    const lastEventId = raw && /^\d+$/.test(raw) ? Number(raw) : null;
    reply.hijack();
    const response = reply.raw;
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    response.write(`retry: 2000\n: connected, last event ${vitals.stream.lastId}\n\n`);
    const disconnect = vitals.stream.connect({ orgPath: principal.orgPath, events, send: (chunk) => response.write(chunk), end: () => response.end() }, lastEventId);
    const heartbeat = setInterval(() => response.write(': heartbeat\n\n'), HEARTBEAT_MS);
    const close = () => {
      clearInterval(heartbeat);
      disconnect();
    };
    request.raw.on('close', close);
    response.on('error', close);
  });
}

function parseEvents(raw: string | undefined): ReadonlySet<StreamEvent['event']> | undefined {
  if (raw === undefined) return undefined;
  const asked = raw.split(',').map((part) => part.trim()).filter(Boolean);
  const unknown = asked.filter((event) => !(STREAM_EVENTS as readonly string[]).includes(event));
  if (asked.length === 0 || unknown.length > 0) {
    const reason = asked.length === 0 ? 'names no event' : `unknown event ${unknown.join(', ')}; expected some of ${STREAM_EVENTS.join(', ')}`;
    throw new VitalsError(VitalsErrorCode.InvalidQuery, `events ${reason}`, [{ name: 'events', reason }]);
  }
  return new Set(asked as StreamEvent['event'][]);
}
