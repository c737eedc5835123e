// One feed in memory: its timetable, the tracker and prediction engine its positions go through, its live
// vehicles, the operator's TripUpdates taken, and how right its announcements were. What the stop boards,
// the outgoing feeds and the headway monitor read; the service (service.ts) loads, feeds and replaces it.
import type { AlertSource } from './realtime/alerts.js';
import type { Timetable, Trip } from './gtfs/timetable.js';
import { Tracker, type TripRun } from './tracking/tracker.js';
import type { VehiclePing } from './tracking/positions.js';
import { PredictionEngine } from './prediction/engine.js';
import type { LearnedModel } from './prediction/history.js';
import { followOn, type FollowOn } from './prediction/next-trip.js';
import { LiveAccuracy } from './accuracy/live.js';
import type { OperatorTrip } from './realtime/trip-updates.js';

/** Positions and the operator's TripUpdates older than this (against the server clock) are stale. */
const STALE_SECONDS = 300;
/** Whether something dated `time` is still fresh at `now` (POSIX seconds). */
export const isFresh = (time: number, now: number) => time >= now - STALE_SECONDS;

export interface LiveVehicle {
  ping: VehiclePing;
  run: TripRun | null;
  onRoute: boolean;
  /** Predicted arrivals at stops run.nextIndex.. of the run's trip (POSIX seconds). */
  predictions: Float64Array | null;
  from: number;
}

/** A live vehicle on a trip. */
export type TrackedVehicle = LiveVehicle & { run: TripRun };

export interface RealtimeCounters {
  messages: number; badMessages: number; positions: number; accepted: number; stale: number; invalid: number; unmatched: number;
  /** TripUpdate entities received, and what became of them (see realtime/trip-updates.ts). */
  tripUpdates: number; tripUpdatesUsed: number; tripUpdatesStale: number; tripUpdatesUnmatched: number; tripUpdatesInvalid: number;
  /** Of those used: runs the timetable does not have (duplicated or added by the operator). */
  tripUpdatesAdded: number;
  /** Service alerts received, and those unusable (realtime/alerts.ts). */
  alerts: number; alertsInvalid: number;
}

/** Where a stop of a feed lies (its district code), or null. */
export type PlaceOfStop = (feed: FeedRuntime, stopId: string) => string | null;

/**
 * A vehicle silent this long is forgotten, with its place on its trip. Without it a feed whose vehicle ids
 * change (one per trip or per shift, or the entity's id when the descriptor is missing) would keep every
 * id it ever sent: 10,000 trips a day is 300,000 vehicles a month.
 */
const VEHICLE_MEMORY_SECONDS = 6 * 3600;
/** Positions taken between two looks for vehicles to forget. */
const FORGET_EVERY = 10_000;

