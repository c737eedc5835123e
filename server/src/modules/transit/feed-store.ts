// SQL for GTFS feeds. A feed is replaced as a whole in one transaction: readers see the old feed or the
// new one, never half of each. Rows go in column by column through Db.bulkInsert (COPY on the embedded
// database, unnest on a server).
import type { BulkColumn, BulkType, Db } from '../../platform/db/types.js';
import type { FeedDraft, Service } from './gtfs/timetable.js';
import { StopNumbers, TripCalls } from './gtfs/trip-calls.js';
import { pauseEvery, SLICE_MS } from '../../platform/slices.js';
import type { FeedCounts, FeedNotice, FeedSummary } from '@citypulse/contracts';

/** Rows per bulkInsert call: the progress callback hears about each slice. */
const SLICE_ROWS = 200_000;
/** Trips whose stop times are read back per query when a stored feed is loaded. */
const LOAD_PAGE_TRIPS = 2_000;

type Column = [name: string, type: BulkType, values: ReadonlyArray<string | number | boolean | null>];

async function insertColumns(db: Db, table: string, feedId: string, columns: Column[], onRows?: (rows: number) => void) {
  const total = columns[0]![2].length;
  const feedIds = new Array<string>(Math.min(total, SLICE_ROWS)).fill(feedId);
  for (let from = 0; from < total; from += SLICE_ROWS) {
    const to = Math.min(total, from + SLICE_ROWS);
    const slice: BulkColumn[] = [{ name: 'feed_id', type: 'text', values: feedIds.length === to - from ? feedIds : feedIds.slice(0, to - from) }];
    for (const [name, type, values] of columns) slice.push({ name, type, values: from === 0 && to === total ? values : values.slice(from, to) });
    await db.bulkInsert(table, slice);
    onRows?.(to - from);
  }
}

const isoDay = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);
const dayOf = (value: unknown) => Math.round(new Date(value instanceof Date ? value.getTime() : `${String(value).slice(0, 10)}T00:00:00Z`).getTime() / 86_400_000);

export type { FeedCounts, FeedSummary } from '@citypulse/contracts';

export function countsOf(draft: FeedDraft): FeedCounts {
  let stopTimes = 0, frequencies = 0, shapePoints = 0;
  for (const trip of draft.trips.values()) { stopTimes += trip.calls.length; frequencies += trip.trip.frequencies.length; }
  for (const points of draft.shapePoints.values()) shapePoints += points.length;
  return { agencies: draft.agencies.length, stops: draft.stops.length, routes: draft.routes.size, services: draft.services.size, trips: draft.trips.size, stopTimes, frequencies, shapePoints, transfers: draft.transfers.length };
}

