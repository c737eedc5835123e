import { beforeAll, describe, expect, it } from 'vitest';
import { loadTimetable, type Timetable } from '../gtfs/timetable.js';
import { lineFeed, lineLongitude, zipFiles } from '../testing/feed.js';
import { DelayCarriedForwardPredictor } from '../prediction/baselines.js';
import { PredictionEngine } from '../prediction/engine.js';
import { LearnedModel } from '../prediction/history.js';
import { Tracker } from './tracker.js';
import { isHeadwayBased, nearestInstance, tripInstances, tripSpan } from './frequencies.js';
import type { VehiclePing } from './positions.js';
import { tripUpdatesMessage } from '../realtime/feeds-out.js';
import { scheduledPassings, tripsDelivered } from '../network.js';
import { routeHeadways } from '../headways.js';

const DAY = Date.parse('2024-03-04T00:00:00Z') / 1000; // a Monday, UTC
const seconds = (clock: string) => Number(clock.slice(0, 2)) * 3600 + Number(clock.slice(3, 5)) * 60 + Number(clock.slice(6, 8) || 0);
const at = (clock: string) => DAY + seconds(clock);
const ping = (clock: string, metres: number, extra: Partial<VehiclePing> = {}): VehiclePing =>
  ({ time: at(clock), vehicleId: 'V1', tripId: 'T1', routeId: 'R1', lat: 0, lon: lineLongitude(metres), ...extra });

// T1's stop times (A 08:00, B 08:05, C 08:10, D 08:15) become a template run every 10 minutes from 07:00
// until before 09:00, to headways (exact_times=0); T2 (08:30) stays an ordinary trip.
const frequencies = 'trip_id,start_time,end_time,headway_secs,exact_times\nT1,07:00:00,09:00:00,600,0\n';
let timetable: Timetable;
beforeAll(async () => {
  timetable = await loadTimetable(zipFiles(lineFeed({ 'frequencies.txt': frequencies })));
});

