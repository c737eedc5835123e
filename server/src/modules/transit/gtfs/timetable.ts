// The in-memory timetable: a GTFS feed read into the shapes the tracker and the prediction engine need
// (trips as arrays of stops, times and distances). Reading validates as it goes and collects problems
// naming file, line and field; a feed with problems is refused as a whole.
// See: https://gtfs.org/documentation/schedule/reference/
import { MAX_INT32, StopNumbers, TripCalls } from './trip-calls.js';
import { equirectangular, makePath, placeAlong, type Path, type Projection } from '../tracking/geometry.js';
import { TransitError } from '../errors.js';
import { openZip, type ZipArchive } from './zip.js';
import { checkInflatedSize, DEFAULT_MAX_FEED_BYTES, eachRow, MAX_CALLS_PER_TRIP, number, ProblemList } from './feed-files.js';
import { parseGtfsDate, parseGtfsTime, ZoneClock } from './time.js';
import { runInSlices, runToEnd } from '../../../platform/slices.js';

export interface Stop {
  id: string; name: string; lat: number; lon: number; locationType: number; parentStation: string | null;
  /** platform_code: the platform or bay passengers board at ("3", "A2"), shown on a station's board; null when not given. */
  platformCode: string | null;
  /**
   * wheelchair_boarding: whether a wheelchair user can board here (1 true, 2 false), null when the feed
   * says nothing (0 or empty); a stop of a station saying nothing has its station's (`wheelchairBoardingAt`).
   */
  wheelchairBoarding: boolean | null;
  x: number; y: number;
}
export interface Route { id: string; agencyId: string; shortName: string; longName: string; type: number; color: string }
export interface Frequency { start: number; end: number; headway: number; exactTimes: boolean }

/** A sequence of stops with its geometry; trips that visit the same stops share one pattern. */
export interface StopPattern {
  key: string;
  stopIds: string[];
  /** Distance of each stop along the path, metres. */
  distances: Float64Array;
  path: Path;
}

export interface Trip {
  id: string;
  routeId: string;
  serviceId: string;
  /** direction_id; when the feed has none, inferred from where the trip's stops lead (inferDirections). */
  directionId: number;
  /** Whether direction_id came from the feed: only then is it published in GTFS-Realtime. */
  directionGiven: boolean;
  /** trip_headsign; when the feed has none, the name of the trip's last stop (what the bus's sign shows). */
  headsign: string;
  shapeId: string | null;
  /** The bus's day of work the trip belongs to (block_id): the trips one vehicle runs one after the other. */
  blockId: string | null;
  /** wheelchair_accessible: whether its vehicle takes a wheelchair (1 true, 2 false), null when the feed says nothing. */
  wheelchairAccessible: boolean | null;
  pattern: StopPattern;
  stopSequences: Int32Array;
  /** Scheduled arrival and departure at each stop, seconds since the start of the service day. */
  arrivals: Int32Array;
  departures: Int32Array;
  frequencies: Frequency[];
}

export interface Service { days: boolean[]; start: number; end: number; added: Set<number>; removed: Set<number> }

export interface Timetable {
  agencyTimezone: string;
  clock: ZoneClock;
  projection: Projection;
  stops: Map<string, Stop>;
  routes: Map<string, Route>;
  trips: Map<string, Trip>;
  services: Map<string, Service>;
  /** Trips of each route, for matching vehicles whose trip id is missing or unknown. */
  tripsByRoute: Map<string, Trip[]>;
  /** Trips calling at each stop, with the index of the stop in the trip. */
  tripsByStop: Map<string, Array<{ trip: Trip; index: number }>>;
  /** Trips of each block, by their first departure. */
  tripsByBlock: Map<string, Trip[]>;
  /** The stops of each station (location_type 1) that trips call at: a hub's bays, a terminal's platforms. */
  stopsOfStation: Map<string, string[]>;
}

export interface Transfer { fromStopId: string; toStopId: string; type: number; minTransferTime: number | null }

/** A trip as read, before its stop times are sorted, interpolated and given a pattern. */
export interface TripDraft {
  trip: Omit<Trip, 'pattern' | 'stopSequences' | 'arrivals' | 'departures' | 'directionId' | 'directionGiven'> & { directionId: number | null };
  line: number;
  /** Its stop times as read, in file order until the timetable is built (which sorts them). */
  calls: TripCalls;
}