/** Replaces feed `feedId` (or creates it) with the rows of `draft`, and its notices, in one transaction. */
export async function replaceFeed(db: Db, feedId: string, draft: FeedDraft, source: string, notices: FeedNotice[] = [], onRows?: (table: string, rows: number) => void): Promise<FeedCounts> {
  const counts = countsOf(draft);
  await db.transaction(async (tx) => {
    // Two imports of the same feed at once take turns: the second replaces the first, whole.
    await tx.query('select pg_advisory_xact_lock(hashtext($1))', [`transit_feed:${feedId}`]);
    await tx.query('delete from transit_feed where id = $1', [feedId]);
    await tx.query('insert into transit_feed (id, agency_timezone, source, counts, notices) values ($1, $2, $3, $4, $5)',
      [feedId, draft.agencyTimezone, source, JSON.stringify(counts), JSON.stringify(notices)]);
    // Every row below carries `feedId`, whose transit_feed row was inserted just above in this transaction:
    // the foreign-key check each row would fire cannot fail, and on the embedded database it was more
    // than half of the import's time (one lookup per row: 565,000 for the NYC subway). The replica role
    // skips it (and any other trigger: these tables have none) until the transaction ends. A server keeps
    // the checks: its users need not be superusers, and it runs them at native speed.
    // See: https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-SESSION-REPLICATION-ROLE
    if (tx.kind === 'pglite') await tx.exec('set local session_replication_role = replica');
    const progress = (table: string) => (rows: number) => onRows?.(table, rows);
    const agencies = draft.agencies;
    await insertColumns(tx, 'transit_agency', feedId, [
      ['agency_id', 'text', agencies.map((agency, i) => agency.id || (i === 0 ? '' : `#${i}`))], ['name', 'text', agencies.map((a) => a.name)],
      ['url', 'text', agencies.map((a) => a.url)], ['timezone', 'text', agencies.map((a) => a.timezone)],
    ], progress('agency'));
    const stops = draft.stops;
    await insertColumns(tx, 'transit_stop', feedId, [
      ['stop_id', 'text', stops.map((s) => s.id)], ['name', 'text', stops.map((s) => s.name)],
      ['lat', 'float8', stops.map((s) => (Number.isFinite(s.lat) ? s.lat : null))], ['lon', 'float8', stops.map((s) => (Number.isFinite(s.lon) ? s.lon : null))],
      ['location_type', 'int2', stops.map((s) => s.locationType)], ['parent_station', 'text', stops.map((s) => s.parentStation)],
      ['platform_code', 'text', stops.map((s) => s.platformCode)], ['wheelchair_boarding', 'bool', stops.map((s) => s.wheelchairBoarding)],
    ], progress('stops'));
    const routes = [...draft.routes.values()];
    await insertColumns(tx, 'transit_route', feedId, [
      ['route_id', 'text', routes.map((r) => r.id)], ['agency_id', 'text', routes.map((r) => r.agencyId)], ['short_name', 'text', routes.map((r) => r.shortName)],
      ['long_name', 'text', routes.map((r) => r.longName)], ['route_type', 'int4', routes.map((r) => r.type)], ['color', 'text', routes.map((r) => r.color)],
    ], progress('routes'));
    // One row per service: its weekdays and its exception dates as arrays (a handful per service).
    const services = [...draft.services];
    const serviceRows = services.map(([id, service]) => [id, `{${service.days.join(',')}}`, Number.isFinite(service.start) ? isoDay(service.start) : null, Number.isFinite(service.end) ? isoDay(service.end) : null,
      `{${[...service.added].map(isoDay).join(',')}}`, `{${[...service.removed].map(isoDay).join(',')}}`]);
    for (const row of serviceRows) {
      await tx.query('insert into transit_service (feed_id, service_id, weekdays, start_date, end_date, added_dates, removed_dates) values ($1, $2, $3::boolean[], $4::date, $5::date, $6::date[], $7::date[])', [feedId, ...row]);
    }
    onRows?.('services', serviceRows.length);
    // In primary-key order (as the embedded database collates: bytewise): each row then lands
    // on the index page the previous one filled, instead of anywhere in it.
    const trips = [...draft.trips.values()].sort((a, b) => (a.trip.id < b.trip.id ? -1 : a.trip.id > b.trip.id ? 1 : 0));
    await insertColumns(tx, 'transit_trip', feedId, [
      ['trip_id', 'text', trips.map((t) => t.trip.id)], ['route_id', 'text', trips.map((t) => t.trip.routeId)], ['service_id', 'text', trips.map((t) => t.trip.serviceId)],
      ['headsign', 'text', trips.map((t) => t.trip.headsign)], ['direction_id', 'int2', trips.map((t) => t.trip.directionId)], ['shape_id', 'text', trips.map((t) => t.trip.shapeId)],
      ['block_id', 'text', trips.map((t) => t.trip.blockId)], ['wheelchair_accessible', 'bool', trips.map((t) => t.trip.wheelchairAccessible)],
    ], progress('trips'));
    // Stop times are laid out as columns a slice at a time: the packed calls take 20 bytes a row, these
    // columns over 40, and a whole feed of them at once would be most of what an import holds.
    let tripIds: string[] = [], sequences: number[] = [], stopIds: string[] = [], arrivals: Array<number | null> = [], departures: Array<number | null> = [];
    const writeSlice = async () => {
      await insertColumns(tx, 'transit_stop_time', feedId, [
        ['trip_id', 'text', tripIds], ['stop_sequence', 'int4', sequences], ['stop_id', 'text', stopIds], ['arrival_seconds', 'int4', arrivals], ['departure_seconds', 'int4', departures],
      ], progress('stop_times'));
      tripIds = []; sequences = []; stopIds = []; arrivals = []; departures = [];
    };
    const pause = pauseEvery(SLICE_MS); // a city's stop times take a while to lay out: others get turns
    for (const trip of trips) {
      await pause();
      const calls = trip.calls;
      for (let i = 0; i < calls.length; i++) {
        tripIds.push(trip.trip.id); sequences.push(calls.sequence(i)); stopIds.push(calls.stopId(i)); arrivals.push(calls.arrival(i)); departures.push(calls.departure(i));
      }
      if (tripIds.length >= SLICE_ROWS) await writeSlice();
    }
    if (tripIds.length > 0) await writeSlice();
    const frequencies = trips.flatMap((t) => t.trip.frequencies.map((f) => ({ tripId: t.trip.id, ...f })));
    if (frequencies.length) {
      await insertColumns(tx, 'transit_frequency', feedId, [
        ['trip_id', 'text', frequencies.map((f) => f.tripId)], ['start_seconds', 'int4', frequencies.map((f) => f.start)], ['end_seconds', 'int4', frequencies.map((f) => f.end)],
        ['headway_seconds', 'int4', frequencies.map((f) => f.headway)], ['exact_times', 'bool', frequencies.map((f) => f.exactTimes)],
      ], progress('frequencies'));
    }
    const shapeIds: string[] = [], shapeSequences: number[] = [], lats: number[] = [], lons: number[] = [];
    for (const [id, points] of draft.shapePoints) {
      await pause();
      for (const point of points) { shapeIds.push(id); shapeSequences.push(point.sequence); lats.push(point.lat); lons.push(point.lon); }
    }
    if (shapeIds.length) {
      await insertColumns(tx, 'transit_shape_point', feedId, [['shape_id', 'text', shapeIds], ['sequence', 'int4', shapeSequences], ['lat', 'float8', lats], ['lon', 'float8', lons]], progress('shapes'));
    }
    if (draft.transfers.length) {
      const transfers = draft.transfers;
      await insertColumns(tx, 'transit_transfer', feedId, [
        ['from_stop_id', 'text', transfers.map((t) => t.fromStopId)], ['to_stop_id', 'text', transfers.map((t) => t.toStopId)],
        ['transfer_type', 'int2', transfers.map((t) => t.type)], ['min_transfer_time', 'int4', transfers.map((t) => t.minTransferTime)],
      ], progress('transfers'));
    }
  });
  return counts;
}


