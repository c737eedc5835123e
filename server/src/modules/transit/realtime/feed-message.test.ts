import { describe, expect, it } from 'vitest';
import { FeedEntity, FeedMessage, decodeFeedMessage, decodeFeedMessageInSlices, encodeFeedInSlices, encodeFeedMessage } from './feed-message.js';
import { TransitError } from '../errors.js';
import { pauseEvery } from '../../../platform/slices.js';

const T = 1_709_542_800;
const vehicle = (i: number) => ({
  id: `e${i}`,
  vehicle: { vehicle: { id: `bus-${i}` }, trip: { tripId: `T${i}`, scheduleRelationship: 'SCHEDULED' }, position: { latitude: 31.2 + i / 1e4, longitude: 121.4, bearing: 90 }, timestamp: T - i, currentStatus: 'STOPPED_AT', currentStopSequence: 4 },
});
const tripUpdate = { id: 'tu', tripUpdate: { trip: { tripId: 'T9' }, stopTimeUpdate: [{ stopSequence: 3, arrival: { delay: 60 } }, { stopSequence: 5, departure: { time: T + 600 } }] } };
const message = (count: number) => ({ header: { gtfsRealtimeVersion: '2.0', incrementality: 'FULL_DATASET', timestamp: T }, entity: [...Array.from({ length: count }, (_, i) => vehicle(i)), tripUpdate] });
const bytesOf = (object: Record<string, unknown>) => Buffer.from(FeedMessage.encode(FeedMessage.fromObject(object)).finish());
/** What the bindings themselves make of the bytes, decoded whole. */
const reference = (bytes: Buffer) => FeedMessage.toObject(FeedMessage.decode(bytes), { longs: Number, enums: String, defaults: false });

