// GTFS-Realtime in and out: decoding pushed FeedMessages (protobuf or their JSON form) into vehicle
// pings (and the trip updates and service alerts they carry), and encoding our own feeds.
// See: https://gtfs.org/documentation/realtime/reference/
import GtfsRealtimeBindings from 'gtfs-realtime-bindings';
import protobuf from 'protobufjs/minimal.js';
import { TransitError, TransitErrorCode } from '../errors.js';
import { parseStopStatus, type VehiclePing } from '../tracking/positions.js';
import { parseGtfsTime } from '../gtfs/time.js';
import { FeedJson, splitFeedJson, type EntityTexts } from './feed-json.js';
import { runInSlices, runToEnd } from '../../../platform/slices.js';
import { unfitValue } from '../../../platform/http/unfit-values.js';

export const { FeedMessage, FeedHeader, FeedEntity } = GtfsRealtimeBindings.transit_realtime;

const realtime = GtfsRealtimeBindings.transit_realtime;
type Enum = Readonly<Record<string, number>>;
/** The bindings' enums, whose types are TypeScript enums: at run time only the names are own keys. */
const names = (values: object) => values as Enum;

/**
 * The enum of each enum field of an entity, by the field's name: every name means one enum, except
 * scheduleRelationship, whose values differ between a stop time update and a trip ("UNSCHEDULED" is 3 in
 * one and 2 in the other, "SKIPPED" only in the first). A name is checked against its own field's enum:
 * fromObject quietly drops one of another enum ("cause": "DETOUR", an effect), leaving the default.
 */
const ENUM_FIELDS: Readonly<Record<string, Enum>> = {
  scheduleRelationship: names(realtime.TripDescriptor.ScheduleRelationship),
  currentStatus: names(realtime.VehiclePosition.VehicleStopStatus),
  congestionLevel: names(realtime.VehiclePosition.CongestionLevel),
  occupancyStatus: names(realtime.VehiclePosition.OccupancyStatus),
  cause: names(realtime.Alert.Cause),
  effect: names(realtime.Alert.Effect),
  severityLevel: names(realtime.Alert.SeverityLevel),
};
const STOP_TIME_RELATIONSHIP: Enum = names(realtime.TripUpdate.StopTimeUpdate.ScheduleRelationship);
const INCREMENTALITY: Enum = names(realtime.FeedHeader.Incrementality);
/** Whether a JSON value is one of the enum's names or numbers. */
const isValueOf = (values: Enum, value: unknown) => (typeof value === 'string' ? Object.hasOwn(values, value) : Object.values(values).includes(value as number));

export type FeedMessageObject = ReturnType<typeof FeedMessage.toObject>;

/** snake_case names seen, in camelCase: a fleet's message repeats the same few names 100,000 times. */
const CAMEL_NAMES = new Map<string, string>();
const MAX_CAMEL_NAMES = 1000; // names are the sender's: keep no more than the spec has, give or take
function camel(key: string): string {
  let name = CAMEL_NAMES.get(key);
  if (name === undefined) {
    name = key.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
    if (CAMEL_NAMES.size < MAX_CAMEL_NAMES) CAMEL_NAMES.set(key, name);
  }
  return name;
}

/**
 * Deeper than any GTFS-Realtime message nests (an entity's stop time update's arrival's time is five
 * levels down; extensions add a few): a body nested deeper is refused before it is walked, since walking
 * 200,000 levels would exhaust the stack.
 */
const MAX_DEPTH = 32;

/**
 * The JSON form exists with snake_case (as in the .proto) and camelCase (protobuf JSON) names: accept
 * both. `at` names the part converted, for the refusal of one nested too deep.
 */
function camelKeys(value: unknown, at: string, depth = 0): unknown {
  if (!value || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) throw refusal(at, `nested more than ${MAX_DEPTH} levels deep`);
  if (Array.isArray(value)) return value.map((inner) => camelKeys(inner, at, depth + 1));
  // (Loops, not entries and fromEntries: a fleet's message has hundreds of thousands of fields.)
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    // JSON.parse makes "__proto__" a field like any other; set on the copy it would be its prototype.
    if (key === '__proto__') throw refusal(at, 'a field named __proto__ is not allowed');
    copy[key.includes('_') ? camel(key) : key] = camelKeys((value as Record<string, unknown>)[key], at, depth + 1);
  }
  return copy;
}

