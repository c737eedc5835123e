// GET /api/v1/cases/stream: Server-Sent Events of every case change in the caller's org subtree, so that
// worklists, the board and case pages follow the work of others as it happens.
// See: https://html.spec.whatwg.org/multipage/server-sent-events.html
import type { FastifyInstance } from 'fastify';
import { principalOf } from '../../platform/http/auth-hook.js';
import { serveEventStream } from '../../platform/http/event-stream.js';
import type { CaseStreamHub } from './stream.js';
import { StreamQuery } from './schemas.js';

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
    serveEventStream(request, reply, hub, { orgPath: principalOf(request).orgPath });
  });
}
