// A stop's arrivals as Server-Sent Events, for stop boards and apps: the list on connect, then again
// whenever a vehicle whose trip calls at the stop reports, or the operator sends a TripUpdate for such a
// trip (at most once a second).
// See: https://html.spec.whatwg.org/multipage/server-sent-events.html
import type { FastifyInstance } from 'fastify';
import type { ServerResponse } from 'node:http';
import { Type } from 'typebox';
import type { TransitService } from './service.js';
import type { LiveVehicle } from './feed-runtime.js';
import { nextTripInBlock } from './prediction/next-trip.js';
import type { OperatorTrip } from './realtime/trip-updates.js';

const HEARTBEAT_MS = 15_000;
const THROTTLE_MS = 1_000;

export function registerStopStreamRoute(app: FastifyInstance, transit: TransitService): void {
  const open = new Set<ServerResponse>();
  app.addHook('preClose', async () => {
    for (const response of open) response.end();
  });

  app.get('/api/v1/transit/stops/:id/stream', {
    config: { public: true },
    schema: {
      tags: ['transit'], summary: 'A stop\'s next arrivals, live (text/event-stream, event "arrivals")',
      params: Type.Object({ id: Type.String() }),
      querystring: Type.Object({ feed: Type.Optional(Type.String()), limit: Type.Integer({ minimum: 1, maximum: 100, default: 10 }) }, { additionalProperties: false }),
    },
  }, (request, reply) => {
    const { feed, limit } = request.query as { feed?: string; limit: number };
    const stopId = (request.params as { id: string }).id;
    const runtime = transit.runtime(feed); // unknown feed: a 404 before the stream starts
    const arrivals = () => transit.arrivals(runtime.id, stopId, { limit, windowSeconds: 3600 });
    const first = arrivals(); // unknown stop: a 404 before the stream starts
    reply.hijack();
    const response = reply.raw;
    response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    open.add(response);
    let sequence = 0;
    const send = (body: unknown) => response.write(`id: ${++sequence}\nevent: arrivals\ndata: ${JSON.stringify(body)}\n\n`);
    send(first);
    let pending: NodeJS.Timeout | null = null;
    let lastSent = Date.now();
    const schedule = () => {
      pending = setTimeout(() => {
        pending = null;
        lastSent = Date.now();
        send(arrivals());
      }, Math.max(0, THROTTLE_MS - (Date.now() - lastSent)));
    };
    // A bus calling here, or one whose block's next trip calls here (its lateness carries into that trip).
    const callsHere = (live: LiveVehicle) => {
      const run = live.run!;
      if (run.trip.pattern.stopIds.includes(stopId)) return true;
      return nextTripInBlock(runtime.timetable, run.trip, run.serviceDay)?.pattern.stopIds.includes(stopId) ?? false;
    };
    const onVehicle = (feedId: string, live: LiveVehicle) => {
      if (feedId !== runtime.id || !live.run || pending || !callsHere(live)) return;
      schedule();
    };
    const onOperatorTrip = (feedId: string, trip: OperatorTrip) => {
      if (feedId !== runtime.id || !trip.stopIds.includes(stopId) || pending) return;
      schedule();
    };
    transit.changes.on('vehicle', onVehicle);
    transit.changes.on('operatorTrip', onOperatorTrip);
    const heartbeat = setInterval(() => response.write(': heartbeat\n\n'), HEARTBEAT_MS);
    const close = () => {
      clearInterval(heartbeat);
      if (pending) clearTimeout(pending);
      transit.changes.off('vehicle', onVehicle);
      transit.changes.off('operatorTrip', onOperatorTrip);
      open.delete(response);
    };
    request.raw.on('close', close);
    response.on('error', close);
  });
}