/**
 * Decodes a pushed FeedMessage: protobuf bytes, JSON text (FeedJson) or JSON already parsed; a body that
 * is none is a 400 naming why.
 */
export function decodeFeedMessage(body: Buffer | FeedJson | unknown): FeedMessageObject {
  return runToEnd(decoding(body));
}

/**
 * The same, an entity at a time with `pause()` between them (see pauseEvery), so that other requests are
 * answered meanwhile: a whole city's fleet in one JSON message (20,000 vehicles) takes about 0.3 s to
 * decode and check. The message is taken or refused whole all the same, once every entity has been read.
 */
export function decodeFeedMessageInSlices(body: Buffer | FeedJson | unknown, pause: () => Promise<void> | undefined): Promise<FeedMessageObject> {
  return runInSlices(decoding(body), pause);
}

const AS_OBJECT = { longs: Number, enums: String, defaults: false };
type HeaderObject = NonNullable<FeedMessageObject['header']>;
type EntityObject = NonNullable<FeedMessageObject['entity']>[number];

/** A message refused, naming the field (`name`) and the reason; `detail` says it in a sentence. */
const refusal = (name: string, reason: string, detail = `${name} ${reason}`) =>
  new TransitError(TransitErrorCode.InvalidRealtime, `not a GTFS-Realtime FeedMessage: ${detail}`, [{ name, reason }]);

/** A FeedMessage read one entity at a time (a step each), then checked as a whole. */
function* decoding(body: Buffer | FeedJson | unknown): Generator<void, FeedMessageObject, void> {
  const decoded: FeedMessageObject = Buffer.isBuffer(body) ? yield* protobufMessage(body) : body instanceof FeedJson ? yield* jsonText(body) : yield* jsonMessage(body);
  if (!decoded.header || !decoded.header.gtfsRealtimeVersion) {
    throw new TransitError(TransitErrorCode.InvalidRealtime, 'a FeedMessage needs a header with gtfs_realtime_version', [{ name: '/header/gtfsRealtimeVersion', reason: 'required' }]);
  }
  const timestamp = decoded.header.timestamp;
  if (timestamp !== undefined && timestamp !== null && Number(timestamp) > MAX_POSIX_SECONDS) {
    throw new TransitError(TransitErrorCode.InvalidRealtime, 'the header timestamp is not in POSIX seconds', [{ name: '/header/timestamp', reason: 'POSIX seconds expected (this looks like milliseconds)' }]);
  }
  return decoded;
}

/**
 * The protobuf form, read field by field as FeedMessage.decode reads it (header, entities, anything else
 * skipped), so that each entity is decoded on its own.
 */
function* protobufMessage(bytes: Buffer): Generator<void, FeedMessageObject, void> {
  const message = {} as FeedMessageObject;
  const entities: EntityObject[] = [];
  const reader = protobuf.Reader.create(bytes);
  while (reader.pos < reader.len) {
    // What is being read, for the refusal: an entity by its place (`/entity/3`), else the message.
    let at = 'body';
    let entity: EntityObject;
    try {
      const tag = reader.uint32();
      if (tag >>> 3 === 1) {
        at = '/header';
        message.header = checkTexts(FeedHeader.toObject(FeedHeader.decode(reader, reader.uint32()), AS_OBJECT) as HeaderObject, at);
        continue;
      }
      if (tag >>> 3 !== 2) {
        reader.skipType(tag & 7);
        continue;
      }
      at = `/entity/${entities.length}`;
      entity = FeedEntity.toObject(FeedEntity.decode(reader, reader.uint32()), AS_OBJECT) as EntityObject;
      checkTexts(entity, at);
    } catch (error) {
      if (error instanceof TransitError) throw error;
      const reason = (error as Error).message;
      throw refusal(at, reason, at === 'body' ? reason : `${at}: ${reason}`);
    }
    entities.push(entity);
    yield;
  }
  if (!message.header) throw refusal('body', "missing required 'header'", "missing required 'header'");
  if (entities.length) message.entity = entities;
  return message;
}

