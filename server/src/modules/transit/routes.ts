// HTTP routes of the digital bus: thin — parse, call the service, answer.
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { TransitService } from './service.js';
import type { FeedRuntime } from './feed-runtime.js';
import { encodeFeedInSlices } from './realtime/feed-message.js';
import { FeedSnapshots } from './realtime/feed-snapshots.js';
import { pauseEvery, SLICE_MS } from '../../platform/slices.js';
import { FeedJson } from './realtime/feed-json.js';
import { alertEntities, feedHeader, tripUpdateEntities, vehiclePositionEntities } from './realtime/feeds-out.js';
import { alertsInForce } from './realtime/alerts.js';
import { principalOf } from '../../platform/http/auth-hook.js';
import { ProblemError } from '../../platform/errors.js';
import { PREDICTION_ACCURACY_GOAL } from '@citypulse/contracts';

const FeedQuery = Type.Object({ feed: Type.Optional(Type.String({ description: 'Feed id (optional when there is one feed)' })) }, { additionalProperties: false });

export function registerTransitRoutes(app: FastifyInstance, transit: TransitService, now: () => number, pollSources: (feedId: string) => unknown[] = () => []): void {
  // (application/x-zip-compressed: what browsers on Windows call a .zip file they upload.)
  for (const type of ['application/zip', 'application/x-zip-compressed', 'application/octet-stream', 'application/x-protobuf', 'application/vnd.google.protobuf']) {
    app.addContentTypeParser(type, { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  }

  app.get('/api/v1/transit/feeds', {
    config: { permission: 'transit:read' },
    schema: { tags: ['transit'], summary: 'The GTFS feeds loaded, with their row counts and notices (valid GTFS that is probably not what the buses do)' },
  }, async () => ({ items: await transit.listFeeds() }));

  app.post('/api/v1/transit/feeds', {
    config: { permission: 'transit:manage' },
    schema: {
      tags: ['transit'], summary: 'Import a GTFS zip as feed `id`, replacing that feed whole (body: the zip); answers its row counts, notices and service period',
      querystring: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' }) }, { additionalProperties: false }),
    },
  }, async (request, reply) => {
    const { id } = request.query as { id: string };
    if (request.body !== undefined && !Buffer.isBuffer(request.body)) throw wrongMediaType(request.headers['content-type'], 'a GTFS feed is sent as application/zip (or application/octet-stream)');
    const body = request.body ?? Buffer.alloc(0);
    const { counts, notices, service } = await transit.importFeed(id, body, 'upload');
    reply.status(201);
    return { id, counts, notices, service };
  });

  app.delete('/api/v1/transit/feeds/:id', {
    config: { permission: 'transit:manage' },
    schema: { tags: ['transit'], summary: 'Remove a feed', params: Type.Object({ id: Type.String() }) },
  }, async (request, reply) => {
    await transit.deleteFeed((request.params as { id: string }).id);
    reply.status(204);
  });

  // In a scope of its own, where a JSON body is kept as text: the decoder reads it a piece at a time
  // (feed-json.ts), where parsing it whole first would hold every other request meanwhile.
  void app.register(async (realtime) => {
    realtime.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, new FeedJson(body as Buffer)));
    realtime.post('/api/v1/transit/realtime', {
      config: { permission: 'transit:ingest' },
      schema: { tags: ['transit'], summary: 'Push a GTFS-Realtime FeedMessage (protobuf, or its JSON form): vehicle positions, trip updates, service alerts (a message with alerts, or an empty one, replaces the alerts pushed before; a DIFFERENTIAL one changes only those it names)', querystring: FeedQuery },
    }, async (request) => {
      const { feed } = request.query as { feed?: string };
      // Text of another type (text/plain, which Fastify reads as a string) is not a FeedMessage's form.
      if (typeof request.body === 'string') throw wrongMediaType(request.headers['content-type'], 'a FeedMessage is sent as application/x-protobuf, or in its JSON form as application/json');
      // Each user or token pushing is a source of its own: one system's empty message of positions must not
      // withdraw the alerts another system pushed to the same feed.
      const pusher = principalOf(request);
      return transit.ingestRealtime(feed, request.body, `push:${pusher.kind}:${pusher.id}`);
    });
  });

  app.get('/api/v1/transit/realtime/stats', {
    config: { permission: 'transit:read' },
    schema: { tags: ['transit'], summary: 'Counts of realtime messages and positions taken, stale, invalid, unmatched', querystring: FeedQuery },
  }, async (request) => {
    const feed = transit.runtime((request.query as { feed?: string }).feed);
    return { feed: feed.id, ...feed.counters, tracker: feed.tracker.counters, polling: pollSources(feed.id) };
  });

  app.get('/api/v1/transit/accuracy', {
    config: { permission: 'transit:read' },
    schema: {
      tags: ['transit'],
      summary: 'How right the arrival predictions were: of the announcements made 0-30 min before the bus came in the last `window` seconds, the share within the window of their horizon, by horizon and by route (the most missed first)',
      querystring: Type.Object({
        feed: Type.Optional(Type.String({ description: 'Feed id (optional when there is one feed)' })),
        window: Type.Integer({ minimum: 60, maximum: 86_400, default: 3600, description: 'Seconds back from now' }),
      }, { additionalProperties: false }),
    },
  }, async (request) => {
    const { feed: feedId, window } = request.query as { feed?: string; window: number };
    const feed = transit.runtime(feedId);
    return { feed: feed.id, goal: PREDICTION_ACCURACY_GOAL, window, ...feed.accuracy.summary(Math.floor(now() / 1000), window) };
  });

  // Passenger information is public, as on a stop board.
  app.get('/api/v1/transit/stops/:id/arrivals', {
    config: { public: true },
    schema: {
      tags: ['transit'], summary: 'Next arrivals at a stop: predicted time, delay, vehicle, live or scheduled',
      params: Type.Object({ id: Type.String() }),
      querystring: Type.Object({
        feed: Type.Optional(Type.String()),
        limit: Type.Integer({ minimum: 1, maximum: 100, default: 10 }),
        window: Type.Integer({ minimum: 60, maximum: 86_400, default: 3600, description: 'How far ahead to look for scheduled trips, seconds' }),
      }, { additionalProperties: false }),
    },
  }, async (request) => {
    const { feed, limit, window } = request.query as { feed?: string; limit: number; window: number };
    return transit.arrivals(feed, (request.params as { id: string }).id, { limit, windowSeconds: window });
  });

  const FeedFormat = Type.Object({ feed: Type.Optional(Type.String()), format: Type.Union([Type.Literal('protobuf'), Type.Literal('json')], { default: 'protobuf' }) }, { additionalProperties: false });
  const feeds: [string, string, (runtime: FeedRuntime, at: number) => Iterable<object>][] = [
    ['/gtfs-rt/trip-updates', 'GTFS-Realtime TripUpdates: predicted arrivals of every live vehicle and of the next trip of its block, and the operator\'s for runs without one',
      (runtime, at) => {
        const tracked = [...runtime.live(at)]; // once, for our own updates and for what they leave to others
        return tripUpdateEntities(tracked, at, (run) => runtime.copyIdOf(run), runtime.operatorOnlyTrips(at, tracked), runtime.followOnTrips(at, tracked));
      }],
    ['/gtfs-rt/vehicle-positions', 'GTFS-Realtime VehiclePositions of every live vehicle',
      (runtime, at) => vehiclePositionEntities(runtime.live(at), at, (run) => runtime.copyIdOf(run))],
    ['/gtfs-rt/alerts', 'GTFS-Realtime Alerts: the operator\'s service alerts in force, as the passenger pages show them',
      (runtime, at) => alertEntities(alertsInForce(runtime.alertSources.values(), at))],
  ];
  // Built an entity at a time, and shared by the consumers asking meanwhile (feed-snapshots.ts).
  const snapshots = new FeedSnapshots();
  for (const [path, summary, entitiesOf] of feeds) {
    app.get(path, { config: { public: true }, schema: { tags: ['transit'], summary, querystring: FeedFormat } }, async (request, reply) => {
      const { feed, format } = request.query as { feed?: string; format: 'protobuf' | 'json' };
      const runtime = transit.runtime(feed);
      const snapshot = await snapshots.get(runtime, `${path} ${format}`, () => {
        const at = Math.floor(now() / 1000);
        return encodeFeedInSlices(feedHeader(at), entitiesOf(runtime, at), format, pauseEvery(SLICE_MS));
      });
      reply.type(format === 'json' ? 'application/json; charset=utf-8' : 'application/x-protobuf');
      reply.header('vary', 'accept-encoding');
      const { chunks, gzipped, length } = await snapshot.bodyFor(request.headers['accept-encoding']);
      if (gzipped) reply.header('content-encoding', 'gzip');
      reply.header('content-length', length);
      return Readable.from(chunks);
    });
  }
}

/** A body of a type the route does not read as what it takes: a 415 saying which types it does. */
function wrongMediaType(type: string | undefined, expected: string): ProblemError {
  return new ProblemError(415, 'unsupported_media_type', 'Unsupported media type', `${expected}, not ${type ?? 'without a content type'}`, [{ name: 'content-type', reason: `${type ?? 'none'} is not taken here` }]);
}
