// HTTP routes for the realtime URLs polled: list them with their counters, register one, remove one,
// poll one now. Thin: the poller and the store do the work.
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Db } from '../../platform/db/types.js';
import type { RealtimePoller } from './realtime/poller.js';
import type { TransitService } from './service.js';
import { deletePollSource, upsertPollSource } from './realtime/poll-source-store.js';
import { TransitError, TransitErrorCode } from './errors.js';

const SourceBody = Type.Object({
  feed: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$', description: 'The transit feed the messages belong to' }),
  url: Type.String({ minLength: 1, maxLength: 2000, description: 'http(s) URL serving a GTFS-Realtime FeedMessage (protobuf or JSON)' }),
  intervalSeconds: Type.Optional(Type.Integer({ minimum: 5, maximum: 3600 })),
}, { additionalProperties: false });

export function registerPollRoutes(app: FastifyInstance, db: Db, transit: TransitService, poller: RealtimePoller, defaultIntervalSeconds: number): void {
  app.get('/api/v1/transit/realtime/sources', {
    config: { permission: 'transit:read' },
    schema: { tags: ['transit'], summary: 'The realtime URLs polled, with their counters (polls, failures, last error, next poll)', querystring: Type.Object({ feed: Type.Optional(Type.String()) }, { additionalProperties: false }) },
  }, async (request) => ({ items: poller.list((request.query as { feed?: string }).feed) }));

  app.post('/api/v1/transit/realtime/sources', {
    config: { permission: 'transit:manage' },
    schema: { tags: ['transit'], summary: 'Register a realtime URL to poll for a feed (the same feed and URL again changes its interval)', body: SourceBody },
  }, async (request, reply) => {
    const body = request.body as { feed: string; url: string; intervalSeconds?: number };
    transit.runtime(body.feed); // an unknown feed is a 404 naming it (import the GTFS first)
    let url: URL;
    try {
      url = new URL(body.url);
    } catch {
      throw new TransitError(TransitErrorCode.InvalidPollSource, `"${body.url}" is not a URL`, [{ name: 'url', reason: 'not a URL' }]);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TransitError(TransitErrorCode.InvalidPollSource, `a realtime URL uses http: or https:, not ${url.protocol}`, [{ name: 'url', reason: 'not http(s)' }]);
    }
    const { source, created } = await upsertPollSource(db, body.feed, url.toString(), body.intervalSeconds ?? defaultIntervalSeconds);
    poller.add(source);
    reply.status(created ? 201 : 200);
    return poller.get(source.id);
  });

  app.delete('/api/v1/transit/realtime/sources/:id', {
    config: { permission: 'transit:manage' },
    schema: { tags: ['transit'], summary: 'Stop polling a registered realtime URL', params: Type.Object({ id: Type.String() }) },
  }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const source = poller.get(id);
    if (source?.origin === 'config') throw new TransitError(TransitErrorCode.InvalidPollSource, `source ${id} comes from CITYPULSE_TRANSIT_REALTIME_URLS; change the configuration to remove it`, [{ name: 'id', reason: 'configured source' }]);
    if (!(await deletePollSource(db, id))) throw new TransitError(TransitErrorCode.UnknownPollSource, `unknown realtime source "${id}"`, [{ name: 'id', reason: 'unknown source' }]);
    poller.remove(id);
    reply.status(204);
  });

  app.post('/api/v1/transit/realtime/sources/:id/poll', {
    config: { permission: 'transit:manage' },
    schema: { tags: ['transit'], summary: 'Poll a realtime URL now; answers the outcome (the ingest counts, or the error)', params: Type.Object({ id: Type.String() }) },
  }, async (request) => {
    const { id } = request.params as { id: string };
    if (!poller.get(id)) throw new TransitError(TransitErrorCode.UnknownPollSource, `unknown realtime source "${id}"`, [{ name: 'id', reason: 'unknown source' }]);
    const outcome = await poller.pollOnce(id);
    return { ...outcome, source: poller.get(id) };
  });
}
