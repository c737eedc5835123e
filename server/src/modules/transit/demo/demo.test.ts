import { beforeAll, describe, expect, it } from 'vitest';
import { loadTimetable, type Timetable } from '../gtfs/timetable.js';
import { zipFiles } from '../gtfs/zip-writer.js';
import { demoNetworkFeed } from './network.js';
import { BusSimulator, trafficAt } from './simulator.js';
import { Tracker } from '../tracking/tracker.js';
import { replay, deriveActuals } from '../accuracy/replay.js';
import { AccuracyTally } from '../accuracy/score.js';
import { PredictionEngine } from '../prediction/engine.js';
import { TimetablePredictor } from '../prediction/baselines.js';
import type { VehiclePing } from '../tracking/positions.js';

let timetable: Timetable;
beforeAll(async () => {
  timetable = await loadTimetable(zipFiles(demoNetworkFeed()));
});

async function* toAsync(pings: Iterable<VehiclePing>): AsyncGenerator<VehiclePing> {
  yield* pings;
}

/** Local time in Haicheng (UTC+8) on a Tuesday. */
const at = (hours: number) => Date.parse('2026-03-03T00:00:00+08:00') / 1000 + hours * 3600;

describe('the demo city bus network', () => {
  it('is a valid GTFS feed: eight lines each way, with shapes and timepoints', () => {
    expect(timetable.agencyTimezone).toBe('Asia/Shanghai');
    expect(timetable.routes.size).toBe(8);
    const patterns = new Set([...timetable.trips.values()].map((trip) => trip.pattern));
    expect(patterns.size).toBe(16);
    const trip = timetable.trips.get('1-0-001')!;
    expect(trip.departures[0]).toBe(5.5 * 3600);
    expect(trip.pattern.stopIds.length).toBeGreaterThan(15);
    // Stops sit on the shape, in order, roughly 650 m apart.
    const gaps = [...trip.pattern.distances].slice(1).map((d, i) => d - trip.pattern.distances[i]!);
    expect(Math.min(...gaps)).toBeGreaterThan(400);
    expect(Math.max(...gaps)).toBeLessThan(900);
  });

  it('names its stops as a stop sign would: one name for both kerbs of a place, a hub where lines meet', () => {
    const name = (id: string) => timetable.stops.get(id)!.name;
    const line1 = timetable.trips.get('1-0-001')!.pattern.stopIds;
    expect(name(line1[0]!)).toBe('黄浦枢纽站');
    expect(name(line1[line1.length - 1]!)).toBe('滨江枢纽站');
    // The opposite kerb of stop i outbound is stop n-1-i inbound.
    line1.forEach((id, i) => expect(name(`1-1-${String(line1.length - i).padStart(2, '0')}`)).toBe(name(id)));
    // Lines 1-4 all start at the Huangpu hub, a station with a bay per line and direction; every other
    // place has a name of its own.
    expect(timetable.stops.get('hub-huangpu')).toMatchObject({ name: '黄浦枢纽站', locationType: 1 });
    const bays = timetable.stopsOfStation.get('hub-huangpu')!;
    expect(bays).toHaveLength(8);
    expect(new Set(bays.map((id) => id.split('-')[0]))).toEqual(new Set(['1', '2', '3', '4']));
    expect(timetable.stopsOfStation.size).toBe(8);
    const places = new Map<string, Set<string>>();
    for (const stop of timetable.stops.values()) {
      if (stop.name.endsWith('枢纽站')) continue;
      const [route] = stop.id.split('-');
      places.set(stop.name, (places.get(stop.name) ?? new Set()).add(route!));
    }
    expect([...places.values()].every((routes) => routes.size === 1)).toBe(true);
    expect([...places.keys()].every((text) => /^[\u4e00-\u9fff]+$/.test(text))).toBe(true);
  });

  it('simulates buses that the tracker follows, slower in the peaks', () => {
    const simulator = new BusSimulator(timetable, { seed: 3 });
    const pings = simulator.positionsAt(at(8));
    expect(pings.length).toBeGreaterThan(50);
    expect(simulator.positionsAt(at(8))).toEqual(pings); // deterministic
    const tracker = new Tracker(timetable);
    const updates = pings.map((ping) => tracker.observe(ping));
    expect(updates.filter((update) => update?.onRoute).length).toBe(pings.length);
    expect(trafficAt(8)).toBeGreaterThan(trafficAt(13));
  });

  it('runs each block on one bus: its next trip leaves after the last one ends, and it reports one trip at a time', () => {
    const simulator = new BusSimulator(timetable, { seed: 3 });
    const day = timetable.clock.localDay(at(12));
    const block = timetable.tripsByBlock.get('1-B01')!;
    expect(block.length).toBeGreaterThan(5);
    expect(new Set(block.map((trip) => trip.directionId)).size).toBe(2); // back and forth
    for (let i = 1; i < block.length; i++) {
      const before = simulator.realised(block[i - 1]!, day), after = simulator.realised(block[i]!, day);
      expect(after.depart[0]!).toBeGreaterThanOrEqual(before.arrive[before.arrive.length - 1]! + 120);
    }
    // One bus, one position, on one trip, at every moment of the day: through the morning peak, which
    // makes buses late, and where the night's buses hand over to the day's.
    for (let time = at(0); time < at(24); time += 120) {
      const ids = simulator.positionsAt(time).map((ping) => ping.vehicleId);
      expect(new Set(ids).size).toBe(ids.length);
    }
    // There are buses to see at any hour: every 30 minutes at night.
    expect(simulator.positionsAt(at(2)).length).toBeGreaterThan(30);
    // Between the peaks buses stand long at the ends of their lines; none reports a trip it leaves on more
    // than 20 minutes later, but every trip is reported from before it leaves.
    const reported = new Set<string>();
    for (let time = at(10); time < at(16); time += 60) {
      for (const ping of simulator.positionsAt(time)) {
        reported.add(ping.tripId!);
        expect(simulator.realised(timetable.trips.get(ping.tripId!)!, day).depart[0]! - time).toBeLessThanOrEqual(20 * 60);
      }
    }
    const leaving = [...timetable.trips.values()].filter((trip) => {
      const leaves = simulator.realised(trip, day).depart[0]!;
      return leaves > at(10.5) && leaves < at(15.5);
    });
    expect(leaving.length).toBeGreaterThan(100);
    for (const trip of leaving) expect(reported.has(trip.id)).toBe(true);
    const reports = [at(6), at(6.5), at(7), at(7.5), at(8)].flatMap((time) => simulator.positionsAt(time).filter((ping) => ping.vehicleId === 'HC-1-B01'));
    expect(new Set(reports.map((ping) => ping.tripId)).size).toBeGreaterThan(1);
  });

  it('gives the engine something to learn: after a simulated morning it beats the timetable', async () => {
    const simulator = new BusSimulator(timetable, { seed: 5 });
    const actuals = await deriveActuals(timetable, toAsync(simulator.positionsBetween(at(6), at(10), 30)));
    const tallies = [new AccuracyTally(), new AccuracyTally()];
    await replay({
      timetable, positions: toAsync(simulator.positionsBetween(at(6), at(10), 30)), predictors: [new PredictionEngine(timetable), new TimetablePredictor()],
      onPredictions: (index, madeAt, _vehicle, tripId, sequences, _stops, from, times) => {
        if (madeAt < at(8)) return; // score the second half: the engine learned from the first
        for (let i = 0; i < times.length; i++) {
          const actual = actuals.find(tripId, sequences[from + i]!, madeAt);
          if (actual !== null) tallies[index]!.add(actual, times[i]!, madeAt);
        }
      },
    });
    const [engine, timetableOnly] = tallies.map((tally) => tally.score());
    expect(engine!.count).toBeGreaterThan(10_000);
    expect(engine!.withinBuckets).toBeGreaterThan(timetableOnly!.withinBuckets + 0.05);
    expect(engine!.withinBuckets).toBeGreaterThan(0.9);
  });
});