/** The feeds stored, as listed: what the database holds of them (the service layer adds what the timetable tells). */
export async function listFeeds(db: Db): Promise<Array<Omit<FeedSummary, 'service'>>> {
  const rows = await db.query<{ id: string; agency_timezone: string; imported_at: Date | string; source: string; counts: FeedCounts | string; notices: FeedNotice[] | string }>(
    'select id, agency_timezone, imported_at, source, counts, notices from transit_feed order by id');
  return rows.map((row) => ({
    id: row.id, agencyTimezone: row.agency_timezone, source: row.source,
    importedAt: new Date(row.imported_at).toISOString(),
    counts: typeof row.counts === 'string' ? JSON.parse(row.counts) : row.counts,
    notices: typeof row.notices === 'string' ? JSON.parse(row.notices) : row.notices,
  }));
}

/** The operators' names of each feed (agency.txt agency_name), sorted. */
export async function agencyNames(db: Db): Promise<Map<string, string[]>> {
  const rows = await db.query<{ feed_id: string; name: string }>('select feed_id, name from transit_agency order by feed_id, name');
  const names = new Map<string, string[]>();
  for (const row of rows) names.set(row.feed_id, [...(names.get(row.feed_id) ?? []), row.name]);
  return names;
}

export async function deleteFeed(db: Db, feedId: string): Promise<boolean> {
  const rows = await db.query('delete from transit_feed where id = $1 returning id', [feedId]);
  return rows.length > 0;
}

