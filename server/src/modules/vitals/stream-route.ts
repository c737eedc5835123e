// Server-Sent Events: snapshot changes, alert transitions and health score changes, live.
// See: https://html.spec.whatwg.org/multipage/server-sent-events.html
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { principalOf } from '../../platform/http/auth-hook.js';
import type { VitalsService } from './service.js';

const HEARTBEAT_MS = 15_000;

export function registerStreamRoute(app: FastifyInstance, vitals: VitalsService): void {
  app.get('/api/v1/vitals/stream', {
    config: { permission: 'vitals:read' },
    schema: {
      tags: ['vitals'],
      summary: 'Live stream (text/event-stream): events snapshot, alert, health; resumes from Last-Event-ID within 5 minutes',
      querystring: Type.Object({ token: Type.Optional(Type.String()), lastEventId: Type.Optional(Type.String()) }),
    },
  }, (request, reply) => {
    const principal = principalOf(request);
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
    const disconnect = vitals.stream.connect({ orgPath: principal.orgPath, send: (chunk) => response.write(chunk), end: () => response.end() }, lastEventId);
    const heartbeat = setInterval(() => response.write(': heartbeat\n\n'), HEARTBEAT_MS);
    const close = () => {
      clearInterval(heartbeat);
      disconnect();
    };
    request.raw.on('close', close);
    response.on('error', close);
  });
}
