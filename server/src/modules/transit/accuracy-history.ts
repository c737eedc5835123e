// The live prediction accuracy over restarts: each feed's figures per minute are written once they can no
// longer change (every minute), and all of them when the server stops; at start the last day's are read
// back, so the accuracy vital sign, `GET /accuracy` and the operations page go on where they were instead
// of starting empty. Announcements in flight at a restart are lost: their arrivals are not judged.
import type { Db } from '../../platform/db/types.js';
import type { Logger } from '../../platform/logger.js';
import type { Clock } from '../../platform/clock.js';
import { DEFAULT_LIVE_ACCURACY_OPTIONS, FINAL_AFTER_SECONDS } from './accuracy/live.js';
import { deleteFeedAccuracy, pruneAccuracyMinutes, readAccuracyMinutes, saveAccuracyMinutes } from './accuracy/accuracy-store.js';
import type { TransitService } from './service.js';

export class AccuracyHistory {
  /** Per feed, the first minute not yet written (a minute at or after it may still be written again). */
  private readonly next = new Map<string, number>();
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly ctx: { db: Db; clock: Clock; logger: Logger }, private readonly transit: TransitService) {}

  private minute(): number {
    return Math.floor(this.ctx.clock.now() / 60_000);
  }

  private keepMinutes(feedId: string): number {
    return this.transit.runtime(feedId).accuracy.options.keepMinutes;
  }

  /** Reads each feed's figures of the last day back into its live accuracy. */
  async restore(feedIds: string[]): Promise<void> {
    for (const feedId of feedIds) {
      const minutes = await readAccuracyMinutes(this.ctx.db, feedId, this.minute() - this.keepMinutes(feedId));
      this.transit.runtime(feedId).accuracy.restore(minutes);
      // The newest minute read is written again with what is added to it from now on.
      if (minutes.length > 0) this.next.set(feedId, minutes[minutes.length - 1]!.minute);
    }
  }

  /**
   * Writes the minutes of every feed that are final (`all`: every minute, when the server stops); saves
   * never overlap. A failed write is logged and tried again with the next save.
   */
  save(all = false): Promise<void> {
    this.saving = this.saving.then(async () => {
      const until = all ? this.minute() + 1 : Math.floor((this.ctx.clock.now() / 1000 - FINAL_AFTER_SECONDS) / 60);
      for (const feedId of this.transit.feedIds()) {
        const from = this.next.get(feedId) ?? -Infinity;
        if (from >= until) continue;
        try {
          await saveAccuracyMinutes(this.ctx.db, feedId, this.transit.runtime(feedId).accuracy.minutesBetween(from, until));
          // After saving everything, the current minute is written again by the next save.
          this.next.set(feedId, all ? until - 1 : until);
        } catch (error) {
          this.ctx.logger.error({ err: error, feed: feedId }, 'writing the live prediction accuracy failed');
        }
      }
    });
    return this.saving;
  }

  /** Deletes figures older than the longest window a summary can ask for (a day). */
  prune(): Promise<number> {
    return pruneAccuracyMinutes(this.ctx.db, this.minute() - DEFAULT_LIVE_ACCURACY_OPTIONS.keepMinutes);
  }

  async forgetFeed(feedId: string): Promise<void> {
    await this.saving;
    this.next.delete(feedId);
    await deleteFeedAccuracy(this.ctx.db, feedId);
  }
}
