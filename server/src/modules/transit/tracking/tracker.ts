// Tracking: each vehicle position matched to a trip run (a trip on one service day) and to its progress
// along the trip's path; stops the vehicle went past get a passing time interpolated between the two pings
// around them. The tracker only ever looks at the current ping and what it kept from earlier ones.
import { firstWithin, nearestOnPath, type Path } from './geometry.js';
import { serviceRuns, type Timetable, type Trip } from '../gtfs/timetable.js';
import type { VehiclePing } from './positions.js';
import { formatSecondOfDay, isFrequencyBased, nearestInstance, tripInstances, tripSpan } from './frequencies.js';

export interface TrackerOptions {
  /** A position farther than this from the trip's path is off route (detour, deadhead, bad fix). */
  maxOffsetMetres: number;
  /** Noise allowance: a position this far behind the vehicle's progress is not a reversal. */
  backtrackMetres: number;
  /** Faster than this between two pings is a bad fix, not a bus. */
  maxSpeedMetresPerSecond: number;
  /** Passing times are only interpolated across gaps up to this long. */
  maxGapSeconds: number;
  /** A run not heard from for this long is over; the same trip id after it is a new run. */
  runTimeoutSeconds: number;
  /**
   * A vehicle this close to the last stop of its trip has arrived there: buses pull into terminal bays
   * and stands short of the point the stop projects to, and would otherwise never be seen to arrive.
   */
  terminalMetres: number;
}

export const DEFAULT_TRACKER_OPTIONS: TrackerOptions = {
  maxOffsetMetres: 200,
  backtrackMetres: 150,
  maxSpeedMetresPerSecond: 35,
  maxGapSeconds: 600,
  runTimeoutSeconds: 3 * 3600,
  terminalMetres: 60,
};

/** One trip on one service day, driven by one vehicle. */
export interface TripRun {
  key: string;
  trip: Trip;
  vehicleId: string;
  /**
   * POSIX seconds that the trip's stop times count from: the service day's zero ("noon minus 12 h"),
   * moved by the instance's offset for a frequency-based trip, so that `serviceStart + trip.arrivals[i]`
   * is this run's scheduled time at stop i either way.
   */
  serviceStart: number;
  serviceDay: number;
  /** Seconds of the service day at which this run leaves its first stop (a frequency instance's start). */
  startTime: number;
  /** A copy of the trip the timetable does not have, at its own start (an operator's ADDED or DUPLICATED run). */
  added: boolean;
  /** Distance along the path reached so far, metres (never decreases). */
  progress: number;
  /** Time of the last fix on the path (passing times interpolate from it). */
  lastTime: number;
  /** Time of the last fix of any kind (the run is alive). */
  lastSeen: number;
  /** Index of the first stop not yet passed. */
  nextIndex: number;
  /** Passing time of each stop, NaN where unknown (passed before the first ping, or across a long gap). */
  passTimes: Float64Array;
  /**
   * When the vehicle cleared its first stop (FIRST_STOP_METRES on, or at the second stop), NaN until then
   * or where unknown. At the first stop a bus arrives long before it leaves; passengers see it leave.
   */
  departedAt: number;
  pings: number;
}

export interface StopPassing { index: number; time: number }

export interface TrackUpdate {
  run: TripRun;
  time: number;
  /** False when the ping could not be placed on the trip's path; progress is then unchanged. */
  onRoute: boolean;
  /** Stops passed since the previous ping, with interpolated times (NaN when unknown). */
  passed: StopPassing[];
  /** A run that ended (its vehicle moved on to another trip or its last stop was passed). */
  finished?: TripRun;
}

export interface TrackerCounters {
  pings: number; matched: number; offRoute: number; unknownTrip: number; badFix: number; inferredTrip: number;
  /** Pings placed by the operator's stop (current_stop_sequence or stop_id), and those whose stop did not fit the fix. */
  stopReports: number; stopReportsSetAside: number;
}

export class Tracker {
  private readonly runs = new Map<string, TripRun>(); // by vehicle
  readonly counters: TrackerCounters = { pings: 0, matched: 0, offRoute: 0, unknownTrip: 0, badFix: 0, inferredTrip: 0, stopReports: 0, stopReportsSetAside: 0 };

  constructor(private readonly timetable: Timetable, private readonly options: TrackerOptions = DEFAULT_TRACKER_OPTIONS) {}

  /** The run a vehicle is on now, if any. */
  runOf(vehicleId: string): TripRun | undefined {
    return this.runs.get(vehicleId);
  }