/** A feed's rows as read and checked row by row: what the database stores and the timetable is built from. */
export interface FeedDraft {
  agencyTimezone: string;
  agencies: Array<{ id: string; name: string; url: string; timezone: string }>;
  stops: Array<Omit<Stop, 'x' | 'y'>>;
  routes: Map<string, Route>;
  services: Map<string, Service>;
  shapePoints: Map<string, Array<{ sequence: number; lat: number; lon: number }>>;
  trips: Map<string, TripDraft>;
  transfers: Transfer[];
}

export interface LoadOptions {
  onProgress?: (file: string, rows: number) => void;
  /** Stop reading after this many problems (the feed is refused anyway). */
  maxProblems?: number;
  /** The most the files read may inflate to, in all (DEFAULT_MAX_FEED_BYTES when not given). */
  maxBytes?: number;
}

/** GTFS's accessibility values: 1 yes, 2 no, 0 (or nothing) not known. */
const accessibility = (value: number | null): boolean | null => (value === 1 ? true : value === 2 ? false : null);

/** Whether a wheelchair user can board at a stop: its own wheelchair_boarding, else its station's; null when neither says. */
export function wheelchairBoardingAt(stops: ReadonlyMap<string, Stop>, stop: Stop): boolean | null {
  return stop.wheelchairBoarding ?? (stop.parentStation ? stops.get(stop.parentStation)?.wheelchairBoarding ?? null : null);
}

/** Reads a GTFS zip (path or bytes) into a timetable, or throws TransitError listing the feed's problems. */
export async function loadTimetable(source: string | Buffer, options: LoadOptions = {}): Promise<Timetable> {
  return buildTimetable(await readFeedFile(source, options));
}

/** Opens and reads a GTFS zip into checked rows, or throws TransitError listing the feed's problems. */
export async function readFeedFile(source: string | Buffer, options: LoadOptions = {}): Promise<FeedDraft> {
  let archive: ZipArchive;
  try {
    archive = await openZip(source);
  } catch (error) {
    throw TransitError.invalidFeed([{ file: 'feed', reason: `not a readable zip archive (${(error as Error).message})` }]);
  }
  try {
    return await readFeed(archive, options);
  } finally {
    archive.close();
  }
}

