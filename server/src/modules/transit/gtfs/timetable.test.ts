import { describe, expect, it } from 'vitest';
import { loadTimetable, wheelchairBoardingAt, type LoadOptions } from './timetable.js';
import { MAX_FIELD_CHARS } from './csv.js';
import { parseGtfsTime, parseGtfsDate, ZoneClock } from './time.js';
import { TransitError } from '../errors.js';
import { lineFeed, zipFiles } from '../testing/feed.js';

async function problemsOf(files: Record<string, string | Buffer> | Buffer, options: LoadOptions = {}) {
  try {
    await loadTimetable(Buffer.isBuffer(files) ? files : zipFiles(files), options);
  } catch (error) {
    expect(error).toBeInstanceOf(TransitError);
    return (error as TransitError).invalidParams!.map((param) => `${param.name}: ${param.reason}`);
  }
  throw new Error('the feed was accepted');
}

describe('GTFS times and days', () => {
  it('reads times past midnight and refuses impossible ones', () => {
    expect(parseGtfsTime('08:05:30')).toBe(8 * 3600 + 5 * 60 + 30);
    expect(parseGtfsTime('7:00:00')).toBe(7 * 3600);
    expect(parseGtfsTime('25:10:00')).toBe(25 * 3600 + 600);
    expect(parseGtfsTime('25:61:00')).toBeNull();
    expect(parseGtfsTime('08:00')).toBeNull();
    expect(parseGtfsTime('')).toBeNull();
  });

  it('reads dates and refuses impossible ones', () => {
    expect(parseGtfsDate('19700102')).toBe(1);
    expect(parseGtfsDate('20240230')).toBeNull();
    expect(parseGtfsDate('2024-01-01')).toBeNull();
  });

  it('starts a service day at noon minus 12 hours, which is not midnight on a DST change day', () => {
    const clock = new ZoneClock('America/Chicago');
    const day = parseGtfsDate('20161124')!;
    expect(clock.serviceDayStart(day)).toBe(Date.parse('2016-11-24T00:00:00-06:00') / 1000);
    // 2016-11-06: clocks went back at 02:00 (25-hour day), so noon minus 12 h is 01:00 daylight time.
    expect(clock.serviceDayStart(parseGtfsDate('20161106')!)).toBe(Date.parse('2016-11-06T01:00:00-05:00') / 1000);
    expect(ZoneClock.weekday(day)).toBe(4); // a Thursday
  });
});