/** The JSON text: split (feed-json.ts), then read as the JSON form, each entity parsed when it is read. */
function* jsonText(body: FeedJson): Generator<void, FeedMessageObject, void> {
  const parts = yield* splitFeedJson(body, MAX_DEPTH);
  if ('problem' in parts) throw refusal(parts.problem.name, parts.problem.reason);
  return yield* jsonMessage(parts.frame, parts.entities);
}

/**
 * The JSON form: the header, then each entity checked (see checkEntity) and converted on its own; the
 * entities are `texts`, each parsed in its turn, when the message came as text.
 */
function* jsonMessage(body: unknown, texts: EntityTexts | null = null): Generator<void, FeedMessageObject, void> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new TransitError(TransitErrorCode.InvalidRealtime, 'a FeedMessage in JSON is an object', [{ name: 'body', reason: 'not an object' }]);
  }
  const top = body as Record<string, unknown>;
  const message = {} as FeedMessageObject;
  const header = camelKeys(top.header, '/header');
  if (header !== undefined && header !== null) {
    if (typeof header !== 'object' || Array.isArray(header)) throw refusal('/header', 'object expected');
    const timestamp = (header as Record<string, unknown>).timestamp;
    if (timestamp !== undefined && timestamp !== null && !isWholeSeconds(timestamp)) throw refusal('/header/timestamp', 'POSIX seconds expected (a whole number)');
    // Read as FULL_DATASET by fromObject when it is no name of its enum: a differential feed misread as whole.
    const incrementality = (header as Record<string, unknown>).incrementality;
    if (incrementality !== undefined && incrementality !== null && !isValueOf(INCREMENTALITY, incrementality)) {
      throw refusal('/header/incrementality', 'FULL_DATASET or DIFFERENTIAL expected');
    }
    message.header = checkTexts(FeedHeader.toObject(fromObject(FeedHeader, header as Record<string, unknown>, '/header'), AS_OBJECT) as HeaderObject, '/header');
  }
  let count: number;
  let entityAt: (index: number) => unknown;
  if (texts) {
    count = texts.length;
    entityAt = (index) => parsedEntity(texts.text(index), index);
  } else {
    const list = top.entity;
    if (list === undefined || list === null) return message;
    if (!Array.isArray(list)) throw refusal('/entity', 'array expected');
    count = list.length;
    entityAt = (index) => list[index];
  }
  const entities: EntityObject[] = [];
  for (let i = 0; i < count; i++) {
    const entity = checkEntity(entityAt(i), `/entity/${i}`);
    entities.push(checkTexts(FeedEntity.toObject(fromObject(FeedEntity, entity, `/entity/${i}`), AS_OBJECT) as EntityObject, `/entity/${i}`));
    yield;
  }
  if (entities.length) message.entity = entities;
  return message;
}

/**
 * `part` (the header, an entity), refused naming the field when a text in it holds a NUL or half a
 * surrogate pair: the database stores an alert's texts and ids and cannot take those, and refusing
 * the message whole, before anything of it is taken, keeps a push from being half applied.
 */
function checkTexts<T>(part: T, at: string): T {
  const unfit = unfitValue(part, at, { numbers: false });
  if (unfit) throw refusal(unfit.name, unfit.reason);
  return part;
}

/** One entity's text (see feed-json.ts) parsed, or refused naming its place. */
function parsedEntity(text: string, index: number): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw refusal(`/entity/${index}`, `not JSON (${(error as Error).message})`);
  }
}

/** protobuf's fromObject, its refusals named by where they are (`/entity/3/vehicle/position`). */
function fromObject<T>(type: { fromObject(object: Record<string, unknown>): T }, object: Record<string, unknown>, at: string): T {
  try {
    return type.fromObject(object);
  } catch (error) {
    const reason = (error as Error).message;
    const field = reason.split(':')[0]!.replace(/^\.?transit_realtime\.[A-Za-z]+\.?/, '').replace(/\./g, '/');
    throw refusal(field ? `${at}/${field}` : at, reason, reason);
  }
}