async function readFeed(archive: ZipArchive, options: LoadOptions): Promise<FeedDraft> {
  const problems = new ProblemList(options.maxProblems ?? 200);
  for (const file of ['agency.txt', 'stops.txt', 'routes.txt', 'trips.txt', 'stop_times.txt']) {
    if (!archive.entries.has(file)) problems.add({ file, reason: 'required file is missing' });
  }
  if (!archive.entries.has('calendar.txt') && !archive.entries.has('calendar_dates.txt')) {
    problems.add({ file: 'calendar.txt', reason: 'either calendar.txt or calendar_dates.txt is required' });
  }
  // A feed zipped with an older copy beside it (stops.txt and old/stops.txt): which one is the feed's is not ours to guess.
  for (const [file, where] of archive.duplicates) {
    if (file.endsWith('.txt')) problems.add({ file, reason: `the zip holds it ${where.length} times (${where.join(', ')}); a feed holds each file once` });
  }
  checkInflatedSize(archive, options.maxBytes ?? DEFAULT_MAX_FEED_BYTES, problems);
  if (problems.problems.length) throw TransitError.invalidFeed(problems.problems);

  let agencyTimezone = '';
  const agencies: FeedDraft['agencies'] = [];
  await eachRow(archive, 'agency.txt', problems, (row, line) => {
    agencies.push({ id: row('agency_id'), name: row('agency_name'), url: row('agency_url'), timezone: row('agency_timezone') });
    const zone = row('agency_timezone');
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
    } catch {
      problems.add({ file: 'agency.txt', line, field: 'agency_timezone', reason: `"${zone}" is not a time zone` });
      return;
    }
    if (!agencyTimezone) agencyTimezone = zone;
  });

  const rawStops: Array<Omit<Stop, 'x' | 'y'>> = [];
  const missingColumns = new Set<string>();
  const seenStops = new Set<string>();
  await eachRow(archive, 'stops.txt', problems, (row, line) => {
    const id = row('stop_id');
    if (!id) return problems.add({ file: 'stops.txt', line, field: 'stop_id', reason: 'required value is missing' });
    if (seenStops.has(id)) return problems.add({ file: 'stops.txt', line, field: 'stop_id', reason: `duplicate stop_id "${id}"` });
    seenStops.add(id);
    const locationType = Number(row('location_type') || 0);
    const needsPosition = locationType <= 2;
    // A column required only of some rows (stops, stations, entrances need a position): said once, when
    // the file lacks it, not on every row.
    let absent = false;
    for (const column of ['stop_lat', 'stop_lon']) {
      if (!needsPosition || row.has(column)) continue;
      absent = true;
      if (!missingColumns.has(column)) problems.add({ file: 'stops.txt', line: 1, field: column, reason: 'required column is missing (stops, stations and entrances need a position)' });
      missingColumns.add(column);
    }
    const lat = absent ? null : number(row, 'stop_lat', 'stops.txt', line, problems, { required: needsPosition, min: -90, max: 90 });
    const lon = absent ? null : number(row, 'stop_lon', 'stops.txt', line, problems, { required: needsPosition, min: -180, max: 180 });
    const wheelchairBoarding = accessibility(number(row, 'wheelchair_boarding', 'stops.txt', line, problems, { integer: true, min: 0, max: 2 }));
    rawStops.push({ id, name: row('stop_name'), lat: lat ?? NaN, lon: lon ?? NaN, locationType, parentStation: row('parent_station') || null, platformCode: row('platform_code') || null, wheelchairBoarding });
  }, options.onProgress);
  // Stop times keep a stop's number, not a string per row.
  const stopNumbers = new StopNumbers(rawStops.map((stop) => stop.id));
  for (const stop of rawStops) {
    if (stop.parentStation && stopNumbers.numberOf(stop.parentStation) === undefined) problems.add({ file: 'stops.txt', field: 'parent_station', reason: `stop ${stop.id} names unknown parent station "${stop.parentStation}"` });
  }
  const routes = new Map<string, Route>();
  await eachRow(archive, 'routes.txt', problems, (row, line) => {
    const id = row('route_id');
    if (!id) return problems.add({ file: 'routes.txt', line, field: 'route_id', reason: 'required value is missing' });
    if (routes.has(id)) return problems.add({ file: 'routes.txt', line, field: 'route_id', reason: `duplicate route_id "${id}"` });
    const type = number(row, 'route_type', 'routes.txt', line, problems, { required: true, integer: true, min: 0 });
    routes.set(id, { id, agencyId: row('agency_id'), shortName: row('route_short_name'), longName: row('route_long_name'), type: type ?? 3, color: row('route_color') });
  });

  const services = new Map<string, Service>();
  const service = (id: string) => {
    let entry = services.get(id);
    if (!entry) services.set(id, entry = { days: [false, false, false, false, false, false, false], start: -Infinity, end: Infinity, added: new Set(), removed: new Set() });
    return entry;
  };
  await eachRow(archive, 'calendar.txt', problems, (row, line) => {
    const id = row('service_id');
    if (!id) return problems.add({ file: 'calendar.txt', line, field: 'service_id', reason: 'required value is missing' });
    // Read first, so a service seen before comes from an earlier line of this file.
    if (services.has(id)) return problems.add({ file: 'calendar.txt', line, field: 'service_id', reason: `duplicate service_id "${id}"` });
    const entry = service(id);
    // GTFS day columns run monday..sunday; `days` is indexed by JavaScript's weekday (0 Sunday).
    ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'].forEach((day, index) => {
      const value = row(day);
      if (value !== '0' && value !== '1') problems.add({ file: 'calendar.txt', line, field: day, reason: `"${value}" must be 0 or 1` });
      entry.days[index] = value === '1';
    });
    for (const field of ['start_date', 'end_date'] as const) {
      const day = parseGtfsDate(row(field));
      if (day === null) problems.add({ file: 'calendar.txt', line, field, reason: `"${row(field)}" is not a date YYYYMMDD` });
      else if (field === 'start_date') entry.start = day;
      else entry.end = day;
    }
  });
  await eachRow(archive, 'calendar_dates.txt', problems, (row, line) => {
    const id = row('service_id');
    const day = parseGtfsDate(row('date'));
    const type = row('exception_type');
    if (!id) return problems.add({ file: 'calendar_dates.txt', line, field: 'service_id', reason: 'required value is missing' });
    if (day === null) return problems.add({ file: 'calendar_dates.txt', line, field: 'date', reason: `"${row('date')}" is not a date YYYYMMDD` });
    if (type !== '1' && type !== '2') return problems.add({ file: 'calendar_dates.txt', line, field: 'exception_type', reason: `"${type}" must be 1 or 2` });
    const entry = services.get(id) ?? { ...service(id), start: Infinity, end: -Infinity };
    services.set(id, entry);
    (type === '1' ? entry.added : entry.removed).add(day);
  });

  const shapePoints = new Map<string, Array<{ sequence: number; lat: number; lon: number }>>();
  await eachRow(archive, 'shapes.txt', problems, (row, line) => {
    const id = row('shape_id');
    const lat = number(row, 'shape_pt_lat', 'shapes.txt', line, problems, { required: true, min: -90, max: 90 });
    const lon = number(row, 'shape_pt_lon', 'shapes.txt', line, problems, { required: true, min: -180, max: 180 });
    const sequence = number(row, 'shape_pt_sequence', 'shapes.txt', line, problems, { required: true, integer: true, min: 0 });
    if (!id || lat === null || lon === null || sequence === null) return;
    let points = shapePoints.get(id);
    if (!points) shapePoints.set(id, points = []);
    points.push({ sequence, lat, lon });
  }, options.onProgress);

  const drafts = new Map<string, TripDraft>();
  await eachRow(archive, 'trips.txt', problems, (row, line) => {
    const id = row('trip_id');
    if (!id) return problems.add({ file: 'trips.txt', line, field: 'trip_id', reason: 'required value is missing' });
    if (drafts.has(id)) return problems.add({ file: 'trips.txt', line, field: 'trip_id', reason: `duplicate trip_id "${id}"` });
    const routeId = row('route_id');
    const serviceId = row('service_id');
    if (!routes.has(routeId)) problems.add({ file: 'trips.txt', line, field: 'route_id', reason: `unknown route "${routeId}"` });
    if (!services.has(serviceId)) problems.add({ file: 'trips.txt', line, field: 'service_id', reason: `unknown service "${serviceId}"` });
    const shapeId = row('shape_id') || null;
    if (shapeId && shapePoints.size && !shapePoints.has(shapeId)) problems.add({ file: 'trips.txt', line, field: 'shape_id', reason: `unknown shape "${shapeId}"` });
    const direction = row('direction_id');
    if (direction && direction !== '0' && direction !== '1') problems.add({ file: 'trips.txt', line, field: 'direction_id', reason: `"${direction}" is not 0 or 1` });
    const wheelchairAccessible = accessibility(number(row, 'wheelchair_accessible', 'trips.txt', line, problems, { integer: true, min: 0, max: 2 }));
    drafts.set(id, { trip: { id, routeId, serviceId, directionId: direction === '1' ? 1 : direction === '0' ? 0 : null, headsign: row('trip_headsign'), shapeId, blockId: row('block_id') || null, wheelchairAccessible, frequencies: [] }, line, calls: new TripCalls(stopNumbers) });
  });

  const overfull = new Set<string>();
  await eachRow(archive, 'stop_times.txt', problems, (row, line) => {
    const tripId = row('trip_id');
    const draft = drafts.get(tripId);
    if (!draft) return problems.add({ file: 'stop_times.txt', line, field: 'trip_id', reason: `unknown trip "${tripId}"` });
    const stop = stopNumbers.numberOf(row('stop_id'));
    if (stop === undefined) return problems.add({ file: 'stop_times.txt', line, field: 'stop_id', reason: `unknown stop "${row('stop_id')}"` });
    const sequence = number(row, 'stop_sequence', 'stop_times.txt', line, problems, { required: true, integer: true, min: 0, max: MAX_INT32 });
    const times: Array<number | null> = [];
    for (const field of ['arrival_time', 'departure_time']) {
      const text = row(field);
      const value = text === '' ? null : parseGtfsTime(text);
      if (text !== '' && value === null) problems.add({ file: 'stop_times.txt', line, field, reason: `"${text}" is not a time H:MM:SS` });
      times.push(value);
    }
    if (sequence === null) return;
    // A repeat right after itself is told now (buildTimetable finds the others, once the calls are sorted),
    // so that a file of one row over and over fills the problem list and is left unread past it.
    const calls = draft.calls;
    if (calls.length > 0 && calls.sequence(calls.length - 1) === sequence) return problems.add({ file: 'stop_times.txt', line, field: 'stop_sequence', reason: `stop_sequence ${sequence} repeats in trip "${tripId}"` });
    if (calls.length >= MAX_CALLS_PER_TRIP) {
      if (!overfull.has(tripId)) problems.add({ file: 'stop_times.txt', line, field: 'trip_id', reason: `trip "${tripId}" has over ${MAX_CALLS_PER_TRIP} stop times` });
      overfull.add(tripId);
      return;
    }
    calls.add(sequence, stop, times[0] ?? times[1] ?? null, times[1] ?? times[0] ?? null, line);
  }, options.onProgress);

  await eachRow(archive, 'frequencies.txt', problems, (row, line) => {
    const draft = drafts.get(row('trip_id'));
    if (!draft) return problems.add({ file: 'frequencies.txt', line, field: 'trip_id', reason: `unknown trip "${row('trip_id')}"` });
    const start = parseGtfsTime(row('start_time'));
    const end = parseGtfsTime(row('end_time'));
    const headway = number(row, 'headway_secs', 'frequencies.txt', line, problems, { required: true, integer: true, min: 1 });
    if (start === null) problems.add({ file: 'frequencies.txt', line, field: 'start_time', reason: `"${row('start_time')}" is not a time H:MM:SS` });
    if (end === null) problems.add({ file: 'frequencies.txt', line, field: 'end_time', reason: `"${row('end_time')}" is not a time H:MM:SS` });
    if (start === null || end === null || headway === null) return;
    if (end <= start) return problems.add({ file: 'frequencies.txt', line, field: 'end_time', reason: `${row('end_time')} is not after start_time ${row('start_time')}` });
    draft.trip.frequencies.push({ start, end, headway, exactTimes: row('exact_times') === '1' });
  });

  const transfers: Transfer[] = [];
  await eachRow(archive, 'transfers.txt', problems, (row, line) => {
    for (const field of ['from_stop_id', 'to_stop_id']) {
      if (stopNumbers.numberOf(row(field)) === undefined) problems.add({ file: 'transfers.txt', line, field, reason: `unknown stop "${row(field)}"` });
    }
    const type = number(row, 'transfer_type', 'transfers.txt', line, problems, { integer: true, min: 0, max: 5 });
    const minTransferTime = number(row, 'min_transfer_time', 'transfers.txt', line, problems, { integer: true, min: 0 });
    transfers.push({ fromStopId: row('from_stop_id'), toStopId: row('to_stop_id'), type: type ?? 0, minTransferTime });
  });

  if (problems.problems.length) throw TransitError.invalidFeed(problems.problems);
  if (!agencyTimezone) throw TransitError.invalidFeed([{ file: 'agency.txt', field: 'agency_timezone', reason: 'no agency with a time zone' }]);
  return { agencyTimezone, agencies, stops: rawStops, routes, services, shapePoints, trips: drafts, transfers };
}

