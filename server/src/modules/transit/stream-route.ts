// A stop's arrivals as Server-Sent Events, for stop boards and apps: the list on connect, then again
// whenever a vehicle whose trip (or its block's next trip) calls at the stop reports, or the operator
// sends a TripUpdate for such a trip (at most once a second). Each event goes to the streams of the stops
// it concerns through one index, so the cost of a position does not grow with the displays open.
// See: https://html.spec.whatwg.org/multipage/server-sent-events.html
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, type Registry } from 'prom-client';
import { ProblemError } from '../../platform/errors.js';
import type { ServerResponse } from 'node:http';
import { Type } from 'typebox';
import type { TransitService } from './service.js';
import type { LiveVehicle } from './feed-runtime.js';
import { nextTripInBlock } from './prediction/next-trip.js';
import type { OperatorTrip } from './realtime/trip-updates.js';

const HEARTBEAT_MS = 15_000;
const THROTTLE_MS = 1_000;
/** What a refused client is told to wait before trying again; pages carry on polling meanwhile. */
const RETRY_AFTER_SECONDS = 30;

export interface StreamLimits {
  /** Streams this process keeps open at once: each holds a socket (a file descriptor) and a timer. */
  maxStreams: number;
  /** Streams from one client address, so that one client cannot take them all. */
  maxPerClient: number;
  metrics?: Registry;
}

function refuse(status: 429 | 503, detail: string, refused?: Counter<'limit'>): never {
  refused?.inc({ limit: status === 503 ? 'process' : 'client' });
  throw new ProblemError(status, 'too_many_streams', 'Too many streams', detail, undefined, { retryAfterSeconds: RETRY_AFTER_SECONDS });
}