  activeRuns(): IterableIterator<TripRun> {
    return this.runs.values();
  }

  /** Drops what is kept of a vehicle (see FeedRuntime: vehicles silent for hours are forgotten). */
  forget(vehicleId: string): void {
    this.runs.delete(vehicleId);
  }

  observe(ping: VehiclePing): TrackUpdate | null {
    this.counters.pings++;
    const [x, y] = this.timetable.projection.toXY(ping.lat, ping.lon);
    let run = this.runs.get(ping.vehicleId);
    let finished: TripRun | undefined;
    // The same trip, and the same copy of it: a vehicle that ran the timetable's trip and then its copy
    // at a later start is on a new run.
    const sameRun = run && (ping.tripId ? run.trip.id === ping.tripId && run.added === (ping.addedStart !== undefined) && (!run.added || run.startTime === ping.addedStart) : true)
      && ping.time - run.lastSeen < this.options.runTimeoutSeconds;
    if (sameRun && run!.nextIndex >= run!.trip.arrivals.length) {
      // The run is over (its last stop passed) while the vehicle still reports the trip: nothing to track,
      // unless the trip runs to frequencies and the vehicle is starting its next instance.
      const next = isFrequencyBased(run!.trip) ? this.nextInstance(run!, ping, x, y) : null;
      if (next) return next;
      run!.lastSeen = Math.max(run!.lastSeen, ping.time);
      return { run: run!, time: ping.time, onRoute: true, passed: [] };
    }
    if (!sameRun) {
      const start = this.startRun(ping, x, y);
      if (!start) {
        this.counters.unknownTrip++;
        return null;
      }
      if (run) finished = run;
      run = start;
      this.runs.set(ping.vehicleId, run);
      this.counters.matched++;
      return { run, time: ping.time, onRoute: true, passed: this.advance(run, start.progress, ping.time, true), finished };
    }
    run = run!;
    if (ping.time < run.lastSeen) return null; // out of order: the tracker never rewinds
    const path = run.trip.pattern.path;
    const elapsed = ping.time - run.lastTime;
    const reach = run.progress + this.options.maxSpeedMetresPerSecond * Math.max(elapsed, 1) + 100;
    const match = nearestOnPath(path, x, y, run.progress - this.options.backtrackMetres, reach);
    if (!match || match.offset > this.options.maxOffsetMetres) {
      // Not where the vehicle can be: either a fix far ahead on the path (a bad fix, a skipped stretch)
      // or off the path altogether (detour, deadhead). Either way no progress is inferred from it.
      // A vehicle back at the start of a frequency-based trip it reports again is on its next instance.
      const next = isFrequencyBased(run.trip) ? this.nextInstance(run, ping, x, y) : null;
      if (next) return next;
      const anywhere = nearestOnPath(path, x, y, run.progress, Infinity);
      if (anywhere && anywhere.offset <= this.options.maxOffsetMetres) this.counters.badFix++;
      else this.counters.offRoute++;
      run.lastSeen = ping.time;
      return { run, time: ping.time, onRoute: false, passed: [] };
    }
    this.counters.matched++;
    const report = this.reportedPlace(run.trip, ping, x, y, run.progress, run.nextIndex, reach);
    const along = Math.max(run.progress, report?.along ?? match.along);
    const passed = this.advance(run, along, ping.time, false, report?.stopped ? report.index : -1);
    return { run, time: ping.time, onRoute: true, passed };
  }

  /**
   * A new run on a later instance of the same frequency-based trip, when the ping fits one well behind
   * the old run's progress (the vehicle went round again); null when it does not.
   */
  private nextInstance(run: TripRun, ping: VehiclePing, x: number, y: number): TrackUpdate | null {
    const start = this.startRun(ping, x, y, run);
    if (!start || start.key === run.key || start.startTime <= run.startTime) return null;
    if (start.progress > run.progress - this.options.backtrackMetres) return null;
    this.runs.set(ping.vehicleId, start);
    this.counters.matched++;
    return { run: start, time: ping.time, onRoute: true, passed: this.advance(start, start.progress, ping.time, true), finished: run };
  }

