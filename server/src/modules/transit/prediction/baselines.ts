// The two yardsticks every prediction is measured against, fed by the same tracker as the engine.
import type { TrackUpdate } from '../tracking/tracker.js';
import { atFirstStop, scheduledTimeAt } from '../tracking/tracker.js';
import type { ArrivalPredictor } from './engine.js';

/** The timetable alone: every stop at its scheduled time. */
export class TimetablePredictor implements ArrivalPredictor {
  readonly name = 'timetable';
  learn(): void {}
  predict(update: TrackUpdate): Float64Array | null {
    const { run } = update;
    const n = run.trip.arrivals.length;
    if (!update.onRoute || run.nextIndex >= n) return null;
    const out = new Float64Array(n - run.nextIndex);
    for (let i = run.nextIndex; i < n; i++) out[i - run.nextIndex] = run.serviceStart + run.trip.arrivals[i]!;
    return out;
  }
}

/**
 * How late the vehicle is at its position now against the timetable (seconds; negative when early). A
 * vehicle waiting at its first stop before its departure time is on time.
 */
export function currentDelay({ run, time }: Pick<TrackUpdate, 'run' | 'time'>): number {
  const delay = time - (run.serviceStart + scheduledTimeAt(run.trip, run.progress));
  return atFirstStop(run) ? Math.max(0, delay) : delay;
}

/**
 * The vehicle's current delay carried forward to every later stop, as OneBusAway does: the delay is how
 * far the vehicle is behind (or ahead of) the timetable at its position now. A vehicle waiting at its
 * first stop before its departure time is on time. No prediction is earlier than now.
 * See: https://developer.onebusaway.org/modules/onebusaway-application-modules/current/
 */
export class DelayCarriedForwardPredictor implements ArrivalPredictor {
  readonly name = 'delay carried forward';
  learn(): void {}
  predict(update: TrackUpdate): Float64Array | null {
    const { run, time } = update;
    const trip = run.trip;
    const n = trip.arrivals.length;
    if (!update.onRoute || run.nextIndex >= n) return null;
    const delay = currentDelay(update);
    const out = new Float64Array(n - run.nextIndex);
    for (let i = run.nextIndex; i < n; i++) out[i - run.nextIndex] = Math.max(time, run.serviceStart + trip.arrivals[i]! + delay);
    return out;
  }
}