describe('loading a feed into a timetable', () => {
  it('reads trips with their stops, distances and interpolated times', async () => {
    const timetable = await loadTimetable(zipFiles(lineFeed()));
    expect(timetable.agencyTimezone).toBe('UTC');
    const trip = timetable.trips.get('T1')!;
    expect(trip.pattern.stopIds).toEqual(['A', 'B', 'C', 'D']);
    expect([...trip.pattern.distances].map(Math.round)).toEqual([0, 1000, 2000, 3000]);
    // C has no time in the feed: it lies halfway between B (08:05) and D (08:15) by distance.
    expect(trip.arrivals[2]).toBe(8 * 3600 + 10 * 60);
    expect(timetable.trips.get('T2')!.pattern).toBe(trip.pattern); // same stops, one shared pattern
    expect(timetable.tripsByStop.get('B')!.map((call) => call.trip.id)).toEqual(['T1', 'T2']);
  });

  it('names the missing file', async () => {
    expect(await problemsOf(lineFeed({ 'stop_times.txt': null }))).toEqual(['stop_times.txt: required file is missing']);
    expect(await problemsOf(lineFeed({ 'calendar.txt': null }))).toEqual(['calendar.txt: either calendar.txt or calendar_dates.txt is required']);
  });

  it('names the missing column', async () => {
    const problems = await problemsOf(lineFeed({ 'trips.txt': 'route_id,trip_id\nR1,T1\n' }));
    expect(problems).toContain('trips.txt:1/service_id: required column is missing');
  });

  it('refuses a quoted field never closed, and ids given twice', async () => {
    expect((await problemsOf(lineFeed({ 'routes.txt': 'route_id,route_short_name,route_long_name,route_type\nR1,1,"Main Street,3\n' })))[0])
      .toBe('routes.txt:2: a quoted field is never closed (a " is missing)');
    expect(await problemsOf(lineFeed({ 'routes.txt': 'route_id,route_short_name,route_long_name,route_type\nR1,1,Main,3\nR1,1,Main,3\n' })))
      .toEqual(['routes.txt:3/route_id: duplicate route_id "R1"']);
    const stops = 'stop_id,stop_name,stop_lat,stop_lon\nA,Stop A,0,0\nB,Stop B,0,0.008993\nC,Stop C,0,0.017986\nD,Stop D,0,0.026979\n';
    expect(await problemsOf(lineFeed({ 'stops.txt': stops + 'B,Stop B again,0,0.5\n' }))).toEqual(['stops.txt:6/stop_id: duplicate stop_id "B"']);
    const calendar = 'service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\nALL,1,1,1,1,1,1,1,20240101,20301231\n';
    expect(await problemsOf(lineFeed({ 'calendar.txt': calendar + 'ALL,0,0,0,0,0,1,1,20240101,20301231\n' }))).toEqual(['calendar.txt:3/service_id: duplicate service_id "ALL"']);
  });

  it('refuses text the database cannot hold, or that is not UTF-8, naming the line and the field', async () => {
    const stops = (name: string) => `stop_id,stop_name,stop_lat,stop_lon\nA,Stop A,0,0\nB,${name},0,0.008993\nC,Stop C,0,0.017986\nD,Stop D,0,0.026979\n`;
    // (The row is not read, so the stop times calling at B name it unknown after.)
    expect((await problemsOf(lineFeed({ 'stops.txt': stops('Stop\u0000B') })))[0]).toBe('stops.txt:3/stop_name: holds a NUL character, which text cannot');
    // 人民广场 saved as GBK, as a spreadsheet on a Chinese desktop may save it.
    const gbk = Buffer.concat([Buffer.from(stops('').split('B,,')[0]! + 'B,'), Buffer.from([0xc8, 0xcb, 0xc3, 0xf1, 0xb9, 0xe3, 0xb3, 0xa1]), Buffer.from(',0,0.008993\nC,Stop C,0,0.017986\nD,Stop D,0,0.026979\n')]);
    const files: Record<string, string | Buffer> = { ...lineFeed(), 'stops.txt': gbk };
    expect((await problemsOf(zipFiles(files)))[0]).toBe('stops.txt:3/stop_name: is not UTF-8 text (saved in another encoding, such as GBK?)');
    // The replacement character written as text is text like any other.
    expect((await loadTimetable(zipFiles(lineFeed({ 'stops.txt': stops('Stop \ufffd B') })))).stops.get('B')!.name).toBe('Stop \ufffd B');
  });

  it('refuses what cannot be read one way only: a file twice in the zip, a column given twice, a frequency ending before it starts', async () => {
    expect(await problemsOf({ ...lineFeed(), 'old/stops.txt': lineFeed()['stops.txt']! })).toEqual(['stops.txt: the zip holds it 2 times (stops.txt, old/stops.txt); a feed holds each file once']);
    expect((await problemsOf(lineFeed({ 'routes.txt': 'route_id,route_short_name,route_long_name,route_type,route_short_name\nR1,1,Main Street,3,2\n' })))[0])
      .toBe('routes.txt:1/route_short_name: column given twice');
    expect(await problemsOf(lineFeed({ 'frequencies.txt': 'trip_id,start_time,end_time,headway_secs\nT1,09:00:00,07:00:00,600\n' })))
      .toEqual(['frequencies.txt:2/end_time: 07:00:00 is not after start_time 09:00:00']);
    // A zip whose files sit in one folder is read as usual.
    const nested = Object.fromEntries(Object.entries(lineFeed()).map(([name, text]) => [`feed/${name}`, text]));
    expect((await loadTimetable(zipFiles(nested))).trips.size).toBe(2);
  });

  it('names a column some rows need once, not on every row', async () => {
    const problems = await problemsOf(lineFeed({ 'stops.txt': 'stop_id,stop_name,stop_lon\nA,Stop A,0\nB,Stop B,0.008993\nC,Stop C,0.017986\nD,Stop D,0.026979\n' }));
    expect(problems).toEqual(['stops.txt:1/stop_lat: required column is missing (stops, stations and entrances need a position)']);
  });

  it('names file, line and field of a bad time', async () => {
    const feed = lineFeed();
    feed['stop_times.txt'] = feed['stop_times.txt']!.replace('T1,08:05:00,08:05:00,B,2', 'T1,25:61:00,08:05:00,B,2');
    expect(await problemsOf(feed)).toEqual(['stop_times.txt:3/arrival_time: "25:61:00" is not a time H:MM:SS']);
  });

  it('gives trips without direction_id a direction by where they head, and without a headsign their last stop', async () => {
    // T1 runs east A→D; T2 west D→A; T3 a short working east B→D. No direction_id, no trip_headsign.
    const feed = lineFeed({
      'trips.txt': 'route_id,service_id,trip_id\nR1,ALL,T1\nR1,ALL,T2\nR1,ALL,T3\nR1,ALL,T4\n',
      'stop_times.txt': ['trip_id,arrival_time,departure_time,stop_id,stop_sequence',
        'T1,08:00:00,08:00:00,A,1', 'T1,08:15:00,08:15:00,D,2', 'T4,09:00:00,09:00:00,A,1', 'T4,09:15:00,09:15:00,D,2',
        'T2,08:30:00,08:30:00,D,1', 'T2,08:45:00,08:45:00,A,2', 'T3,10:00:00,10:00:00,B,1', 'T3,10:10:00,10:10:00,D,2'].join('\n') + '\n',
    });
    const timetable = await loadTimetable(zipFiles(feed));
    const trip = (id: string) => timetable.trips.get(id)!;
    expect([trip('T1'), trip('T4'), trip('T3')].map((t) => t.directionId)).toEqual([0, 0, 0]);
    expect(trip('T2')).toMatchObject({ directionId: 1, directionGiven: false, headsign: 'Stop A' });
    expect(trip('T1').headsign).toBe('Stop D');
    // Given in the feed, the direction and the headsign are kept as they are.
    const given = await loadTimetable(zipFiles(lineFeed()));
    expect(given.trips.get('T1')).toMatchObject({ directionId: 0, directionGiven: true, headsign: 'East' });
  });

  it('refuses a direction_id other than 0 or 1', async () => {
    const feed = lineFeed();
    feed['trips.txt'] = feed['trips.txt']!.replace('T2,East,0', 'T2,East,west');
    expect(await problemsOf(feed)).toEqual(['trips.txt:3/direction_id: "west" is not 0 or 1']);
  });

  it('reads platforms and step-free access, a bay saying nothing taking its station\'s, and refuses other values', async () => {
    const stops = 'stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station,platform_code,wheelchair_boarding\n'
      + 'S,Station,0,0.02,1,,,1\nA,Stop A,0,0,0,,,2\nB,Stop B,0,0.009,0,,,\nC,Stop C,0,0.018,0,S,2,0\nD,Stop D,0,0.027,0,S,A1,2\n';
    const trips = 'route_id,service_id,trip_id,trip_headsign,direction_id,wheelchair_accessible\nR1,ALL,T1,East,0,1\nR1,ALL,T2,East,0,2\n';
    const timetable = await loadTimetable(zipFiles(lineFeed({ 'stops.txt': stops, 'trips.txt': trips })));
    const stop = (id: string) => timetable.stops.get(id)!;
    expect(['A', 'B', 'C', 'D'].map((id) => [stop(id).platformCode, stop(id).wheelchairBoarding, wheelchairBoardingAt(timetable.stops, stop(id))])).toEqual([
      [null, false, false], [null, null, null], ['2', null, true], ['A1', false, false]]);
    expect(['T1', 'T2'].map((id) => timetable.trips.get(id)!.wheelchairAccessible)).toEqual([true, false]);
    expect((await loadTimetable(zipFiles(lineFeed()))).trips.get('T1')!.wheelchairAccessible).toBeNull();

    expect(await problemsOf(lineFeed({ 'stops.txt': stops.replace('D,Stop D,0,0.027,0,S,A1,2', 'D,Stop D,0,0.027,0,S,A1,yes'), 'trips.txt': trips.replace('T2,East,0,2', 'T2,East,0,3') }))).toEqual([
      'stops.txt:6/wheelchair_boarding: "yes" is not a whole number from 0 to 2', 'trips.txt:3/wheelchair_accessible: "3" is not a whole number from 0 to 2']);
  });

  it('names dangling references', async () => {
    const feed = lineFeed();
    feed['stop_times.txt'] += 'T2,08:50:00,08:50:00,Z,5\nT9,08:50:00,08:50:00,A,1\n';
    feed['trips.txt'] += 'R9,ALL,T3,East,0\n';
    const problems = await problemsOf(feed);
    expect(problems).toContain('trips.txt:4/route_id: unknown route "R9"');
    expect(problems).toContain('stop_times.txt:10/stop_id: unknown stop "Z"');
    expect(problems).toContain('stop_times.txt:11/trip_id: unknown trip "T9"');
  });

  it('refuses a time zone that does not exist and bytes that are not a zip', async () => {
    expect(await problemsOf(lineFeed({ 'agency.txt': 'agency_name,agency_url,agency_timezone\nX,https://x.org,Mars/Olympus\n' })))
      .toEqual(['agency.txt:2/agency_timezone: "Mars/Olympus" is not a time zone']);
    await expect(loadTimetable(Buffer.from('not a zip'))).rejects.toThrow(/not a readable zip/);
  });

  it('names a stop_sequence given twice in a trip, right after itself or anywhere else', async () => {
    const feed = lineFeed();
    feed['stop_times.txt'] = feed['stop_times.txt']!.replace('T1,08:05:00,08:05:00,B,2\n', 'T1,08:05:00,08:05:00,B,2\nT1,08:05:00,08:05:00,B,2\n');
    expect(await problemsOf(feed)).toEqual(['stop_times.txt:4/stop_sequence: stop_sequence 2 repeats in trip "T1"']);
    // A trip of 10,001 stop times is not a trip: said once, at the row past the limit.
    const endless = lineFeed();
    endless['stop_times.txt'] += Array.from({ length: 10_001 }, (_, i) => `T2,,,B,${i + 10}`).join('\n') + '\n';
    expect(await problemsOf(endless)).toEqual(['stop_times.txt:10006/trip_id: trip "T2" has over 10000 stop times']);
    const later = lineFeed();
    later['stop_times.txt'] += 'T2,08:50:00,08:50:00,D,1\n';
    expect(await problemsOf(later)).toContain('stop_times.txt:10/stop_sequence: stop_sequence 1 repeats in trip "T2"');
  });

  it('reads deflated entries, and refuses a feed that inflates past the limit before inflating it', async () => {
    expect((await loadTimetable(zipFiles(lineFeed(), { deflate: true }))).trips.size).toBe(2);
    // 2.4 MB of stop times in a 6 KB zip, against a limit of 1 MB.
    const feed = lineFeed();
    feed['stop_times.txt'] += 'T2,09:00:00,09:00:00,A,9\n'.repeat(100_000);
    const bomb = zipFiles(feed, { deflate: true });
    expect(bomb.length).toBeLessThan(20_000);
    expect(await problemsOf(bomb, { maxBytes: 1024 * 1024 }))
      .toEqual(['stop_times.txt: the feed\'s files inflate to 2.4 MB (this one to 2.4 MB), over the limit of 1.0 MB (CITYPULSE_TRANSIT_MAX_FEED_BYTES)']);
    // One that says it inflates to 300 bytes, and does not stop there, is refused as it reads.
    const lying = zipFiles(feed, { deflate: true, declaredSizes: { 'stop_times.txt': 300 } });
    expect((await problemsOf(lying, { maxBytes: 1024 * 1024 }))[0]).toMatch(/^stop_times\.txt: cannot be read from the zip \(too many bytes in the stream/);
  });

  it('refuses a file that is not CSV (no line ends) without gathering it into one record', async () => {
    const stops = 'stop_id,stop_name,stop_lat,stop_lon\nA,' + 'x'.repeat(MAX_FIELD_CHARS + 70_000);
    expect(await problemsOf(lineFeed({ 'stops.txt': stops }))).toContain(`stops.txt:2: a field over ${MAX_FIELD_CHARS} characters long`);
    const quoted = 'stop_id,stop_name,stop_lat,stop_lon\nA,"' + 'x,'.repeat(MAX_FIELD_CHARS);
    expect(await problemsOf(lineFeed({ 'stops.txt': quoted }))).toContain(`stops.txt:2: a field over ${MAX_FIELD_CHARS} characters long (a quote never closed?)`);
  });

  it('reads quoted fields with commas, quotes and a byte-order mark', async () => {
    const feed = lineFeed({ 'routes.txt': '\ufeffroute_id,route_short_name,route_long_name,route_type\r\nR1,1,"Main Street, ""the long one""",3\r\n' });
    const timetable = await loadTimetable(zipFiles(feed));
    expect(timetable.routes.get('R1')!.longName).toBe('Main Street, "the long one"');
  });
});