  /**
   * Where the operator's stop report puts a vehicle on its trip: at the stop (STOPPED_AT), or between the
   * stop before and the stop (heading to it), at the point nearest the fix there. Null without a report,
   * or when the report does not fit the fix (the fix not near the path there, the stop already left
   * behind, or out of reach since the last fix): the fix alone places the vehicle then, as without reports.
   */
  private reportedPlace(trip: Trip, ping: VehiclePing, x: number, y: number, progress: number, nextIndex: number, reach: number): { along: number; index: number; stopped: boolean } | null {
    if (ping.stopSequence === undefined && ping.stopId === undefined) return null;
    this.counters.stopReports++;
    const index = reportedIndex(trip, ping, Math.max(0, nextIndex - 1));
    const distances = trip.pattern.distances;
    const stopped = ping.stopStatus === 'STOPPED_AT';
    const last = distances.length - 1;
    let lo = 0, hi = 0;
    if (index >= 0) {
      // Heading to a stop, the vehicle has not reached it; but the last one counts as reached at the edge
      // of its terminal zone, as without reports (an operator may never report a bus standing there).
      lo = stopped ? distances[index]! : index > 0 ? distances[index - 1]! : -Infinity;
      hi = stopped || index === last ? distances[index]! : Math.max(lo, distances[index]! - 1);
    }
    const match = index >= 0 && lo <= reach && hi >= progress - this.options.backtrackMetres
      ? nearestOnPath(trip.pattern.path, x, y, lo - REPORT_SLACK_METRES, hi + REPORT_SLACK_METRES) : null;
    if (!match || match.offset > this.options.maxOffsetMetres) {
      this.counters.stopReportsSetAside++;
      return null;
    }
    return { along: Math.min(hi, Math.max(lo, match.along)), index, stopped };
  }

  /**
   * Moves a run to `along` at `time`, giving passing times to the stops crossed since the last ping.
   * `stoppedAt`: the index of the stop the operator reports the vehicle standing at, or -1.
   */
  private advance(run: TripRun, along: number, time: number, first: boolean, stoppedAt = -1): StopPassing[] {
    const distances = run.trip.pattern.distances;
    const passed: StopPassing[] = [];
    const from = run.progress, since = run.lastTime;
    const interpolate = !first && time - since <= this.options.maxGapSeconds && along > from;
    // A bus reported standing at a stop it was not at before drove there and has stood since: it arrived
    // after the timetable's running time from its last fix, not at this fix (steady movement all along
    // would date every stop on the way late), and never before its last fix.
    const reached = interpolate && stoppedAt >= 0 && distances[stoppedAt] === along
      ? Math.min(time, since + Math.max(0, scheduledTimeAt(run.trip, along) - scheduledTimeAt(run.trip, from))) : time;
    const last = distances.length - 1;
    // Where each stop counts as reached: its own point, or the edge of the terminal zone for the last one,
    // but never before the stop ahead of it (one within the zone would be passed after the line's end).
    const reachedAt = (index: number) => (index === last ? Math.max(distances[last]! - this.options.terminalMetres, distances[last - 1] ?? -Infinity, Math.min(from, distances[last]!)) : distances[index]!);
    const cleared = Math.min(distances[0]! + FIRST_STOP_METRES, distances[1] ?? Infinity);
    if (from < cleared && along >= cleared) run.departedAt = interpolate ? departureBetween(run.trip, cleared, from, since, along, time) : NaN;
    while (run.nextIndex < distances.length && reachedAt(run.nextIndex) <= along + 1e-6) {
      const d = reachedAt(run.nextIndex);
      // The vehicle is taken to move at a steady speed between the two pings around the stop.
      const passTime = interpolate ? since + ((d - from) / (along - from)) * (reached - since) : NaN;
      run.passTimes[run.nextIndex] = passTime;
      passed.push({ index: run.nextIndex, time: passTime });
      run.nextIndex++;
    }
    run.progress = along;
    run.lastTime = time;
    run.lastSeen = time;
    run.pings++;
    return passed;
  }

