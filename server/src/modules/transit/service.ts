// The transit service: the feeds in memory (timetable, tracker, prediction engine per feed), fed by
// pushed GTFS-Realtime, answering arrivals and GTFS-Realtime feeds. The database holds the feeds and what
// the engines learned; vehicle state lives in memory.
import type { StopArrivals, TransitNetworks } from '@citypulse/contracts';
import { EventEmitter } from 'node:events';
import type { Db } from '../../platform/db/types.js';
import type { Logger } from '../../platform/logger.js';
import type { Clock } from '../../platform/clock.js';
import { buildTimetable, buildTimetableInSlices, readFeedFile, type LoadOptions } from './gtfs/timetable.js';
import { DEFAULT_MAX_FEED_BYTES } from './gtfs/feed-files.js';
import { feedNoticesInSlices, type FeedNotice } from './gtfs/notices.js';
import { servicePeriod, type ServicePeriod } from './gtfs/service-period.js';
import { LearnedModel } from './prediction/history.js';
import { agencyNames, deleteFeed, listFeeds, readStoredFeed, replaceFeed, type FeedCounts, type FeedSummary } from './feed-store.js';
import { decodeFeedMessageInSlices, pingsOf, type FeedMessageObject } from './realtime/feed-message.js';
import { alertsAfter, alertsOf, ALERT_SOURCE_SECONDS, type AlertSource } from './realtime/alerts.js';
import { deleteAlertSource, deleteFeedAlerts, readAlertSources, saveAlertSource } from './alert-store.js';
import { pauseEvery, SLICE_MS } from '../../platform/slices.js';
import { TransitError, TransitErrorCode } from './errors.js';
import { keepSchedule, operatorTripsOf } from './realtime/trip-updates.js';
import { FeedRuntime, isFresh, type PlaceOfStop, type TrackedVehicle } from './feed-runtime.js';
import { stopArrivals, type ArrivalOptions } from './arrivals.js';

export interface TransitContext { db: Db; logger: Logger; clock: Clock }

/** What became of a pushed FeedMessage's positions and TripUpdates. */
export interface IngestReport {
  positions: number; accepted: number; stale: number; invalid: number; unmatched: number; tripUpdates: number;
  tripUpdatesUsed: number; tripUpdatesStale: number; tripUpdatesUnmatched: number; tripUpdatesInvalid: number; tripUpdatesAdded: number;
  /** Service alerts taken, and those unusable (no header text, or informing about nothing). */
  alerts: number; alertsInvalid: number;
}

/** What an import wrote (rows per table), and what it found valid but doubtful in the feed. */
export interface FeedImport { counts: FeedCounts; notices: FeedNotice[]; service: ServicePeriod | null }

/** Runs the work given to it one after the other, in the order given; a failure ends its own turn only. */
function inTurns() {
  let last: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>): Promise<T> => {
    const turn = last.then(work);
    last = turn.catch(() => undefined);
    return turn;
  };
}

/**
 * A source restating the same alerts has the time it last spoke stored this often: after a restart its
 * alerts are still in force for the rest of the hour a silent source keeps them, less this at most.
 */
const ALERT_SAVE_SECONDS = ALERT_SOURCE_SECONDS / 12;

/** Positions newer than now + this are from the future. */
const FUTURE_SECONDS = 60;

export class TransitService {
  private readonly feeds = new Map<string, FeedRuntime>();
  /**
   * 'vehicle' (feedId, LiveVehicle) after each accepted position, 'operatorTrip' (feedId, OperatorTrip)
   * after each TripUpdate taken, 'alerts' (feedId) when a source's alerts change — what the per-stop streams
   * listen to; 'feedDeleted' (feedId).
   */
  readonly changes = new EventEmitter().setMaxListeners(0);
  /**
   * Where stops lie, to split the live accuracy by district (set by the headway vitals, which know the
   * districts' outlines); looked up when an arrival is judged, so it applies to feeds imported later too.
   */
  placeOfStop: PlaceOfStop | null = null;
  /** What an imported feed's files may inflate to, in all (CITYPULSE_TRANSIT_MAX_FEED_BYTES). */
  maxFeedBytes = DEFAULT_MAX_FEED_BYTES;
  /** One import at a time: each holds its feed's rows in memory, so imports at once would add up to what the limit on one is there to prevent. */
  private readonly importTurns = inTurns();
  /** One realtime message at a time, in the order they came: a vehicle's positions stay in order. */
  private readonly ingestTurns = inTurns();
  private readonly placeOf: PlaceOfStop = (feed, stopId) => this.placeOfStop?.(feed, stopId) ?? null;

