// Replay: positions fed through the tracker and the predictors in time order, one ping at a time, exactly
// as the server would see them; every prediction and every derived actual arrival comes out as it happens.
// Nothing looks ahead, so a replay of a prefix of the positions gives exactly the predictions of the full
// replay up to that time.
import fs from 'node:fs';
import zlib from 'node:zlib';
import type { Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import type { Timetable } from '../gtfs/timetable.js';
import { Tracker, DEFAULT_TRACKER_OPTIONS, type TrackerOptions, type TrackerCounters, type TrackUpdate } from '../tracking/tracker.js';
import { readPositions, type VehiclePing } from '../tracking/positions.js';
import type { ArrivalPredictor } from '../prediction/engine.js';
import { ActualArrivals } from './score.js';

export interface PredictionRow { madeAt: number; tripId: string; stopSequence: number; stopId: string; predicted: number; vehicleId: string }

export const PREDICTION_COLUMNS = 'made_at,trip_id,stop_sequence,stop_id,predicted_arrival,vehicle_id';
export const ACTUAL_COLUMNS = 'trip_id,stop_sequence,stop_id,actual_arrival';

export interface ReplayOptions {
  timetable: Timetable;
  /** Position files replayed one after the other (days), or any iterable of pings in time order. */
  positions: string[] | AsyncIterable<VehiclePing>;
  predictors: ArrivalPredictor[];
  onPredictions?: (predictor: number, madeAt: number, vehicleId: string, tripId: string, stopSequences: Int32Array, stopIds: string[], from: number, times: Float64Array) => void;
  onActual?: (tripId: string, stopSequence: number, stopId: string, actual: number) => void;
  onPing?: (ping: VehiclePing) => void;
  /** Each ping with what the tracker made of it (null: on no trip), as the server's vehicle events carry it. */
  onTracked?: (ping: VehiclePing, update: TrackUpdate | null) => void;
  /** Stop before the first ping at or after this time (POSIX seconds). */
  until?: number;
  tracker?: TrackerOptions;
}

export async function* pingsOf(files: string[]): AsyncGenerator<VehiclePing> {
  for (const file of files) yield* readPositions(file);
}

export async function replay(options: ReplayOptions): Promise<TrackerCounters> {
  const tracker = new Tracker(options.timetable, options.tracker ?? DEFAULT_TRACKER_OPTIONS);
  const source = Array.isArray(options.positions) ? pingsOf(options.positions) : options.positions;
  for await (const ping of source) {
    if (options.until !== undefined && ping.time >= options.until) break;
    options.onPing?.(ping);
    const update = tracker.observe(ping);
    options.onTracked?.(ping, update);
    if (!update) continue;
    const trip = update.run.trip;
    if (options.onActual) {
      for (const passed of update.passed) {
        if (Number.isFinite(passed.time)) options.onActual(trip.id, trip.stopSequences[passed.index]!, trip.pattern.stopIds[passed.index]!, passed.time);
      }
    }
    options.predictors.forEach((predictor, index) => {
      predictor.learn(update);
      const times = predictor.predict(update);
      if (times && options.onPredictions) options.onPredictions(index, ping.time, ping.vehicleId, trip.id, trip.stopSequences, trip.pattern.stopIds, update.run.nextIndex, times);
    });
  }
  return tracker.counters;
}

/** Derives actual arrivals from positions (the passing times the tracker interpolates). */
export async function deriveActuals(timetable: Timetable, positions: string[] | AsyncIterable<VehiclePing>): Promise<ActualArrivals> {
  const actuals = new ActualArrivals();
  await replay({ timetable, positions, predictors: [], onActual: (tripId, sequence, _stop, actual) => actuals.add(tripId, sequence, actual) });
  return actuals;
}

/** A buffered CSV writer: rows are joined in memory and flushed in large chunks; gzipped when the name ends in .gz. */
export class CsvFileWriter {
  private readonly stream: Writable;
  private readonly done: Promise<void>;
  private buffer: string[] = [];
  private size = 0;
  rows = 0;
  constructor(file: string, header: string) {
    const out = fs.createWriteStream(file);
    if (file.endsWith('.gz')) {
      const gzip = zlib.createGzip();
      this.stream = gzip;
      this.done = pipeline(gzip, out);
    } else {
      this.stream = out;
      this.done = finished(out);
    }
    this.buffer.push(header + '\n');
  }
  write(line: string) {
    this.buffer.push(line);
    this.size += line.length;
    this.rows++;
    if (this.size > 1 << 20) this.flush();
  }
  private flush() {
    this.stream.write(this.buffer.join(''));
    this.buffer = [];
    this.size = 0;
  }
  async close() {
    this.flush();
    this.stream.end();
    await this.done;
  }
}

/** Writes one prediction per later stop, in the replay's CSV form (POSIX seconds). */
export function predictionLines(writer: CsvFileWriter) {
  return (_predictor: number, madeAt: number, vehicleId: string, tripId: string, stopSequences: Int32Array, stopIds: string[], from: number, times: Float64Array) => {
    for (let i = 0; i < times.length; i++) {
      writer.write(`${madeAt},${tripId},${stopSequences[from + i]},${stopIds[from + i]},${Math.round(times[i]!)},${vehicleId}\n`);
    }
  };
}
