// HTTP routes for the passenger pages and the headway monitor: thin — parse, call network.ts, answer.
// Stops, routes and the line diagram are public passenger information (as on a stop board); headway
// regularity is for the operations centre.
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { TransitService } from './service.js';
import { headwaysNow, listRoutes, PassingRecorder, routeDiagram, searchStops } from './network.js';

/** How long stop passings are kept for headways over HTTP. */
const KEEP_SECONDS = 3 * 3600;

export function registerNetworkRoutes(app: FastifyInstance, transit: TransitService, now: () => number): PassingRecorder {
  const recorder = new PassingRecorder(KEEP_SECONDS, Math.floor(now() / 1000));
  transit.changes.on('vehicle', (feedId, live) => recorder.observe(feedId, live));
  const seconds = () => Math.floor(now() / 1000);
  const Feed = Type.Optional(Type.String({ description: 'Feed id (optional when there is one feed)' }));

  app.get('/api/v1/transit/stops', {
    config: { public: true },
    schema: {
      tags: ['transit'], summary: 'Stops whose name or id contains `q`, with the routes calling there',
      querystring: Type.Object({
        feed: Feed,
        q: Type.String({ maxLength: 100, default: '' }),
        limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
      }, { additionalProperties: false }),
    },
  }, async (request) => {
    const { feed, q, limit } = request.query as { feed?: string; q: string; limit: number };
    const runtime = transit.runtime(feed);
    return { feed: runtime.id, items: searchStops(runtime, q, limit) };
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
    const runtime = transit.runtime((request.query as { feed?: string }).feed);
    return routeDiagram(transit, runtime, (request.params as { id: string }).id, seconds());
  });

  app.get('/api/v1/transit/headways', {
    config: { permission: 'transit:read' },
    schema: {
      tags: ['transit'], summary: 'Headway regularity per route and direction over the last `window` seconds observed: actual vs scheduled, CV, excess wait, bunching, gaps',
      querystring: Type.Object({
        feed: Feed,
        window: Type.Integer({ minimum: 300, maximum: KEEP_SECONDS, default: 3600 }),
      }, { additionalProperties: false }),
    },
  }, async (request) => {
    const { feed, window } = request.query as { feed?: string; window: number };
    return headwaysNow(transit, transit.runtime(feed), recorder, seconds(), window);
  });

  return recorder;
}
