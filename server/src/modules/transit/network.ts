// What the passenger pages and the headway monitor read: stops found by name, a route's line diagram
// with its vehicles and the gaps between them, and headway regularity over the last hour from the stop
// passings the tracker reports live. Plain functions over a feed runtime; the routes stay thin.
import type { Route, StopPattern, Timetable, Trip } from './gtfs/timetable.js';
import { serviceRuns } from './gtfs/timetable.js';
import { atFirstStop, reportedStandingAt, scheduledTimeAt } from './tracking/tracker.js';
import { isFrequencyBased, tripRuns } from './tracking/frequencies.js';
import { currentDelay } from './prediction/baselines.js';
import { stopsServed } from './arrivals.js';
import { alertsFor, alertsInForce, routeScopeOf } from './realtime/alerts.js';
import { combineRows, DEFAULT_HEADWAY_OPTIONS, routeHeadways, stopKey, type ObservationBreak, type RouteHeadways, type StopPass } from './headways.js';
import { openGaps, standingAt, type OpenGap } from './open-gaps.js';
import type { TransitService } from './service.js';
import type { FeedRuntime, LiveVehicle } from './feed-runtime.js';
import { TransitError, TransitErrorCode } from './errors.js';
import type { RecordedBreak, RecordedPass } from './passing-store.js';

const MAX_PENDING = 200_000;

/**
 * No position from any of a feed's vehicles for this long is a break in observation (the operator's
 * system or the link down), not a pause in service: a feed's buses report every few seconds to minutes.
 */
export const SILENCE_SECONDS = 600;

import type { DiagramDirection, DiagramVehicle, GapStatus, RouteDiagram, RouteSummary } from '@citypulse/contracts';

export type { DiagramDirection, DiagramVehicle, GapStatus, RouteDiagram, RouteSummary } from '@citypulse/contracts';

const routeSummary = (route: Route): RouteSummary => ({ id: route.id, shortName: route.shortName, longName: route.longName, color: route.color, type: route.type });

/** Where a passenger stands, and how far they would walk (metres). */
export interface NearPoint { lat: number; lon: number; radius: number }

/**
 * Stops whose name or id contains `text`, or with `near`, those within walking distance, the nearest first
 * (each with its `distance` in metres). A station stands for its bays, as on its board.
 */
export function searchStops(feed: FeedRuntime, text: string, limit: number, near?: NearPoint) {
  const needle = text.trim().toLowerCase();
  const found: Array<{ id: string; name: string; rank: number; distance?: number }> = [];
  const { stops, stopsOfStation, tripsByStop, projection } = feed.timetable;
  const here = near ? projection.toXY(near.lat, near.lon) : null;
  for (const stop of stops.values()) {
    // A station with stops trips call at stands for them (its board shows them all); entrances and the like have no calls.
    if (!tripsByStop.has(stop.id) && !stopsOfStation.has(stop.id)) continue;
    const name = stop.name.toLowerCase();
    const id = stop.id.toLowerCase();
    if (stop.parentStation && stopsOfStation.has(stop.parentStation) && id !== needle) continue; // found by its station, or by its own id
    if (needle && !name.includes(needle) && !id.includes(needle)) continue;
    let distance: number | undefined;
    if (here) {
      const [x, y] = projection.toXY(stop.lat, stop.lon);
      distance = Math.hypot(x - here[0], y - here[1]);
      if (distance > near!.radius) continue;
    }
    found.push({ id: stop.id, name: stop.name, rank: !needle || name.startsWith(needle) || id === needle ? 0 : 1, distance });
  }
  // Near a place, the nearest first; otherwise numbers in names in their order ("1路 2" before "1路 10"), so a line's stops read as they run.
  if (here) found.sort((a, b) => a.distance! - b.distance! || a.id.localeCompare(b.id));
  else found.sort((a, b) => a.rank - b.rank || NAME_ORDER.compare(a.name, b.name) || a.id.localeCompare(b.id));
  return {
    total: found.length,
    items: found.slice(0, limit).map(({ id, name, distance }) => ({
      id, name, ...(distance === undefined ? {} : { distance: Math.round(distance) }), routes: routesAt(feed, id), towards: headsignsAt(feed, id),
    })),
  };
}

/**
 * Where the buses leaving a stop go (their headsigns, the most trips first, at most three): the two kerbs
 * of a place share its name, and this tells them apart. Trips ending there leave for nowhere.
 */
