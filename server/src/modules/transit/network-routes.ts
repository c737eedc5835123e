// HTTP routes for the passenger pages and the headway monitor: thin — parse, call network.ts, answer.
// Stops, routes and the line diagram are public passenger information (as on a stop board); headway
// regularity is for the operations centre.
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { TransitService } from './service.js';
import { headwaysNow, listRoutes, routeDiagram, searchStops } from './network.js';
import { KEEP_IN_MEMORY_SECONDS, MAX_HISTORY_SECONDS, type HeadwayHistory } from './headway-history.js';
import { TransitError, TransitErrorCode } from './errors.js';
import { badRequest } from '../../platform/errors.js';

export function registerNetworkRoutes(app: FastifyInstance, transit: TransitService, history: HeadwayHistory, now: () => number): void {
  const seconds = () => Math.floor(now() / 1000);
  const Feed = Type.Optional(Type.String({ description: 'Feed id (optional when there is one feed)' }));

  app.get('/api/v1/transit/networks', {
    config: { public: true },
    schema: { tags: ['transit'], summary: 'The bus networks (GTFS feeds) with their operators, and the one requests naming no feed are for (`default`, null when they must name one)' },
  }, async () => transit.networks());

  app.get('/api/v1/transit/stops', {
    config: { public: true },
    schema: {
      tags: ['transit'],
      summary: 'Stops whose name or id contains `q`, with the routes calling there; with `lat` and `lon`, those within `radius` metres, the nearest first, each with its `distance`; `total`: how many match in all (at most `limit` are listed)',
      querystring: Type.Object({
        feed: Feed,
        q: Type.String({ maxLength: 100, default: '' }),
        limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
        lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
        lon: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
        radius: Type.Integer({ minimum: 50, maximum: 3000, default: 600 }),
      }, { additionalProperties: false }),
    },
  }, async (request) => {
    const { feed, q, limit, lat, lon, radius } = request.query as { feed?: string; q: string; limit: number; lat?: number; lon?: number; radius: number };
    if ((lat === undefined) !== (lon === undefined)) {
      const missing = lat === undefined ? 'lat' : 'lon';
      throw badRequest(`${missing}: required with ${missing === 'lat' ? 'lon' : 'lat'} (stops near a place need both)`, [{ name: missing, reason: 'required with the other coordinate' }]);
    }
    const runtime = transit.runtime(feed);
    return { feed: runtime.id, ...searchStops(runtime, q, limit, lat === undefined ? undefined : { lat, lon: lon!, radius }) };
  });

  app.get('/api/v1/transit/routes', {
    config: { public: true },
    schema: { tags: ['transit'], summary: 'The routes of a feed', querystring: Type.Object({ feed: Feed }, { additionalProperties: false }) },
  }, async (request) => {
    const runtime = transit.runtime((request.query as { feed?: string }).feed);
    return { feed: runtime.id, items: listRoutes(runtime) };
  });

  app.get('/api/v1/transit/routes/:id', {
    config: { public: true },
    schema: {
      tags: ['transit'], summary: 'A route\'s line diagram: stops in order per direction, live vehicles, and the gap from each to the one ahead',
      params: Type.Object({ id: Type.String() }),
      querystring: Type.Object({ feed: Feed }, { additionalProperties: false }),
    },
  }, async (request) => {
    const routeId = (request.params as { id: string }).id;
    const runtime = transit.runtimeHaving((request.query as { feed?: string }).feed, 'route', routeId);
    return routeDiagram(transit, runtime, routeId, seconds());
  });

  app.get('/api/v1/transit/headways', {
    config: { permission: 'transit:read' },
    schema: {
      tags: ['transit'],
      summary: 'Headway regularity per route and direction: over the last `window` seconds observed, or over a past period `from`-`to` from the stored stop passings (with figures per hour or day)',
      querystring: Type.Object({
        feed: Feed,
        window: Type.Integer({ minimum: 300, maximum: KEEP_IN_MEMORY_SECONDS, default: 3600 }),
        from: Type.Optional(Type.String({ format: 'date-time', description: 'Start of a past period (ISO 8601); the stored passings are used' })),
        to: Type.Optional(Type.String({ format: 'date-time', description: 'End of the period (default now)' })),
        route: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        direction: Type.Optional(Type.Integer({ minimum: 0, maximum: 1 })),
      }, { additionalProperties: false }),
    },
  }, async (request) => {
    const query = request.query as { feed?: string; window: number; from?: string; to?: string; route?: string; direction?: number };
    const runtime = transit.runtime(query.feed);
    if (query.route !== undefined && !runtime.timetable.routes.has(query.route)) {
      throw new TransitError(TransitErrorCode.UnknownRoute, `unknown route "${query.route}"`, [{ name: 'route', reason: 'unknown route' }]);
    }
    const filter = { routeId: query.route, directionId: query.direction };
    if (query.from === undefined) {
      if (query.to !== undefined) throw new TransitError(TransitErrorCode.InvalidPeriod, '`to` needs `from`', [{ name: 'from', reason: 'required with to' }]);
      return headwaysNow(transit, runtime, history.recorder, seconds(), query.window, filter);
    }
    const from = Math.floor(Date.parse(query.from) / 1000);
    const to = query.to === undefined ? seconds() : Math.floor(Date.parse(query.to) / 1000);
    if (!(to > from)) throw new TransitError(TransitErrorCode.InvalidPeriod, '`to` must be after `from`', [{ name: 'to', reason: 'not after from' }]);
    if (to - from > MAX_HISTORY_SECONDS) throw new TransitError(TransitErrorCode.InvalidPeriod, `a period is at most ${MAX_HISTORY_SECONDS / 86_400} days`, [{ name: 'from', reason: 'period too long' }]);
    return history.over(runtime, from, to, filter);
  });
}
