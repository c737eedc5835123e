import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../../test/harness.js';
import { runToExit } from '../../../test/process.js';

const DATA = process.env.CITYPULSE_DATA ?? path.resolve(import.meta.dirname, '../../../../../shared/data');
const BEIJING = path.join(DATA, 'cityops/beijing-air-quality-2013-2017/PRSA_Data_Dongsi_20130301-20170228.csv.gz');

let server: TestServer;
let token: string;
let dir: string;
beforeAll(async () => {
  server = await startServer();
  const admin = await server.login('admin');
  token = (await server.request('POST', '/api/v1/tokens', { token: admin, body: { name: 'replay', scopes: ['vitals:ingest'] } })).body.token;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'citypulse-replay-'));
});
afterAll(async () => {
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const count = async (org: string, indicator: string) => (await server.db.query<{ count: number }>(
  `select count(*)::int as count from vitals_observation o join org_unit u on u.id = o.org_id join vitals_indicator i on i.id = o.indicator_id
   where u.code = $1 and i.code = $2`, [org, indicator]))[0].count;

describe('citypulse vitals replay', () => {
  it('streams a CSV series into the mapped indicators at the requested speed, skipping gaps', async () => {
    const file = path.join(dir, 'air.csv');
    fs.writeFileSync(file, [
      'No,year,month,day,hour,PM2.5,NO2,station',
      '1,2013,3,1,0,4,7,Dongsi',
      '2,2013,3,1,1,8,NA,Dongsi',
      '3,2013,3,1,2,NA,9,Dongsi',
      '4,2013,3,1,3,12,10,Dongsi',
    ].join('\n'));
    const result = await runToExit(['vitals', 'replay', file, '--map', 'PM2.5=AIR_QUALITY.PM25', '--map', 'NO2=AIR_QUALITY.NO2', '--org', 'xinhe', '--speed', '360000', '--url', server.url, '--token', token], {});
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('replayed 4 rows, sent 6 observations, skipped 2 gaps');
    expect(await count('xinhe', 'AIR_QUALITY.PM25')).toBe(3);
    expect(await count('xinhe', 'AIR_QUALITY.NO2')).toBe(3);
  });

  it('names a missing column, and reports the server refusing bad values', async () => {
    const file = path.join(dir, 'bad.csv');
    fs.writeFileSync(file, 'year,month,day,hour,PM2.5\n2013,3,1,0,5\n');
    const missing = await runToExit(['vitals', 'replay', file, '--map', 'PM10=AIR_QUALITY.PM10', '--org', 'xinhe', '--url', server.url, '--token', token], {});
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('column PM10 is not in');
    const unknown = await runToExit(['vitals', 'replay', file, '--map', 'PM2.5=NO_SUCH.INDICATOR', '--org', 'xinhe', '--url', server.url, '--token', token], {});
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown indicator NO_SUCH.INDICATOR');
    const badMap = await runToExit(['vitals', 'replay', file, '--map', 'PM2.5', '--url', server.url, '--token', token], {});
    expect(badMap.stderr).toContain('--map must look like COLUMN=INDICATOR');
  });

  it.skipIf(!fs.existsSync(BEIJING))('replays the real Beijing air-quality data', async () => {
    const result = await runToExit(['vitals', 'replay', BEIJING, '--map', 'PM2.5=AIR_QUALITY.PM25', '--org', 'dongshan', '--speed', '3600000', '--limit', '200', '--url', server.url, '--token', token], {});
    expect(result.code, result.stderr).toBe(0);
    const stored = await count('dongshan', 'AIR_QUALITY.PM25');
    expect(stored).toBeGreaterThan(150);
    expect(result.stdout).toContain(`sent ${stored} observations`);
  });
});
if (!fs.existsSync(BEIJING)) console.warn(`SKIPPED: the Beijing air-quality replay needs ${BEIJING}`);
