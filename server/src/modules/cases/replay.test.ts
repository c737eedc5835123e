import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../../test/harness.js';
import { httpReplayClient, parseUsDateTime, readBostonRequests, replayRequests, serviceCodeFor } from './replay.js';

let server: TestServer;
let dir: string;

const HEADER = 'CASE_ENQUIRY_ID,OPEN_DT,CASE_TITLE,SUBJECT,TYPE,neighborhood,Location,LATITUDE,LONGITUDE';
const ROWS = [
  '3,01/01/2015 03:15:00 PM,Street Light Outages,Public Works Department,Street Light Outages,Dorchester,12 Adams St,42.30,-71.06',
  '1,01/01/2015 09:05:10 AM,Request for Pothole Repair,Public Works Department,Request for Pothole Repair,Roxbury,1 Main St,42.33,-71.08',
  '2,01/01/2015 12:00:00 PM,Graffiti Removal,Property Management,Graffiti Removal,Allston,,,',
  '4,not a date,Missed Trash,Public Works Department,Missed Trash,Roxbury,,,',
  '5,01/02/2015 12:30:00 AM,Parking Enforcement,Transportation - Traffic Division,Parking Enforcement,South End,5 Tremont St,42.34,-71.07',
];

beforeAll(async () => {
  server = await startServer();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'citypulse-replay-'));
  fs.writeFileSync(path.join(dir, 'requests.csv'), [HEADER, ...ROWS].join('\n'));
});
afterAll(async () => {
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('replay of Boston-format requests', () => {
  it('reads local US dates in the file\'s time zone, in time order, skipping unreadable rows', async () => {
    expect(new Date(parseUsDateTime('01/01/2015 09:05:10 AM', 'America/New_York')!).toISOString()).toBe('2015-01-01T14:05:10.000Z');
    expect(new Date(parseUsDateTime('07/04/2015 12:30:00 AM', 'America/New_York')!).toISOString()).toBe('2015-07-04T04:30:00.000Z');
    expect(new Date(parseUsDateTime('07/04/2015 12:30:00 PM', 'America/New_York')!).toISOString()).toBe('2015-07-04T16:30:00.000Z');
    expect(parseUsDateTime('2015-07-04', 'America/New_York')).toBeNull();
    const { requests, skipped } = await readBostonRequests(path.join(dir, 'requests.csv'), 'America/New_York');
    expect(skipped).toBe(1);
    expect(requests.map((r) => r.title)).toEqual(['Request for Pothole Repair', 'Graffiti Removal', 'Street Light Outages', 'Parking Enforcement']);
    expect(requests.map(serviceCodeFor)).toEqual(['urban.road.damage', 'urban.appearance.graffiti', 'urban.road.streetlight', 'other.general.other']);
  });

  it('streams them through Open311 intake and dispatch, end to end', async () => {
    const admin = await server.login('admin');
    const token = (await server.request('POST', '/api/v1/tokens', { token: admin, body: { name: 'replay', scopes: ['cases:report', 'cases:read', 'cases:handle', 'cases:dispatch', 'vitals:read'] } })).body.token;
    const { requests } = await readBostonRequests(path.join(dir, 'requests.csv'), 'America/New_York');
    const districts = ['huangpu', 'binjiang'];
    const result = await replayRequests(requests, httpReplayClient(server.url, token, districts), { speed: 1e9, dispatch: true, concurrency: 2 });
    expect(result).toMatchObject({ intake: 4, dispatched: 4, undispatched: 0, failed: 0 });
    const listed = await server.request('GET', '/api/v1/cases?source=open311&order=reported_desc', { token: admin });
    const cases = [...listed.body.items].reverse();
    expect(cases.map((c: any) => [c.title, c.state, c.department])).toEqual([
      ['Request for Pothole Repair', 'dispatched', 'transport'],
      ['Graffiti Removal', 'dispatched', 'greening_appearance'],
      ['Street Light Outages', 'dispatched', 'city_management'],
      ['Parking Enforcement', 'dispatched', 'hotline_12345'],
    ]);
    expect(cases[0].reportedAt).toBe('2015-01-01T14:05:10.000Z');
    expect(cases.every((c: any) => districts.includes(c.org))).toBe(true);
    expect(cases[1].lat).toBeNull();
    expect(cases[0]).toMatchObject({ lat: 42.33, lon: -71.08, address: '1 Main St' });
  });

  it('counts failures instead of stopping, and stops when nothing gets through', async () => {
    const { requests } = await readBostonRequests(path.join(dir, 'requests.csv'), 'America/New_York');
    await expect(replayRequests(requests, httpReplayClient(server.url, 'cpt_wrong', []), { speed: 1e9, dispatch: false, concurrency: 1 }))
      .rejects.toThrow(/every request failed.*403/);
  });
});