export function headsignsAt(feed: FeedRuntime, stopId: string): string[] {
  const counts = new Map<string, number>();
  for (const id of stopsServed(feed, stopId)) {
    for (const { trip, index } of feed.timetable.tripsByStop.get(id) ?? []) {
      if (index < trip.pattern.stopIds.length - 1 && trip.headsign) counts.set(trip.headsign, (counts.get(trip.headsign) ?? 0) + 1);
    }
  }
  return [...counts].sort((a, b) => b[1] - a[1] || NAME_ORDER.compare(a[0], b[0])).slice(0, 3).map(([headsign]) => headsign);
}

const NAME_ORDER = new Intl.Collator('zh-CN', { numeric: true });

/** The routes calling at a stop (or at the stops of a station), by short name. */
export function routesAt(feed: FeedRuntime, stopId: string): RouteSummary[] {
  const ids = new Set(stopsServed(feed, stopId).flatMap((id) => (feed.timetable.tripsByStop.get(id) ?? []).map(({ trip }) => trip.routeId)));
  return [...ids].map((id) => feed.timetable.routes.get(id)).filter((route): route is Route => !!route).map(routeSummary)
    .sort((a, b) => a.shortName.localeCompare(b.shortName, 'zh-CN', { numeric: true }));
}

export function listRoutes(feed: FeedRuntime): RouteSummary[] {
  return [...feed.timetable.routes.values()].map(routeSummary).sort((a, b) => a.shortName.localeCompare(b.shortName, 'zh-CN', { numeric: true }) || a.id.localeCompare(b.id));
}