/** Builds the in-memory timetable from checked rows: stop patterns, distances, interpolated times. */
export function buildTimetable(draft: FeedDraft): Timetable {
  return runToEnd(timetableSteps(draft));
}

/**
 * As buildTimetable, letting other work in between: a city's feed takes a few hundred milliseconds to
 * build (Austin's 10,000 trips about 0.2 s), which a server importing it must not spend in one go.
 */
export function buildTimetableInSlices(draft: FeedDraft, pause?: () => Promise<void> | undefined): Promise<Timetable> {
  return runInSlices(timetableSteps(draft), pause);
}

/** The timetable's build, yielding after each shape, trip and route (where it may pause). */
function* timetableSteps(draft: FeedDraft): Generator<void, Timetable> {
  const problems = new ProblemList(200);
  const { agencyTimezone, routes, services, shapePoints, trips: drafts } = draft;
  const located = draft.stops.filter((stop) => Number.isFinite(stop.lat));
  const centre = located.length ? located.reduce((sum, stop) => sum + stop.lat, 0) / located.length : 0;
  const projection = equirectangular(centre);
  const stops = new Map<string, Stop>();
  for (const stop of draft.stops) {
    const [x, y] = Number.isFinite(stop.lat) ? projection.toXY(stop.lat, stop.lon) : [NaN, NaN];
    stops.set(stop.id, { ...stop, x, y });
  }
  const shapes = new Map<string, Path>();
  for (const [id, points] of shapePoints) {
    points.sort((a, b) => a.sequence - b.sequence);
    shapes.set(id, makePath(points.map((point) => projection.toXY(point.lat, point.lon))));
    yield;
  }
  const patterns = new Map<string, StopPattern>();
  const trips = new Map<string, Trip>();
  for (const draft of drafts.values()) {
    const calls = draft.calls;
    calls.sortBySequence();
    if (calls.length < 2) {
      problems.add({ file: 'trips.txt', line: draft.line, field: 'trip_id', reason: `trip "${draft.trip.id}" has ${calls.length} stop time(s); at least 2 are needed` });
      continue;
    }
    for (let i = 1; i < calls.length; i++) {
      if (calls.sequence(i) === calls.sequence(i - 1)) problems.add({ file: 'stop_times.txt', line: calls.line(i), field: 'stop_sequence', reason: `stop_sequence ${calls.sequence(i)} repeats in trip "${draft.trip.id}"` });
    }
    const last = calls.length - 1;
    if (calls.departure(0) === null) problems.add({ file: 'stop_times.txt', line: calls.line(0), field: 'departure_time', reason: 'the first stop of a trip needs a time' });
    if (calls.arrival(last) === null) problems.add({ file: 'stop_times.txt', line: calls.line(last), field: 'arrival_time', reason: 'the last stop of a trip needs a time' });
    if (calls.departure(0) === null || calls.arrival(last) === null) continue;
    const stopIds = calls.stopIds();
    const key = `${draft.trip.shapeId ?? ''}|${stopIds.join(',')}`;
    let pattern = patterns.get(key);
    if (!pattern) {
      const points = stopIds.map((id) => { const stop = stops.get(id)!; return [stop.x, stop.y] as [number, number]; });
      const found = draft.trip.shapeId ? shapes.get(draft.trip.shapeId) : undefined;
      const shape = found && found.xs.length > 1 ? found : null;
      // Without a shape the path runs straight from stop to stop; with one, stops are placed on it in order.
      const path = shape ?? makePath(points);
      const distances = shape ? placeAlong(shape, points) : path.along.slice();
      pattern = { key, stopIds, distances, path };
      patterns.set(key, pattern);
    }
    const arrivals = new Int32Array(calls.length);
    const departures = new Int32Array(calls.length);
    interpolateTimes(calls, pattern.distances, arrivals, departures);
    for (let i = 1; i < calls.length; i++) {
      if (arrivals[i]! < departures[i - 1]!) problems.add({ file: 'stop_times.txt', line: calls.line(i), field: 'arrival_time', reason: `arrival goes back in time in trip "${draft.trip.id}"` });
    }
    const headsign = draft.trip.headsign || stops.get(stopIds[stopIds.length - 1]!)!.name;
    const directionGiven = draft.trip.directionId !== null;
    trips.set(draft.trip.id, { ...draft.trip, headsign, directionId: draft.trip.directionId ?? 0, directionGiven, pattern, stopSequences: calls.sequences(), arrivals, departures });
    yield;
  }
  if (problems.problems.length) throw TransitError.invalidFeed(problems.problems);

  yield* inferDirections(trips.values());
  const tripsByRoute = new Map<string, Trip[]>();
  const tripsByStop = new Map<string, Array<{ trip: Trip; index: number }>>();
  for (const trip of trips.values()) {
    let list = tripsByRoute.get(trip.routeId);
    if (!list) tripsByRoute.set(trip.routeId, list = []);
    list.push(trip);
    trip.pattern.stopIds.forEach((stopId, index) => {
      let calls = tripsByStop.get(stopId);
      if (!calls) tripsByStop.set(stopId, calls = []);
      calls.push({ trip, index });
    });
    yield;
  }
  const tripsByBlock = new Map<string, Trip[]>();
  for (const trip of trips.values()) {
    if (trip.blockId === null) continue;
    let list = tripsByBlock.get(trip.blockId);
    if (!list) tripsByBlock.set(trip.blockId, list = []);
    list.push(trip);
  }
  for (const list of [...tripsByRoute.values(), ...tripsByBlock.values()]) list.sort((a, b) => a.departures[0]! - b.departures[0]!);
  const stopsOfStation = new Map<string, string[]>();
  for (const stop of stops.values()) {
    if (!stop.parentStation || !tripsByStop.has(stop.id) || stops.get(stop.parentStation)?.locationType !== 1) continue;
    stopsOfStation.set(stop.parentStation, [...(stopsOfStation.get(stop.parentStation) ?? []), stop.id]);
  }
  return { agencyTimezone, clock: new ZoneClock(agencyTimezone), projection, stops, routes, trips, services, tripsByRoute, tripsByStop, tripsByBlock, stopsOfStation };
}

