import { beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadTimetable, type Timetable } from '../gtfs/timetable.js';
import { lineFeed, lineLongitude, zipFiles } from '../testing/feed.js';
import { austinData } from '../testing/data.js';
import type { VehiclePing } from '../tracking/positions.js';
import { PredictionEngine } from '../prediction/engine.js';
import { CsvFileWriter, deriveActuals, predictionLines, replay, ACTUAL_COLUMNS, PREDICTION_COLUMNS } from './replay.js';
import { readActuals, scorePredictionsFile } from './evaluate.js';

const DAY = Date.parse('2024-03-04T00:00:00Z') / 1000;

/** Two buses a day on the line feed for three days, each a little slower than the day before, noisy. */
function syntheticPings(): VehiclePing[] {
  const pings: VehiclePing[] = [];
  let seed = 7;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  for (let day = 0; day < 3; day++) {
    for (const [tripId, start, vehicleId] of [['T1', 8 * 3600, 'V1'], ['T2', 8.5 * 3600, 'V2']] as const) {
      const speed = 3000 / (900 + day * 60); // metres a second over the 3 km trip
      for (let t = 0; t <= 1000 + day * 60; t += 50 + Math.floor(random() * 40)) {
        const metres = Math.min(3000, t * speed) + (random() - 0.5) * 20;
        pings.push({ time: DAY + day * 86_400 + start + t, vehicleId, tripId, routeId: 'R1', lat: (random() - 0.5) * 0.0002, lon: lineLongitude(Math.max(0, metres)) });
      }
    }
  }
  return pings.sort((a, b) => a.time - b.time);
}

async function* iterate<T>(items: T[]) { yield* items; }

async function predictionsOf(timetable: Timetable, positions: string[] | AsyncIterable<VehiclePing>, until?: number): Promise<string[]> {
  const lines: string[] = [];
  const engine = new PredictionEngine(timetable);
  await replay({
    timetable, positions, predictors: [engine], until,
    onPredictions: (_p, madeAt, vehicle, trip, sequences, stops, from, times) => {
      for (let i = 0; i < times.length; i++) lines.push(`${madeAt},${trip},${sequences[from + i]},${stops[from + i]},${times[i]},${vehicle}`);
    },
  });
  return lines;
}

let timetable: Timetable;
beforeAll(async () => {
  timetable = await loadTimetable(zipFiles(lineFeed()));
});

describe('replay', () => {
  it('never looks ahead: a prefix replays to exactly the full run up to that time', async () => {
    const pings = syntheticPings();
    const full = await predictionsOf(timetable, iterate(pings));
    expect(full.length).toBeGreaterThan(100);
    for (const cut of [DAY + 86_400 + 8.6 * 3600, DAY + 2 * 86_400 + 8 * 3600 + 400]) {
      const prefix = await predictionsOf(timetable, iterate(pings), cut);
      expect(prefix.length).toBeGreaterThan(0);
      expect(prefix).toEqual(full.filter((line) => Number(line.split(',')[0]) < cut));
    }
  });

  it('writes predictions and actuals as CSV that the scorer reads back', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-'));
    const pings = syntheticPings();
    const predictions = new CsvFileWriter(path.join(folder, 'predictions.csv'), PREDICTION_COLUMNS);
    const actualsOut = new CsvFileWriter(path.join(folder, 'actuals.csv'), ACTUAL_COLUMNS);
    await replay({
      timetable, positions: iterate(pings), predictors: [new PredictionEngine(timetable)],
      onPredictions: predictionLines(predictions),
      onActual: (trip, sequence, stop, actual) => actualsOut.write(`${trip},${sequence},${stop},${Math.round(actual)}\n`),
    });
    await predictions.close();
    await actualsOut.close();
    const text = fs.readFileSync(path.join(folder, 'predictions.csv'), 'utf8').split('\n');
    expect(text[0]).toBe('made_at,trip_id,stop_sequence,stop_id,predicted_arrival,vehicle_id');
    expect(text[1]).toMatch(/^\d+,T1,\d,[ABCD],\d+,V1$/);
    const fromFile = await readActuals(path.join(folder, 'actuals.csv'));
    const derived = await deriveActuals(timetable, iterate(pings));
    expect(fromFile.size).toBe(derived.size);
    const scored = await scorePredictionsFile(path.join(folder, 'predictions.csv'), fromFile, timetable.clock);
    expect(scored.matched).toBeGreaterThan(50);
    expect(scored.byDay.map((day) => day.day)).toEqual(['20240304', '20240305', '20240306']);
    // The buses slow down a minute a day: from the second day on the engine has learned most of it.
    expect(scored.byDay[2]!.score.withinBuckets).toBeGreaterThan(0.9);
    expect(scored.byRoute).toEqual([]); // no routes without the feed
    // With the feed, per route: T1 and T2 both run route R1 here; a made-up split shows the order.
    const byTrip = await scorePredictionsFile(path.join(folder, 'predictions.csv'), fromFile, timetable.clock, undefined, (trip) => (trip === 'T1' ? 'R-one' : 'R-two'));
    expect(byTrip.byRoute.map((route) => route.routeId).sort()).toEqual(['R-one', 'R-two']);
    expect(byTrip.byRoute.reduce((sum, route) => sum + route.score.count, 0)).toBe(byTrip.overall.count);
    const missed = (score: { count: number; withinBuckets: number }) => Math.round(score.count * (1 - score.withinBuckets));
    expect(missed(byTrip.byRoute[0]!.score)).toBeGreaterThanOrEqual(missed(byTrip.byRoute[1]!.score)); // the most missed first
  });

  it('names the line and field of a bad predictions file', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'score-'));
    fs.writeFileSync(path.join(folder, 'p.csv'), 'made_at,trip_id,stop_sequence,stop_id,predicted_arrival,vehicle_id\n100,T1,2,B,soon,V1\n');
    fs.writeFileSync(path.join(folder, 'q.csv'), 'made_at,trip_id,stop_id\n');
    const actuals = await deriveActuals(timetable, iterate([]));
    await expect(scorePredictionsFile(path.join(folder, 'p.csv'), actuals, null)).rejects.toThrow(/p\.csv:2 predicted_arrival: "soon" is not POSIX seconds/);
    await expect(scorePredictionsFile(path.join(folder, 'q.csv'), actuals, null)).rejects.toThrow(/q\.csv:1 stop_sequence: required column is missing/);
  });

  const austin = austinData();
  it.skipIf(!austin)('replays a prefix of a real Austin day to exactly the full day up to that time', async () => {
    const feed = await loadTimetable(austin!.gtfs);
    const day = [austin!.positions('2016-11-25')];
    const cut = Date.parse('2016-11-25T09:30:00-06:00') / 1000;
    const full = await predictionsOf(feed, day, cut + 1800);
    const prefix = await predictionsOf(feed, day, cut);
    expect(prefix.length).toBeGreaterThan(100_000);
    expect(prefix).toEqual(full.filter((line) => Number(line.split(',')[0]) < cut));
  });
});
