// The stop passings over time: in memory for the last hours (the live headway monitor and the vital
// signs read them there), written to the database every few seconds and kept for the retention period
// (headway history over any past period), read back at start so a restart loses nothing recent.
import type { Db } from '../../platform/db/types.js';
import type { Logger } from '../../platform/logger.js';
import type { Clock } from '../../platform/clock.js';
import { headwaysOver, LOOK_BACK_SECONDS, PassingRecorder, seenRuns, type RouteFilter } from './network.js';
import { deleteFeedPassings, firstPassing, prunePassings, readBreaks, readPassings, saveBreaks, savePassings } from './passing-store.js';
import type { TransitService } from './service.js';
import type { FeedRuntime } from './feed-runtime.js';

/** How long stop passings stay in memory for the live headway figures. */
export const KEEP_IN_MEMORY_SECONDS = 3 * 3600;
/** The longest period one history request covers (a day of the demo network is about 100,000 passings). */
export const MAX_HISTORY_SECONDS = 7 * 86_400;

export class HeadwayHistory {
  readonly recorder: PassingRecorder;
  /** Passings written, and write failures (the passings of a failed write are dropped, and counted). */
  readonly counters = { written: 0, failedWrites: 0, dropped: 0, pruned: 0 };
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly ctx: { db: Db; clock: Clock; logger: Logger; retentionDays: number }, private readonly transit: TransitService) {
    this.recorder = new PassingRecorder(KEEP_IN_MEMORY_SECONDS, this.seconds());
    transit.changes.on('vehicle', (feedId, live) => this.recorder.observe(feedId, live));
  }

  private seconds(): number {
    return Math.floor(this.ctx.clock.now() / 1000);
  }

  /** Reads the last hours' passings of each feed back into memory. */
  async restore(feedIds: string[]): Promise<void> {
    const now = this.seconds();
    for (const feedId of feedIds) {
      const from = now - KEEP_IN_MEMORY_SECONDS;
      this.recorder.restore(feedId, await readPassings(this.ctx.db, feedId, from, now), await readBreaks(this.ctx.db, feedId, from, now));
    }
  }

  /** Writes the passings recorded since the last flush; flushes never overlap. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      const pending = this.recorder.drainPending();
      const breaks = this.recorder.drainPendingBreaks();
      if (pending.length === 0 && breaks.length === 0) return;
      try {
        await saveBreaks(this.ctx.db, breaks);
        this.counters.written += await savePassings(this.ctx.db, pending);
      } catch (error) {
        this.counters.failedWrites++;
        this.counters.dropped += pending.length;
        this.ctx.logger.error({ err: error, passings: pending.length }, 'writing stop passings failed');
      }
    });
    return this.flushing;
  }

  /** Deletes passings older than the retention period. */
  async prune(): Promise<number> {
    const removed = await prunePassings(this.ctx.db, this.seconds() - this.ctx.retentionDays * 86_400);
    this.counters.pruned += removed;
    return removed;
  }

  async forgetFeed(feedId: string): Promise<void> {
    await this.flush();
    await deleteFeedPassings(this.ctx.db, feedId);
  }

  /** Headway figures over a past period, from the stored passings. */
  async over(feed: FeedRuntime, from: number, to: number, filter: RouteFilter) {
    await this.flush();
    const now = this.seconds();
    // Up to an hour on: a trip leaving near the end of the period passes its stops after it.
    const read = await readPassings(this.ctx.db, feed.id, from - LOOK_BACK_SECONDS, Math.min(now, to + 3600), filter);
    return headwaysOver(feed, read.filter((pass) => pass.time <= to), from, to, filter, {
      breaks: await readBreaks(this.ctx.db, feed.id, from - LOOK_BACK_SECONDS, to),
      observedSince: (await firstPassing(this.ctx.db, feed.id)) ?? now,
      seenRuns: seenRuns(this.transit, feed, read), now,
    });
  }
}
