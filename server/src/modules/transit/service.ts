// The transit service: the feeds in memory (timetable, tracker, prediction engine per feed), fed by
// pushed GTFS-Realtime, answering arrivals and GTFS-Realtime feeds. The database holds the feeds and what
// the engines learned; vehicle state lives in memory.
import type { Arrival as ArrivalView, StopArrivals } from '@citypulse/contracts';
import { EventEmitter } from 'node:events';
import type { Db } from '../../platform/db/types.js';
import type { Logger } from '../../platform/logger.js';
import type { Clock } from '../../platform/clock.js';
import { buildTimetable, readFeedFile, type LoadOptions, type Timetable, type Trip } from './gtfs/timetable.js';
import { Tracker, type TripRun } from './tracking/tracker.js';
import { formatSecondOfDay, isFrequencyBased, tripInstances } from './tracking/frequencies.js';
import type { VehiclePing } from './tracking/positions.js';
import { PredictionEngine } from './prediction/engine.js';
import { LearnedModel } from './prediction/history.js';
import { followOn, type FollowOn } from './prediction/next-trip.js';
import { LiveAccuracy } from './accuracy/live.js';
import { deleteFeed, listFeeds, readStoredFeed, replaceFeed, type FeedCounts } from './feed-store.js';
import { decodeFeedMessage, pingsOf } from './realtime/feed-message.js';
import { TransitError, TransitErrorCode } from './errors.js';
import { keepSchedule, operatorTripsOf, type OperatorTrip } from './realtime/trip-updates.js';

export interface TransitContext { db: Db; logger: Logger; clock: Clock }

/** Positions older than this (against the server clock) are stale; newer than now + this are from the future. */
export const STALE_SECONDS = 300;
const FUTURE_SECONDS = 60;

export interface LiveVehicle {
  ping: VehiclePing;
  run: TripRun | null;
  onRoute: boolean;
  /** Predicted arrivals at stops run.nextIndex.. of the run's trip (POSIX seconds). */
  predictions: Float64Array | null;
  from: number;
}

export interface RealtimeCounters {
  messages: number; badMessages: number; positions: number; accepted: number; stale: number; invalid: number; unmatched: number;
  /** TripUpdate entities received, and what became of them (see realtime/trip-updates.ts). */
  tripUpdates: number; tripUpdatesUsed: number; tripUpdatesStale: number; tripUpdatesUnmatched: number; tripUpdatesInvalid: number;
  /** Of those used: runs the timetable does not have (duplicated or added by the operator). */
  tripUpdatesAdded: number;
}

/** Where a stop of a feed lies (its district code), or null. */
export type PlaceOfStop = (feed: FeedRuntime, stopId: string) => string | null;

export class FeedRuntime {
  readonly tracker: Tracker;
  readonly engine: PredictionEngine;
  /** How right the announcements of the last hours were, judged as the buses pass the stops. */
  readonly accuracy = new LiveAccuracy();
  readonly vehicles = new Map<string, LiveVehicle>();
  readonly counters: RealtimeCounters = { messages: 0, badMessages: 0, positions: 0, accepted: 0, stale: 0, invalid: 0, unmatched: 0, tripUpdates: 0, tripUpdatesUsed: 0, tripUpdatesStale: 0, tripUpdatesUnmatched: 0, tripUpdatesInvalid: 0, tripUpdatesAdded: 0 };
  /** The operator's latest TripUpdate of each trip run (key `tripId@serviceDay`), for trips without a tracked vehicle. */
  readonly operatorTrips = new Map<string, OperatorTrip>();

  constructor(readonly id: string, readonly timetable: Timetable, model: LearnedModel, placeOf: PlaceOfStop = () => null) {
    this.tracker = new Tracker(timetable);
    this.engine = new PredictionEngine(timetable, model);
    this.accuracy.placeOf = (stopId) => placeOf(this, stopId);
  }

  /**
   * The id the operator gave a copy of a timetable trip that a vehicle runs (DUPLICATED), or undefined (a
   * run of the timetable, or a copy in the older ADDED form, which goes by the trip it copies).
   */
  copyIdOf(run: TripRun): string | undefined {
    if (!run.added) return undefined;
    const id = this.operatorTrips.get(run.key)?.tripId;
    return id !== run.trip.id ? id : undefined;
  }