  private startRun(ping: VehiclePing, x: number, y: number, previous?: TripRun): TripRun | null {
    let trip = previous?.trip ?? (ping.tripId ? this.timetable.trips.get(ping.tripId) : undefined);
    let along: number | null = null;
    if (trip) {
      along = firstNear(trip.pattern.path, x, y, this.options.maxOffsetMetres);
      if (along === null) {
        // The trip id says one thing and the position another: often a vehicle still finishing its
        // previous trip or deadheading to the start. Nothing is inferred until it is on the path.
        return null;
      }
    } else {
      const inferred = this.inferTrip(ping, x, y);
      if (!inferred) return null;
      trip = inferred.trip;
      along = inferred.along;
      this.counters.inferredTrip++;
    }
    // Where the trip's path passes the same place twice, the operator's stop tells which pass the bus is on.
    along = this.reportedPlace(trip, ping, x, y, -Infinity, 0, Infinity)?.along ?? along;
    const added = ping.addedStart !== undefined && !isFrequencyBased(trip) && previous === undefined;
    const day = added ? this.serviceDayOfStart(trip, ping.addedStart!, ping.time) : this.serviceDayOf(trip, ping.time);
    if (day === null) return null;
    const dayStart = this.timetable.clock.serviceDayStart(day);
    let startTime = trip.departures[0]!;
    let key = `${trip.id}@${day}`;
    if (added) {
      // Keyed as the operator's TripUpdates for the same copy are (see realtime/trip-updates.ts).
      startTime = ping.addedStart!;
      key = `added:${trip.id}@${day}+${formatSecondOfDay(startTime)}`;
    } else if (isFrequencyBased(trip)) {
      const instance = this.instanceOf(trip, day, ping, along, previous);
      if (instance === null) return null;
      startTime = instance;
      key += `+${formatSecondOfDay(instance)}`;
    }
    const passTimes = new Float64Array(trip.arrivals.length).fill(NaN);
    return {
      key, trip, vehicleId: ping.vehicleId, serviceStart: dayStart + startTime - trip.departures[0]!, serviceDay: day, startTime, added,
      progress: along, lastTime: ping.time, lastSeen: ping.time, nextIndex: 0, passTimes, departedAt: NaN, pings: 0,
    };
  }

  /**
   * The instance of a frequency-based trip a vehicle is on: the one whose schedule at its position is
   * nearest the ping's time, passing over instances other vehicles already run; after `previous`, only
   * a later instance.
   */
  private instanceOf(trip: Trip, day: number, ping: VehiclePing, along: number, previous?: TripRun): number | null {
    const secondOfDay = ping.time - this.timetable.clock.serviceDayStart(day);
    const elapsed = scheduledTimeAt(trip, along) - trip.departures[0]!;
    const taken = new Set<number>();
    for (const other of this.runs.values()) {
      if (other.trip === trip && other.serviceDay === day && other.vehicleId !== ping.vehicleId) taken.add(other.startTime);
    }
    if (previous) for (const start of tripInstances(trip)) if (start <= previous.startTime) taken.add(start);
    const instance = nearestInstance(trip, secondOfDay, elapsed, taken);
    return instance !== null && taken.has(instance) && previous ? null : instance;
  }

  /** The service day a trip runs on at a time: the running day whose timetable window is nearest. */
  serviceDayOf(trip: Trip, time: number): number | null {
    const service = this.timetable.services.get(trip.serviceId);
    const today = this.timetable.clock.localDay(time);
    return this.nearestDay(trip, 0, time, [today - 1, today, today + 1].filter((day) => serviceRuns(service, day)));
  }

  /**
   * The service day of a copy of a trip starting at `start` (seconds of the service day): yesterday or
   * today, whichever puts the copy nearest the time (a copy runs whether or not the timetable runs the
   * trip that day).
   */
  private serviceDayOfStart(trip: Trip, start: number, time: number): number | null {
    const today = this.timetable.clock.localDay(time);
    return this.nearestDay(trip, start - trip.departures[0]!, time, [today - 1, today]);
  }

  /** Of `days`, the one on which the trip's window (moved by `shift` seconds) is nearest the time, within 4 hours. */
  private nearestDay(trip: Trip, shift: number, time: number, days: number[]): number | null {
    const span = tripSpan(trip);
    let best: number | null = null;
    let bestDistance = Infinity;
    for (const day of days) {
      const start = this.timetable.clock.serviceDayStart(day) + shift;
      const from = start + span.from, to = start + span.to;
      const distance = time < from ? from - time : time > to ? time - to : 0;
      if (distance < bestDistance) { best = day; bestDistance = distance; }
    }
    return bestDistance <= 4 * 3600 ? best : null;
  }