/** Later than the year 5138: a timestamp this large is in milliseconds (or nonsense), not POSIX seconds. */
const MAX_POSIX_SECONDS = 1e11;

/**
 * An entity of the JSON form (snake_case or camelCase names) in camelCase, checked for what protobuf's
 * fromObject would quietly turn into zero or NaN (a timestamp "abc", a latitude "north") or refuse
 * without saying where (a null entity, a stop_time_update that is a string): refused naming the field,
 * e.g. /entity/2/tripUpdate/stopTimeUpdate.
 */
function checkEntity(raw: unknown, at: string): Record<string, unknown> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw refusal(at, 'object expected');
  const entity = camelKeys(raw, at) as Record<string, unknown>;
  const problem = verifyEntity(entity);
  if (problem) {
    const [path, reason] = problem.split(': ');
    throw refusal(`${at}/${path!.replace(/\./g, '/')}`, reason ?? problem);
  }
  const negative = negativeUnsigned(entity, at);
  if (negative) throw refusal(negative, 'a whole number of 0 or more expected');
  return entity;
}

/**
 * The unsigned fields of GTFS-Realtime (uint32 and uint64 in its .proto): verify() lets -1 through, and
 * fromObject makes it 4294967295 (a stop sequence, a direction) or 2^64 - 1 (a timestamp).
 */
const UNSIGNED_FIELDS = new Set(['currentStopSequence', 'stopSequence', 'directionId', 'carriageSequence', 'occupancyPercentage', 'timestamp', 'start', 'end']);

/** Where, inside `value`, an unsigned field holds a negative number, or one written as digits (its path); or null. */
function negativeUnsigned(value: unknown, path: string): string | null {
  if (!value || typeof value !== 'object') return null;
  for (const key of Object.keys(value)) {
    const inner = (value as Record<string, unknown>)[key];
    if (UNSIGNED_FIELDS.has(key) && ((typeof inner === 'number' && inner < 0) || (typeof inner === 'string' && /^-\d/.test(inner)))) return `${path}/${key}`;
    if (inner && typeof inner === 'object') {
      const found = negativeUnsigned(inner, `${path}/${key}`);
      if (found) return found;
    }
  }
  return null;
}

/**
 * What FeedEntity.verify() finds wrong with an entity in the JSON form, naming the field (without array
 * indexes). verify() wants enum numbers where the JSON form may have names ("SCHEDULED"): a name is
 * set aside and the entity verified again; an enum field holding anything else is refused.
 */
function verifyEntity(entity: Record<string, unknown>): string | null {
  const copy = longsAsNumbers(entity) as Record<string, unknown>;
  for (let tries = 0; tries < 50; tries++) {
    const problem = FeedEntity.verify(copy);
    if (!problem?.endsWith('enum value expected')) return problem;
    if (!setAsideNames(copy, problem.split(': ')[0]!.split('.'))) return problem;
  }
  return null;
}

/** The enum of the field at the end of a dotted path (`tripUpdate.stopTimeUpdate.scheduleRelationship`), if it is one. */
function enumAt(path: string[]): Enum | undefined {
  const field = path[path.length - 1]!;
  return field === 'scheduleRelationship' && path[path.length - 2] === 'stopTimeUpdate' ? STOP_TIME_RELATIONSHIP : ENUM_FIELDS[field];
}

/**
 * Replaces the enum names (strings) found along a dotted path, through arrays, by their numbers in the
 * field's own enum; true if there were any, false also when a string there is not a name of that enum
 * (then it stays, and is refused).
 */
