// The operator's TripUpdates as an input: the rules turning stop time updates into times, and arrivals
// on a real server for a trip no vehicle of ours is tracked on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../../../test/harness.js';
import { openEventStream } from '../../../../test/event-stream.js';
import { manualClock } from '../../../platform/clock.js';
import { loadTimetable } from '../gtfs/timetable.js';
import { lineFeed, lineLongitude, uploadFeed, zipFiles } from '../testing/feed.js';
import { FeedMessage, decodeFeedMessage } from './feed-message.js';
import { predictedArrivals } from './trip-updates.js';

const DAY = Date.parse('2024-03-04T00:00:00Z') / 1000; // a Monday; the line feed runs in UTC
const at = (clock: string) => DAY + Number(clock.slice(0, 2)) * 3600 + Number(clock.slice(3, 5)) * 60 + Number(clock.slice(6, 8) || 0);

type StopUpdate = Record<string, unknown>;
const tripUpdate = (trip: string, timestamp: number, stopTimeUpdate: StopUpdate[], extra: Record<string, unknown> = {}) => ({
  id: `tu-${trip}`, tripUpdate: { trip: { tripId: trip, ...extra }, vehicle: { id: 'BUS9' }, timestamp, stopTimeUpdate },
});
const messageOf = (timestamp: number, entities: unknown[]) => ({ header: { gtfsRealtimeVersion: '2.0', timestamp }, entity: entities });

describe('stop time updates into times (GTFS-Realtime propagation rules)', async () => {
  const timetable = await loadTimetable(zipFiles(lineFeed()));
  const trip = timetable.trips.get('T2')!; // A 08:30, B 08:35, C 08:40, D 08:45
  const start = timetable.clock.serviceDayStart(timetable.clock.localDay(DAY + 43_200));
  const update = (stopTimeUpdate: StopUpdate[], extra: Record<string, unknown> = {}) =>
    decodeFeedMessage(messageOf(at('08:20:00'), [{ id: 'x', tripUpdate: { trip: { tripId: 'T2' }, stopTimeUpdate, ...extra } }])).entity![0]!.tripUpdate!;
  const times = (arrivals: Float64Array | null) => arrivals && [...arrivals].map((time) => (Number.isFinite(time) ? time - at('08:00:00') : null));

  it('carries a delay on to later stops, and says nothing about earlier ones', () => {
    expect(times(predictedArrivals(trip, start, update([{ stopSequence: 2, arrival: { delay: 120 } }])))).toEqual([null, 37 * 60, 42 * 60, 47 * 60]);
    // By stop id, an absolute time, and a later update replacing the carried delay.
    expect(times(predictedArrivals(trip, start, update([{ stopId: 'B', arrival: { time: at('08:36:00') } }, { stopSequence: 4, arrival: { delay: 0 } }])))).toEqual([null, 36 * 60, 41 * 60, 45 * 60]);
    // A departure delay alone gives the arrival the same delay.
    expect(times(predictedArrivals(trip, start, update([{ stopSequence: 1, departure: { delay: 60 } }])))).toEqual([31 * 60, 36 * 60, 41 * 60, 46 * 60]);
  });

  it('skips SKIPPED stops, stops carrying at NO_DATA, and takes a trip-level delay alone', () => {
    expect(times(predictedArrivals(trip, start, update([{ stopSequence: 2, arrival: { delay: 60 } }, { stopSequence: 3, scheduleRelationship: 'SKIPPED' }])))).toEqual([null, 36 * 60, null, 46 * 60]);
    expect(times(predictedArrivals(trip, start, update([{ stopSequence: 2, arrival: { delay: 60 } }, { stopSequence: 3, scheduleRelationship: 'NO_DATA' }])))).toEqual([null, 36 * 60, null, null]);
    expect(times(predictedArrivals(trip, start, update([], { delay: 300 })))).toEqual([35 * 60, 40 * 60, 45 * 60, 50 * 60]);
  });

  it('refuses updates naming no stop of the trip, or out of order', () => {
    expect(predictedArrivals(trip, start, update([{ stopSequence: 9, arrival: { delay: 60 } }]))).toBeNull();
    expect(predictedArrivals(trip, start, update([{ stopSequence: 3, arrival: { delay: 60 } }, { stopSequence: 2, arrival: { delay: 60 } }]))).toBeNull();
    expect(predictedArrivals(trip, start, update([{ stopId: 'Z', arrival: { delay: 60 } }]))).toBeNull();
    expect(predictedArrivals(trip, start, update([]))).toBeNull();
  });
});

