// Live accuracy: the yardstick of score.ts applied to what the server itself announced, as the buses pass
// the stops, so that the city sees how right its stop boards were in the last hour, overall and per route
// (the 97% target is a figure to watch every day, not only in a replay). Each run keeps what it announced
// (at most one announcement per `spacingSeconds`, and only the stops due within the hour); each stop the
// tracker reports passed settles the announcements made for it, judged in the window of the actual
// horizon exactly as `citypulse transit accuracy` judges a replay. Figures are kept per minute and route,
// so memory does not grow with the fleet's pings.
import type { PredictionAccuracy } from '@citypulse/contracts';
import type { TrackUpdate } from '../tracking/tracker.js';
import { bucketOf, HORIZON_BUCKETS, MAX_HORIZON_SECONDS } from './score.js';

export interface LiveAccuracyOptions {
  /** A run keeps one announcement per this many seconds (0: every one). */
  spacingSeconds: number;
  /** Minutes of figures kept (the longest window a summary can ask for). */
  keepMinutes: number;
}

export const DEFAULT_LIVE_ACCURACY_OPTIONS: LiveAccuracyOptions = { spacingSeconds: 60, keepMinutes: 24 * 60 };

/**
 * Times announced further ahead than this are not kept, only that they were announced: should the bus come
 * within 30 minutes after all, it came over half an hour before its time, outside every window.
 */
const KEEP_HORIZON_SECONDS = 2 * MAX_HORIZON_SECONDS;
/** Pass times are interpolated back to the previous ping, at most this long before (the tracker's largest gap). */
const PASS_LAG_SECONDS = 600;
const BUCKETS = HORIZON_BUCKETS.length;

/** Announced at `madeAt` for stops `from` .. `from + stops - 1`; the times of the first `horizons.length`, less `madeAt`. */
interface Announcement { madeAt: number; from: number; stops: number; horizons: Float32Array }
interface RunAnnouncements { routeId: string; stopIds: readonly string[]; lastTime: number; list: Announcement[] }

/** The tally key of a route in a place (a district; '' where the stop lies in none, or none is known). */
const tallyKey = (routeId: string, place: string | null) => `${routeId}\u0000${place ?? ''}`;
const routeOfKey = (key: string) => key.slice(0, key.indexOf('\u0000'));
const placeOfKey = (key: string) => key.slice(key.indexOf('\u0000') + 1);

/** One minute's figures of a route in a place, as stored: [count, within] per horizon bucket. */
export interface AccuracyMinute { minute: number; routeId: string; place: string; tally: number[] }

/**
 * A minute's figures are final this long after it ends: a pass can be dated back to the previous ping, so
 * an arrival reported now may count in a minute up to this long ago.
 */
export const FINAL_AFTER_SECONDS = PASS_LAG_SECONDS;

/** What a summary answers (the API adds the feed, the goal and the window; declared once, in contracts). */
export type LiveAccuracySummary = Omit<PredictionAccuracy, 'feed' | 'goal' | 'window'>;

export class LiveAccuracy {
  private readonly runs = new Map<string, RunAnnouncements>();
  /** Minute (POSIX seconds / 60) to route and place (`tallyKey`) to [count, within] per bucket. */
  private readonly minutes = new Map<number, Map<string, Int32Array>>();
  /** Where a stop lies (its district), to split the figures by place; null: not split. */
  placeOf: ((stopId: string) => string | null) | null = null;
  private observed = 0;
  readonly options: LiveAccuracyOptions;

  constructor(options: Partial<LiveAccuracyOptions> = {}) {
    this.options = { ...DEFAULT_LIVE_ACCURACY_OPTIONS, ...options };
  }

  /** One tracked position and what was announced from it (null: nothing). */
  observe(update: TrackUpdate, predictions: Float64Array | null): void {
    const { run, time: now } = update;
    // Keyed by the trip run, not the vehicle: a bus that takes over a trip, or a vehicle that briefly
    // reported another trip and came back, still settles what was announced for that trip's stops, as
    // passengers waiting for that trip saw it (and as the offline yardstick judges it).
    const id = run.key;
    let state = this.runs.get(id);
    if (update.passed.length > 0 && state) this.settle(state, update);
    if (!predictions) return;
    if (!state) this.runs.set(id, state = { routeId: run.trip.routeId, stopIds: run.trip.pattern.stopIds, lastTime: now, list: [] });
    state.lastTime = now;
    // Announcements too old to be judged any more go first (a pass can be dated back to the previous ping).
    const oldest = now - MAX_HORIZON_SECONDS - PASS_LAG_SECONDS;
    while (state.list.length > 0 && state.list[0]!.madeAt < oldest) state.list.shift();
    const newest = state.list[state.list.length - 1];
    if (newest && newest.madeAt !== now && now - newest.madeAt < this.options.spacingSeconds) return;
    let kept = 0;
    while (kept < predictions.length && predictions[kept]! - now <= KEEP_HORIZON_SECONDS) kept++;
    if (predictions.length === 0) return;
    const horizons = new Float32Array(kept);
    for (let i = 0; i < kept; i++) horizons[i] = predictions[i]! - now;
    const announcement = { madeAt: now, from: run.nextIndex, stops: predictions.length, horizons };
    if (newest && newest.madeAt === now) state.list[state.list.length - 1] = announcement;
    else state.list.push(announcement);
    if (++this.observed % 10_000 === 0) this.forget(now);
  }