export class FeedRuntime {
  readonly tracker: Tracker;
  readonly engine: PredictionEngine;
  /** How right the announcements of the last hours were, judged as the buses pass the stops. */
  readonly accuracy = new LiveAccuracy();
  readonly vehicles = new Map<string, LiveVehicle>();
  /** The ids of the vehicles last placed on each trip (a copy counts under the trip it copies): a stop board looks up the trips calling there, not every vehicle. */
  private readonly onTrip = new Map<Trip, Set<string>>();
  readonly counters: RealtimeCounters = { messages: 0, badMessages: 0, positions: 0, accepted: 0, stale: 0, invalid: 0, unmatched: 0, tripUpdates: 0, tripUpdatesUsed: 0, tripUpdatesStale: 0, tripUpdatesUnmatched: 0, tripUpdatesInvalid: 0, tripUpdatesAdded: 0, alerts: 0, alertsInvalid: 0 };
  /** The operator's latest TripUpdate of each trip run (key `tripId@serviceDay`), for trips without a tracked vehicle. */
  readonly operatorTrips = new Map<string, OperatorTrip>();
  /** The operator's service alerts, by the source they came from (a polled URL's id, or pushes). */
  readonly alertSources = new Map<string, AlertSource>();
  private observed = 0;
  private latest = -Infinity;

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
    const before = this.vehicles.get(ping.vehicleId)?.run?.trip;
    if (before && before !== live.run?.trip) this.onTrip.get(before)?.delete(ping.vehicleId);
    if (live.run) {
      let ids = this.onTrip.get(live.run.trip);
      if (!ids) this.onTrip.set(live.run.trip, ids = new Set());
      ids.add(ping.vehicleId);
    }
    this.vehicles.set(ping.vehicleId, live);
    this.latest = Math.max(this.latest, ping.time);
    if (++this.observed % FORGET_EVERY === 0) this.forgetSilent(this.latest - VEHICLE_MEMORY_SECONDS);
    return live;
  }

  private forgetSilent(before: number) {
    for (const [id, live] of this.vehicles) {
      if (live.ping.time >= before) continue;
      this.vehicles.delete(id);
      if (live.run) this.onTrip.get(live.run.trip)?.delete(id);
      this.tracker.forget(id);
    }
  }

  /** Vehicles heard from in the last `STALE_SECONDS` before `now`, on a trip. */
  *live(now: number): Generator<TrackedVehicle> {
    for (const live of this.vehicles.values()) {
      if (live.run && isFresh(live.ping.time, now)) yield live as TrackedVehicle;
    }
  }

  /** The vehicles live on a trip (or on a copy of it) at `now`. */
  *liveOn(trip: Trip, now: number): Generator<TrackedVehicle> {
    for (const id of this.onTrip.get(trip) ?? []) {
      const live = this.vehicles.get(id);
      if (live?.run?.trip === trip && isFresh(live.ping.time, now)) yield live as TrackedVehicle;
    }
  }

  /**
   * The runs of `trip` that a bus live on an earlier trip of its block will run next (see
   * prediction/next-trip.ts), unless the operator's word on them is fresh: what a stop board of `trip` shows.
   */
  *followOnsOf(trip: Trip, now: number): Generator<FollowOn & { vehicleId: string }> {
    if (trip.blockId === null) return;
    for (const before of this.timetable.tripsByBlock.get(trip.blockId) ?? []) {
      if (before === trip) break; // in the block's order, only the trips before it lead to it
      for (const live of this.liveOn(before, now)) {
        const next = live.predictions ? followOn(this.timetable, live.run, live.predictions) : null;
        if (next?.trip !== trip || this.operatorTrip(next.key, now)) continue;
        yield { ...next, vehicleId: live.ping.vehicleId };
      }
    }
  }

  /** The operator's TripUpdate of a run, unless it is stale. */
  operatorTrip(key: string, now: number): OperatorTrip | undefined {
    const operator = this.operatorTrips.get(key);
    return operator && isFresh(operator.timestamp, now) ? operator : undefined;
  }

  /**
   * The operator's fresh TripUpdates of runs no vehicle of ours is tracked on (those a vehicle runs are
   * predicted by the engine): what the boards show from the operator, for our outgoing trip updates.
   */
  *operatorOnlyTrips(now: number, tracked: TrackedVehicle[] = [...this.live(now)]): Generator<OperatorTrip> {
    const covered = new Set(tracked.map((live) => live.run.key));
    for (const trip of this.operatorTrips.values()) {
      if (isFresh(trip.timestamp, now) && !covered.has(trip.key)) yield trip;
    }
  }

  /**
   * The next trips of tracked buses' blocks (prediction/next-trip.ts) that no other bus is tracked on and
   * the operator says nothing of (their own word comes first), each with the bus that will run it.
   */
  followOnTrips(now: number, tracked: TrackedVehicle[] = [...this.live(now)]): Array<FollowOn & { vehicleId: string }> {
    const taken = new Set(tracked.map((live) => live.run.key));
    const out: Array<FollowOn & { vehicleId: string }> = [];
    for (const live of tracked) {
      const next = live.predictions ? followOn(this.timetable, live.run, live.predictions) : null;
      if (!next || taken.has(next.key) || this.operatorTrip(next.key, now)) continue;
      taken.add(next.key);
      out.push({ ...next, vehicleId: live.ping.vehicleId });
    }
    return out;
  }
}