/**
 * Gives the trips of a feed without direction_id a direction, per route: 0 for those heading the way the
 * route's most common stop pattern heads (from its first stop to its last), 1 for those heading against
 * it. Without it a route's two directions would be drawn as one line and their headways mixed. A loop
 * (first and last stop close together) keeps 0: it has one direction.
 */
function* inferDirections(trips: Iterable<Trip>): Generator<void> {
  const byRoute = new Map<string, Trip[]>();
  for (const trip of trips) {
    if (trip.directionGiven) continue;
    let list = byRoute.get(trip.routeId);
    if (!list) byRoute.set(trip.routeId, list = []);
    list.push(trip);
  }
  for (const list of byRoute.values()) {
    const counts = new Map<StopPattern, number>();
    for (const trip of list) counts.set(trip.pattern, (counts.get(trip.pattern) ?? 0) + 1);
    // The most common pattern, the first key on a tie, so that a re-import gives the same directions.
    const [reference] = [...counts].sort((a, b) => b[1] - a[1] || (a[0].key < b[0].key ? -1 : 1))[0]!;
    const [rx, ry] = heading(reference);
    for (const trip of list) {
      const [x, y] = heading(trip.pattern);
      trip.directionId = rx * x + ry * y < 0 ? 1 : 0;
    }
    yield;
  }
}