describe('frequency-based trips', () => {
  it('expands a trip into instances every headway, the end time excluded', () => {
    const trip = timetable.trips.get('T1')!;
    expect(isHeadwayBased(trip)).toBe(true);
    expect(Array.from(tripInstances(trip))).toEqual(Array.from({ length: 12 }, (_, i) => seconds('07:00:00') + i * 600));
    expect(tripSpan(trip)).toEqual({ from: seconds('07:00:00'), to: seconds('08:50:00') + 900 });
    expect(tripSpan(timetable.trips.get('T2')!)).toEqual({ from: seconds('08:30:00'), to: seconds('08:45:00') });
    // A vehicle at B (5 minutes into the trip) at 07:37 runs the 07:30 instance; with it taken, 07:40.
    expect(nearestInstance(trip, seconds('07:37:00'), 300)).toBe(seconds('07:30:00'));
    expect(nearestInstance(trip, seconds('07:37:00'), 300, new Set([seconds('07:30:00')]))).toBe(seconds('07:40:00'));
  });

  it('matches a vehicle to the instance nearest in time and predicts from that instance\'s times', () => {
    const tracker = new Tracker(timetable);
    const predictors = [new DelayCarriedForwardPredictor(), new PredictionEngine(timetable, undefined, { earlyShare: 0 })];
    const first = tracker.observe(ping('07:21:00', 0))!;
    expect(first.run.key).toMatch(/^T1@\d+\+07:20:00$/);
    expect(first.run.startTime).toBe(seconds('07:20:00'));
    expect(first.run.serviceStart + first.run.trip.arrivals[1]!).toBe(at('07:25:00'));
    const update = tracker.observe(ping('07:26:00', 1300))!;
    expect(update.run.key).toBe(first.run.key);
    // At 1300 m the 07:20 instance is due at 07:26:30: 30 s early, so C at 07:29:30 and D at 07:34:30.
    const predicted = predictors.map((predictor) => { predictor.learn(update); return Array.from(predictor.predict(update)!, Math.round); });
    expect(predicted[0]).toEqual([at('07:29:30'), at('07:34:30')]);
    expect(predicted[1]).toEqual(predicted[0]);
  });

  it('names the instance in outgoing trip updates by its start time, as GTFS-Realtime requires', () => {
    const tracker = new Tracker(timetable);
    const engine = new PredictionEngine(timetable, undefined, { earlyShare: 0 });
    const live = (vehicle: string, clock: string, metres: number, tripId: string) => {
      const fix = ping(clock, metres, { vehicleId: vehicle, tripId });
      const update = tracker.observe(fix)!;
      engine.learn(update);
      return { ping: fix, run: update.run, onRoute: true, predictions: engine.predict(update), from: update.run.nextIndex };
    };
    const message = tripUpdatesMessage([live('V1', '07:26:00', 1300, 'T1'), live('V2', '08:36:00', 1300, 'T2')], at('08:36:00'));
    const trips = Object.fromEntries(message.entity.map((entity) => [entity.tripUpdate.vehicle!.id, entity.tripUpdate.trip]));
    // Run to headways (exact_times=0), its instance times are nominal: UNSCHEDULED (E013).
    expect(trips.V1).toMatchObject({ tripId: 'T1', startTime: '07:20:00', startDate: '20240304', scheduleRelationship: 'UNSCHEDULED' });
    expect(trips.V2).toMatchObject({ tripId: 'T2', startDate: '20240304', scheduleRelationship: 'SCHEDULED' });
    expect(trips.V2).not.toHaveProperty('startTime');
  });

  it('gives two vehicles on the same trip at the same time different instances', () => {
    const tracker = new Tracker(timetable);
    const one = tracker.observe(ping('07:37:00', 1000))!;
    const two = tracker.observe(ping('07:37:00', 1000, { vehicleId: 'V2' }))!;
    expect(one.run.startTime).toBe(seconds('07:30:00'));
    expect(two.run.startTime).toBe(seconds('07:40:00'));
    expect(two.run.key).not.toBe(one.run.key);
  });

  it('starts the next instance when a vehicle reporting the same trip goes round again', () => {
    const tracker = new Tracker(timetable);
    const first = tracker.observe(ping('07:20:00', 0))!;
    tracker.observe(ping('07:30:00', 2000));
    const end = tracker.observe(ping('07:35:30', 3000))!;
    expect(end.run.nextIndex).toBe(4); // D passed: the 07:20 instance is over
    expect(tracker.observe(ping('07:37:00', 3000))!.run.key).toBe(first.run.key); // standing at D: still over
    const again = tracker.observe(ping('07:41:00', 0))!;
    expect(again.finished?.key).toBe(first.run.key);
    expect(again.run.startTime).toBe(seconds('07:40:00'));
    expect(again.run.nextIndex).toBe(1);
    // Also when the last stop was never seen passed: back at the start, behind its progress, it is a new run.
    const later = tracker.observe(ping('07:49:00', 2500))!;
    expect(later.run.key).toBe(again.run.key);
    const round = tracker.observe(ping('07:58:00', 100))!;
    expect(round.finished?.key).toBe(again.run.key);
    expect(round.run.startTime).toBe(seconds('08:00:00'));
  });

  it('infers the trip and its instance for a vehicle without a trip id', () => {
    const tracker = new Tracker(timetable);
    const update = tracker.observe(ping('07:47:00', 1000, { tripId: null }))!;
    expect(update.run.trip.id).toBe('T1');
    expect(update.run.startTime).toBe(seconds('07:40:00'));
  });

  it('gives headways the timetable of every instance', () => {
    // 08:00-08:30 at B: the instances pass at 07:55, 08:05, 08:15, 08:25 (and T2 at 08:35, after the period).
    const atB = scheduledPassings(timetable, at('07:50:00'), at('08:30:00')).filter((pass) => pass.stopId === 'B').map((pass) => pass.time).sort();
    expect(atB).toEqual(['07:55:00', '08:05:00', '08:15:00', '08:25:00'].map(at));
    // A bus every 10 minutes, as the feed plans, not one template run (T2 comes after 08:30).
    const seen = ['08:05:00', '08:16:00'].map((clock) => ({ routeId: 'R1', directionId: 0, stopId: 'B', time: at(clock) }));
    const [row] = routeHeadways(seen, scheduledPassings(timetable, at('07:00:00'), at('08:30:00')));
    expect(row!.scheduledMeanHeadway).toBe(600);
  });

  it('counts the instances due and those a bus was seen on, by the tracker\'s keys', () => {
    const tracker = new Tracker(timetable);
    const run = tracker.observe(ping('08:10:30', 100))!.run; // the 08:10 instance
    // Due by 08:20 (now 08:30, less ten minutes' grace): the instances of 08:00, 08:10 and 08:20; one seen.
    expect(tripsDelivered(timetable, new Set([run.key]), at('07:55:00'), at('08:30:00')).get('R1\u00000')).toEqual({ due: 3, seen: 1 });
    // Nothing observed 08:05-08:15: the 08:10 instance may have run unseen, it is not held against the route.
    const breaks = [{ from: at('08:05:00'), to: at('08:15:00') }];
    expect(tripsDelivered(timetable, new Set(), at('07:55:00'), at('08:30:00'), { breaks }).get('R1\u00000')).toEqual({ due: 2, seen: 0 });
  });

  it('leaves ordinary trips as they were', () => {
    const tracker = new Tracker(timetable);
    const update = tracker.observe(ping('08:31:00', 0, { tripId: 'T2' }))!;
    expect(update.run.key).toMatch(/^T2@\d+$/);
    expect(update.run.startTime).toBe(seconds('08:30:00'));
    expect(update.run.serviceStart).toBe(DAY);
  });

  it('does not hold a headway-based bus at a stop for a timetable it does not keep', () => {
    // Buses of the route have been seen at C no earlier than 10 minutes after their time there.
    const model = new LearnedModel();
    Object.assign(model.earliestAt('R1:C'), { value: 600, count: 100 });
    const engine = new PredictionEngine(timetable, model, { earlyShare: 0, calibrate: false });
    const predictAt = (p: VehiclePing) => {
      const tracker = new Tracker(timetable);
      const update = tracker.observe(p)!;
      engine.learn(update);
      return Array.from(engine.predict(update)!, Math.round);
    };
    // An ordinary trip (T2, C at 08:40) is held there; the headway-based one (07:20 instance) is not.
    expect(predictAt(ping('08:36:00', 1300, { tripId: 'T2' }))[0]).toBe(at('08:50:00'));
    expect(predictAt(ping('07:26:00', 1300))[0]).toBe(at('07:29:30'));
  });

  it('does not start an instance from a fix that is not on the path', () => {
    const tracker = new Tracker(timetable);
    expect(tracker.observe({ ...ping('07:21:00', 0), lat: 0.01 })).toBeNull();
  });
});
