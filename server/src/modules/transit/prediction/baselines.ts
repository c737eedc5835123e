// The two yardsticks every prediction is measured against, fed by the same tracker as the engine.
import type { TrackUpdate } from '../tracking/tracker.js';
import { scheduledTimeAt } from '../tracking/tracker.js';
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
    let delay = time - (run.serviceStart + scheduledTimeAt(trip, run.progress));
    if (run.nextIndex <= 1 && run.progress <= trip.pattern.distances[0]! + 40) delay = Math.max(0, delay);
    const out = new Float64Array(n - run.nextIndex);
    for (let i = run.nextIndex; i < n; i++) out[i - run.nextIndex] = Math.max(time, run.serviceStart + trip.arrivals[i]! + delay);
    return out;
  }
}