export function registerStopStreamRoute(app: FastifyInstance, transit: TransitService, limits: StreamLimits): void {
  const open = new Set<ServerResponse>();
  /** Open streams per client address. */
  const perClient = new Map<string, number>();
  if (limits.metrics) {
    new Gauge({ name: 'citypulse_transit_streams_open', help: 'Live stop streams open', registers: [limits.metrics], collect() {
      this.set(open.size);
    } });
  }
  // Refusals by the limit reached: a count that keeps rising says the limits want raising (or a client misbehaves).
  const refused = limits.metrics
    ? new Counter({ name: 'citypulse_transit_streams_refused_total', help: 'Live stop streams refused, by the limit reached (process, client)', labelNames: ['limit'] as const, registers: [limits.metrics] })
    : undefined;
  app.addHook('preClose', async () => {
    for (const response of open) response.end();
  });
  /** The streams open per feed and stop (`feed\u0000stop`): what to call when something there changes. */
  const watching = new Map<string, Set<() => void>>();
  const wake = (feedId: string, stopIds: Iterable<string>) => {
    const stops = transit.runtime(feedId).timetable.stops;
    for (const stopId of stopIds) {
      for (const notify of watching.get(`${feedId}\u0000${stopId}`) ?? []) notify();
      // A station's board shows the arrivals at its stops.
      const station = stops.get(stopId)?.parentStation;
      if (station) for (const notify of watching.get(`${feedId}\u0000${station}`) ?? []) notify();
    }
  };
  const onVehicle = (feedId: string, live: LiveVehicle) => {
    if (watching.size === 0 || !live.run) return;
    const run = live.run;
    wake(feedId, run.trip.pattern.stopIds);
    // Its lateness carries into its block's next trip.
    const next = run.trip.blockId === null ? null : nextTripInBlock(transit.runtime(feedId).timetable, run.trip, run.serviceDay);
    if (next) wake(feedId, next.pattern.stopIds);
  };
  const onOperatorTrip = (feedId: string, trip: OperatorTrip) => {
    if (watching.size > 0) wake(feedId, trip.stopIds);
  };
  /** Every stream of the feed looks again. */
  const wakeFeed = (feedId: string) => {
    for (const [key, streams] of watching) if (key.startsWith(`${feedId}\u0000`)) for (const notify of streams) notify();
  };
  // (EventEmitter's listeners take any arguments: each of these takes those of its event.)
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const listeners: Array<[string, (...args: any[]) => void]> = [
    ['vehicle', onVehicle],
    ['operatorTrip', onOperatorTrip],
    // An alert may concern any stop of the feed (a whole route, the agency).
    ['alerts', wakeFeed],
    // A feed re-imported or deleted: each stream looks under the new timetable, or finds its stop (or the
    // feed) gone and ends with a reset, where it sat open with heartbeats alone.
    ['feedReplaced', wakeFeed],
    ['feedDeleted', wakeFeed],
  ];
  for (const [event, listener] of listeners) transit.changes.on(event, listener);
  app.addHook('onClose', async () => {
    for (const [event, listener] of listeners) transit.changes.off(event, listener);
  });

  app.get('/api/v1/transit/stops/:id/stream', {
    config: { public: true },
    schema: {
      tags: ['transit'], summary: 'A stop\'s next arrivals, live (text/event-stream, event "arrivals")',
      params: Type.Object({ id: Type.String() }),
      // lastEventId: sent by clients that reopen streams after an error; every stream starts with the whole list, so it is not needed.
      querystring: Type.Object({ feed: Type.Optional(Type.String()), limit: Type.Integer({ minimum: 1, maximum: 100, default: 10 }), lastEventId: Type.Optional(Type.String()) }, { additionalProperties: false }),
    },
  }, (request, reply) => {
    const { feed, limit } = request.query as { feed?: string; limit: number };
    const stopId = (request.params as { id: string }).id;
    const runtime = transit.runtimeHaving(feed, 'stop', stopId); // unknown feed: a 404 before the stream starts
    // Refused before any arrivals are worked out: under a crowd of displays, a refusal should cost nothing.
    const client = request.ip;
    if (open.size >= limits.maxStreams) refuse(503, `this server has the ${limits.maxStreams} live stop streams open it can keep; try again later, or read /api/v1/transit/stops/${stopId}/arrivals`, refused);
    if ((perClient.get(client) ?? 0) >= limits.maxPerClient) refuse(429, `${limits.maxPerClient} live stop streams are already open from ${client}, as many as one client may have`, refused);
    const arrivals = () => transit.arrivals(runtime.id, stopId, { limit, windowSeconds: 3600 });
    const first = arrivals(); // unknown stop: a 404 before the stream starts
    perClient.set(client, (perClient.get(client) ?? 0) + 1);
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
        let next: ReturnType<typeof arrivals>;
        try {
          next = arrivals();
        } catch (error) {
          // The stop or its feed is gone (the feed re-imported without it, or deleted) while an update was
          // due: the page is told to reload, which finds the stop gone, and the stream ends. A throw here,
          // in a timer, would take the whole process down.
          if (error instanceof ProblemError && error.status === 404) {
            response.end(`event: reset\ndata: ${JSON.stringify({ reason: error.message })}\n\n`);
            close();
          } else {
            request.log.error({ err: error, stopId }, 'stop stream update failed');
          }
          return;
        }
        send(next);
      }, Math.max(0, THROTTLE_MS - (Date.now() - lastSent)));
    };
    const notify = () => {
      if (!pending) schedule();
    };
    const key = `${runtime.id}\u0000${stopId}`;
    let streams = watching.get(key);
    if (!streams) watching.set(key, streams = new Set());
    streams.add(notify);
    const heartbeat = setInterval(() => response.write(': heartbeat\n\n'), HEARTBEAT_MS);
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      const count = perClient.get(client)! - 1;
      if (count === 0) perClient.delete(client);
      else perClient.set(client, count);
      clearInterval(heartbeat);
      if (pending) clearTimeout(pending);
      streams!.delete(notify);
      // (after a new stream of the stop took a new set: keep that one)
      if (streams!.size === 0 && watching.get(key) === streams) watching.delete(key);
      open.delete(response);
    };
    request.raw.on('close', close);
    response.on('error', close);
  });
}
