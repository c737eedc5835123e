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
    // A shape of 2.5 million points (a 5 MB zip), well under the size limit, but about 150 MB of points
    // in memory, in a process with a heap of 256 MB. (Stop times are packed, about 25 bytes each: it
    // would take some 6 million of them, and a test as long again, to fill the same heap.)
    const points = ['shape_id,shape_pt_lat,shape_pt_lon,shape_pt_sequence'];
    for (let i = 0; i < 2_500_000; i++) points.push(`SH,${(i % 1000) / 1e5},${Math.floor(i / 1000) / 1e5},${i}`);
    const feed = path.join(dir, 'big.zip');
    fs.writeFileSync(feed, zipFiles({ ...lineFeed(), 'shapes.txt': points.join('\n') + '\n' }, { deflate: true }));
    const positions = path.join(dir, 'none.csv');
    fs.writeFileSync(positions, 'timestamp,vehicle_id,trip_id,route_id,latitude,longitude\n');
    const run = execute(process.execPath, ['--max-old-space-size=256', bin, 'transit', 'replay', '--gtfs', feed, '--positions', positions, '--out', path.join(dir, 'out.csv')]);
    const failed = await run.then(() => null, (error: { code: number; stderr: string }) => error);
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toMatch(/shapes\.txt:\d+: the feed is too big to import in the memory this process has \(\d+ of \d+ MB used\)/);
  }, 60_000);
});