async function refusedWith(decoding: Promise<unknown>) {
  const error = await decoding.then(() => null, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(TransitError);
  return (error as TransitError).invalidParams![0];
}

describe('FeedMessages decoded an entity at a time', () => {
  it('read protobuf as the bindings read the whole message, skipping fields they do not know', async () => {
    const bytes = bytesOf(message(5));
    // A field this version of the spec does not have (number 15, a varint) before the header: skipped.
    const withUnknown = Buffer.concat([Buffer.from([15 << 3, 1]), bytes]);
    expect(decodeFeedMessage(bytes)).toEqual(reference(bytes));
    expect(await decodeFeedMessageInSlices(withUnknown, pauseEvery(0))).toEqual(reference(withUnknown));
    expect(decodeFeedMessage(bytesOf({ header: { gtfsRealtimeVersion: '2.0', timestamp: T } }))).toEqual({ header: { gtfsRealtimeVersion: '2.0', timestamp: T } });
  });

  it('read the JSON form, snake_case or camelCase, as the bindings read the whole message', async () => {
    const snake = JSON.parse(JSON.stringify(message(3)).replace(/"([a-z]+)([A-Z][a-zA-Z]*)"\s*:/g, (_, head: string, rest: string) => `"${head}${rest.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)}":`));
    expect(snake.header.gtfs_realtime_version).toBe('2.0');
    // (Not through bytes: protobuf keeps latitudes as 32-bit floats.)
    const expected = FeedMessage.toObject(FeedMessage.fromObject(message(3)), { longs: Number, enums: String, defaults: false });
    expect(expected.entity).toHaveLength(4);
    expect(await decodeFeedMessageInSlices(snake, pauseEvery(0))).toEqual(expected);
    expect(decodeFeedMessage(message(3))).toEqual(expected);
  });

  it('let other callbacks in between entities, and take the message whole or refuse it whole', async () => {
    const order: string[] = [];
    setImmediate(() => order.push('another request'));
    const decoded = await decodeFeedMessageInSlices(message(2000), pauseEvery(0)).then((result) => { order.push('decoded'); return result; });
    expect(order).toEqual(['another request', 'decoded']);
    expect(decoded.entity).toHaveLength(2001);
    // Without slices the decoding runs to its end first.
    const unsliced: string[] = [];
    setImmediate(() => unsliced.push('another request'));
    decodeFeedMessage(message(2000));
    unsliced.push('decoded');
    expect(unsliced).toEqual(['decoded']);

    // A bad entity at the end, after many slices, refuses the message, naming it.
    const bad = message(2000);
    (bad.entity[1999] as ReturnType<typeof vehicle>).vehicle.position.latitude = 'north' as unknown as number;
    expect(await refusedWith(decodeFeedMessageInSlices(bad, pauseEvery(0)))).toEqual({ name: '/entity/1999/vehicle/position/latitude', reason: 'number expected' });
    expect(await refusedWith(decodeFeedMessageInSlices({ ...message(3), entity: [vehicle(0), null] }, pauseEvery(0)))).toEqual({ name: '/entity/1', reason: 'object expected' });
  });

  it('refuse a message nested deeper than any FeedMessage, without walking it', async () => {
    const levels = 200_000;
    const deep = JSON.parse(`{"header":{"gtfs_realtime_version":"2.0"},"entity":[{"id":"x","vehicle":${'{"vehicle":'.repeat(levels)}{}${'}'.repeat(levels)}}]}`);
    expect(await refusedWith(decodeFeedMessageInSlices(deep, pauseEvery(10)))).toEqual({ name: '/entity/0', reason: 'nested more than 32 levels deep' });
    const deepArrays = JSON.parse(`{"header":{"gtfs_realtime_version":"2.0","x":${'['.repeat(levels)}${']'.repeat(levels)}}}`);
    expect(await refusedWith(decodeFeedMessageInSlices(deepArrays, pauseEvery(10)))).toEqual({ name: '/header', reason: 'nested more than 32 levels deep' });
    // Protobuf: groups (a wire type of old) of an unknown field, one in another 200,000 deep.
    const groups = Buffer.concat([Buffer.alloc(levels, (15 << 3) | 3), Buffer.alloc(levels, (15 << 3) | 4), bytesOf(message(1))]);
    expect(await refusedWith(decodeFeedMessageInSlices(groups, pauseEvery(10)))).toMatchObject({ name: 'body' });
  });

  it('refuse bytes that are not a FeedMessage, and a message without its header', async () => {
    const bytes = bytesOf(message(3));
    // Cut short inside its last entity (the fourth): that entity is named.
    expect(await refusedWith(decodeFeedMessageInSlices(bytes.subarray(0, bytes.length - 7), pauseEvery(0)))).toMatchObject({ name: '/entity/3', reason: expect.stringMatching(/index out of range/) });
    // An entity without its id (required), among good ones.
    const good = FeedMessage.encode(FeedMessage.fromObject({ header: { gtfsRealtimeVersion: '2.0' }, entity: [vehicle(0)] })).finish();
    const entityBytes = FeedEntity.encode(FeedEntity.fromObject(vehicle(1))).finish();
    const withoutId = entityBytes.subarray(2 + entityBytes[1]!); // its first field is the id: tag, length, bytes
    expect(withoutId.length).toBeLessThan(128);
    const idless = Buffer.concat([good, Buffer.from([0x12, withoutId.length]), withoutId]);
    expect(await refusedWith(decodeFeedMessageInSlices(idless, pauseEvery(0)))).toEqual({ name: '/entity/1', reason: "missing required 'id'" });
    // An entity (field 2, length-delimited) and no header.
    const entity = FeedMessage.encode(FeedMessage.fromObject({ header: { gtfsRealtimeVersion: '2.0' }, entity: [vehicle(1)] })).finish();
    const headerless = Buffer.from(entity.subarray(entity.indexOf(0x12, 2)));
    expect(reference(Buffer.concat([Buffer.from([0x0a, 0x05, 0x0a, 0x03, 0x32, 0x2e, 0x30]), headerless])).entity).toHaveLength(1); // with a header, read
    expect(await refusedWith(decodeFeedMessageInSlices(headerless, pauseEvery(0)))).toEqual({ name: 'body', reason: "missing required 'header'" });
    expect(await refusedWith(decodeFeedMessageInSlices({ entity: [vehicle(1)] }, pauseEvery(0)))).toEqual({ name: '/header/gtfsRealtimeVersion', reason: 'required' });
    expect(await refusedWith(decodeFeedMessageInSlices({ header: { gtfsRealtimeVersion: '2.0', timestamp: T * 1000 } }, pauseEvery(0)))).toMatchObject({ name: '/header/timestamp' });
  });

  it('take each enum field\'s own names in JSON, and refuse a name of another enum, naming the field', async () => {
    const header = { gtfsRealtimeVersion: '2.0', timestamp: T };
    const update = (trip: string, stop: string) => ({ id: 'tu', trip_update: { trip: { trip_id: 'T9', schedule_relationship: trip }, stop_time_update: [{ stop_sequence: 3, schedule_relationship: stop }] } });
    // UNSCHEDULED is 2 in a trip and 3 in a stop time update; SKIPPED is only a stop time update's.
    const read = decodeFeedMessage({ header, entity: [update('UNSCHEDULED', 'SKIPPED'), update('ADDED', 'UNSCHEDULED')] });
    expect(read.entity!.map((entity: { tripUpdate?: { trip: { scheduleRelationship?: string }; stopTimeUpdate?: Array<{ scheduleRelationship?: string }> } }) => [entity.tripUpdate!.trip.scheduleRelationship, entity.tripUpdate!.stopTimeUpdate![0]!.scheduleRelationship])).toEqual([['UNSCHEDULED', 'SKIPPED'], ['ADDED', 'UNSCHEDULED']]);
    const refused = async (body: Record<string, unknown>) => refusedWith(decodeFeedMessageInSlices(body, pauseEvery(0)));
    expect(await refused({ header, entity: [update('SKIPPED', 'SCHEDULED')] })).toEqual({ name: '/entity/0/tripUpdate/trip/scheduleRelationship', reason: 'enum value expected' });
    expect(await refused({ header, entity: [update('SCHEDULED', 'CANCELED')] })).toEqual({ name: '/entity/0/tripUpdate/stopTimeUpdate/scheduleRelationship', reason: 'enum value expected' });
    // An effect given as the cause: fromObject would leave the cause unknown without a word.
    const alert = { id: 'a', alert: { cause: 'DETOUR', effect: 'DETOUR', informed_entity: [{ stop_id: 'A' }], header_text: { translation: [{ text: 'Detour' }] } } };
    expect(await refused({ header, entity: [alert] })).toEqual({ name: '/entity/0/alert/cause', reason: 'enum value expected' });
    expect(await refused({ header, entity: [{ ...vehicle(1), vehicle: { ...vehicle(1).vehicle, currentStatus: 'FULL' } }] })).toEqual({ name: '/entity/0/vehicle/currentStatus', reason: 'enum value expected' });
    // A differential feed's header misspelled would be read as a full dataset.
    expect(await refused({ header: { ...header, incrementality: 'DIFFERENTAL' } })).toEqual({ name: '/header/incrementality', reason: 'FULL_DATASET or DIFFERENTIAL expected' });
    expect(await refused({ header: { ...header, incrementality: 7 } })).toMatchObject({ name: '/header/incrementality' });
    expect(decodeFeedMessage({ header: { ...header, incrementality: 'DIFFERENTIAL' } }).header.incrementality).toBe('DIFFERENTIAL');
  });

  it('encode a feed an entity at a time into the bytes of the whole message, or its JSON', async () => {
    const alert = { id: 'a', alert: { cause: 'CONSTRUCTION', effect: 'DETOUR', informedEntity: [{ stopId: 'A' }], headerText: { translation: [{ text: '改道', language: 'zh' }] } } };
    const whole = { ...message(3), entity: [...message(3).entity, alert] };
    const order: string[] = [];
    setImmediate(() => order.push('another request'));
    const encoded = async (entities: object[], format: 'protobuf' | 'json') => Buffer.concat(await encodeFeedInSlices(whole.header, entities, format, pauseEvery(0)));
    const bytes = await encoded(whole.entity, 'protobuf');
    order.push('encoded');
    expect(order).toEqual(['another request', 'encoded']);
    expect(Buffer.compare(bytes, Buffer.from(encodeFeedMessage(whole)))).toBe(0);
    expect(decodeFeedMessage(bytes).entity).toHaveLength(5);
    expect((await encoded(whole.entity, 'json')).toString()).toBe(JSON.stringify(whole));
    // No entity at all: a header alone, and an empty list in JSON.
    expect(Buffer.compare(await encoded([], 'protobuf'), Buffer.from(encodeFeedMessage({ header: whole.header })))).toBe(0);
    expect(JSON.parse((await encoded([], 'json')).toString())).toEqual({ header: whole.header, entity: [] });
    // A big feed comes in chunks of about 64 KB, which join into the same message.
    const many = Array.from({ length: 3000 }, (_, i) => vehicle(i));
    const chunks = await encodeFeedInSlices(whole.header, many, 'protobuf', pauseEvery(10));
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.slice(0, -1).every((chunk) => chunk.length >= 1 << 16 && chunk.length < (1 << 16) + 200)).toBe(true);
    expect(Buffer.compare(Buffer.concat(chunks), Buffer.from(encodeFeedMessage({ header: whole.header, entity: many })))).toBe(0);
  });
});
