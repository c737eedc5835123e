// Local hour of week in an IANA time zone, cheap enough for every observation.

const HOUR_MS = 3_600_000;
/** 1970-01-01 was a Thursday; shifting by three days makes Monday 00:00 hour 0. */
const EPOCH_HOUR_OF_WEEK = 72;
/** Direct-mapped cache of 8192 UTC hours (~11 months): a stream of observations touches only a few. */
const CACHE_BITS = 13;
const CACHE_MASK = (1 << CACHE_BITS) - 1;

/**
 * Maps a UTC timestamp to the local hour of week (0 = Monday 00:00-00:59 … 167 =
 * Sunday 23:00-23:59) in one time zone.
 *
 * Intl is far too slow to call per observation (microseconds, and it allocates), so
 * the UTC offset is computed once per UTC hour and cached. Offsets change only at
 * transitions, which in practice fall on whole UTC hours for every zone a Chinese
 * city would use; a zone with half-hour transitions (Australia/Lord_Howe) is off by
 * at most 30 minutes in the one hour of the change, which a baseline tolerates.
 */
export class HourOfWeekClock {
  readonly timeZone: string;
  private readonly format: Intl.DateTimeFormat;
  private readonly tags = new Float64Array(CACHE_MASK + 1).fill(NaN);
  private readonly offsets = new Float64Array(CACHE_MASK + 1);

  constructor(timeZone = 'Asia/Shanghai') {
    // Throws RangeError on an unknown zone, which is what a misconfiguration deserves.
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    this.timeZone = this.format.resolvedOptions().timeZone;
  }

  /** UTC offset in milliseconds at `ts` (local = UTC + offset). */
  offsetMs(ts: number): number {
    const hour = Math.floor(ts / HOUR_MS);
    const slot = hour & CACHE_MASK;
    if (this.tags[slot] === hour) return this.offsets[slot]!;
    const offset = this.computeOffset(hour * HOUR_MS);
    this.tags[slot] = hour;
    this.offsets[slot] = offset;
    return offset;
  }

  hourOfWeek(ts: number): number {
    const localHour = Math.floor((ts + this.offsetMs(ts)) / HOUR_MS);
    const how = (localHour + EPOCH_HOUR_OF_WEEK) % 168;
    return how < 0 ? how + 168 : how;
  }

  private computeOffset(ts: number): number {
    let y = 0;
    let mo = 0;
    let d = 0;
    let h = 0;
    let mi = 0;
    let s = 0;
    for (const part of this.format.formatToParts(ts)) {
      const v = Number(part.value);
      switch (part.type) {
        case 'year': y = v; break;
        case 'month': mo = v; break;
        case 'day': d = v; break;
        case 'hour': h = v; break;
        case 'minute': mi = v; break;
        case 'second': s = v; break;
        default: break;
      }
    }
    const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
    return asUtc - (ts - (((ts % 1000) + 1000) % 1000));
  }
}
