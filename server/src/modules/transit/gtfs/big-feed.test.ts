// A feed too big for the memory of the process reading it: read in a `citypulse` process given a small
// heap, it is refused with a problem that says so, and the process ends as a command that failed
// (exit code 1), not killed by the out-of-memory handler (exit code 134) as it was before.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lineFeed, zipFiles } from '../testing/feed.js';

const execute = promisify(execFile);
const bin = fileURLToPath(new URL('../../../../bin/citypulse.js', import.meta.url));

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'citypulse-big-feed-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('a feed too big for the memory at hand', () => {
  it('is refused with a problem naming file and line, and the process lives to say so', async () => {
    // 25,000 trips of 100 stops: 2.5 million stop times (44 MB of CSV, a 5 MB zip), well under the size
    // limit, but about 300 MB of rows in memory, in a process with a heap of 256 MB.
    const trips = ['route_id,service_id,trip_id'];
    const stopTimes = ['trip_id,arrival_time,departure_time,stop_id,stop_sequence'];
    for (let t = 0; t < 25_000; t++) {
      trips.push(`R1,ALL,T${t}`);
      for (let i = 0; i < 100; i++) stopTimes.push(`T${t},,,${'ABCD'[i % 4]},${i}`);
    }
    const feed = path.join(dir, 'big.zip');
    fs.writeFileSync(feed, zipFiles({ ...lineFeed(), 'trips.txt': trips.join('\n') + '\n', 'stop_times.txt': stopTimes.join('\n') + '\n' }, { deflate: true }));
    const positions = path.join(dir, 'none.csv');
    fs.writeFileSync(positions, 'timestamp,vehicle_id,trip_id,route_id,latitude,longitude\n');
    const run = execute(process.execPath, ['--max-old-space-size=256', bin, 'transit', 'replay', '--gtfs', feed, '--positions', positions, '--out', path.join(dir, 'out.csv')]);
    const failed = await run.then(() => null, (error: { code: number; stderr: string }) => error);
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toMatch(/stop_times\.txt:\d+: the feed is too big to import in the memory this process has \(\d+ of \d+ MB used\)/);
  }, 60_000);
});
