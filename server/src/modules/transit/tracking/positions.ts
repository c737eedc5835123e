// Vehicle positions in their CSV form (one GTFS-Realtime VehiclePosition a row): reading them from plain
// or gzipped files, in order.
import fs from 'node:fs';
import zlib from 'node:zlib';
import { csvRecords, CsvHeader } from '../gtfs/csv.js';
import { TransitError, TransitErrorCode } from '../errors.js';

export interface VehiclePing {
  /** POSIX seconds. */
  time: number;
  vehicleId: string;
  tripId: string | null;
  routeId: string | null;
  lat: number;
  lon: number;
  bearing?: number;
  speed?: number;
  /**
   * The stop the operator's own system places the vehicle at or heading to (GTFS-Realtime
   * current_stop_sequence and stop_id), and how (current_status; IN_TRANSIT_TO when not given). AVL systems
   * know this from door and odometer events, which a fix every minute or more cannot show.
   */
  stopSequence?: number;
  stopId?: string;
  stopStatus?: StopStatus;
  /**
   * A run the timetable does not have: a copy of trip `tripId` leaving its first stop at `addedStart`
   * (seconds of the service day), as a GTFS-Realtime trip descriptor says with ADDED or DUPLICATED.
   */
  addedStart?: number;
}

/** GTFS-Realtime VehicleStopStatus. */
export type StopStatus = 'INCOMING_AT' | 'STOPPED_AT' | 'IN_TRANSIT_TO';
const STOP_STATUSES: StopStatus[] = ['INCOMING_AT', 'STOPPED_AT', 'IN_TRANSIT_TO'];

/** A VehicleStopStatus by its name or its number in the protocol (0, 1, 2); null when it is neither. */
export function parseStopStatus(text: string | number): StopStatus | null {
  if (typeof text === 'number' || /^\d$/.test(text)) return STOP_STATUSES[Number(text)] ?? null;
  return STOP_STATUSES.includes(text as StopStatus) ? (text as StopStatus) : null;
}

/** A timestamp as ISO 8601 with an offset, or POSIX seconds; null when it is neither. */
export function parseTimestamp(text: string): number | null {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms / 1000 : null;
}

const REQUIRED = ['timestamp', 'vehicle_id', 'trip_id', 'route_id', 'latitude', 'longitude'];
const OPTIONAL = ['bearing', 'speed', 'current_stop_sequence', 'stop_id', 'current_status'];

/** The header of a positions file as CityPulse writes one (the required columns, time in POSIX seconds). */
export const POSITION_COLUMNS = REQUIRED.join(',');
/** The same with the operator's stop: where the vehicle is or is heading to, and how. */
export const POSITION_COLUMNS_WITH_STOPS = `${POSITION_COLUMNS},current_stop_sequence,stop_id,current_status`;

/** One ping as a row of a positions file (ids are never quoted: GTFS ids with commas are not supported here). */
export function positionLine(ping: VehiclePing, withStops = false): string {
  const line = `${ping.time},${ping.vehicleId},${ping.tripId ?? ''},${ping.routeId ?? ''},${ping.lat.toFixed(6)},${ping.lon.toFixed(6)}`;
  return withStops ? `${line},${ping.stopSequence ?? ''},${ping.stopId ?? ''},${ping.stopStatus ?? ''}\n` : `${line}\n`;
}

/** Reads a positions file; a bad row stops the read with an error naming the file, line and field. */
export async function* readPositions(file: string): AsyncGenerator<VehiclePing> {
  let input: NodeJS.ReadableStream = fs.createReadStream(file);
  if (file.endsWith('.gz')) input = input.pipe(zlib.createGunzip());
  let header: CsvHeader | null = null;
  let columns: number[] = [];
  let optional: number[] = [];
  const fail = (line: number, field: string, reason: string) => {
    throw new TransitError(TransitErrorCode.InvalidPositions, `${file}:${line} ${field}: ${reason}`, [{ name: `${line}/${field}`, reason }]);
  };
  let previous = -Infinity;
  for await (const { line, fields, problem } of csvRecords(input as AsyncIterable<Buffer>)) {
    if (problem) throw new TransitError(TransitErrorCode.InvalidPositions, `${file}:${line}: ${problem}`, [{ name: `${line}`, reason: problem }]);
    if (!header) {
      header = new CsvHeader(fields);
      for (const column of REQUIRED) if (!header.has(column)) fail(1, column, 'required column is missing');
      columns = REQUIRED.map((column) => header!.index(column));
      optional = OPTIONAL.map((column) => header!.index(column));
      continue;
    }
    const time = parseTimestamp(fields[columns[0]!] ?? '');
    if (time === null) fail(line, 'timestamp', `"${fields[columns[0]!]}" is not ISO 8601 with an offset or POSIX seconds`);
    if (time! < previous) fail(line, 'timestamp', 'rows must be in time order');
    previous = time!;
    const lat = Number(fields[columns[4]!]);
    const lon = Number(fields[columns[5]!]);
    if (!(Math.abs(lat) <= 90) || fields[columns[4]!] === '') fail(line, 'latitude', `"${fields[columns[4]!]}" is not a latitude`);
    if (!(Math.abs(lon) <= 180) || fields[columns[5]!] === '') fail(line, 'longitude', `"${fields[columns[5]!]}" is not a longitude`);
    const vehicleId = fields[columns[1]!] ?? '';
    if (!vehicleId) fail(line, 'vehicle_id', 'required value is missing');
    const ping: VehiclePing = { time: time!, vehicleId, tripId: fields[columns[2]!] || null, routeId: fields[columns[3]!] || null, lat, lon };
    const [bearing, speed, sequence, stopId, status] = optional.map((index) => (index >= 0 ? fields[index] ?? '' : ''));
    if (bearing) ping.bearing = Number(bearing);
    if (speed) ping.speed = Number(speed);
    if (sequence) {
      if (!/^\d{1,9}$/.test(sequence)) fail(line, 'current_stop_sequence', `"${sequence}" is not a whole number of 0 or more`);
      ping.stopSequence = Number(sequence);
    }
    if (stopId) ping.stopId = stopId;
    if (status) {
      const parsed = parseStopStatus(status);
      if (!parsed) fail(line, 'current_status', `"${status}" is not INCOMING_AT, STOPPED_AT or IN_TRANSIT_TO`);
      ping.stopStatus = parsed!;
    }
    yield ping;
  }
  if (!header) fail(1, 'timestamp', 'the file is empty');
}