  private settle(state: RunAnnouncements, update: TrackUpdate) {
    for (const { index, time } of update.passed) {
      if (!Number.isFinite(time)) continue;
      const key = tallyKey(state.routeId, this.placeOf?.(state.stopIds[index]!) ?? null);
      for (const announcement of state.list) {
        const k = index - announcement.from;
        if (k < 0 || k >= announcement.stops) continue;
        const bucket = bucketOf(time - announcement.madeAt);
        if (bucket < 0) continue;
        const window = HORIZON_BUCKETS[bucket]!;
        const error = k < announcement.horizons.length ? time - (announcement.madeAt + announcement.horizons[k]!) : -Infinity;
        this.count(time, key, bucket, error >= window.early && error <= window.late);
      }
    }
  }

  private count(time: number, key: string, bucket: number, within: boolean) {
    const minute = Math.floor(time / 60);
    let routes = this.minutes.get(minute);
    if (!routes) {
      this.minutes.set(minute, routes = new Map());
      for (const old of this.minutes.keys()) if (old <= minute - this.options.keepMinutes) this.minutes.delete(old);
    }
    let tally = routes.get(key);
    if (!tally) routes.set(key, tally = new Int32Array(2 * BUCKETS));
    tally[2 * bucket]!++;
    if (within) tally[2 * bucket + 1]!++;
  }

  /** The figures of minutes [from, to) (POSIX minutes), to store. */
  minutesBetween(from: number, to: number): AccuracyMinute[] {
    const out: AccuracyMinute[] = [];
    for (const [minute, tallies] of this.minutes) {
      if (minute < from || minute >= to) continue;
      for (const [key, tally] of tallies) out.push({ minute, routeId: routeOfKey(key), place: placeOfKey(key), tally: Array.from(tally) });
    }
    return out.sort((a, b) => a.minute - b.minute);
  }

  /**
   * Adds figures kept elsewhere: read back after a restart, or those of the runtime a re-imported feed
   * replaces. A tally of another shape (not one count and one share per bucket) is skipped.
   */
  restore(minutes: Iterable<AccuracyMinute>): void {
    for (const { minute, routeId, place, tally } of minutes) {
      if (tally.length !== 2 * BUCKETS) continue;
      let routes = this.minutes.get(minute);
      if (!routes) this.minutes.set(minute, routes = new Map());
      const key = tallyKey(routeId, place || null);
      let held = routes.get(key);
      if (!held) routes.set(key, held = new Int32Array(2 * BUCKETS));
      for (let i = 0; i < held.length; i++) held[i]! += tally[i]!;
    }
  }

  /** Drops runs not heard from for two hours (vehicles that vanished mid-trip). */
  private forget(now: number) {
    for (const [id, state] of this.runs) if (state.lastTime < now - 7200) this.runs.delete(id);
  }

  /** The figures of the arrivals judged in the `windowSeconds` up to `now` (POSIX seconds; whole minutes, this one included). */
  summary(now: number, windowSeconds = 3600): LiveAccuracySummary {
    const to = Math.floor(now / 60) + 1, from = to - Math.ceil(windowSeconds / 60);
    const total = new Int32Array(2 * BUCKETS);
    const byRoute = this.sumsBy(routeOfKey, from, to, total);
    // The routes costing passengers the most missed announcements first (a small route's share alone says little).
    const missed = (route: { count: number; inWindow: number | null }) => Math.round(route.count * (1 - (route.inWindow ?? 1)));
    const routes = [...byRoute].map(([routeId, tally]) => ({ routeId, ...sums(tally) }))
      .sort((a, b) => missed(b) - missed(a) || b.count - a.count || a.routeId.localeCompare(b.routeId));
    return {
      from: from * 60, to: to * 60, ...sums(total),
      buckets: HORIZON_BUCKETS.map((bucket, b) => ({ label: bucket.label, from: bucket.from, to: bucket.to, count: total[2 * b]!, inWindow: share(total[2 * b + 1]!, total[2 * b]!) })),
      routes,
    };
  }

  /** Per place (district) with a figure, the arrivals judged in the window: as `summary`, without the detail. */
  byPlace(now: number, windowSeconds = 3600): Map<string, { count: number; inWindow: number | null }> {
    const to = Math.floor(now / 60) + 1, from = to - Math.ceil(windowSeconds / 60);
    const places = new Map<string, { count: number; inWindow: number | null }>();
    for (const [place, tally] of this.sumsBy(placeOfKey, from, to)) if (place !== '') places.set(place, sums(tally));
    return places;
  }

  /** The tallies of minutes [from, to) summed per group of their keys (and into `total`). */
  private sumsBy(groupOf: (key: string) => string, from: number, to: number, total?: Int32Array): Map<string, Int32Array> {
    const groups = new Map<string, Int32Array>();
    for (const [minute, tallies] of this.minutes) {
      if (minute < from || minute >= to) continue;
      for (const [key, tally] of tallies) {
        const group = groupOf(key);
        let sum = groups.get(group);
        if (!sum) groups.set(group, sum = new Int32Array(2 * BUCKETS));
        for (let i = 0; i < tally.length; i++) { sum[i]! += tally[i]!; if (total) total[i]! += tally[i]!; }
      }
    }
    return groups;
  }
}

const share = (within: number, count: number) => (count > 0 ? within / count : null);

/** Count and share within the window over all buckets of a tally. */
function sums(tally: Int32Array) {
  let count = 0, within = 0;
  for (let b = 0; b < BUCKETS; b++) { count += tally[2 * b]!; within += tally[2 * b + 1]!; }
  return { count, inWindow: share(within, count) };
}