/** Reads a stored feed back into rows, ready for buildTimetable. */
export async function readStoredFeed(db: Db, feedId: string, { pageTrips = LOAD_PAGE_TRIPS } = {}): Promise<FeedDraft | null> {
  const [feed] = await db.query<{ agency_timezone: string }>('select agency_timezone from transit_feed where id = $1', [feedId]);
  if (!feed) return null;
  const agencies = await db.query<{ agency_id: string; name: string; url: string; timezone: string }>('select agency_id, name, url, timezone from transit_agency where feed_id = $1', [feedId]);
  const stops = await db.query<{ stop_id: string; name: string; lat: number | null; lon: number | null; location_type: number; parent_station: string | null; platform_code: string | null; wheelchair_boarding: boolean | null }>(
    'select stop_id, name, lat, lon, location_type, parent_station, platform_code, wheelchair_boarding from transit_stop where feed_id = $1', [feedId]);
  const routes = await db.query<{ route_id: string; agency_id: string; short_name: string; long_name: string; route_type: number; color: string }>(
    'select route_id, agency_id, short_name, long_name, route_type, color from transit_route where feed_id = $1', [feedId]);
  const services = await db.query<{ service_id: string; weekdays: boolean[]; start_date: unknown; end_date: unknown; added_dates: unknown[]; removed_dates: unknown[] }>(
    'select service_id, weekdays, start_date, end_date, added_dates, removed_dates from transit_service where feed_id = $1', [feedId]);
  const trips = await db.query<{ trip_id: string; route_id: string; service_id: string; headsign: string; direction_id: number | null; shape_id: string | null; block_id: string | null; wheelchair_accessible: boolean | null }>(
    'select trip_id, route_id, service_id, headsign, direction_id, shape_id, block_id, wheelchair_accessible from transit_trip where feed_id = $1', [feedId]);
  const frequencies = await db.query<{ trip_id: string; start_seconds: number; end_seconds: number; headway_seconds: number; exact_times: boolean }>(
    'select trip_id, start_seconds, end_seconds, headway_seconds, exact_times from transit_frequency where feed_id = $1', [feedId]);
  const shapePoints = await db.query<{ shape_id: string; sequence: number; lat: number; lon: number }>('select shape_id, sequence, lat, lon from transit_shape_point where feed_id = $1', [feedId]);
  const transfers = await db.query<{ from_stop_id: string; to_stop_id: string; transfer_type: number; min_transfer_time: number | null }>(
    'select from_stop_id, to_stop_id, transfer_type, min_transfer_time from transit_transfer where feed_id = $1', [feedId]);

  const stopNumbers = new StopNumbers(stops.map((s) => s.stop_id));
  const draft: FeedDraft = {
    agencyTimezone: feed.agency_timezone,
    agencies: agencies.map((a) => ({ id: a.agency_id, name: a.name, url: a.url, timezone: a.timezone })),
    stops: stops.map((s) => ({ id: s.stop_id, name: s.name, lat: s.lat ?? NaN, lon: s.lon ?? NaN, locationType: s.location_type, parentStation: s.parent_station, platformCode: s.platform_code, wheelchairBoarding: s.wheelchair_boarding })),
    routes: new Map(routes.map((r) => [r.route_id, { id: r.route_id, agencyId: r.agency_id, shortName: r.short_name, longName: r.long_name, type: r.route_type, color: r.color }])),
    services: new Map(services.map((s) => [s.service_id, {
      days: s.weekdays, start: s.start_date === null ? -Infinity : dayOf(s.start_date), end: s.end_date === null ? Infinity : dayOf(s.end_date),
      added: new Set(s.added_dates.map(dayOf)), removed: new Set(s.removed_dates.map(dayOf)),
    } satisfies Service])),
    shapePoints: new Map(),
    trips: new Map(trips.map((t) => [t.trip_id, { trip: { id: t.trip_id, routeId: t.route_id, serviceId: t.service_id, directionId: t.direction_id, headsign: t.headsign, shapeId: t.shape_id, blockId: t.block_id, wheelchairAccessible: t.wheelchair_accessible, frequencies: [] }, line: 0, calls: new TripCalls(stopNumbers) }])),
    transfers: transfers.map((t) => ({ fromStopId: t.from_stop_id, toStopId: t.to_stop_id, type: t.transfer_type, minTransferTime: t.min_transfer_time })),
  };
  // Stop times for a page of trips at a time: as row objects a whole feed of them would take several
  // times the heap the packed calls do (the NYC subway's needed a 256 MB heap to start, now 96 MB).
  // Their order within a trip does not matter: the timetable sorts them.
  const tripIds = trips.map((t) => t.trip_id);
  for (let from = 0; from < tripIds.length; from += pageTrips) {
    const page = await db.query<{ trip_id: string; stop_sequence: number; stop_id: string; arrival_seconds: number | null; departure_seconds: number | null }>(
      'select trip_id, stop_sequence, stop_id, arrival_seconds, departure_seconds from transit_stop_time where feed_id = $1 and trip_id = any($2::text[])',
      [feedId, tripIds.slice(from, from + pageTrips)]);
    for (const row of page) draft.trips.get(row.trip_id)!.calls.add(row.stop_sequence, stopNumbers.add(row.stop_id), row.arrival_seconds, row.departure_seconds, 0);
  }
  for (const row of frequencies) draft.trips.get(row.trip_id)?.trip.frequencies.push({ start: row.start_seconds, end: row.end_seconds, headway: row.headway_seconds, exactTimes: row.exact_times });
  for (const row of shapePoints) {
    let points = draft.shapePoints.get(row.shape_id);
    if (!points) draft.shapePoints.set(row.shape_id, points = []);
    points.push({ sequence: row.sequence, lat: row.lat, lon: row.lon });
  }
  return draft;
}