  /** One position through the tracker and the engine; the same path a replay takes. */
  observe(ping: VehiclePing): LiveVehicle {
    const update = this.tracker.observe(ping);
    let live: LiveVehicle = { ping, run: null, onRoute: false, predictions: null, from: 0 };
    if (update) {
      this.engine.learn(update);
      const predictions = this.engine.predict(update);
      this.accuracy.observe(update, predictions);
      live = { ping, run: update.run, onRoute: update.onRoute, predictions, from: update.run.nextIndex };
    }
    this.vehicles.set(ping.vehicleId, live);
    return live;
  }
}

/** One next arrival at a stop, as the API answers it (declared once, in contracts). */
export type { Arrival as ArrivalView } from '@citypulse/contracts';

export class TransitService {
  private readonly feeds = new Map<string, FeedRuntime>();
  /**
   * 'vehicle' (feedId, LiveVehicle) after each accepted position, 'operatorTrip' (feedId, OperatorTrip)
   * after each TripUpdate taken — what the per-stop streams listen to; 'feedDeleted' (feedId).
   */
  readonly changes = new EventEmitter().setMaxListeners(0);
  /**
   * Where stops lie, to split the live accuracy by district (set by the headway vitals, which know the
   * districts' outlines); looked up when an arrival is judged, so it applies to feeds imported later too.
   */
  placeOfStop: PlaceOfStop | null = null;
  private readonly placeOf: PlaceOfStop = (feed, stopId) => this.placeOfStop?.(feed, stopId) ?? null;

  constructor(private readonly ctx: TransitContext) {}

  /** Loads every stored feed (and what its engine learned) into memory. */
  async load(): Promise<void> {
    for (const summary of await listFeeds(this.ctx.db)) {
      const draft = await readStoredFeed(this.ctx.db, summary.id);
      if (!draft) continue;
      const [saved] = await this.ctx.db.query<{ model: unknown }>('select model from transit_model where feed_id = $1', [summary.id]);
      let model = new LearnedModel();
      try {
        if (saved) model = LearnedModel.fromJSON(typeof saved.model === 'string' ? JSON.parse(saved.model) : saved.model);
      } catch (error) {
        this.ctx.logger.warn({ err: error, feed: summary.id }, 'saved transit model unreadable; starting from the timetable');
      }
      this.feeds.set(summary.id, new FeedRuntime(summary.id, buildTimetable(draft), model, this.placeOf));
    }
  }

  feedIds(): string[] {
    return [...this.feeds.keys()].sort();
  }

  listFeeds() {
    return listFeeds(this.ctx.db);
  }

  /** The feed asked for, or the only one when none is named. */
  runtime(feedId?: string): FeedRuntime {
    if (feedId) {
      const feed = this.feeds.get(feedId);
      if (!feed) throw new TransitError(TransitErrorCode.UnknownFeed, `unknown feed "${feedId}"`, [{ name: 'feed', reason: 'unknown feed' }]);
      return feed;
    }
    if (this.feeds.size === 1) return this.feeds.values().next().value!;
    throw new TransitError(TransitErrorCode.UnknownFeed, this.feeds.size ? `name the feed: one of ${this.feedIds().join(', ')}` : 'no GTFS feed has been imported', [{ name: 'feed', reason: this.feeds.size ? 'required when there are several feeds' : 'no feed' }]);
  }

