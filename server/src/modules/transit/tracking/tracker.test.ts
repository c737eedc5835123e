import { beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { loadTimetable, type Timetable } from '../gtfs/timetable.js';
import { lineFeed, lineLongitude, zipFiles } from '../testing/feed.js';
import { Tracker } from './tracker.js';
import { readPositions, type VehiclePing } from './positions.js';

const DAY = Date.parse('2024-03-04T00:00:00Z') / 1000; // a Monday, UTC
const at = (clock: string) => DAY + Number(clock.slice(0, 2)) * 3600 + Number(clock.slice(3, 5)) * 60 + Number(clock.slice(6, 8) || 0);
const ping = (clock: string, metres: number, extra: Partial<VehiclePing> = {}): VehiclePing =>
  ({ time: at(clock), vehicleId: 'V1', tripId: 'T1', routeId: 'R1', lat: 0, lon: lineLongitude(metres), ...extra });

let timetable: Timetable;
beforeAll(async () => {
  timetable = await loadTimetable(zipFiles(lineFeed()));
});

describe('tracking vehicles along their trips', () => {
  it('interpolates the passing time of a stop between the pings around it', () => {
    const tracker = new Tracker(timetable);
    const first = tracker.observe(ping('08:00:00', 0))!;
    expect(first.run.serviceStart).toBe(DAY);
    expect(first.passed.map((stop) => stop.index)).toEqual([0]);
    expect(first.passed[0]!.time).toBeNaN(); // seen there, but not seen arriving
    tracker.observe(ping('08:04:00', 900));
    const update = tracker.observe(ping('08:06:00', 1300))!;
    // B is 1000 m: a quarter of the way from 900 m to 1300 m, so a quarter of 120 s after 08:04.
    expect(update.passed).toEqual([{ index: 1, time: at('08:04:30') }]);
    expect(update.run.nextIndex).toBe(2);
    expect(update.run.progress).toBeCloseTo(1300, 0);
  });

  it('sees a bus arrive at the last stop when it pulls in within 60 m of it (terminal bays lie short of the stop)', () => {
    const tracker = new Tracker(timetable);
    tracker.observe(ping('08:00:00', 0));
    tracker.observe(ping('08:10:00', 2700));
    // 40 m short of D (3000 m): arrived when it crossed 2940 m, 240/260 of the way from 2700 m, in 120 s.
    const update = tracker.observe(ping('08:12:00', 2960))!;
    expect(update.passed.map((stop) => stop.index)).toEqual([3]);
    expect(update.passed[0]!.time).toBeCloseTo(at('08:10:00') + (240 / 260) * 120, 1);
    expect(update.run.nextIndex).toBe(4);
    // 100 m short is not there yet; nor is any stop but the last 40 m short.
    const other = new Tracker(timetable);
    other.observe(ping('08:00:00', 0, { vehicleId: 'V2' }));
    expect(other.observe(ping('08:06:00', 1960, { vehicleId: 'V2' }))!.passed.map((stop) => stop.index)).toEqual([1]);
    expect(other.observe(ping('08:11:00', 2900, { vehicleId: 'V2' }))!.passed.map((stop) => stop.index)).toEqual([2]);
  });

  it('never dates the last stop before the one ahead of it, when that one lies within the terminal zone', async () => {
    // C 30 m before D: D counts as reached 60 m short of it, but not before C.
    const metres = [0, 1000, 2970, 3000];
    const close = await loadTimetable(zipFiles(lineFeed({ 'stops.txt': ['stop_id,stop_name,stop_lat,stop_lon', ...['A', 'B', 'C', 'D'].map((id, i) => `${id},Stop ${id},0,${lineLongitude(metres[i]!).toFixed(6)}`)].join('\n') + '\n' })));
    const tracker = new Tracker(close);
    tracker.observe(ping('08:00:00', 0));
    tracker.observe(ping('08:10:00', 2700));
    const update = tracker.observe(ping('08:12:00', 3000))!;
    expect(update.passed.map((stop) => stop.index)).toEqual([2, 3]);
    // 270 of the 300 m from 2700 m, in 120 s: C at 08:11:48, and D with it.
    expect(update.passed[0]!.time).toBeCloseTo(at('08:11:48'), 1);
    expect(update.passed[1]!.time).toBeCloseTo(at('08:11:48'), 1);
  });

  it('dates the departure from the first stop when the bus clears it, however long it stood there', () => {
    const tracker = new Tracker(timetable);
    tracker.observe(ping('07:50:00', 5));
    expect(tracker.observe(ping('07:55:00', 12))!.run.departedAt).toBeNaN(); // standing, the fix wandering
    expect(tracker.observe(ping('07:59:50', 20))!.run.departedAt).toBeNaN();
    // Cleared 40 m on, and 20 m further at 08:00:10: the timetable runs 1000 m in 5 min, so 20 m in 6 s.
    const update = tracker.observe(ping('08:00:10', 60))!;
    expect(update.run.departedAt).toBeCloseTo(at('08:00:04'), 1);
    expect(tracker.observe(ping('08:02:00', 400))!.run.departedAt).toBe(update.run.departedAt);
    // Fixes minutes apart: it stood there, then drove the 860 m to its next fix in the timetable's 258 s
    // (not steadily from its last fix, which would put its departure at 07:56:19).
    const sparse = new Tracker(timetable);
    sparse.observe(ping('07:56:00', 5, { vehicleId: 'V3' }));
    expect(sparse.observe(ping('08:04:00', 900, { vehicleId: 'V3' }))!.run.departedAt).toBeCloseTo(at('07:59:42'), 1);
    // A bus faster than the timetable cannot have left before its last fix at the stop: steady from there.
    const fast = new Tracker(timetable);
    fast.observe(ping('08:03:00', 5, { vehicleId: 'V4' }));
    expect(fast.observe(ping('08:04:00', 900, { vehicleId: 'V4' }))!.run.departedAt).toBeCloseTo(at('08:03:00') + (35 / 895) * 60, 1);
    // First seen already on its way: when it left is unknown.
    const other = new Tracker(timetable);
    other.observe(ping('08:01:00', 300, { vehicleId: 'V2' }));
    expect(other.observe(ping('08:02:00', 500, { vehicleId: 'V2' }))!.run.departedAt).toBeNaN();
  });

  it('does not go backwards on GPS noise and ignores positions off the route', () => {
    const tracker = new Tracker(timetable);
    tracker.observe(ping('08:00:00', 0));
    tracker.observe(ping('08:03:00', 800));
    const noisy = tracker.observe(ping('08:04:00', 760))!;
    expect(noisy.run.progress).toBeCloseTo(800, 0);
    expect(noisy.onRoute).toBe(true);
    const away = tracker.observe(ping('08:05:00', 1200, { lat: 0.005 }))!; // about 550 m north of the street
    expect(away.onRoute).toBe(false);
    expect(away.run.progress).toBeCloseTo(800, 0);
    expect(tracker.counters.offRoute).toBe(1);
  });

  it('refuses a jump no bus can make', () => {
    const tracker = new Tracker(timetable);
    tracker.observe(ping('08:00:00', 0));
    const jump = tracker.observe(ping('08:00:10', 2900))!; // 2.9 km in 10 s
    expect(jump.onRoute).toBe(false);
    expect(tracker.counters.badFix).toBe(1);
  });

  it('finds the trip of a vehicle that reports no trip id from its route, position and the timetable', () => {
    const tracker = new Tracker(timetable);
    const update = tracker.observe(ping('08:36:00', 1100, { tripId: null }))!;
    expect(update.run.trip.id).toBe('T2'); // T2 is at B at 08:35; T1 was there at 08:05
    expect(tracker.counters.inferredTrip).toBe(1);
    expect(tracker.observe(ping('08:36:00', 1100, { vehicleId: 'V2', tripId: null, routeId: null }))).toBeNull();
  });

  it('starts a new run when the vehicle moves on to its next trip', () => {
    const tracker = new Tracker(timetable);
    tracker.observe(ping('08:00:00', 0));
    tracker.observe(ping('08:14:00', 2900));
    tracker.observe(ping('08:16:00', 3000));
    const next = tracker.observe(ping('08:29:00', 0, { tripId: 'T2' }))!;
    expect(next.run.trip.id).toBe('T2');
    expect(next.finished?.trip.id).toBe('T1');
  });
});

describe('the operator\'s stop reports (current_stop_sequence, stop_id, current_status)', () => {
  // T3 runs out along the street and back on the other side of it: E stands opposite B, F opposite A.
  let doubling: Timetable;
  beforeAll(async () => {
    const base = lineFeed();
    doubling = await loadTimetable(zipFiles(lineFeed({
      'stops.txt': `${base['stops.txt']!}E,Stop E,0.0001,${lineLongitude(1000).toFixed(6)}\nF,Stop F,0.0001,0\n`,
      'trips.txt': `${base['trips.txt']!}R1,ALL,T3,West,1\n`,
      'stop_times.txt': `${base['stop_times.txt']!}T3,09:00:00,09:00:00,A,1\nT3,09:05:00,09:05:00,B,2\nT3,09:10:00,09:10:00,C,3\nT3,09:15:00,09:15:00,E,4\nT3,09:20:00,09:20:00,F,5\n`,
    })));
  });

  it('dates the arrival at a stop a bus is reported standing at by the drive there, not by the fix', () => {
    const tracker = new Tracker(timetable);
    tracker.observe(ping('08:00:00', 0, { stopSequence: 1, stopStatus: 'STOPPED_AT' }));
    tracker.observe(ping('08:03:00', 500, { stopSequence: 2, stopStatus: 'IN_TRANSIT_TO' }));
    // Standing at B (1000 m), the fix 20 m on: placed at B. The timetable runs the last 500 m in 150 s.
    const update = tracker.observe(ping('08:06:00', 1020, { stopSequence: 2, stopStatus: 'STOPPED_AT' }))!;
    expect(update.passed).toEqual([{ index: 1, time: at('08:05:30') }]);
    expect(update.run.progress).toBe(update.run.trip.pattern.distances[1]);
    // Without the report the straight line from 500 m to 1020 m dates it 08:05:53.
    const alone = new Tracker(timetable);
    alone.observe(ping('08:00:00', 0));
    alone.observe(ping('08:03:00', 500));
    expect(alone.observe(ping('08:06:00', 1020))!.passed[0]!.time).toBeCloseTo(at('08:03:00') + (500 / 520) * 180, 6);
    expect(tracker.counters).toMatchObject({ stopReports: 3, stopReportsSetAside: 0 });
  });

  it('never dates the arrival before the last fix, nor after the fix that reports it', () => {
    const tracker = new Tracker(timetable);
    tracker.observe(ping('08:00:00', 0));
    tracker.observe(ping('08:04:50', 990));
    // From 990 m the timetable needs 3 s; a fix 10 s later reports the bus standing at B.
    expect(tracker.observe(ping('08:05:00', 1000, { stopSequence: 2, stopStatus: 'STOPPED_AT' }))!.passed[0]!.time).toBe(at('08:04:53'));
  });

  it('keeps a bus heading to a stop short of it whatever its fix says, until it is reported there', () => {
    const tracker = new Tracker(timetable);
    tracker.observe(ping('08:00:00', 0));
    const short = tracker.observe(ping('08:04:00', 1080, { stopId: 'B' }))!; // heading to B (IN_TRANSIT_TO when not said)
    expect(short.passed).toEqual([]);
    expect(short.run.nextIndex).toBe(1);
    expect(short.run.progress).toBeCloseTo(short.run.trip.pattern.distances[1]! - 1, 6);
    const there = tracker.observe(ping('08:05:00', 1090, { stopId: 'B', stopStatus: 'STOPPED_AT' }))!;
    expect(there.passed.map((stop) => stop.index)).toEqual([1]);
    // Reported heading to C: B left behind, though the fix is still short of it.
    const other = new Tracker(timetable);
    other.observe(ping('08:00:00', 0, { vehicleId: 'V2' }));
    expect(other.observe(ping('08:05:00', 960, { vehicleId: 'V2', stopSequence: 3, stopStatus: 'IN_TRANSIT_TO' }))!.passed.map((stop) => stop.index)).toEqual([1]);
  });

  it('tells which way a bus runs where its path doubles back, which the fix alone cannot', () => {
    const back = (extra: Partial<VehiclePing>) => new Tracker(doubling).observe({ ...ping('09:12:00', 1100, { tripId: 'T3', lat: 0.0001 }), ...extra })!.run;
    // 1100 m along the street is 1.1 km out, or 2.9 km along on the way back.
    expect(back({}).progress).toBeCloseTo(1100, -1);
    const reported = back({ stopSequence: 4, stopStatus: 'IN_TRANSIT_TO' });
    expect(reported.progress).toBeCloseTo(2900, -1);
    expect(reported.nextIndex).toBe(3);
  });

  it('sets aside a report that does not fit the fix, and places the bus by its fix alone', () => {
    const tracker = new Tracker(timetable);
    tracker.observe(ping('08:00:00', 0));
    // Standing at D, 3 km along, while the fix is 900 m along: the fix wins.
    expect(tracker.observe(ping('08:04:00', 900, { stopSequence: 4, stopStatus: 'STOPPED_AT' }))!.run.progress).toBeCloseTo(900, 0);
    tracker.observe(ping('08:06:00', 1300));
    // Heading to B, already 300 m behind: a stale report. A stop the trip does not have: nothing to go by.
    expect(tracker.observe(ping('08:07:00', 1500, { stopSequence: 2 }))!.run.progress).toBeCloseTo(1500, 0);
    expect(tracker.observe(ping('08:08:00', 1700, { stopId: 'NOPE' }))!.run.progress).toBeCloseTo(1700, 0);
    expect(tracker.counters).toMatchObject({ stopReports: 3, stopReportsSetAside: 3 });
  });
});

describe('reading positions', () => {
  const write = (name: string, text: string) => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'positions-')), name);
    fs.writeFileSync(file, name.endsWith('.gz') ? zlib.gzipSync(text) : text);
    return file;
  };
  const all = async (file: string) => { const out: VehiclePing[] = []; for await (const p of readPositions(file)) out.push(p); return out; };

  it('reads gzipped CSV with ISO or POSIX timestamps', async () => {
    const file = write('day.csv.gz', 'timestamp,vehicle_id,trip_id,route_id,latitude,longitude,bearing\n2016-11-24T00:00:01-06:00,2307,1670059,100,30.27,-97.73,90\n1480000000,2307,,100,30.28,-97.74,\n');
    const pings = await all(file);
    expect(pings).toEqual([
      { time: Date.parse('2016-11-24T06:00:01Z') / 1000, vehicleId: '2307', tripId: '1670059', routeId: '100', lat: 30.27, lon: -97.73, bearing: 90 },
      { time: 1480000000, vehicleId: '2307', tripId: null, routeId: '100', lat: 30.28, lon: -97.74 },
    ]);
  });

  it('reads the operator\'s stop: current_stop_sequence, stop_id, current_status (by name or number)', async () => {
    const file = write('stops.csv', 'timestamp,vehicle_id,trip_id,route_id,latitude,longitude,current_stop_sequence,stop_id,current_status\n1000,1,T1,R1,0,0,2,B,STOPPED_AT\n1001,1,T1,R1,0,0,3,,2\n1002,1,T1,R1,0,0,,,\n');
    const pings = await all(file);
    expect(pings.map(({ stopSequence, stopId, stopStatus }) => ({ stopSequence, stopId, stopStatus }))).toEqual([
      { stopSequence: 2, stopId: 'B', stopStatus: 'STOPPED_AT' },
      { stopSequence: 3, stopId: undefined, stopStatus: 'IN_TRANSIT_TO' },
      { stopSequence: undefined, stopId: undefined, stopStatus: undefined },
    ]);
    const header = 'timestamp,vehicle_id,trip_id,route_id,latitude,longitude,current_stop_sequence,current_status\n';
    await expect(all(write('e.csv', `${header}1000,1,2,3,30,-97,2.5,\n`))).rejects.toThrow(/e\.csv:2 current_stop_sequence: "2\.5" is not a whole number/);
    await expect(all(write('f.csv', `${header}1000,1,2,3,30,-97,2,PARKED\n`))).rejects.toThrow(/f\.csv:2 current_status: "PARKED" is not INCOMING_AT, STOPPED_AT or IN_TRANSIT_TO/);
  });

  it('names the line and field of a bad row', async () => {
    await expect(all(write('a.csv', 'timestamp,vehicle_id,trip_id,route_id,latitude\n'))).rejects.toThrow(/a\.csv:1 longitude: required column is missing/);
    await expect(all(write('b.csv', 'timestamp,vehicle_id,trip_id,route_id,latitude,longitude\n2016-11-24 00:00,1,2,3,30,-97\n'))).rejects.toThrow(/b\.csv:2 timestamp/);
    await expect(all(write('c.csv', 'timestamp,vehicle_id,trip_id,route_id,latitude,longitude\n1000,1,2,3,95,-97\n'))).rejects.toThrow(/c\.csv:2 latitude/);
    await expect(all(write('d.csv', 'timestamp,vehicle_id,trip_id,route_id,latitude,longitude\n1000,1,2,3,30,-97\n999,1,2,3,30,-97\n'))).rejects.toThrow(/d\.csv:3 timestamp: rows must be in time order/);
  });
});
