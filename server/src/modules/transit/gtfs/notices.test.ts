import { describe, expect, it } from 'vitest';
import { buildTimetable, readFeedFile } from './timetable.js';
import { feedNotices, noticesText } from './notices.js';
import { lineFeed, listedOrderFeed, zipFiles } from '../testing/feed.js';
import { demoNetworkFeed } from '../demo/network.js';

/** A feed read as an import reads it: its timetable, and the notices found in it. */
async function load(zip: Buffer) {
  const draft = await readFeedFile(zip);
  const timetable = buildTimetable(draft);
  return { trips: timetable.trips, notices: feedNotices(draft, timetable) };
}

describe('notices: a valid feed whose buses probably do not run as it says', () => {
  it('finds stops listed out of order, naming the first stop_times line, the stops and the trips', async () => {
    const timetable = await load(zipFiles(listedOrderFeed([0, 3, 1, 4, 2, 5])));
    expect(timetable.trips.size).toBe(2); // imported all the same: the trips run as listed
    expect(timetable.notices).toEqual([{
      code: 'stops_out_of_order', file: 'stop_times.txt', line: 3, routeId: 'R1', routeShortName: '1', tripId: 'T1', trips: 2, stops: 4,
      stopIds: ['S3', 'S1', 'S4', 'S2'],
      reason: '4 of the trip\'s 6 stops lie off the way from the stop before to the stop after (8.0 km of detours in all): the stops look listed out of order by stop_sequence',
    }]);
    expect(noticesText(timetable.notices)).toBe('1 notice: valid GTFS, but probably not what the buses do (the trips run as listed; predictions on them suffer)\n'
      + '  stop_times.txt:3 stops_out_of_order: route "R1", trip "T1" and 1 more with the same stops: ' + timetable.notices[0]!.reason + '\n');
  });

  it('says nothing of stops in order, nor of one stop off the way (a spur into a forecourt looks the same)', async () => {
    expect((await load(zipFiles(listedOrderFeed([0, 1, 2, 3, 4, 5])))).notices).toEqual([]);
    expect((await load(zipFiles(listedOrderFeed([0, 3, 1, 2, 4, 5])))).notices).toEqual([]);
    expect(noticesText([])).toBe('');
  });

  it('finds a stop far from the trip\'s shape', async () => {
    const shape = ['shape_id,shape_pt_lat,shape_pt_lon,shape_pt_sequence', ...[0, 1, 2, 3].map((i) => `SH,0,${(i * 0.008993).toFixed(6)},${i}`)].join('\n') + '\n';
    const trips = 'route_id,service_id,trip_id,trip_headsign,direction_id,shape_id\nR1,ALL,T1,East,0,SH\nR1,ALL,T2,East,0,SH\n';
    expect((await load(zipFiles(lineFeed({ 'shapes.txt': shape, 'trips.txt': trips })))).notices).toEqual([]);
    // C 300 m north of the street its shape runs along (0.0027 degrees of latitude).
    const stops = 'stop_id,stop_name,stop_lat,stop_lon\nA,Stop A,0,0\nB,Stop B,0,0.008993\nC,Stop C,0.0027,0.017986\nD,Stop D,0,0.026979\n';
    const timetable = await load(zipFiles(lineFeed({ 'shapes.txt': shape, 'trips.txt': trips, 'stops.txt': stops })));
    expect(timetable.notices).toEqual([{
      code: 'stop_far_from_shape', file: 'stop_times.txt', line: 4, routeId: 'R1', routeShortName: '1', tripId: 'T1', trips: 2, stops: 1, stopIds: ['C'],
      reason: '1 of the trip\'s 4 stops over 100 m from where the trip\'s order places them on shape "SH" (stop "C" 300 m off): the stop, the shape or the order is wrong',
    }]);
  });

  it('finds nothing to say of the demo city\'s network', async () => {
    expect((await load(zipFiles(demoNetworkFeed()))).notices).toEqual([]);
  });
});
