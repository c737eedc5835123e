// The live prediction accuracy over a restart, a re-import and a deletion of the feed, on a real database.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startServer, type TestServer } from '../../../test/harness.js';
import { manualClock } from '../../platform/clock.js';
import { lineFeed, lineLongitude, uploadFeed } from './testing/feed.js';
import { TransitService } from './service.js';
import { AccuracyHistory } from './accuracy-history.js';

const DAY = Date.parse('2024-03-04T00:00:00Z') / 1000; // a Monday; the line feed runs in UTC
const at = (clock: string) => DAY + Number(clock.slice(0, 2)) * 3600 + Number(clock.slice(3, 5)) * 60 + Number(clock.slice(6, 8) || 0);

describe('the live prediction accuracy over restarts', () => {
  let server: TestServer;
  let duty: string;
  const clock = manualClock(at('08:00:00') * 1000);
  const accuracy = async () => (await server.request('GET', '/api/v1/transit/accuracy?feed=line&window=7200', { token: duty })).body;
  const stored = async () => Number((await server.db.query<{ n: number }>('select count(*)::int as n from transit_accuracy_minute where feed_id = $1', ['line']))[0]!.n);

  beforeAll(async () => {
    server = await startServer({ clock });
    duty = await server.login('duty');
    expect((await uploadFeed(server.url, duty, 'line', lineFeed())).status).toBe(201);
    // T1 runs A (08:00) to D (08:15), 1 km every 5 minutes, a minute late, reporting every 30 s.
    for (let t = at('08:01:00'); t <= at('08:17:00'); t += 30) {
      clock.set(t * 1000);
      const metres = Math.min(3000, 5 + ((t - at('08:01:00')) / 300) * 1000); // (0, 0) is no position
      const report = await server.request('POST', '/api/v1/transit/realtime?feed=line', {
        token: duty,
        body: { header: { gtfs_realtime_version: '2.0', timestamp: t }, entity: [{ id: 'V1', vehicle: { vehicle: { id: 'V1' }, trip: { trip_id: 'T1' }, position: { latitude: 0, longitude: lineLongitude(metres) }, timestamp: t } }] },
      });
      expect(report.body, JSON.stringify(report.body)).toMatchObject({ accepted: 1 });
    }
  });
  afterAll(async () => server?.close());

  it('writes the minutes once they are final, and reads them back after a restart', async () => {
    const before = await accuracy();
    expect(before.count).toBeGreaterThan(10);
    const history = server.app.transit.accuracyHistory;
    // At 08:17 the minutes of the last ten are not final yet (a pass may still be dated back into them).
    await history.save();
    const early = await stored();
    clock.set(at('08:40:00') * 1000);
    await history.save();
    expect(await stored()).toBeGreaterThan(early);

    const restarted = new TransitService({ db: server.db, logger: pino({ level: 'silent' }), clock });
    await restarted.load();
    expect(restarted.runtime('line').accuracy.summary(clock.now() / 1000, 7200).count).toBe(0);
    await new AccuracyHistory({ db: server.db, logger: pino({ level: 'silent' }), clock }, restarted).restore(['line']);
    const { from: _f, to: _t, ...after } = restarted.runtime('line').accuracy.summary(clock.now() / 1000, 7200);
    const { feed: _feed, goal: _goal, window: _window, from: _from, to: _to, ...expected } = await accuracy();
    expect(after).toEqual(expected);
  });

  it('keeps the figures when the feed is imported again, and forgets them when it is deleted', async () => {
    const before = await accuracy();
    expect((await uploadFeed(server.url, duty, 'line', lineFeed())).status).toBe(201);
    expect(await accuracy()).toEqual(before);
    expect((await server.request('DELETE', '/api/v1/transit/feeds/line', { token: duty })).status).toBe(204);
    await server.app.transit.accuracyHistory.save(true);
    // The deletion's listener runs after the answer.
    await vi.waitFor(async () => expect(await stored()).toBe(0));
  });
});