/** A server on the clock with one feed imported, and a duty officer's token. */
async function serverWithFeed(clock: ReturnType<typeof manualClock>, id: string, files: Record<string, string>): Promise<{ server: TestServer; duty: string }> {
  const server = await startServer({ clock });
  const duty = await server.login('duty');
  expect((await uploadFeed(server.url, duty, id, files)).status).toBe(201);
  return { server, duty };
}

describe('TripUpdates pushed to the server', () => {
  let server: TestServer;
  let duty: string;
  const clock = manualClock(at('08:20:00') * 1000);

  const push = async (message: Record<string, unknown>) => {
    const bytes = FeedMessage.encode(FeedMessage.fromObject(message)).finish();
    const response = await fetch(`${server.url}/api/v1/transit/realtime?feed=line`, { method: 'POST', body: new Blob([new Uint8Array(bytes)]), headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${duty}` } });
    expect(response.status).toBe(200);
    return response.json();
  };
  const arrivalOf = async (stop: string, trip: string) => (await server.request('GET', `/api/v1/transit/stops/${stop}/arrivals?feed=line`)).body.arrivals.find((arrival: { tripId: string }) => arrival.tripId === trip);

  beforeAll(async () => {
    ({ server, duty } = await serverWithFeed(clock, 'line', lineFeed()));
  });
  afterAll(async () => server?.close());

  it('serves the operator\'s time for a trip without a tracked vehicle, and counts it', async () => {
    expect(await arrivalOf('C', 'T2')).toMatchObject({ predictedArrival: at('08:40:00'), live: false, source: 'timetable', vehicleId: null });
    const report = await push(messageOf(at('08:20:00'), [tripUpdate('T2', at('08:20:00'), [{ stopSequence: 2, arrival: { delay: 180 } }])]));
    expect(report).toMatchObject({ positions: 0, tripUpdates: 1, tripUpdatesUsed: 1, tripUpdatesStale: 0 });
    expect(await arrivalOf('C', 'T2')).toMatchObject({ scheduledArrival: at('08:40:00'), predictedArrival: at('08:43:00'), delaySeconds: 180, live: true, source: 'operator', vehicleId: 'BUS9' });
    expect(await arrivalOf('A', 'T2')).toMatchObject({ source: 'timetable' }); // before the first update: nothing said
    const stats = await server.request('GET', '/api/v1/transit/realtime/stats?feed=line', { token: duty });
    expect(stats.body).toMatchObject({ tripUpdates: 1, tripUpdatesUsed: 1 });
  });

  it('counts stale, unknown and misshapen TripUpdates without using them', async () => {
    const report = await push(messageOf(at('08:20:00'), [
      tripUpdate('T2', at('08:10:00'), [{ stopSequence: 2, arrival: { delay: 900 } }]), // older than 5 minutes
      tripUpdate('T9', at('08:20:00'), [{ stopSequence: 2, arrival: { delay: 60 } }]), // no such trip
      { ...tripUpdate('T1', at('08:20:00'), [{ stopSequence: 7, arrival: { delay: 60 } }]), id: 'bad-stop' },
      { ...tripUpdate('T1', at('08:20:00'), [], { startDate: '20240231' }), id: 'bad-date' },
    ]));
    expect(report).toMatchObject({ tripUpdates: 4, tripUpdatesUsed: 0, tripUpdatesStale: 1, tripUpdatesUnmatched: 1, tripUpdatesInvalid: 2 });
    expect(await arrivalOf('C', 'T2')).toMatchObject({ predictedArrival: at('08:43:00') }); // the earlier, fresher update stands
  });

  it('streams the stop again when a TripUpdate for a trip calling there comes', async () => {
    const stream = await openEventStream(`${server.url}/api/v1/transit/stops/D/stream?feed=line`);
    const nextEvent = async () => (await stream.next()).data;
    const t2 = (event: { arrivals: Array<{ tripId: string }> }) => event.arrivals.find((arrival) => arrival.tripId === 'T2');
    expect(t2(await nextEvent())).toMatchObject({ predictedArrival: at('08:48:00'), source: 'operator' });
    await push(messageOf(at('08:20:30'), [tripUpdate('T2', at('08:20:30'), [{ stopSequence: 4, arrival: { delay: 420 } }])]));
    expect(t2(await nextEvent())).toMatchObject({ predictedArrival: at('08:52:00'), source: 'operator' });
    stream.close();
  });

  it('drops a canceled trip from the board, and brings it back with a newer update', async () => {
    clock.set(at('08:21:00') * 1000);
    expect(await push(messageOf(at('08:21:00'), [tripUpdate('T2', at('08:21:00'), [], { scheduleRelationship: 'CANCELED' })]))).toMatchObject({ tripUpdatesUsed: 1 });
    expect(await arrivalOf('C', 'T2')).toBeUndefined();
    clock.set(at('08:22:00') * 1000);
    await push(messageOf(at('08:22:00'), [tripUpdate('T2', at('08:22:00'), [{ stopSequence: 1, departure: { delay: 60 } }])]));
    expect(await arrivalOf('C', 'T2')).toMatchObject({ predictedArrival: at('08:41:00'), source: 'operator' });
  });

  it('forgets the operator\'s prediction once it is stale (over 5 minutes old)', async () => {
    clock.set(at('08:26:59') * 1000);
    expect(await arrivalOf('C', 'T2')).toMatchObject({ source: 'operator' });
    clock.set(at('08:27:01') * 1000);
    expect(await arrivalOf('C', 'T2')).toMatchObject({ predictedArrival: at('08:40:00'), source: 'timetable' });
  });

  it('lets a tracked vehicle win over the operator', async () => {
    clock.set(at('08:31:00') * 1000);
    const report = await push(messageOf(at('08:31:00'), [
      { id: 'V2', vehicle: { vehicle: { id: 'V2' }, trip: { tripId: 'T2' }, position: { latitude: 0, longitude: lineLongitude(200) }, timestamp: at('08:31:00') } },
      tripUpdate('T2', at('08:31:00'), [{ stopSequence: 3, arrival: { delay: 900 } }]),
    ]));
    expect(report).toMatchObject({ accepted: 1, tripUpdatesUsed: 1 });
    const arrival = await arrivalOf('C', 'T2');
    expect(arrival).toMatchObject({ source: 'vehicle', vehicleId: 'V2', live: true });
    expect(arrival.predictedArrival).toBeLessThan(at('08:50:00')); // the engine's time, not the operator's 08:55
    const stats = await server.request('GET', '/api/v1/transit/realtime/stats?feed=line', { token: duty });
    expect(stats.body).toMatchObject({ tripUpdates: 9, tripUpdatesUsed: 5, tripUpdatesStale: 1, tripUpdatesUnmatched: 1, tripUpdatesInvalid: 2 });
  });
});

describe('TripUpdates of a frequency-based trip', () => {
  let server: TestServer;
  let duty: string;
  const clock = manualClock(at('08:20:00') * 1000);
  const every10 = 'trip_id,start_time,end_time,headway_secs,exact_times\nT1,07:00:00,09:00:00,600,0\n';

  beforeAll(async () => {
    ({ server, duty } = await serverWithFeed(clock, 'freq', lineFeed({ 'frequencies.txt': every10 })));
  });
  afterAll(async () => server?.close());

  it('applies an update to the run its start_time names, and refuses one without start_time', async () => {
    // The 08:30 run (C at 08:40 by the template moved to 08:30), three minutes late from B on.
    const body = messageOf(at('08:20:00'), [
      tripUpdate('T1', at('08:20:00'), [{ stopSequence: 2, arrival: { delay: 180 } }], { startTime: '08:30:00', startDate: '20240304' }),
      { ...tripUpdate('T1', at('08:20:00'), [{ stopSequence: 2, arrival: { delay: 60 } }]), id: 'no-start' },
    ]);
    const report = await server.request('POST', '/api/v1/transit/realtime?feed=freq', { token: duty, body });
    expect(report.body).toMatchObject({ tripUpdates: 2, tripUpdatesUsed: 1, tripUpdatesInvalid: 1 });
    const arrivals = (await server.request('GET', '/api/v1/transit/stops/C/arrivals?feed=freq&limit=20')).body.arrivals;
    const byScheduled = new Map(arrivals.map((arrival: { scheduledArrival: number }) => [arrival.scheduledArrival, arrival]));
    expect(byScheduled.get(at('08:40:00'))).toMatchObject({ tripId: 'T1', predictedArrival: at('08:43:00'), source: 'operator', vehicleId: 'BUS9' });
    // The other runs stay on the timetable.
    expect(byScheduled.get(at('08:30:00'))).toMatchObject({ tripId: 'T1', predictedArrival: at('08:30:00'), source: 'timetable' });
    expect(byScheduled.get(at('08:50:00'))).toMatchObject({ tripId: 'T1', source: 'timetable' });
  });
});

describe('TripUpdates for runs the timetable does not have', () => {
  let server: TestServer;
  let duty: string;
  const clock = manualClock(at('08:20:00') * 1000);
  const push = async (entities: unknown[], time = clock.now() / 1000) =>
    (await server.request('POST', '/api/v1/transit/realtime?feed=added', { token: duty, body: messageOf(time, entities) })).body;
  const arrivalsAt = async (stop: string) => (await server.request('GET', `/api/v1/transit/stops/${stop}/arrivals?feed=added&limit=20`)).body.arrivals as Array<Record<string, unknown>>;
  const newTrip = (id: string, timestamp: number, calls: Array<[string, string]>, extra: Record<string, unknown> = {}) => ({
    id: `new-${id}`,
    tripUpdate: { trip: { tripId: id, routeId: 'R1', scheduleRelationship: 'ADDED', ...extra }, vehicle: { id: 'EXTRA1' }, timestamp, stopTimeUpdate: calls.map(([stopId, time]) => ({ stopId, arrival: { time: at(time) } })) },
  });

  beforeAll(async () => {
    ({ server, duty } = await serverWithFeed(clock, 'added', lineFeed()));
  });
  afterAll(async () => server?.close());

  it('shows a DUPLICATED trip at its own start, with the template\'s times moved and its delays applied', async () => {
    // T2 (A 08:30 .. D 08:45) copied as T2-extra leaving A at 08:50: C at 09:00, two minutes late from B on.
    const report = await push([tripUpdate('T2', at('08:20:00'), [{ stopSequence: 2, arrival: { delay: 120 } }], { scheduleRelationship: 'DUPLICATED' })]
      .map((entity) => ({ ...entity, tripUpdate: { ...entity.tripUpdate, tripProperties: { tripId: 'T2-extra', startDate: '20240304', startTime: '08:50:00' } } })));
    expect(report).toMatchObject({ tripUpdates: 1, tripUpdatesUsed: 1, tripUpdatesAdded: 1 });
    const atC = await arrivalsAt('C');
    expect(atC.find((arrival) => arrival.tripId === 'T2-extra')).toMatchObject({ routeId: 'R1', headsign: 'East', stopSequence: 3, scheduledArrival: at('09:00:00'), predictedArrival: at('09:02:00'), delaySeconds: 120, source: 'operator', live: true, vehicleId: 'BUS9' });
    // The timetable's own T2 is still there, untouched.
    expect(atC.find((arrival) => arrival.tripId === 'T2')).toMatchObject({ predictedArrival: at('08:40:00'), source: 'timetable' });
    // Before its first update nothing is said, as for any trip.
    expect((await arrivalsAt('A')).find((arrival) => arrival.tripId === 'T2-extra')).toBeUndefined();
  });

  it('takes the older ADDED form of a copy: the timetable trip run at start_time', async () => {
    const report = await push([tripUpdate('T2', at('08:20:00'), [{ stopSequence: 1, departure: { delay: 0 } }], { scheduleRelationship: 'ADDED', startTime: '08:55:00' })]);
    expect(report).toMatchObject({ tripUpdatesUsed: 1, tripUpdatesAdded: 1 });
    const t2 = (await arrivalsAt('D')).filter((arrival) => arrival.tripId === 'T2');
    expect(t2.map((arrival) => [arrival.scheduledArrival, arrival.source])).toEqual([[at('08:45:00'), 'timetable'], [at('09:10:00'), 'operator']]);
  });

  it('shows a new trip of a route at the stops and times the operator gives, and keeps its first times as its schedule', async () => {
    expect(await push([newTrip('X1', at('08:20:00'), [['B', '08:50:00'], ['C', '08:55:00'], ['D', '09:00:00']])])).toMatchObject({ tripUpdatesUsed: 1, tripUpdatesAdded: 1 });
    expect((await arrivalsAt('C')).find((arrival) => arrival.tripId === 'X1')).toMatchObject({ routeId: 'R1', headsign: 'Stop D', stopSequence: 2, scheduledArrival: at('08:55:00'), predictedArrival: at('08:55:00'), delaySeconds: 0, vehicleId: 'EXTRA1', source: 'operator' });
    expect((await arrivalsAt('A')).find((arrival) => arrival.tripId === 'X1')).toBeUndefined();
    clock.set(at('08:21:00') * 1000);
    await push([newTrip('X1', at('08:21:00'), [['B', '08:53:00'], ['C', '08:58:00'], ['D', '09:03:00']])]);
    expect((await arrivalsAt('C')).find((arrival) => arrival.tripId === 'X1')).toMatchObject({ scheduledArrival: at('08:55:00'), predictedArrival: at('08:58:00'), delaySeconds: 180 });
  });

  it('counts misshapen added trips without showing them', async () => {
    const properties = (tripProperties: Record<string, unknown>) => ({ ...tripUpdate('T2', at('08:21:00'), [], { scheduleRelationship: 'DUPLICATED' }), id: `dup-${JSON.stringify(tripProperties)}`, tripUpdate: { ...tripUpdate('T2', at('08:21:00'), [], { scheduleRelationship: 'DUPLICATED' }).tripUpdate, delay: 60, tripProperties } });
    const report = await push([
      properties({ startTime: '10:00:00' }), // no id of its own
      properties({ tripId: 'T1', startTime: '10:00:00' }), // an id the timetable already has
      properties({ tripId: 'T2-late' }), // no start time
      tripUpdate('T1', at('08:21:00'), [{ stopSequence: 1, arrival: { delay: 0 } }], { scheduleRelationship: 'ADDED' }), // a copy without start_time
      newTrip('X2', at('08:21:00'), [['B', '09:00:00'], ['C', '09:05:00']], { routeId: 'R9' }), // no such route
      newTrip('X3', at('08:21:00'), [['B', '09:00:00'], ['Q', '09:05:00']]), // no such stop
      newTrip('X4', at('08:21:00'), [['B', '09:05:00'], ['C', '09:00:00']]), // going back in time
      newTrip('X5', at('08:21:00'), [['B', '09:05:00']]), // one call is not a trip
    ]);
    expect(report).toMatchObject({ tripUpdates: 8, tripUpdatesUsed: 0, tripUpdatesAdded: 0, tripUpdatesUnmatched: 1, tripUpdatesInvalid: 7 });
    const ids = new Set([...(await arrivalsAt('B')), ...(await arrivalsAt('C'))].map((arrival) => arrival.tripId));
    for (const id of ['T2-late', 'X2', 'X3', 'X4', 'X5']) expect(ids.has(id)).toBe(false);
  });

  it('calls off an added trip with a CANCELED update under its id, and counts the added ones', async () => {
    clock.set(at('08:22:00') * 1000);
    expect(await push([{ id: 'cancel-X1', tripUpdate: { trip: { tripId: 'X1', scheduleRelationship: 'CANCELED' }, timestamp: at('08:22:00') } }])).toMatchObject({ tripUpdatesUsed: 1 });
    expect((await arrivalsAt('C')).find((arrival) => arrival.tripId === 'X1')).toBeUndefined();
    expect((await arrivalsAt('C')).find((arrival) => arrival.tripId === 'T2-extra')).toMatchObject({ source: 'operator' });
    const stats = await server.request('GET', '/api/v1/transit/realtime/stats?feed=added', { token: duty });
    // The duplicate, the copy, the new trip twice and its cancellation.
    expect(stats.body).toMatchObject({ tripUpdatesAdded: 5, tripUpdatesInvalid: 7 });
  });

  it('tracks a vehicle reporting a duplicated trip as that copy, and publishes it as DUPLICATED', async () => {
    clock.set(at('08:23:00') * 1000);
    // A bus waits at A to run the copy of T2 leaving at 08:50 (T2-extra, above).
    const descriptor = { tripId: 'T2', startTime: '08:50:00', startDate: '20240304', scheduleRelationship: 'DUPLICATED' };
    const report = await push([{ id: 'extra-bus', vehicle: { vehicle: { id: 'BUS-X' }, trip: descriptor, position: { latitude: 0, longitude: lineLongitude(5) }, timestamp: at('08:23:00') } }]);
    expect(report).toMatchObject({ accepted: 1 });
    const atC = (await arrivalsAt('C')).filter((arrival) => arrival.tripId === 'T2-extra');
    // One arrival, from the vehicle now (it wins over the operator's), on the copy's timetable.
    expect(atC).toHaveLength(1);
    expect(atC[0]).toMatchObject({ source: 'vehicle', vehicleId: 'BUS-X', scheduledArrival: at('09:00:00') });
    // Leaving A at 08:50, not now (announced a little early, as the engine does that far ahead).
    expect(atC[0]!.predictedArrival).toBeGreaterThan(at('08:57:00'));
    expect(atC[0]!.predictedArrival).toBeLessThanOrEqual(at('09:00:00'));
    expect((await arrivalsAt('C')).find((arrival) => arrival.tripId === 'T2')).toMatchObject({ source: 'timetable', scheduledArrival: at('08:40:00') });
    // Our feeds name the copy by the trip copied and its start (and, in trip updates, the operator's id for it).
    const updates = await server.request('GET', '/gtfs-rt/trip-updates?feed=added&format=json');
    const update = updates.body.entity.find((entity: { tripUpdate: { vehicle?: { id: string } } }) => entity.tripUpdate.vehicle?.id === 'BUS-X').tripUpdate;
    expect(update.trip).toMatchObject(descriptor);
    expect(update.tripProperties).toEqual({ tripId: 'T2-extra', startDate: '20240304', startTime: '08:50:00' });
    const protobuf = await fetch(`${server.url}/gtfs-rt/trip-updates?feed=added`);
    const decoded = decodeFeedMessage(Buffer.from(await protobuf.arrayBuffer()));
    const copy = decoded.entity!.find((entity: { tripUpdate?: { vehicle?: { id?: string | null } | null } | null }) => entity.tripUpdate?.vehicle?.id === 'BUS-X');
    expect(copy!.tripUpdate!.tripProperties).toMatchObject({ tripId: 'T2-extra', startTime: '08:50:00' });
    const positions = await server.request('GET', '/gtfs-rt/vehicle-positions?feed=added&format=json');
    expect(positions.body.entity.find((entity: { vehicle: { vehicle: { id: string } } }) => entity.vehicle.vehicle.id === 'BUS-X').vehicle.trip).toMatchObject(descriptor);
  });

  it('publishes the operator\'s TripUpdates of runs no vehicle of ours is on, each vehicle id once', async () => {
    clock.set(at('08:24:00') * 1000);
    // T2 itself, 2 minutes late from B (vehicle BUS9, as the copy of 08:55 above); a new trip X6 whose
    // vehicle is the one we track on T2-extra.
    const x6 = newTrip('X6', at('08:24:00'), [['C', '09:20:00'], ['D', '09:25:00']]);
    x6.tripUpdate.vehicle = { id: 'BUS-X' };
    expect(await push([tripUpdate('T2', at('08:24:00'), [{ stopSequence: 2, arrival: { delay: 120 } }]), x6])).toMatchObject({ tripUpdatesUsed: 2 });
    type Published = { id: string; tripUpdate: { trip: Record<string, unknown>; tripProperties?: Record<string, unknown>; vehicle?: { id: string }; stopTimeUpdate: Array<{ stopSequence: number; stopId: string; arrival: { time: number; delay: number } }> } };
    const feed = async () => {
      const response = await fetch(`${server.url}/gtfs-rt/trip-updates?feed=added`);
      const message = FeedMessage.toObject(FeedMessage.decode(new Uint8Array(await response.arrayBuffer())), { longs: Number, enums: String, defaults: false });
      return (message.entity ?? []) as Published[];
    };
    const entities = await feed();
    const byTrip = (tripId: string, relationship: string) => entities.find((entity) => entity.tripUpdate.trip.tripId === tripId && entity.tripUpdate.trip.scheduleRelationship === relationship)?.tripUpdate;
    // Ours for the copy a vehicle runs (not the operator's T2-extra again); X1 was called off: not there.
    expect(entities[0]!.id).toBe('trip-BUS-X');
    expect(entities.slice(1).every((entity) => entity.id.startsWith('operator-'))).toBe(true);
    expect(entities.filter((entity) => entity.tripUpdate.tripProperties?.tripId === 'T2-extra').map((entity) => entity.id)).toEqual(['trip-BUS-X']);
    expect(entities.some((entity) => entity.tripUpdate.trip.tripId === 'X1')).toBe(false);
    const t2 = byTrip('T2', 'SCHEDULED')!;
    expect(t2.trip).toEqual({ tripId: 'T2', routeId: 'R1', directionId: 0, startDate: '20240304', scheduleRelationship: 'SCHEDULED' });
    expect(t2.vehicle).toEqual({ id: 'BUS9' });
    expect(t2.stopTimeUpdate.map((call) => [call.stopSequence, call.stopId, call.arrival.time, call.arrival.delay])).toEqual([[2, 'B', at('08:37:00'), 120], [3, 'C', at('08:42:00'), 120], [4, 'D', at('08:47:00'), 120]]);
    // The copy leaving at 08:55 in the older ADDED form goes out as DUPLICATED, under an id of its own,
    // without BUS9 (already named by T2: E052).
    const copy = entities.find((entity) => entity.tripUpdate.trip.scheduleRelationship === 'DUPLICATED' && entity.tripUpdate.trip.startTime === '08:55:00')!.tripUpdate;
    expect(copy.tripProperties).toEqual({ tripId: 'T2-20240304-085500', startDate: '20240304', startTime: '08:55:00' });
    expect(copy.vehicle).toBeUndefined();
    expect(copy.stopTimeUpdate.map((call) => call.arrival.time)).toEqual([at('08:55:00'), at('09:00:00'), at('09:05:00'), at('09:10:00')]);
    // The new trip goes out as ADDED (its id is not in the GTFS data: E016), without the vehicle we track.
    const added = byTrip('X6', 'ADDED')!;
    expect(added.trip).toEqual({ tripId: 'X6', routeId: 'R1', startDate: '20240304', scheduleRelationship: 'ADDED' });
    expect(added.vehicle).toBeUndefined();
    expect(added.stopTimeUpdate.map((call) => [call.stopId, call.arrival.time, call.arrival.delay])).toEqual([['C', at('09:20:00'), 0], ['D', at('09:25:00'), 0]]);
    const vehicleIds = entities.flatMap((entity) => (entity.tripUpdate.vehicle ? [entity.tripUpdate.vehicle.id] : []));
    expect(new Set(vehicleIds).size).toBe(vehicleIds.length);
    expect(new Set(entities.map((entity) => entity.id)).size).toBe(entities.length);

    // T2 called off goes out as CANCELED, without stop time updates (E041 allows it); stale, it goes.
    clock.set(at('08:25:00') * 1000);
    await push([tripUpdate('T2', at('08:25:00'), [], { scheduleRelationship: 'CANCELED' })]);
    const canceled = (await feed()).find((entity) => entity.tripUpdate.trip.tripId === 'T2' && entity.tripUpdate.trip.scheduleRelationship === 'CANCELED')!.tripUpdate;
    expect(canceled.stopTimeUpdate ?? []).toEqual([]);
    clock.set(at('08:30:01') * 1000);
    expect((await feed()).filter((entity) => entity.id.startsWith('operator-'))).toEqual([]);
  });
});
