import { afterAll, describe, expect, it } from 'vitest';
import { allMigrations } from '../../migrations.js';
import { migrate } from '../../platform/db/migrate.js';
import { openPglite } from '../../platform/db/pglite.js';
import { openPgliteThread } from '../../platform/db/pglite-thread.js';
import type { Db } from '../../platform/db/types.js';
import { readFeedFile } from './gtfs/timetable.js';
import { countsOf, readStoredFeed, replaceFeed } from './feed-store.js';
import { lineFeed, zipFiles } from './testing/feed.js';

// The feed store on the embedded database, in process (benchmarks, tools) and in its thread (the server).
// It skips the per-row foreign-key checks while it writes a feed (see replaceFeed): they must be back on
// once the import ends, whether it committed or failed.
const opened: Db[] = [];
afterAll(async () => {
  for (const db of opened) await db.close();
});

async function fresh(open: () => Promise<Db>): Promise<Db> {
  const db = await open();
  opened.push(db);
  await migrate(db, allMigrations());
  return db;
}

async function referencesChecked(db: Db): Promise<void> {
  expect(await db.query('show session_replication_role')).toEqual([{ session_replication_role: 'origin' }]);
  await expect(db.query(`insert into transit_stop_time (feed_id, trip_id, stop_sequence, stop_id) values ('no-such-feed', 'T1', 1, 'A')`))
    .rejects.toMatchObject({ code: '23503' });
}

describe.each([
  ['in process', async () => (await openPglite(null)).db],
  ['in its thread', () => openPgliteThread(null)],
] as Array<[string, () => Promise<Db>]>)('the feed store on PGlite %s', (_, open) => {
  it('writes a feed whole, reads it back the same, and leaves reference checks on', async () => {
    const db = await fresh(open);
    const stops = 'stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station,platform_code,wheelchair_boarding\nS,Station,0,0.02,1,,,1\nA,Stop A,0,0,0,,,2\nB,Stop B,0,0.009,0,,,\nC,Stop C,0,0.018,0,S,2,\nD,Stop D,0,0.027,0,S,A1,1\n';
    const draft = await readFeedFile(zipFiles(lineFeed({ 'trips.txt': 'route_id,service_id,trip_id,trip_headsign,direction_id,block_id,wheelchair_accessible\nR1,ALL,T1,East,0,B1,1\nR1,ALL,T2,,,,\n', 'stops.txt': stops })));
    expect(await replaceFeed(db, 'line', draft, 'line.zip')).toEqual(countsOf(draft));
    const stored = (await readStoredFeed(db, 'line'))!;
    expect(countsOf(stored)).toEqual(countsOf(draft));
    // What the feed left out stays left out (the timetable fills it in the same way each time it is built).
    expect([...stored.trips.values()].map((t) => [t.trip.id, t.trip.blockId, t.trip.directionId, t.trip.headsign, t.trip.wheelchairAccessible]).sort()).toEqual([['T1', 'B1', 0, 'East', true], ['T2', null, null, '', null]]);
    stored.trips.get('T1')!.calls.sortBySequence(); // (read back in no particular order; the timetable sorts them)
    expect([...stored.trips.get('T1')!.calls].map(({ sequence, stopId, arrival, departure }) => ({ sequence, stopId, arrival, departure }))).toEqual([
      { sequence: 1, stopId: 'A', arrival: 8 * 3600, departure: 8 * 3600 }, { sequence: 2, stopId: 'B', arrival: 8 * 3600 + 300, departure: 8 * 3600 + 300 },
      { sequence: 3, stopId: 'C', arrival: null, departure: null }, { sequence: 4, stopId: 'D', arrival: 8 * 3600 + 900, departure: 8 * 3600 + 900 },
    ]);
    expect(stored.stops.map((s) => [s.id, s.locationType, s.parentStation, s.platformCode, s.wheelchairBoarding]).sort()).toEqual([
      ['A', 0, null, null, false], ['B', 0, null, null, null], ['C', 0, 'S', '2', null], ['D', 0, 'S', 'A1', true], ['S', 1, null, null, true]]);
    // Read back the stop times of one trip at a time, the same.
    const paged = (await readStoredFeed(db, 'line', { pageTrips: 1 }))!;
    for (const id of ['T1', 'T2']) {
      paged.trips.get(id)!.calls.sortBySequence();
      stored.trips.get(id)!.calls.sortBySequence();
      expect([...paged.trips.get(id)!.calls]).toEqual([...stored.trips.get(id)!.calls]);
    }
    expect(countsOf(paged)).toEqual(countsOf(draft));
    await referencesChecked(db);
  });

  it('keeps the old feed whole when writing the new one fails half-way, and leaves reference checks on', async () => {
    const db = await fresh(open);
    await replaceFeed(db, 'line', await readFeedFile(zipFiles(lineFeed())), 'line.zip');
    const broken = await readFeedFile(zipFiles(lineFeed()));
    // A stop time repeating its trip's sequence number: the primary key refuses it, after the feed row,
    // stops, routes and trips of the new version were already written.
    const t2 = broken.trips.get('T2')!;
    t2.calls.push({ ...t2.calls.at(0), stopId: 'D' });
    await expect(replaceFeed(db, 'line', broken, 'broken.zip')).rejects.toMatchObject({ code: '23505' });
    const [feed] = await db.query<{ source: string }>(`select source from transit_feed where id = 'line'`);
    expect(feed!.source).toBe('line.zip');
    const [rows] = await db.query<{ n: number }>(`select count(*)::int as n from transit_stop_time where feed_id = 'line'`);
    expect(rows!.n).toBe(8);
    await referencesChecked(db);
  });
});