/** From a pattern's first stop to its last, as a vector; (0, 0) for a loop or where that is unknown. */
function heading(pattern: StopPattern): [number, number] {
  const { path } = pattern;
  const n = path.xs.length - 1;
  const dx = path.xs[n]! - path.xs[0]!, dy = path.ys[n]! - path.ys[0]!;
  if (!Number.isFinite(dx) || !Number.isFinite(dy) || Math.hypot(dx, dy) < 0.1 * path.length) return [0, 0];
  return [dx, dy];
}

/** Fills stop times left empty (stops that are not timepoints) in proportion to distance. */
function interpolateTimes(calls: TripCalls, distances: Float64Array, arrivals: Int32Array, departures: Int32Array) {
  let previous = 0;
  for (let i = 0; i < calls.length; i++) {
    const arrival = calls.arrival(i);
    if (arrival !== null) {
      arrivals[i] = arrival;
      departures[i] = calls.departure(i) ?? arrival;
      previous = i;
      continue;
    }
    let next = i + 1;
    while (calls.arrival(next) === null) next++;
    const span = distances[next]! - distances[previous]!;
    const share = span > 0 ? (distances[i]! - distances[previous]!) / span : (i - previous) / (next - previous);
    arrivals[i] = departures[i] = Math.round(departures[previous]! + share * (calls.arrival(next)! - departures[previous]!));
  }
}

/** Whether a service runs on a local day number. */
export function serviceRuns(service: Service | undefined, day: number): boolean {
  if (!service) return false;
  if (service.removed.has(day)) return false;
  if (service.added.has(day)) return true;
  return day >= service.start && day <= service.end && service.days[ZoneClock.weekday(day)]!;
}