function setAsideNames(value: unknown, path: string[], known = enumAt(path)): boolean {
  if (!known) return false;
  if (Array.isArray(value)) return value.map((inner) => setAsideNames(inner, path, known)).some(Boolean);
  if (!value || typeof value !== 'object' || path.length === 0) return false;
  const record = value as Record<string, unknown>;
  const [key, ...rest] = path;
  if (rest.length > 0) return setAsideNames(record[key!], rest, known);
  const numberOf = (item: unknown) => (typeof item === 'string' && Object.hasOwn(known, item) ? known[item]! : item);
  if (Array.isArray(record[key!])) {
    const list = record[key!] as unknown[];
    if (list.some((item) => typeof item === 'string' && !Object.hasOwn(known, item))) return false;
    record[key!] = list.map(numberOf);
    return list.some((item) => typeof item === 'string');
  }
  if (typeof record[key!] !== 'string' || !Object.hasOwn(known, record[key!] as string)) return false;
  record[key!] = numberOf(record[key!]);
  return true;
}

/** The JSON form writes 64-bit integers (timestamps, times) as strings of digits, which verify() does not take. */
const LONG_FIELDS = new Set(['timestamp', 'time', 'start', 'end']);
function longsAsNumbers(value: unknown, key = ''): unknown {
  if (typeof value === 'string' && LONG_FIELDS.has(key) && /^-?\d{1,15}$/.test(value)) return Number(value);
  if (Array.isArray(value)) return value.map((inner) => longsAsNumbers(inner));
  if (!value || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const name of Object.keys(value)) copy[name] = longsAsNumbers((value as Record<string, unknown>)[name], name);
  return copy;
}

const isWholeSeconds = (value: unknown) => (typeof value === 'number' && Number.isInteger(value) && value >= 0) || (typeof value === 'string' && /^\d{1,15}$/.test(value));

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
    // Where the operator's system places the vehicle: the stop it is at or heading to.
    if (typeof vehicle.currentStopSequence === 'number') ping.stopSequence = vehicle.currentStopSequence;
    if (vehicle.stopId) ping.stopId = vehicle.stopId;
    const status = vehicle.currentStatus !== undefined && vehicle.currentStatus !== null ? parseStopStatus(vehicle.currentStatus as string | number) : null;
    if (status) ping.stopStatus = status;
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

/** Bytes gathered before they become one chunk of a feed's body. */
const CHUNK_BYTES = 1 << 16;

/**
 * A feed encoded an entity at a time, `pause()` between them (see pauseEvery): protobuf, the same bytes
 * as encodeFeedMessage gives for the whole message, or its JSON form; as chunks of about 64 KB, which a
 * response streams, since joining 100 MB of JSON into one string held the process for 0.1 s. A whole
 * city's trip updates took seconds to build and encode as one message, holding every other request;
 * protobufjs also writes one big message several times slower than its entities one by one (its writer
 * keeps every nested length of the 28 MB pending until the end).
 */
export async function encodeFeedInSlices(header: Record<string, unknown>, entities: Iterable<object>, format: 'protobuf' | 'json', pause: () => Promise<void> | undefined): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  const add = (bytes: Uint8Array) => {
    pending.push(bytes);
    pendingBytes += bytes.length;
    if (pendingBytes >= CHUNK_BYTES) flush();
  };
  const flush = () => {
    if (pendingBytes > 0) chunks.push(Buffer.concat(pending, pendingBytes));
    pending = [];
    pendingBytes = 0;
  };
  if (format === 'json') {
    add(Buffer.from(`{"header":${JSON.stringify(header)},"entity":[`));
    let first = true;
    for (const entity of entities) {
      add(Buffer.from(first ? JSON.stringify(entity) : `,${JSON.stringify(entity)}`));
      first = false;
      await pause();
    }
    add(Buffer.from(']}'));
  } else {
    // A FeedMessage is its header (field 1) and its entities (field 2), each length-delimited.
    const field = (number: number, bytes: Uint8Array) => {
      add(protobuf.Writer.create().uint32((number << 3) | 2).uint32(bytes.length).finish());
      add(bytes);
    };
    field(1, FeedHeader.encode(FeedHeader.fromObject(header)).finish());
    for (const entity of entities) {
      field(2, FeedEntity.encode(FeedEntity.fromObject(entity as Record<string, unknown>)).finish());
      await pause();
    }
  }
  flush();
  return chunks;
}