  /** For a ping without a usable trip id: the trip of its route whose path and timetable fit it best. */
  private inferTrip(ping: VehiclePing, x: number, y: number): { trip: Trip; along: number } | null {
    if (!ping.routeId) return null;
    let best: { trip: Trip; along: number; score: number } | null = null;
    for (const trip of this.timetable.tripsByRoute.get(ping.routeId) ?? []) {
      const day = this.serviceDayOf(trip, ping.time);
      if (day === null) continue;
      const start = this.timetable.clock.serviceDayStart(day);
      const span = tripSpan(trip);
      if (ping.time < start + span.from - 1800 || ping.time > start + span.to + 1800) continue;
      const match = nearestOnPath(trip.pattern.path, x, y);
      if (!match || match.offset > this.options.maxOffsetMetres / 2) continue;
      // How far the vehicle would be from its timetable there: the smallest deviation wins (for a
      // frequency-based trip, from the instance nearest in time).
      let offset = 0;
      if (isFrequencyBased(trip)) {
        const elapsed = scheduledTimeAt(trip, match.along) - trip.departures[0]!;
        const instance = nearestInstance(trip, ping.time - start, elapsed);
        if (instance === null) continue;
        offset = instance - trip.departures[0]!;
      }
      const scheduled = scheduledTimeAt(trip, match.along) + start + offset;
      const score = Math.abs(ping.time - scheduled) + match.offset * 2;
      if (!best || score < best.score) best = { trip, along: match.along, score };
    }
    return best;
  }
}

/** How far past its stretch an operator's stop report may still place a fix (GPS noise, stops a little off). */
const REPORT_SLACK_METRES = 150;

/** The index of the stop a report names (its stop_sequence, else its stop_id from `from` on), or -1. */
function reportedIndex(trip: Trip, ping: VehiclePing, from: number): number {
  if (ping.stopSequence !== undefined) {
    const index = trip.stopSequences.indexOf(ping.stopSequence);
    return index >= from ? index : -1;
  }
  return trip.pattern.stopIds.indexOf(ping.stopId!, from);
}

/** The smallest distance along the path among the points nearly as near as the nearest (start of a loop). */
function firstNear(path: Path, x: number, y: number, maxOffset: number): number | null {
  const nearest = nearestOnPath(path, x, y);
  if (!nearest || nearest.offset > maxOffset) return null;
  return firstWithin(path, x, y, nearest.offset + 50, nearest.along) ?? nearest.along;
}

/**
 * The index of the stop a vehicle stands at by its operator's last report, where the tracker placed it
 * there (a report set aside does not count), or -1. The tracker counts that stop as passed: a bus is
 * there from when it arrives.
 */
export function reportedStandingAt(run: TripRun, ping: VehiclePing): number {
  const index = run.nextIndex - 1;
  return ping.stopStatus === 'STOPPED_AT' && index >= 0 && run.progress === run.trip.pattern.distances[index] ? index : -1;
}

/** Within this distance of its first stop, a vehicle that has not passed the second has not left yet. */
export const FIRST_STOP_METRES = 40;

/**
 * Whether a run's vehicle is still at its first stop (laying over, or waiting to leave): the engine
 * starts it at its departure, the delay carried forward takes it as on time until then, and the line
 * diagram shows it as waiting rather than early.
 */
export function atFirstStop(run: TripRun): boolean {
  return run.nextIndex <= 1 && run.progress - run.trip.pattern.distances[0]! < FIRST_STOP_METRES;
}

/**
 * When a bus seen at its first stop (`from` at `since`) and later out on the road (`along` at `time`)
 * cleared the stop at `cleared`. A bus at its first stop stands there until it leaves, then drives: it
 * left the running time the timetable allows from `cleared` to `along` before `time`. That is never
 * earlier than moving steadily all along (the straight line between the two fixes, which reads early by
 * about half the time between them: bench/first-stop-departures.ts), nor later than `time`.
 */
function departureBetween(trip: Trip, cleared: number, from: number, since: number, along: number, time: number): number {
  const steady = since + ((cleared - from) / (along - from)) * (time - since);
  const driving = scheduledTimeAt(trip, along) - scheduledTimeAt(trip, cleared);
  return Math.min(time, Math.max(steady, time - driving));
}

/** Scheduled time (seconds of the service day) at a distance along a trip, interpolated between stops. */
export function scheduledTimeAt(trip: Trip, along: number): number {
  const distances = trip.pattern.distances;
  const n = distances.length;
  if (along <= distances[0]!) return trip.departures[0]!;
  if (along >= distances[n - 1]!) return trip.arrivals[n - 1]!;
  let i = 1;
  while (i < n - 1 && distances[i]! < along) i++;
  const span = distances[i]! - distances[i - 1]!;
  const share = span > 0 ? (along - distances[i - 1]!) / span : 1;
  return trip.departures[i - 1]! + share * (trip.arrivals[i]! - trip.departures[i - 1]!);
}
