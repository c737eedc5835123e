// The simulated demo day as a positions file, through the real `citypulse` command: written, replayed and
// scored with the same commands as an operator's real positions, so the demo figures in the README can be
// measured again by anyone.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTimetable } from '../gtfs/timetable.js';
import { zipFiles } from '../gtfs/zip-writer.js';
import { readPositions, type VehiclePing } from '../tracking/positions.js';
import { demoNetworkFeed } from './network.js';
import { BusSimulator } from './simulator.js';

const execute = promisify(execFile);
const bin = fileURLToPath(new URL('../../../../bin/citypulse.js', import.meta.url));
const citypulse = (...args: string[]) => execute(process.execPath, [bin, 'transit', ...args], { maxBuffer: 1 << 24 });
/** The command's exit code and what it said, when it is expected to fail. */
const failing = (...args: string[]) => citypulse(...args).then(() => ({ code: 0, stderr: '' }), (error: { code: number; stderr: string }) => error);

/** Haicheng's local time (UTC+8) on the command's default day, Tuesday 2026-03-03. */
const at = (hours: number) => Date.parse('2026-03-03T00:00:00+08:00') / 1000 + hours * 3600;

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'citypulse-demo-positions-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function read(file: string): Promise<VehiclePing[]> {
  const pings: VehiclePing[] = [];
  for await (const ping of readPositions(file)) pings.push(ping);
  return pings;
}

describe('citypulse transit demo-positions', () => {
  it('writes the simulator\'s buses as a gzipped positions file, which replays and scores like real data', async () => {
    const positions = path.join(dir, 'day.csv.gz');
    const written = await citypulse('demo-positions', '--out', positions, '--from', '07:00', '--to', '07:40', '--every', '60', '--seed', '2');
    expect(written.stdout).toMatch(/wrote \d+ positions of the demo network's buses \(seed 2\)/);
    // The same pings the simulator gives, in time order, at 6-decimal precision.
    const pings = await read(positions);
    const timetable = await loadTimetable(zipFiles(demoNetworkFeed()));
    const expected = [...new BusSimulator(timetable, { seed: 2 }).positionsBetween(at(7), at(7 + 40 / 60), 60)];
    expect(pings).toHaveLength(expected.length);
    expect(pings.length).toBeGreaterThan(1000);
    pings.forEach((ping, i) => {
      expect(ping).toMatchObject({ time: expected[i]!.time, vehicleId: expected[i]!.vehicleId, tripId: expected[i]!.tripId, routeId: expected[i]!.routeId });
      expect(ping.lat).toBeCloseTo(expected[i]!.lat, 5);
    });

    const feed = path.join(dir, 'haicheng.zip');
    await citypulse('demo-feed', '--out', feed);
    const predictions = path.join(dir, 'predictions.csv');
    const replayed = await citypulse('replay', '--gtfs', feed, '--positions', positions, '--out', predictions);
    expect(replayed.stdout).toMatch(new RegExp(`replayed ${pings.length} positions`));
    // Scored from 07:20 local time: the engine learned from the first 20 minutes.
    const scored = await citypulse('accuracy', '--predictions', predictions, '--gtfs', feed, '--positions', positions, '--from', '2026-03-03T07:20:00+08:00');
    expect(scored.stdout).toContain('predictions from 2026-03-03T07:20:00+08:00');
    const row = (name: string) => scored.stdout.split('\n').find((line) => line.startsWith(`| ${name} `))!.split('|').map((cell) => cell.trim());
    const [engine, timetableOnly] = [row('predictions'), row('baseline: timetable')];
    expect(Number(engine[2])).toBeGreaterThan(1000);
    expect(engine[2]).toBe(timetableOnly[2]); // the same predictions are scored for each
    expect(parseFloat(engine[3]!)).toBeGreaterThan(parseFloat(timetableOnly[3]!));
    // Headways ending in 07:20-07:40 for all routes together, as the vital signs count them.
    const headways = await citypulse('headways', '--gtfs', feed, '--positions', positions, '--top', '3', '--from', '2026-03-03T07:20:00+08:00', '--to', '2026-03-03T07:40:00+08:00');
    expect(headways.stdout.split('\n').filter((line) => /^\| \d \| [01] \|/.test(line))).toHaveLength(3);
    const all = /all 16 route directions: (\d+) headways, (\d+) bunched, (\d+) big gaps, adherence (\d+)%/.exec(headways.stdout);
    expect(all).not.toBeNull();
    expect(Number(all![1])).toBeGreaterThan(100);
    expect(Number(all![4])).toBe(Math.round((100 * (Number(all![1]) - Number(all![2]) - Number(all![3]))) / Number(all![1])));
    // Every simulated bus reports: every trip due to leave in 07:20-07:30 (ten minutes before the end) was seen.
    const trips = /trips seen: (\d+) of (\d+) due/.exec(headways.stdout);
    expect(Number(trips![2])).toBeGreaterThanOrEqual(16); // a bus every 8 minutes each way on 8 lines
    expect(trips![1]).toBe(trips![2]);
    const badPeriod = await failing('headways', '--gtfs', feed, '--positions', positions, '--from', '2026-03-03T07:40:00+08:00', '--to', '2026-03-03T07:20:00+08:00');
    expect(badPeriod.stderr).toContain('--to must be after --from');
    // From a day, the whole day counts: more predictions than from 07:20.
    const wholeDay = await citypulse('accuracy', '--predictions', predictions, '--gtfs', feed, '--positions', positions, '--from', '2026-03-03');
    const whole = wholeDay.stdout.split('\n').find((line) => line.startsWith('| predictions '))!.split('|').map((cell) => cell.trim());
    expect(Number(whole[2])).toBeGreaterThan(Number(engine[2]));
  }, 120_000);

  it('refuses bad options, naming them, and writes nothing', async () => {
    const out = path.join(dir, 'bad.csv');
    for (const [args, message] of [
      [['--every', '0'], /--every must be whole seconds from 1 to 3600, not "0"/],
      [['--from', '7am'], /--from must be a local time HH:MM/],
      [['--from', '09:00', '--to', '08:00'], /--to must be after --from/],
      [['--day', '03/03/2026'], /--day must be a date YYYY-MM-DD/],
      [['--seed', 'x'], /--seed must be a whole number/],
    ] as Array<[string[], RegExp]>) {
      const result = await failing('demo-positions', '--out', out, ...args);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(message);
      expect(fs.existsSync(out)).toBe(false);
    }
    const predictions = path.join(dir, 'p.csv'), actuals = path.join(dir, 'a.csv');
    fs.writeFileSync(predictions, 'made_at,trip_id,stop_sequence,stop_id,predicted_arrival,vehicle_id\n');
    fs.writeFileSync(actuals, 'trip_id,stop_sequence,stop_id,actual_arrival\n');
    for (const from of ['yesterday', '1772485200', '2026-03-03T07:20:00']) {
      const accuracy = await failing('accuracy', '--predictions', predictions, '--actuals', actuals, '--from', from);
      expect(accuracy.code).not.toBe(0);
      expect(accuracy.stderr).toContain(`--from must be a date YYYY-MM-DD or a time in ISO 8601 with an offset, not "${from}"`);
    }
  }, 60_000);
});
