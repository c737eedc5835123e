// GET /api/v1/cases/stream: Server-Sent Events of every case change in the caller's org subtree, so that
// worklists, the board and case pages follow the work of others as it happens.
// See: https://html.spec.whatwg.org/multipage/server-sent-events.html
import type { FastifyInstance } from 'fastify';
import { principalOf } from '../../platform/http/auth-hook.js';
import type { CaseStreamHub } from './stream.js';
import { StreamQuery } from './schemas.js';

const HEARTBEAT_MS = 15_000;

export function registerCaseStreamRoute(app: FastifyInstance, hub: CaseStreamHub): void {
  app.get('/api/v1/cases/stream', {
    config: { permission: 'cases:read' },
    schema: {
      tags: ['cases'],
      summary: 'Live case changes (text/event-stream): event `case` with {action, case}; resumes from Last-Event-ID within 5 minutes',
      description: 'EventSource cannot set headers: the token may come as ?token=. A Last-Event-ID older than the kept window gets a `reset` event.',
      querystring: StreamQuery,
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
    response.write(`retry: 2000\n: connected, last event ${hub.lastId}\n\n`);
    const heartbeat = setInterval(() => response.write(': heartbeat\n\n'), HEARTBEAT_MS);
    const disconnect = hub.connect({
      orgPath: principal.orgPath,
      send: (chunk) => response.write(chunk),
      end: () => {
        clearInterval(heartbeat);
        response.end();
      },
    }, lastEventId);
    const close = () => {
      clearInterval(heartbeat);
      disconnect();
    };
    request.raw.on('close', close);
    response.on('error', close);
  });
}