  /** Validates and stores a GTFS zip as feed `feedId`, replacing it whole if it exists. */
  async importFeed(feedId: string, source: string | Buffer, sourceName: string, options: LoadOptions & { onRows?: (table: string, rows: number) => void } = {}): Promise<FeedCounts> {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(feedId)) throw new TransitError(TransitErrorCode.InvalidFeed, 'a feed id is 1-64 letters, digits, dots, dashes or underscores', [{ name: 'id', reason: 'not a feed id' }]);
    const draft = await readFeedFile(source, options);
    const timetable = buildTimetable(draft); // checks what only whole trips show (order, times going back)
    const counts = await replaceFeed(this.ctx.db, feedId, draft, sourceName, options.onRows);
    const previous = this.feeds.get(feedId);
    const runtime = new FeedRuntime(feedId, timetable, previous?.engine.model ?? new LearnedModel(), this.placeOf);
    // The figures of how right the feed's announcements were carry over (its live vehicles start afresh).
    if (previous) runtime.accuracy.restore(previous.accuracy.minutesBetween(-Infinity, Infinity));
    this.feeds.set(feedId, runtime);
    return counts;
  }

  async deleteFeed(feedId: string): Promise<void> {
    if (!(await deleteFeed(this.ctx.db, feedId))) throw new TransitError(TransitErrorCode.UnknownFeed, `unknown feed "${feedId}"`, [{ name: 'id', reason: 'unknown feed' }]);
    this.feeds.delete(feedId);
    this.changes.emit('feedDeleted', feedId);
  }

  /** Takes a pushed FeedMessage; bad bodies are counted and refused, stale or unusable entities counted and skipped. */
  ingestRealtime(feedId: string | undefined, body: Buffer | unknown) {
    const feed = this.runtime(feedId);
    const counters = feed.counters;
    let message;
    try {
      message = decodeFeedMessage(body);
    } catch (error) {
      counters.badMessages++;
      throw error;
    }
    counters.messages++;
    const now = this.ctx.clock.now() / 1000;
    const { pings, invalid, tripUpdates } = pingsOf(message);
    const report = { positions: pings.length + invalid, accepted: 0, stale: 0, invalid, unmatched: 0, tripUpdates };
    // Oldest first, so that the tracker sees each vehicle's positions in order.
    pings.sort((a, b) => a.time - b.time);
    for (const ping of pings) {
      const previous = feed.vehicles.get(ping.vehicleId);
      if (ping.time < now - STALE_SECONDS || (previous && ping.time <= previous.ping.time)) { report.stale++; continue; }
      if (ping.time > now + FUTURE_SECONDS) { report.invalid++; continue; }
      const live = feed.observe(ping);
      if (live.run) {
        report.accepted++;
        this.changes.emit('vehicle', feed.id, live);
      } else report.unmatched++;
    }
    counters.positions += report.positions;
    counters.accepted += report.accepted;
    counters.stale += report.stale;
    counters.invalid += report.invalid;
    counters.unmatched += report.unmatched;
    counters.tripUpdates += tripUpdates;
    const operator = this.takeTripUpdates(feed, message, now);
    return { ...report, tripUpdatesUsed: operator.used, tripUpdatesStale: operator.stale, tripUpdatesUnmatched: operator.unmatched, tripUpdatesInvalid: operator.invalid, tripUpdatesAdded: operator.added };
  }

  /** Keeps the operator's TripUpdates of a message (newer than what is held per trip run), forgetting stale ones. */
  private takeTripUpdates(feed: FeedRuntime, message: Parameters<typeof operatorTripsOf>[0], now: number) {
    const judge = (timestamp: number) => (timestamp < now - STALE_SECONDS ? 'stale' : timestamp > now + FUTURE_SECONDS ? 'invalid' : 'ok') as 'ok' | 'stale' | 'invalid';
    const addedRunOf = (tripId: string) => {
      for (const held of feed.operatorTrips.values()) if (held.added && held.tripId === tripId) return held;
      return undefined;
    };
    const { trips, report } = operatorTripsOf(message, feed.timetable, (trip, time) => feed.tracker.serviceDayOf(trip, time), judge, addedRunOf);
    for (const taken of trips) {
      const held = feed.operatorTrips.get(taken.key);
      if (held && held.timestamp > taken.timestamp) { report.used--; report.stale++; if (taken.added) report.added--; continue; }
      const trip = keepSchedule(held, taken);
      feed.operatorTrips.set(trip.key, trip);
      this.changes.emit('operatorTrip', feed.id, trip);
    }
    for (const [key, trip] of feed.operatorTrips) if (trip.timestamp < now - STALE_SECONDS) feed.operatorTrips.delete(key);
    const counters = feed.counters;
    counters.tripUpdatesUsed += report.used;
    counters.tripUpdatesStale += report.stale;
    counters.tripUpdatesUnmatched += report.unmatched;
    counters.tripUpdatesInvalid += report.invalid;
    counters.tripUpdatesAdded += report.added;
    return report;
  }

  /** Vehicles heard from recently, on a trip with stops ahead. */
  *liveVehicles(feed: FeedRuntime): Generator<LiveVehicle & { run: TripRun }> {
    const now = this.ctx.clock.now() / 1000;
    for (const live of feed.vehicles.values()) {
      if (live.run && now - live.ping.time <= STALE_SECONDS) yield live as LiveVehicle & { run: TripRun };
    }
  }

  /**
   * The operator's fresh TripUpdates of runs no vehicle of ours is tracked on (those a vehicle runs are
   * predicted by the engine): what the boards show from the operator, for our outgoing trip updates.
   */
  *operatorOnlyTrips(feed: FeedRuntime): Generator<OperatorTrip> {
    const now = this.ctx.clock.now() / 1000;
    const covered = new Set<string>();
    for (const live of this.liveVehicles(feed)) covered.add(live.run.key);
    for (const trip of feed.operatorTrips.values()) {
      if (trip.timestamp >= now - STALE_SECONDS && !covered.has(trip.key)) yield trip;
    }
  }

  /**
   * The next trips of tracked buses' blocks (prediction/next-trip.ts) that no other bus is tracked on and
   * the operator says nothing of (their own word comes first), each with the bus that will run it.
   */
  followOnTrips(feed: FeedRuntime, tracked = [...this.liveVehicles(feed)], now = this.ctx.clock.now() / 1000): Array<FollowOn & { vehicleId: string }> {
    const taken = new Set(tracked.map((live) => live.run.key));
    const out: Array<FollowOn & { vehicleId: string }> = [];
    for (const live of tracked) {
      const next = live.predictions ? followOn(feed.timetable, live.run, live.predictions) : null;
      if (!next || taken.has(next.key) || this.freshOperatorTrip(feed, next.key, now)) continue;
      taken.add(next.key);
      out.push({ ...next, vehicleId: live.ping.vehicleId });
    }
    return out;
  }

  /** The operator's TripUpdate of a run, unless it is stale. */
  private freshOperatorTrip(feed: FeedRuntime, key: string, now: number): OperatorTrip | undefined {
    const operator = feed.operatorTrips.get(key);
    return operator && operator.timestamp >= now - STALE_SECONDS ? operator : undefined;
  }

  /** The next arrivals at a stop: live predictions first-hand, the timetable for trips without a vehicle. */
  arrivals(feedId: string | undefined, stopId: string, options: { limit: number; windowSeconds: number }): StopArrivals {
    const feed = this.runtime(feedId);
    const stop = feed.timetable.stops.get(stopId);
    if (!stop) throw new TransitError(TransitErrorCode.UnknownStop, `unknown stop "${stopId}"`, [{ name: 'id', reason: 'unknown stop' }]);
    const now = this.ctx.clock.now() / 1000;
    const arrivals: ArrivalView[] = [];
    const covered = new Set<string>();
    const tracked = [...this.liveVehicles(feed)];
    for (const live of tracked) {
      const { run } = live;
      covered.add(run.key);
      if (!live.predictions) continue;
      run.trip.pattern.stopIds.forEach((id, index) => {
        if (id !== stopId || index < live.from) return;
        const predicted = live.predictions![index - live.from]!;
        const scheduled = run.serviceStart + run.trip.arrivals[index]!;
        arrivals.push({ tripId: feed.copyIdOf(run) ?? run.trip.id, routeId: run.trip.routeId, headsign: run.trip.headsign, stopSequence: run.trip.stopSequences[index]!, scheduledArrival: scheduled, predictedArrival: Math.round(predicted), delaySeconds: Math.round(predicted - scheduled), vehicleId: live.ping.vehicleId, live: true, source: 'vehicle' });
      });
    }
    // The next trip of a tracked bus's block: it leaves when that bus can start it.
    for (const next of this.followOnTrips(feed, tracked, now)) {
      covered.add(next.key);
      const { trip } = next;
      trip.pattern.stopIds.forEach((id, index) => {
        if (id !== stopId) return;
        const scheduled = next.dayStart + trip.arrivals[index]!;
        const predicted = scheduled + next.delay;
        if (predicted < now - 60 || predicted > now + options.windowSeconds) return;
        arrivals.push({ tripId: trip.id, routeId: trip.routeId, headsign: trip.headsign, stopSequence: trip.stopSequences[index]!, scheduledArrival: scheduled, predictedArrival: predicted, delaySeconds: next.delay, vehicleId: next.vehicleId, live: true, source: 'vehicle' });
      });
    }
    const clock = feed.timetable.clock;
    const today = clock.localDay(now);
    for (const day of [today - 1, today]) {
      const start = clock.serviceDayStart(day);
      for (const { trip, index } of feed.timetable.tripsByStop.get(stopId) ?? []) for (const instance of scheduledRuns(trip, day)) {
        const scheduled = start + trip.arrivals[index]! + instance.offset;
        const key = instance.key;
        if (covered.has(key)) continue;
        // The operator's prediction where it has one for this stop (and is fresh); a canceled trip does not come.
        const fresh = this.freshOperatorTrip(feed, key, now);
        if (fresh?.canceled) continue;
        const predicted = fresh && Number.isFinite(fresh.arrivals[index]!) ? Math.round(fresh.arrivals[index]!) : null;
        const shown = predicted ?? scheduled;
        if (shown < (predicted === null ? now : now - 60) || shown > now + options.windowSeconds) continue;
        if (feed.tracker.serviceDayOf(trip, scheduled) !== day) continue; // the trip does not run that day
        arrivals.push(predicted === null
          ? { tripId: trip.id, routeId: trip.routeId, headsign: trip.headsign, stopSequence: trip.stopSequences[index]!, scheduledArrival: scheduled, predictedArrival: scheduled, delaySeconds: 0, vehicleId: null, live: false, source: 'timetable' }
          : { tripId: trip.id, routeId: trip.routeId, headsign: trip.headsign, stopSequence: trip.stopSequences[index]!, scheduledArrival: scheduled, predictedArrival: predicted, delaySeconds: predicted - scheduled, vehicleId: fresh!.vehicleId, live: true, source: 'operator' });
      }
    }
    // Runs the timetable does not have (duplicated or added by the operator) come only from the operator.
    for (const run of feed.operatorTrips.values()) {
      if (!run.added || run.canceled || run.timestamp < now - STALE_SECONDS || covered.has(run.key)) continue;
      run.stopIds.forEach((id, index) => {
        const predicted = run.arrivals[index]!;
        if (id !== stopId || !Number.isFinite(predicted) || predicted < now - 60 || predicted > now + options.windowSeconds) return;
        const scheduled = Number.isFinite(run.scheduled[index]!) ? Math.round(run.scheduled[index]!) : Math.round(predicted);
        arrivals.push({ tripId: run.tripId, routeId: run.routeId, headsign: run.headsign, stopSequence: run.stopSequences[index]!, scheduledArrival: scheduled, predictedArrival: Math.round(predicted), delaySeconds: Math.round(predicted) - scheduled, vehicleId: run.vehicleId, live: true, source: 'operator' });
      });
    }
    arrivals.sort((a, b) => a.predictedArrival - b.predictedArrival);
    return { stop: { id: stop.id, name: stop.name, timeZone: feed.timetable.agencyTimezone }, arrivals: arrivals.filter((a) => a.predictedArrival >= now - 60).slice(0, options.limit) };
  }

  /** Saves what each engine learned. */
  async saveModels(): Promise<void> {
    for (const feed of this.feeds.values()) {
      await this.ctx.db.query(
        `insert into transit_model (feed_id, model) values ($1, $2::jsonb)
         on conflict (feed_id) do update set model = excluded.model, saved_at = now()`,
        [feed.id, JSON.stringify(feed.engine.model.toJSON())]);
    }
  }
}

/**
 * The runs of a trip on a service day as the tracker keys them: the trip itself, or for a
 * frequency-based trip each instance, its times moved from the template's by `offset` seconds.
 */
function scheduledRuns(trip: Trip, day: number): { key: string; offset: number }[] {
  if (!isFrequencyBased(trip)) return [{ key: `${trip.id}@${day}`, offset: 0 }];
  return Array.from(tripInstances(trip), (start) => ({ key: `${trip.id}@${day}+${formatSecondOfDay(start)}`, offset: start - trip.departures[0]! }));
}