const median = (values: number[]) => {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** The stop pattern most trips of a direction follow: the one the diagram draws. */
function mainPattern(trips: Trip[]): { pattern: StopPattern; reference: Trip; headsign: string } {
  const counts = new Map<string, { pattern: StopPattern; trips: Trip[] }>();
  for (const trip of trips) {
    const entry = counts.get(trip.pattern.key) ?? { pattern: trip.pattern, trips: [] };
    entry.trips.push(trip);
    counts.set(trip.pattern.key, entry);
  }
  const best = [...counts.values()].sort((a, b) => b.trips.length - a.trips.length || b.pattern.stopIds.length - a.pattern.stopIds.length)[0]!;
  const headsigns = new Map<string, number>();
  for (const trip of best.trips) headsigns.set(trip.headsign, (headsigns.get(trip.headsign) ?? 0) + 1);
  const headsign = [...headsigns.entries()].sort((a, b) => b[1] - a[1])[0]![0];
  return { pattern: best.pattern, reference: best.trips[0]!, headsign };
}

/** A vehicle's position carried onto the main pattern: directly when it follows it, else by its next stop. */
function alongMain(live: LiveVehicle, pattern: StopPattern): { along: number; nextStop: number } | null {
  const run = live.run!;
  const own = run.trip.pattern;
  if (own.key === pattern.key) {
    const next = Math.min(run.nextIndex, pattern.stopIds.length - 1);
    return { along: Math.min(run.progress, pattern.distances[pattern.distances.length - 1]!), nextStop: next };
  }
  for (let i = run.nextIndex; i < own.stopIds.length; i++) {
    const j = pattern.stopIds.indexOf(own.stopIds[i]!);
    if (j < 0) continue;
    const before = j > 0 ? pattern.distances[j - 1]! : pattern.distances[0]!;
    return { along: Math.max(before, pattern.distances[j]! - (own.distances[i]! - run.progress)), nextStop: j };
  }
  return null;
}

/** The main pattern's index of the stop the vehicle's operator reports it standing at, or null (as `alongMain` carries it). */
function standingOnMain(live: LiveVehicle, pattern: StopPattern): number | null {
  const run = live.run!;
  const standing = reportedStandingAt(run, live.ping);
  if (standing < 0) return null;
  const index = run.trip.pattern.key === pattern.key ? standing : pattern.stopIds.indexOf(run.trip.pattern.stopIds[standing]!);
  return index >= 0 ? index : null;
}

/** Scheduled headway around now: the median gap between consecutive departures from the first stop within an hour either side. */
function scheduledHeadwayNear(feed: FeedRuntime, trips: Trip[], now: number): number | null {
  const clock = feed.timetable.clock;
  const today = clock.localDay(now);
  const departures: number[] = [];
  for (const day of [today - 1, today]) {
    const start = clock.serviceDayStart(day);
    for (const trip of trips) {
      if (!serviceRuns(feed.timetable.services.get(trip.serviceId), day)) continue;
      for (const { offset } of tripRuns(trip, day)) {
        const time = start + offset + trip.departures[0]!;
        if (Math.abs(time - now) <= 3600) departures.push(time);
      }
    }
  }
  departures.sort((a, b) => a - b);
  return median(departures.slice(1).map((time, i) => time - departures[i]!).filter((gap) => gap > 0));
}

/**
 * The order of a direction's vehicles: the leader first, and those waiting at the first stop last, the
 * one leaving first first (where on the stand each stands says nothing of which leaves first).
 */
function leaderFirst(a: DiagramVehicle, b: DiagramVehicle): number {
  if (a.waitingUntil !== null && b.waitingUntil !== null) return a.waitingUntil - b.waitingUntil || b.along - a.along;
  if ((a.waitingUntil === null) !== (b.waitingUntil === null)) return a.waitingUntil === null ? -1 : 1;
  return b.along - a.along;
}

/**
 * A route's line diagram: per direction, its stops in order and its live vehicles with the gap to the one
 * ahead. A vehicle waiting at its first stop before its departure (a layover, often long between the
 * peaks) is shown as waiting and left out of the gaps: the headway a passenger sees starts when a bus leaves.
 */
export function routeDiagram(service: TransitService, feed: FeedRuntime, routeId: string, now: number): RouteDiagram {
  const route = feed.timetable.routes.get(routeId);
  const trips = feed.timetable.tripsByRoute.get(routeId);
  if (!route || !trips?.length) throw new TransitError(TransitErrorCode.UnknownRoute, `unknown route "${routeId}"`, [{ name: 'id', reason: 'unknown route' }]);
  const live = [...service.liveVehicles(feed)].filter((vehicle) => vehicle.run.trip.routeId === routeId);
  const directions: DiagramDirection[] = [];
  for (const directionId of [...new Set(trips.map((trip) => trip.directionId))].sort()) {
    const own = trips.filter((trip) => trip.directionId === directionId);
    const { pattern, reference, headsign } = mainPattern(own);
    const scheduledHeadway = scheduledHeadwayNear(feed, own, now);
    const placed = live.filter((vehicle) => vehicle.run.trip.directionId === directionId).flatMap((vehicle) => {
      const where = alongMain(vehicle, pattern);
      if (!where) return [];
      const run = vehicle.run;
      const time = vehicle.ping.time;
      const departure = run.serviceStart + run.trip.departures[0]!;
      const waitingUntil = atFirstStop(run) && time < departure ? departure : null;
      const delaySeconds = Math.round(currentDelay({ run, time }));
      const standingAt = standingOnMain(vehicle, pattern);
      return [{ vehicleId: vehicle.ping.vehicleId, tripId: run.trip.id, ...where, delaySeconds, waitingUntil, standingAt, reportedAt: time, gapAheadSeconds: null, gapAhead: null } as DiagramVehicle];
    }).sort(leaderFirst);
    // The gap to the vehicle ahead is how long the timetable takes from here to where that vehicle is:
    // the headway a passenger between them will see, compared with the scheduled headway.
    const onTheirWay = placed.filter((vehicle) => vehicle.waitingUntil === null);
    for (let i = 1; i < onTheirWay.length; i++) {
      const [ahead, behind] = [onTheirWay[i - 1]!, onTheirWay[i]!];
      const seconds = Math.round(scheduledTimeAt(reference, ahead.along) - scheduledTimeAt(reference, behind.along));
      behind.gapAheadSeconds = seconds;
      behind.gapAhead = scheduledHeadway === null ? 'regular'
        : seconds < DEFAULT_HEADWAY_OPTIONS.bunchingShare * scheduledHeadway ? 'bunching'
          : seconds > DEFAULT_HEADWAY_OPTIONS.gapMultiple * scheduledHeadway ? 'gap' : 'regular';
    }
    directions.push({
      directionId, headsign, scheduledHeadway, vehicles: placed,
      stops: pattern.stopIds.map((id, i) => ({ id, name: feed.timetable.stops.get(id)?.name ?? id, distance: Math.round(pattern.distances[i]!) })),
      length: Math.round(pattern.distances[pattern.distances.length - 1]!),
    });
  }
  const inForce = alertsInForce(feed.alertSources.values(), now);
  const alerts = inForce.length === 0 ? [] : alertsFor(inForce, routeScopeOf(feed.timetable, routeId));
  return { feed: feed.id, route: routeSummary(route), at: now, timeZone: feed.timetable.agencyTimezone, directions, alerts };
}

/** Keeps the stop passings of live vehicles for a few hours, for headways over HTTP. */
export class PassingRecorder {
  private readonly passes = new Map<string, StopPass[]>();
  private readonly recordedUpTo = new Map<string, { feed: string; index: number; seen: number }>();
  /** Passings not yet written to the database (bounded: if the database stalls, memory does not grow without end). */
  private pending: RecordedPass[] = [];
  /** Per feed: the latest position time seen, the breaks in observation, and whether it was just restored after a restart. */
  private readonly lastSeen = new Map<string, number>();
  private readonly breaks = new Map<string, ObservationBreak[]>();
  private readonly resumed = new Set<string>();
  private pendingBreaks: RecordedBreak[] = [];
  /** From when passings can have been seen: the start, or the earliest position taken (they may come up to 5 minutes late). */
  since: number;

  constructor(private readonly keepSeconds: number, now: number) {
    this.since = now;
  }

  /** Records the stops a vehicle's run passed since it was last seen (its pass times are known by then). */
  observe(feedId: string, live: Pick<LiveVehicle, 'ping' | 'run'>): void {
    const run = live.run;
    if (!run) return;
    this.since = Math.min(this.since, live.ping.time);
    this.seen(feedId, live.ping.time);
    const key = `${feedId}\u0000${run.key}`;
    const mark = this.recordedUpTo.get(key) ?? { feed: feedId, index: 0, seen: 0 };
    let list = this.passes.get(feedId);
    if (!list) this.passes.set(feedId, list = []);
    let i = mark.index;
    for (; i < run.nextIndex; i++) {
      // A bus passes its first stop when it leaves it: one standing there (laying over, waiting for its
      // time) is not yet a passing, or two buses waiting there together would count as bunched.
      if (i === 0 && atFirstStop(run)) break;
      const time = i === 0 ? run.departedAt : run.passTimes[i]!;
      if (!Number.isFinite(time)) continue;
      const pass = { routeId: run.trip.routeId, directionId: run.trip.directionId, stopId: run.trip.pattern.stopIds[i]!, time, runKey: run.key };
      list.push(pass);
      if (this.pending.length < MAX_PENDING) this.pending.push({ ...pass, feedId, tripId: run.trip.id, serviceDay: run.serviceDay, stopIndex: i, vehicleId: run.vehicleId });
    }
    mark.index = Math.max(mark.index, i);
    mark.seen = live.ping.time;
    this.recordedUpTo.set(key, mark);
    if (list.length % 4096 === 0) this.prune(live.ping.time);
  }

  /**
   * A position of the feed's at `time`: a silence of SILENCE_SECONDS or more before it, or the time the
   * server was down before the first one after a restart, is a break in observation.
   */
  private seen(feedId: string, time: number): void {
    const last = this.lastSeen.get(feedId);
    if (last !== undefined && time <= last) return;
    if (last !== undefined && (time - last >= SILENCE_SECONDS || this.resumed.has(feedId))) {
      const gap = { from: last, to: time };
      let list = this.breaks.get(feedId);
      if (!list) this.breaks.set(feedId, list = []);
      list.push(gap);
      this.pendingBreaks.push({ feedId, ...gap });
    }
    this.resumed.delete(feedId);
    this.lastSeen.set(feedId, time);
  }

  /** Drops passings, runs and breaks older than the keeping period. */
  prune(now: number): void {
    if (this.keepSeconds === Infinity) return;
    const cutoff = now - this.keepSeconds;
    for (const [feed, list] of this.passes) this.passes.set(feed, list.filter((pass) => pass.time >= cutoff));
    for (const [key, mark] of this.recordedUpTo) if (mark.seen < cutoff) this.recordedUpTo.delete(key);
    for (const [feed, list] of this.breaks) this.breaks.set(feed, list.filter((gap) => gap.to >= cutoff));
  }

  between(feedId: string, from: number, to: number): StopPass[] {
    return (this.passes.get(feedId) ?? []).filter((pass) => pass.time >= from && pass.time <= to);
  }

  /** The breaks in observation of a feed that overlap a period. */
  breaksBetween(feedId: string, from: number, to: number): ObservationBreak[] {
    return (this.breaks.get(feedId) ?? []).filter((gap) => gap.to > from && gap.from < to);
  }

  /** The passings recorded since the last call, for the database. */
  drainPending(): RecordedPass[] {
    return this.pending.splice(0);
  }

  /** The breaks found since the last call, for the database. */
  drainPendingBreaks(): RecordedBreak[] {
    return this.pendingBreaks.splice(0);
  }

  /**
   * Passings and breaks read back from the database at start (oldest first): headways over the last hours
   * survive a restart, observed since the earliest passing. The time from the latest of them to the first
   * position after the start is a break: the server was not watching then.
   */
  restore(feedId: string, passes: StopPass[], breaks: ObservationBreak[] = []): void {
    if (breaks.length) this.breaks.set(feedId, [...breaks, ...(this.breaks.get(feedId) ?? [])].sort((a, b) => a.from - b.from));
    if (passes.length === 0) return;
    const list = this.passes.get(feedId) ?? [];
    this.passes.set(feedId, [...passes, ...list].sort((a, b) => a.time - b.time));
    this.since = Math.min(this.since, Math.floor(passes[0]!.time));
    const latest = passes[passes.length - 1]!.time;
    if (!this.lastSeen.has(feedId)) {
      this.lastSeen.set(feedId, latest);
      this.resumed.add(feedId);
    }
  }
}

export interface HeadwayRow extends RouteHeadways { route: RouteSummary; headsign: string; liveVehicles: number }

/** The headsign most trips of a route and direction show. */
function mainHeadsign(feed: FeedRuntime, routeId: string, directionId: number): string {
  const counts = new Map<string, number>();
  for (const trip of feed.timetable.tripsByRoute.get(routeId) ?? []) {
    if (trip.directionId === directionId) counts.set(trip.headsign, (counts.get(trip.headsign) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
}

/** How far before a period to look for the passing that opens its first headway at each stop. */
export const LOOK_BACK_SECONDS = 3600;

/**
 * The passings whose headways end inside the period: those in it, and at each stop the last one before it
 * (so that a short period still has a headway wherever a bus came in it, actual and scheduled alike).
 */
function headwaysEndingIn(passes: StopPass[], from: number): StopPass[] {
  const before = new Map<string, StopPass>();
  const inside: StopPass[] = [];
  for (const pass of passes) {
    if (pass.time >= from) { inside.push(pass); continue; }
    const key = stopKey(pass);
    const previous = before.get(key);
    if (!previous || previous.time < pass.time) before.set(key, pass);
  }
  return [...before.values(), ...inside];
}

/**
 * The timetable's runs (a trip on a service day, or each instance of a frequency-based one) that are on
 * the road at some time in [from, to]: `runStart` is what the run's stop times count from (POSIX seconds),
 * `key` the tracker's key for it.
 */
function* scheduledRuns(timetable: Timetable, from: number, to: number, filter: RouteFilter = {}): Generator<{ trip: Trip; key: string; runStart: number }> {
  const clock = timetable.clock;
  const trips = filter.routeId ? timetable.tripsByRoute.get(filter.routeId) ?? [] : [...timetable.trips.values()];
  const overlaps = (runStart: number, trip: Trip) => runStart + trip.departures[0]! <= to && runStart + trip.arrivals[trip.arrivals.length - 1]! >= from;
  for (let day = clock.localDay(from) - 1; day <= clock.localDay(to); day++) {
    const start = clock.serviceDayStart(day);
    for (const trip of trips) {
      if (filter.directionId !== undefined && trip.directionId !== filter.directionId) continue;
      // Most trips run outside the period: skipped before their calendar is looked at.
      if (!isFrequencyBased(trip) && !overlaps(start, trip)) continue;
      if (!serviceRuns(timetable.services.get(trip.serviceId), day)) continue;
      for (const { key, offset } of tripRuns(trip, day)) if (overlaps(start + offset, trip)) yield { trip, key, runStart: start + offset };
    }
  }
}

/** The timetable's stop passings between two times (POSIX seconds), of the service days that reach into them. */
export function scheduledPassings(timetable: Timetable, from: number, to: number, filter: RouteFilter = {}): StopPass[] {
  const scheduled: StopPass[] = [];
  for (const { trip, runStart } of scheduledRuns(timetable, from, to, filter)) {
    trip.pattern.stopIds.forEach((stopId, index) => {
      // At the first stop, when the bus leaves: as the recorder dates the passings there.
      const time = runStart + (index === 0 ? trip.departures[0]! : trip.arrivals[index]!);
      if (time >= from && time <= to) scheduled.push({ routeId: trip.routeId, directionId: trip.directionId, stopId, time });
    });
  }
  return scheduled;
}

/**
 * What headways over a period are computed from: the observed and the scheduled passings whose headways
 * end in [from, to] (see headwaysEndingIn). `observedSince`: when passings began to be observed. No
 * observed headway opens before it, so no scheduled one does either: in the first minutes after a start,
 * only the short headways have both ends observed, and held against the timetable's full headways they
 * would show buses far more frequent than planned (an excess wait minutes below zero).
 */
export function headwayInputs(actualPassings: StopPass[], timetable: Timetable, from: number, to: number, filter: { routeId?: string; directionId?: number } = {}, observedSince = -Infinity) {
  const since = Math.max(from - LOOK_BACK_SECONDS, observedSince);
  const planned = scheduledPassings(timetable, since, to, filter);
  // `planned`: all the timetable's passings since then (the stops waiting now are read from them).
  return { actual: headwaysEndingIn(actualPassings.filter((pass) => pass.time >= since), from), scheduled: headwaysEndingIn(planned, from), planned, window: { from, to, since } };
}

const finite = (value: number) => (Number.isFinite(value) ? value : null);

/** Rows for the API: figures that cannot be computed are null, with the route and its main headsign. */
function headwayRows(feed: FeedRuntime, rows: RouteHeadways[], liveCount?: Map<string, number>) {
  // The weight is how the rows combine, not a figure to show.
  return rows.map(({ weight: _weight, ...row }) => {
    const route = feed.timetable.routes.get(row.routeId);
    return {
      ...row,
      meanHeadway: finite(row.meanHeadway), scheduledMeanHeadway: finite(row.scheduledMeanHeadway), cv: finite(row.cv),
      actualWait: finite(row.actualWait), scheduledWait: finite(row.scheduledWait), excessWait: finite(row.excessWait),
      route: route ? routeSummary(route) : { id: row.routeId, shortName: row.routeId, longName: '', color: '', type: 3 },
      headsign: mainHeadsign(feed, row.routeId, row.directionId),
      ...(liveCount ? { liveVehicles: liveCount.get(`${row.routeId}\u0000${row.directionId}`) ?? 0 } : {}),
    };
  });
}

export interface RouteFilter { routeId?: string; directionId?: number }

const keep = (filter: RouteFilter) => (pass: StopPass) => (filter.routeId === undefined || pass.routeId === filter.routeId) && (filter.directionId === undefined || pass.directionId === filter.directionId);

/**
 * The route directions with buses on the road or due in the period but no headway observed yet (a bus
 * must pass a stop after another): listed all the same, with the timetable's headway, so that the
 * operations centre sees every line it runs, and one with buses due but none seen stands out.
 */
function notYetMeasured(observed: RouteHeadways[], scheduled: StopPass[], liveKeys: string[], filter: RouteFilter): RouteHeadways[] {
  const keyOf = (row: { routeId: string; directionId: number }) => `${row.routeId}\u0000${row.directionId}`;
  const measured = new Set(observed.map(keyOf));
  const unmeasured = scheduled.filter((pass) => !measured.has(keyOf(pass)));
  const planned = new Map(routeHeadways(unmeasured, unmeasured).map((row) => [keyOf(row), row]));
  const keys = new Set([...planned.keys(), ...liveKeys]);
  const rows: RouteHeadways[] = [];
  for (const key of keys) {
    if (measured.has(key)) continue;
    const [routeId, direction] = key.split('\u0000') as [string, string];
    if (!keep(filter)({ routeId, directionId: Number(direction), stopId: '', time: 0 })) continue;
    const plan = planned.get(key);
    rows.push({
      routeId, directionId: Number(direction), stops: 0, headways: 0, weight: 0, meanHeadway: NaN, cv: NaN, actualWait: NaN, excessWait: NaN, bunching: 0, gaps: 0,
      scheduledMeanHeadway: plan?.meanHeadway ?? NaN, scheduledWait: plan?.actualWait ?? NaN,
    });
  }
  return rows;
}

/** A trip counts as due once it should have left its first stop this long ago: a bus a little late is not missing. */
export const TRIP_DUE_GRACE_SECONDS = 600;

export interface TripsDelivered { due: number; seen: number }

/**
 * Per route and direction (`route\u0000direction`, or the groups `groupOf` names), the trips the timetable had leave their first stop
 * in [from, to - TRIP_DUE_GRACE_SECONDS] (not in a break in observation), and how many of them were seen:
 * a passing of the run, or its bus on the road now (a late bus still at its first stop). The service actually run, beside the headways: a
 * network whose buses do not all report (or a line short of buses) shows as trips not seen, where the
 * headways alone would only look long.
 */
export function tripsDelivered(
  timetable: Timetable, seenRuns: ReadonlySet<string>, from: number, to: number,
  options: { filter?: RouteFilter; groupOf?: (trip: Trip) => string | null; breaks?: ObservationBreak[] } = {},
): Map<string, TripsDelivered> {
  const { filter = {}, groupOf = (trip: Trip) => `${trip.routeId}\u0000${trip.directionId}`, breaks = [] } = options;
  const result = new Map<string, TripsDelivered>();
  const until = to - TRIP_DUE_GRACE_SECONDS;
  if (until < from) return result;
  for (const { trip, key: runKey, runStart } of scheduledRuns(timetable, from, until, filter)) {
    const leaves = runStart + trip.departures[0]!;
    if (leaves < from || leaves > until) continue;
    // Due while nothing was observed: its bus may well have run unseen.
    if (breaks.some((gap) => leaves > gap.from && leaves < gap.to)) continue;
    const key = groupOf(trip);
    if (key === null) continue;
    let entry = result.get(key);
    if (!entry) result.set(key, entry = { due: 0, seen: 0 });
    entry.due++;
    if (seenRuns.has(runKey)) entry.seen++;
  }
  return result;
}

/** The runs seen: those with a passing among `passes`, and those of the buses on the road now. */
export function seenRuns(service: TransitService, feed: FeedRuntime, passes: StopPass[]): Set<string> {
  const keys = new Set<string>();
  for (const pass of passes) if (pass.runKey) keys.add(pass.runKey);
  for (const vehicle of service.liveVehicles(feed)) keys.add(vehicle.run.key);
  return keys;
}

/** Headway regularity per route and direction over the last `windowSeconds` that were observed. */
export function headwaysNow(service: TransitService, feed: FeedRuntime, recorder: PassingRecorder, now: number, windowSeconds: number, filter: RouteFilter = {}) {
  const from = Math.max(now - windowSeconds, recorder.since);
  const actual = recorder.between(feed.id, from - LOOK_BACK_SECONDS, now).filter(keep(filter));
  const inputs = headwayInputs(actual, feed.timetable, from, now, filter, recorder.since);
  const breaks = recorder.breaksBetween(feed.id, from - LOOK_BACK_SECONDS, now);
  const liveCount = new Map<string, number>();
  for (const vehicle of service.liveVehicles(feed)) {
    const key = `${vehicle.run.trip.routeId}\u0000${vehicle.run.trip.directionId}`;
    liveCount.set(key, (liveCount.get(key) ?? 0) + 1);
  }
  const open = openGapsByRoute(feed, gapsOpenNow(service, feed, inputs, now, breaks));
  const delivered = tripsDelivered(feed.timetable, seenRuns(service, feed, actual), from, now, { filter, breaks });
  const observed = routeHeadways(inputs.actual, inputs.scheduled, DEFAULT_HEADWAY_OPTIONS, { breaks, ...inputs.window });
  const others = notYetMeasured(observed, inputs.scheduled, [...liveCount.keys(), ...delivered.keys()], filter);
  const items = headwayRows(feed, [...observed, ...others], liveCount)
    .map((row) => {
      const trips = delivered.get(`${row.routeId}\u0000${row.directionId}`);
      const gaps = open.get(`${row.routeId}\u0000${row.directionId}`);
      return { ...row, tripsDue: trips?.due ?? 0, tripsSeen: trips?.seen ?? 0, openGaps: gaps?.count ?? 0, longestOpenGap: gaps?.longest ?? null };
    })
    .sort((a, b) => a.routeId.localeCompare(b.routeId, undefined, { numeric: true }) || a.directionId - b.directionId);
  return { feed: feed.id, from, to: now, observedSince: recorder.since, breaks: breaks.filter((gap) => gap.to > from), passings: actual.filter((pass) => pass.time >= from).length, bunchingShare: DEFAULT_HEADWAY_OPTIONS.bunchingShare, gapMultiple: DEFAULT_HEADWAY_OPTIONS.gapMultiple, items };
}

/**
 * The stops waiting now (see open-gaps.ts), from the inputs of the headways up to now, leaving out the
 * first stops where a live bus stands waiting to leave.
 */
export function gapsOpenNow(service: TransitService, feed: FeedRuntime, inputs: ReturnType<typeof headwayInputs>, now: number, breaks: ObservationBreak[]): OpenGap[] {
  const standing = new Set<string>();
  for (const vehicle of service.liveVehicles(feed)) {
    const stop = standingAt(vehicle.run);
    if (stop) standing.add(stop);
  }
  return openGaps(inputs.actual, inputs.planned, now, { since: inputs.window.since, breaks, standing });
}

/** Per route and direction: how many stops have a gap open now, and the longest (with the stop's name). */
function openGapsByRoute(feed: FeedRuntime, gaps: OpenGap[]) {
  const byRoute = new Map<string, { count: number; longest: OpenGap & { stopName: string } }>();
  // Sorted longest first: the first of a route is its longest.
  for (const gap of gaps) {
    const key = `${gap.routeId}\u0000${gap.directionId}`;
    const entry = byRoute.get(key);
    if (entry) entry.count++;
    // Whole seconds: the passing times are interpolated between fixes, their fractions mean nothing.
    else byRoute.set(key, { count: 1, longest: { ...gap, waited: Math.round(gap.waited), lastPassed: gap.lastPassed === null ? null : Math.round(gap.lastPassed), stopName: feed.timetable.stops.get(gap.stopId)?.name ?? gap.stopId } });
  }
  return byRoute;
}

/** What a past period's headways are read with beside its passings. */
export interface PastObservation {
  breaks?: ObservationBreak[];
  /** When the feed's passings begin (the earliest stored): nothing is held against the timetable before it. */
  observedSince?: number;
  /** The runs seen, from passings up to an hour after the period (a trip leaving near its end passes its stops after it). */
  seenRuns?: ReadonlySet<string>;
  /** Now: trips are due only up to TRIP_DUE_GRACE_SECONDS before it. */
  now?: number;
}

/**
 * Headway regularity over a past period from the stored passings (`passings`: those between
 * from - LOOK_BACK_SECONDS and to): per route and direction over the whole period, with the trips due
 * and seen, and the combined figures per hour (periods up to two days) or per day.
 */
export function headwaysOver(feed: FeedRuntime, passings: StopPass[], from: number, to: number, filter: RouteFilter = {}, observation: PastObservation = {}) {
  const { breaks = [], observedSince = -Infinity, now = Infinity } = observation;
  const seen = observation.seenRuns ?? new Set(passings.flatMap((pass) => (pass.runKey ? [pass.runKey] : [])));
  // Trips due in [start, end]: tripsDelivered leaves out the last TRIP_DUE_GRACE_SECONDS before the end it is given.
  const trips = (start: number, end: number) => tripsDelivered(feed.timetable, seen, Math.max(start, observedSince), Math.min(end + TRIP_DUE_GRACE_SECONDS, now), { filter, breaks });
  const total = (delivered: Map<string, TripsDelivered>) => [...delivered.values()].reduce((sum, entry) => ({ due: sum.due + entry.due, seen: sum.seen + entry.seen }), { due: 0, seen: 0 });
  const inputs = headwayInputs(passings, feed.timetable, from, to, filter, observedSince);
  const step = to - from <= 2 * 86_400 ? 3600 : 86_400;
  const series = [];
  for (let start = from; start < to; start += step) {
    const end = Math.min(to, start + step);
    const part = passings.filter((pass) => pass.time >= start - LOOK_BACK_SECONDS && pass.time <= end);
    const bucket = headwayInputs(part, feed.timetable, start, end, filter, observedSince);
    const figures = combineRows(routeHeadways(bucket.actual, bucket.scheduled, DEFAULT_HEADWAY_OPTIONS, { breaks, ...bucket.window }));
    const delivered = total(trips(start, end));
    series.push({ from: start, to: end, passings: part.filter((pass) => pass.time >= start).length, ...figures, tripsDue: delivered.due, tripsSeen: delivered.seen });
  }
  const delivered = trips(from, to);
  const whole = total(delivered);
  const items = headwayRows(feed, routeHeadways(inputs.actual, inputs.scheduled, DEFAULT_HEADWAY_OPTIONS, { breaks, ...inputs.window })).map((row) => {
    const entry = delivered.get(`${row.routeId}\u0000${row.directionId}`);
    return { ...row, tripsDue: entry?.due ?? 0, tripsSeen: entry?.seen ?? 0 };
  });
  return {
    feed: feed.id, from, to, route: filter.routeId ?? null, direction: filter.directionId ?? null,
    passings: passings.filter((pass) => pass.time >= from).length, bunchingShare: DEFAULT_HEADWAY_OPTIONS.bunchingShare, gapMultiple: DEFAULT_HEADWAY_OPTIONS.gapMultiple,
    breaks: breaks.filter((gap) => gap.to > from && gap.from < to), tripsDue: whole.due, tripsSeen: whole.seen,
    items, step, series,
  };
}