  /** The feed a request that names none is for when there are several (null: it must name one). */
  defaultFeed: string | null = null;

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
      const runtime = new FeedRuntime(summary.id, buildTimetable(draft), model, this.placeOf);
      for (const [source, held] of await readAlertSources(this.ctx.db, summary.id)) runtime.alertSources.set(source, held);
      this.feeds.set(summary.id, runtime);
    }
  }

  feedIds(): string[] {
    return [...this.feeds.keys()].sort();
  }

  async listFeeds(): Promise<FeedSummary[]> {
    return (await listFeeds(this.ctx.db)).map((feed) => ({ ...feed, service: this.servicePeriod(feed.id) }));
  }

  /** The days feed `feedId`'s timetable covers, against today in its time zone (null: never runs, or not loaded). */
  servicePeriod(feedId: string): ServicePeriod | null {
    const runtime = this.feeds.get(feedId);
    if (!runtime) return null;
    const { timetable } = runtime;
    return servicePeriod(timetable.services.values(), timetable.clock.localDay(this.ctx.clock.now() / 1000));
  }

  /**
   * The bus networks a passenger can choose from: each feed with its operators' names, and the one a
   * request naming no feed is for (null when there are several and no default).
   */
  async networks(): Promise<TransitNetworks> {
    const agencies = await agencyNames(this.ctx.db);
    const items = this.feedIds().map((id) => {
      const { timetable } = this.feeds.get(id)!;
      return { id, agencies: agencies.get(id) ?? [], routes: timetable.routes.size, stops: timetable.stops.size, timeZone: timetable.agencyTimezone };
    });
    const fallback = items.length === 1 ? items[0]!.id : this.defaultFeed !== null && this.feeds.has(this.defaultFeed) ? this.defaultFeed : null;
    return { default: fallback, items };
  }

  /**
   * The feed asked for; when none is named, the only one, or the city's default feed (configured, or the
   * demo city's): links, QR codes and stop displays made before a second feed was imported keep working.
   */
  runtime(feedId?: string): FeedRuntime {
    if (feedId) {
      const feed = this.feeds.get(feedId);
      if (!feed) throw new TransitError(TransitErrorCode.UnknownFeed, `unknown feed "${feedId}"`, [{ name: 'feed', reason: 'unknown feed' }]);
      return feed;
    }
    if (this.feeds.size === 1) return this.feeds.values().next().value!;
    const fallback = this.defaultFeed === null ? undefined : this.feeds.get(this.defaultFeed);
    if (fallback) return fallback;
    if (this.feeds.size === 0) throw new TransitError(TransitErrorCode.UnknownFeed, 'no GTFS feed has been imported', [{ name: 'feed', reason: 'no feed' }]);
    throw new TransitError(TransitErrorCode.FeedRequired, `name the feed: one of ${this.feedIds().join(', ')}`, [{ name: 'feed', reason: 'required when there are several feeds' }]);
  }

  /**
   * The feed of a stop or route named by its id alone: as runtime(), except that when the default feed
   * does not know the id (or there is none) the one feed that does is taken. Ids are only unique within a
   * feed, so an id several other feeds know still needs the feed named.
   */
  runtimeHaving(feedId: string | undefined, what: 'stop' | 'route', id: string): FeedRuntime {
    if (feedId || this.feeds.size <= 1) return this.runtime(feedId);
    const knows = (feed: FeedRuntime) => (what === 'stop' ? feed.timetable.stops : feed.timetable.routes).has(id);
    const fallback = this.defaultFeed === null ? undefined : this.feeds.get(this.defaultFeed);
    if (fallback && knows(fallback)) return fallback;
    const having = [...this.feeds.values()].filter(knows);
    if (having.length === 1) return having[0]!;
    if (having.length > 1) {
      throw new TransitError(TransitErrorCode.FeedRequired, `name the feed: ${what} "${id}" is in ${having.map((feed) => feed.id).sort().join(', ')}`, [{ name: 'feed', reason: `required: several feeds have this ${what}` }]);
    }
    return this.runtime(); // the default feed (its "unknown stop" follows) or a request to name the feed
  }

  /** Validates and stores a GTFS zip as feed `feedId`, replacing it whole if it exists. */
  async importFeed(feedId: string, source: string | Buffer, sourceName: string, options: LoadOptions & { onRows?: (table: string, rows: number) => void } = {}): Promise<FeedImport> {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(feedId)) throw new TransitError(TransitErrorCode.InvalidFeed, 'a feed id is 1-64 letters, digits, dots, dashes or underscores', [{ name: 'id', reason: 'not a feed id' }]);
    return this.importTurns(() => this.importNow(feedId, source, sourceName, options));
  }

  private async importNow(feedId: string, source: string | Buffer, sourceName: string, options: LoadOptions & { onRows?: (table: string, rows: number) => void }): Promise<FeedImport> {
    const draft = await readFeedFile(source, { maxBytes: this.maxFeedBytes, ...options });
    const timetable = await buildTimetableInSlices(draft); // checks what only whole trips show (order, times going back)
    const notices = await feedNoticesInSlices(draft, timetable);
    const counts = await replaceFeed(this.ctx.db, feedId, draft, sourceName, notices, options.onRows);
    const previous = this.feeds.get(feedId);
    const runtime = new FeedRuntime(feedId, timetable, previous?.engine.model ?? new LearnedModel(), this.placeOf);
    // The figures of how right the feed's announcements were carry over (its live vehicles start afresh).
    // So do the service alerts: a new timetable does not end a detour.
    if (previous) {
      runtime.accuracy.restore(previous.accuracy.minutesBetween(-Infinity, Infinity));
      for (const [source, held] of previous.alertSources) runtime.alertSources.set(source, held);
    }
    this.feeds.set(feedId, runtime);
    if (previous) this.changes.emit('feedReplaced', feedId);
    return { counts, notices, service: this.servicePeriod(feedId) };
  }

  async deleteFeed(feedId: string): Promise<void> {
    if (!(await deleteFeed(this.ctx.db, feedId))) throw new TransitError(TransitErrorCode.UnknownFeed, `unknown feed "${feedId}"`, [{ name: 'id', reason: 'unknown feed' }]);
    await deleteFeedAlerts(this.ctx.db, feedId);
    this.feeds.delete(feedId);
    this.changes.emit('feedDeleted', feedId);
  }

  /**
   * Takes a pushed FeedMessage; bad bodies are counted and refused, stale or unusable entities counted and
   * skipped. Messages are taken one at a time, in the order they came (a vehicle's positions stay in
   * order), and a big one in slices, letting other requests in between: a whole fleet in one message, or
   * 90,000 vehicles to match without a trip id (6 s of work), must not hold up the stop boards.
   */
  ingestRealtime(feedId: string | undefined, body: Buffer | unknown, source = 'push'): Promise<IngestReport> {
    return this.ingestTurns(() => this.ingestNow(feedId, body, source));
  }

  private async ingestNow(feedId: string | undefined, body: Buffer | unknown, source: string): Promise<IngestReport> {
    const feed = this.runtime(feedId);
    const counters = feed.counters;
    const pause = pauseEvery(SLICE_MS);
    let message;
    try {
      message = await decodeFeedMessageInSlices(body, pause);
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
      await pause();
      const previous = feed.vehicles.get(ping.vehicleId);
      if (!isFresh(ping.time, now) || (previous && ping.time <= previous.ping.time)) { report.stale++; continue; }
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
    const alerts = await this.takeAlerts(feed, message, source, now, pings.length + invalid + tripUpdates > 0);
    return { ...report, tripUpdatesUsed: operator.used, tripUpdatesStale: operator.stale, tripUpdatesUnmatched: operator.unmatched, tripUpdatesInvalid: operator.invalid, tripUpdatesAdded: operator.added, ...alerts };
  }

  /**
   * Takes a message's alerts as its source's (realtime/alerts.ts `alertsAfter`). The stop streams hear of
   * it only when the source's alerts changed: a source restates them every poll. What is kept is stored
   * first (a restart must not drop a detour, and a DIFFERENTIAL source never restates it), so that a
   * failed write leaves the alerts as they were; a source restating the same alerts has the time it last
   * spoke stored every few minutes only.
   */
  private async takeAlerts(feed: FeedRuntime, message: FeedMessageObject, source: string, now: number, hasOthers: boolean) {
    const taken = alertsOf(message);
    const held = feed.alertSources.get(source);
    const before = held?.alerts ?? [];
    const after = alertsAfter(before, message, taken, hasOthers);
    if (after) {
      const changed = JSON.stringify(after) !== JSON.stringify(before);
      // A source with none left is forgotten, not kept empty.
      if (after.length === 0) {
        if (held) await deleteAlertSource(this.ctx.db.urgent(), feed.id, source);
        feed.alertSources.delete(source);
      } else {
        const kept: AlertSource = { receivedAt: now, savedAt: held?.savedAt, alerts: after };
        if (changed || !(now - (held?.savedAt ?? -Infinity) < ALERT_SAVE_SECONDS)) {
          await saveAlertSource(this.ctx.db.urgent(), feed.id, source, kept);
          kept.savedAt = now;
        }
        feed.alertSources.set(source, kept);
      }
      if (changed) this.changes.emit('alerts', feed.id);
    }
    feed.counters.alerts += taken.alerts.length;
    feed.counters.alertsInvalid += taken.invalid;
    return { alerts: taken.alerts.length, alertsInvalid: taken.invalid };
  }

  /** Keeps the operator's TripUpdates of a message (newer than what is held per trip run), forgetting stale ones. */
  private takeTripUpdates(feed: FeedRuntime, message: Parameters<typeof operatorTripsOf>[0], now: number) {
    const judge = (timestamp: number) => (!isFresh(timestamp, now) ? 'stale' : timestamp > now + FUTURE_SECONDS ? 'invalid' : 'ok') as 'ok' | 'stale' | 'invalid';
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
    for (const [key, trip] of feed.operatorTrips) if (!isFresh(trip.timestamp, now)) feed.operatorTrips.delete(key);
    const counters = feed.counters;
    counters.tripUpdatesUsed += report.used;
    counters.tripUpdatesStale += report.stale;
    counters.tripUpdatesUnmatched += report.unmatched;
    counters.tripUpdatesInvalid += report.invalid;
    counters.tripUpdatesAdded += report.added;
    return report;
  }

  /** Vehicles heard from recently, on a trip. */
  liveVehicles(feed: FeedRuntime): Generator<TrackedVehicle> {
    return feed.live(this.ctx.clock.now() / 1000);
  }

  /** The next arrivals at a stop: live predictions first-hand, the operator's, the timetable for the rest. */
  arrivals(feedId: string | undefined, stopId: string, options: ArrivalOptions): StopArrivals {
    const feed = this.runtimeHaving(feedId, 'stop', stopId);
    if (!feed.timetable.stops.has(stopId)) throw new TransitError(TransitErrorCode.UnknownStop, `unknown stop "${stopId}"`, [{ name: 'id', reason: 'unknown stop' }]);
    return stopArrivals(feed, stopId, this.ctx.clock.now() / 1000, options);
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
