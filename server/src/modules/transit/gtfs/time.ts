// GTFS times and service days. A GTFS time is "H:MM:SS" counted from "noon minus 12 h" of the service day
// in the agency's time zone, and may pass 24:00:00 for trips that run after midnight.
// See: https://gtfs.org/documentation/schedule/reference/#field-types (Time, Date)

/** Seconds since the start of the service day, or null when the text is not a valid GTFS time. */
export function parseGtfsTime(text: string): number | null {
  const match = /^\s*(\d{1,3}):([0-5]\d):([0-5]\d)\s*$/.exec(text);
  if (!match) return null;
  return Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]);
}

/** A GTFS date YYYYMMDD as a day number (days since 1970-01-01), or null when it is not a real date. */
export function parseGtfsDate(text: string): number | null {
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(text.trim());
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const date = new Date(ms);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return Math.round(ms / 86_400_000);
}

export const formatDayNumber = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');

/**
 * Local calendar facts for instants in one time zone, cached by the hour (offsets only change on the hour
 * in every zone a transit agency uses), so a replay of millions of pings does not call Intl each time.
 */
export class ZoneClock {
  private readonly format: Intl.DateTimeFormat;
  private readonly offsets = new Map<number, number>();
  constructor(readonly timeZone: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
  }

  /** Seconds to add to a POSIX time to get the local wall-clock time as if it were UTC. */
  offsetAt(epochSeconds: number): number {
    const hour = Math.floor(epochSeconds / 3600);
    let offset = this.offsets.get(hour);
    if (offset === undefined) {
      const parts = Object.fromEntries(this.format.formatToParts(new Date(hour * 3600_000)).map((part) => [part.type, part.value]));
      const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second)) / 1000;
      offset = wall - hour * 3600;
      this.offsets.set(hour, offset);
    }
    return offset;
  }

  /** The local day number (days since 1970-01-01) of an instant. */
  localDay(epochSeconds: number): number {
    return Math.floor((epochSeconds + this.offsetAt(epochSeconds)) / 86_400);
  }

  /** Local seconds since midnight of an instant. */
  secondOfDay(epochSeconds: number): number {
    const local = epochSeconds + this.offsetAt(epochSeconds);
    return local - Math.floor(local / 86_400) * 86_400;
  }

  /** Day of week of a local day number: 0 Sunday .. 6 Saturday. */
  static weekday(day: number): number {
    return (((day + 4) % 7) + 7) % 7;
  }

  /** POSIX seconds of "noon minus 12 h" of a service day: the zero of its GTFS times. */
  serviceDayStart(day: number): number {
    const noonUtc = day * 86_400 + 12 * 3600;
    const noon = noonUtc - this.offsetAt(noonUtc); // DST never changes between 12:00 UTC and local noon
    return noon - 12 * 3600;
  }
}
