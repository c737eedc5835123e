// GTFS-Realtime in and out: decoding pushed FeedMessages (protobuf or their JSON form) into vehicle
// pings, and encoding our trip updates and vehicle positions.
// See: https://gtfs.org/documentation/realtime/reference/
import GtfsRealtimeBindings from 'gtfs-realtime-bindings';
import { TransitError, TransitErrorCode } from '../errors.js';
import type { VehiclePing } from '../tracking/positions.js';
import { parseGtfsTime } from '../gtfs/time.js';

export const { FeedMessage } = GtfsRealtimeBindings.transit_realtime;
export type FeedMessageObject = ReturnType<typeof FeedMessage.toObject>;

const camel = (key: string) => key.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

/** The JSON form exists with snake_case (as in the .proto) and camelCase (protobuf JSON) names: accept both. */
function camelKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelKeys);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [camel(key), camelKeys(inner)]));
  return value;
}

/** Decodes a pushed FeedMessage, protobuf bytes or JSON; a body that is neither is a 400 naming why. */
export function decodeFeedMessage(body: Buffer | unknown): FeedMessageObject {
  let message;
  if (Buffer.isBuffer(body)) {
    try {
      message = FeedMessage.decode(body);
    } catch (error) {
      throw new TransitError(TransitErrorCode.InvalidRealtime, `not a GTFS-Realtime FeedMessage: ${(error as Error).message}`, [{ name: 'body', reason: (error as Error).message }]);
    }
  } else {
    const object = camelKeys(body);
    if (!object || typeof object !== 'object' || Array.isArray(object)) {
      throw new TransitError(TransitErrorCode.InvalidRealtime, 'a FeedMessage in JSON is an object', [{ name: 'body', reason: 'not an object' }]);
    }
    try {
      // fromObject takes enum names ("FULL_DATASET") as well as numbers, and refuses misshapen messages.
      message = FeedMessage.fromObject(object as Record<string, unknown>);
    } catch (error) {
      const reason = (error as Error).message;
      throw new TransitError(TransitErrorCode.InvalidRealtime, `not a GTFS-Realtime FeedMessage: ${reason}`, [{ name: `/${reason.split(':')[0]!.replace(/^\.?transit_realtime\.FeedMessage\.?/, '').replace(/\./g, '/')}`, reason }]);
    }
  }
  const decoded = FeedMessage.toObject(message, { longs: Number, enums: String, defaults: false });
  if (!decoded.header || !decoded.header.gtfsRealtimeVersion) {
    throw new TransitError(TransitErrorCode.InvalidRealtime, 'a FeedMessage needs a header with gtfs_realtime_version', [{ name: '/header/gtfsRealtimeVersion', reason: 'required' }]);
  }
  return decoded;
}

export interface DecodedPositions {
  pings: VehiclePing[];
  /** Entities that carry nothing usable (no vehicle id, no position or a position that is not one). */
  invalid: number;
  tripUpdates: number;
}

/** The vehicle positions of a FeedMessage as pings; the timestamp falls back to the header's. */
export function pingsOf(message: FeedMessageObject): DecodedPositions {
  const headerTime = Number(message.header?.timestamp ?? 0);
  const pings: VehiclePing[] = [];
  let invalid = 0;
  let tripUpdates = 0;
  for (const entity of message.entity ?? []) {
    if (entity.tripUpdate) tripUpdates++;
    const vehicle = entity.vehicle;
    if (!vehicle) continue;
    const id = vehicle.vehicle?.id || vehicle.vehicle?.label || entity.id;
    const position = vehicle.position;
    const time = Number(vehicle.timestamp ?? headerTime);
    if (!id || !position || !(Math.abs(position.latitude) <= 90) || !(Math.abs(position.longitude) <= 180) || (position.latitude === 0 && position.longitude === 0) || !(time > 0)) {
      invalid++;
      continue;
    }
    const ping: VehiclePing = { time, vehicleId: id, tripId: vehicle.trip?.tripId || null, routeId: vehicle.trip?.routeId || null, lat: position.latitude, lon: position.longitude };
    if (position.bearing !== undefined && position.bearing !== null) ping.bearing = position.bearing;
    if (position.speed !== undefined && position.speed !== null) ping.speed = position.speed;
    // A vehicle on a copy of a timetable trip at another time (see trip-updates.ts): the copy's start.
    const relationship = String(vehicle.trip?.scheduleRelationship ?? 'SCHEDULED');
    const start = vehicle.trip?.startTime ? parseGtfsTime(vehicle.trip.startTime) : null;
    if ((relationship === 'ADDED' || relationship === 'DUPLICATED') && start !== null) ping.addedStart = start;
    pings.push(ping);
  }
  return { pings, invalid, tripUpdates };
}

export function encodeFeedMessage(message: Record<string, unknown>): Uint8Array {
  return FeedMessage.encode(FeedMessage.fromObject(message)).finish();
}
