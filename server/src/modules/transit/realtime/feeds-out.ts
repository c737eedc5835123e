// Our GTFS-Realtime feeds, all FULL_DATASET. Trip updates: per live vehicle its predicted arrivals at
// the stops ahead, and at the stops of the next trip of its block; per run no vehicle of ours is on, what
// the operator's TripUpdates said of it. Vehicle positions: one per live vehicle. Built to pass the
// GTFS-Realtime validator's rules (header version and timestamp, POSIX times, stop_time_updates sorted by
// stop_sequence with increasing times, departure not before arrival, unique vehicle ids,
// schedule_relationship populated). Alerts: the operator's in force, as taken (every one informs about
// something, E032/E033, and has a header text).
// See: https://gtfs.org/documentation/realtime/reference/ and the validator rules E001-E052, W001-W009.
import type { TrackedVehicle as Live } from '../feed-runtime.js';
import { reportedStandingAt, type TripRun } from '../tracking/tracker.js';
import type { Trip } from '../gtfs/timetable.js';
import { formatDayNumber } from '../gtfs/time.js';
import { formatSecondOfDay, isFrequencyBased, isHeadwayBased } from '../tracking/frequencies.js';
import type { OperatorTrip } from './trip-updates.js';
import type { FollowOn } from '../prediction/next-trip.js';
import type { HeldAlert } from './alerts.js';

export function feedHeader(now: number) {
  return { gtfsRealtimeVersion: '2.0', incrementality: 'FULL_DATASET', timestamp: now };
}

/** The id a copy of a timetable trip is known by (the operator's, where it gave one). */
export type CopyIdOf = (run: TripRun) => string | undefined;

function tripDescriptor(run: TripRun, copyIdOf: CopyIdOf) {
  const startDate = formatDayNumber(run.serviceDay); // E021: YYYYMMDD
  if (run.added) {
    // A copy of a timetable trip at its own start: DUPLICATED names the trip copied (so the trip_id is in
    // the GTFS data, E003) and the copy's own id, date and start; ADDED would need a trip_id the GTFS
    // data does not have (E016).
    const startTime = formatSecondOfDay(run.startTime);
    return {
      descriptor: { tripId: run.trip.id, routeId: run.trip.routeId, directionId: run.trip.directionGiven ? run.trip.directionId : undefined, startDate, startTime, scheduleRelationship: 'DUPLICATED' },
      properties: { tripId: copyIdOf(run) ?? `${run.trip.id}-${startDate}-${startTime.replace(/:/g, '')}`, startDate, startTime },
    };
  }
  return {
    descriptor: {
      tripId: run.trip.id,
      routeId: run.trip.routeId,
      directionId: run.trip.directionGiven ? run.trip.directionId : undefined,
      startDate,
      // A frequency-based trip runs many times a day under one trip_id: start_time says which instance
      // (E006 requires it for such trips).
      ...(isFrequencyBased(run.trip) ? { startTime: formatSecondOfDay(run.startTime) } : {}),
      scheduleRelationship: scheduledRelationship(run.trip),
    },
    properties: null,
  };
}

/**
 * A timetable trip's relationship (W009: always populated): SCHEDULED, but UNSCHEDULED for a trip run to
 * headways (frequencies with exact_times=0), whose instance times are nominal (E013).
 */
const scheduledRelationship = (trip: Trip) => (isHeadwayBased(trip) ? 'UNSCHEDULED' : 'SCHEDULED');

/** One vehicle per id (E052), the most recently heard, in a stable order. */
function uniqueVehicles(vehicles: Iterable<Live>): Live[] {
  const byId = new Map<string, Live>();
  for (const live of vehicles) {
    const seen = byId.get(live.ping.vehicleId);
    if (!seen || live.ping.time > seen.ping.time) byId.set(live.ping.vehicleId, live);
  }
  return [...byId.values()].sort((a, b) => (a.ping.vehicleId < b.ping.vehicleId ? -1 : a.ping.vehicleId > b.ping.vehicleId ? 1 : 0));
}

/** A trip update as we publish it (the JSON form of the GTFS-Realtime message). */
interface TripUpdateEntity {
  id: string;
  tripUpdate: {
    trip: Record<string, unknown>;
    tripProperties?: Record<string, unknown>;
    vehicle?: { id: string };
    stopTimeUpdate: ReturnType<typeof stopTimeUpdates>;
    timestamp: number;
  };
}

/** The stop time updates of a run: strictly increasing times (E022), departure the same as arrival (E025). */
function stopTimeUpdates(calls: { stopSequence: number; stopId: string; time: number; scheduled: number }[]) {
  let previous = -Infinity;
  return calls.map(({ stopSequence, stopId, time: predicted, scheduled }) => {
    // E022: times strictly increase from stop to stop (two stops at the same place still differ by 1 s).
    const time = Math.max(Math.round(predicted), previous + 1);
    previous = time;
    const delay = time - Math.round(scheduled);
    return { stopSequence, stopId, arrival: { time, delay }, departure: { time, delay }, scheduleRelationship: 'SCHEDULED' };
  });
}

/**
 * What an operator's TripUpdate says of a run no vehicle of ours is tracked on, published as it was
 * taken (see trip-updates.ts), so that a consumer of our feed sees the same arrivals as our stop boards:
 * a timetable run with its predicted times or CANCELED; a copy of a timetable trip as DUPLICATED; a new
 * trip as ADDED (its id is not in the GTFS data, E016). A copy or a new trip called off is left out: a
 * FULL_DATASET feed drops it by not carrying it.
 */
function operatorEntity(run: OperatorTrip, now: number, vehicleId: string | null): TripUpdateEntity | null {
  const startDate = formatDayNumber(run.serviceDay);
  const calls = [];
  for (let i = 0; i < run.stopIds.length; i++) {
    const time = run.arrivals[i]!;
    if (!Number.isFinite(time)) continue;
    const scheduled = Number.isFinite(run.scheduled[i]!) ? run.scheduled[i]! : time;
    calls.push({ stopSequence: run.stopSequences[i]!, stopId: run.stopIds[i]!, time, scheduled });
  }
  let trip: Record<string, unknown>;
  let properties: Record<string, unknown> | null = null;
  if (run.trip === null) {
    if (run.canceled) return null;
    trip = { tripId: run.tripId, routeId: run.routeId, startDate, scheduleRelationship: 'ADDED' };
  } else if (run.added) {
    if (run.canceled) return null;
    const startTime = formatSecondOfDay(run.startTime!);
    trip = { tripId: run.trip.id, routeId: run.routeId, directionId: run.trip.directionGiven ? run.trip.directionId : undefined, startDate, startTime, scheduleRelationship: 'DUPLICATED' };
    properties = { tripId: run.tripId !== run.trip.id ? run.tripId : `${run.trip.id}-${startDate}-${startTime.replace(/:/g, '')}`, startDate, startTime };
  } else {
    const startTime = run.startTime !== null ? { startTime: formatSecondOfDay(run.startTime) } : {};
    trip = { tripId: run.trip.id, routeId: run.routeId, directionId: run.trip.directionGiven ? run.trip.directionId : undefined, startDate, ...startTime, scheduleRelationship: run.canceled ? 'CANCELED' : scheduledRelationship(run.trip) };
  }
  if (!run.canceled && calls.length === 0) return null; // E041
  return {
    id: `operator-${run.key}`,
    tripUpdate: {
      trip,
      ...(properties ? { tripProperties: properties } : {}),
      ...(vehicleId ? { vehicle: { id: vehicleId } } : {}),
      stopTimeUpdate: run.canceled ? [] : stopTimeUpdates(calls),
      timestamp: Math.min(run.timestamp, now),
    },
  };
}

/**
 * Our trip updates: one per live vehicle (the engine's predictions), the next trip of each one's block
 * (`followOns`, see prediction/next-trip.ts), then the operator's TripUpdates of the runs no vehicle of
 * ours is on (`operatorTrips`: fresh ones, as the service picks them). A vehicle id
 * appears once (E052): an operator's update naming a vehicle already in the feed is published without it.
 */
export function tripUpdatesMessage(vehicles: Iterable<Live>, now: number, copyIdOf: CopyIdOf = () => undefined, operatorTrips: Iterable<OperatorTrip> = [], followOns: Iterable<FollowOn> = []) {
  return { header: feedHeader(now), entity: [...tripUpdateEntities(vehicles, now, copyIdOf, operatorTrips, followOns)] };
}

export function* tripUpdateEntities(vehicles: Iterable<Live>, now: number, copyIdOf: CopyIdOf = () => undefined, operatorTrips: Iterable<OperatorTrip> = [], followOns: Iterable<FollowOn> = []): Generator<TripUpdateEntity> {
  const vehicleIds = new Set<string>();
  for (const live of uniqueVehicles(vehicles)) {
    const { run, predictions } = live;
    vehicleIds.add(live.ping.vehicleId);
    if (!predictions || predictions.length === 0) continue;
    const calls = Array.from(predictions, (time, i) => {
      const index = live.from + i;
      return { stopSequence: run.trip.stopSequences[index]!, stopId: run.trip.pattern.stopIds[index]!, time, scheduled: run.serviceStart + run.trip.arrivals[index]! };
    });
    const trip = tripDescriptor(run, copyIdOf);
    yield {
      id: `trip-${live.ping.vehicleId}`,
      tripUpdate: {
        trip: trip.descriptor,
        ...(trip.properties ? { tripProperties: trip.properties } : {}),
        vehicle: { id: live.ping.vehicleId },
        stopTimeUpdate: stopTimeUpdates(calls),
        timestamp: Math.min(live.ping.time, now), // E012: never after the header
      },
    };
  }
  for (const next of followOns) {
    const { trip } = next;
    const calls = Array.from(trip.arrivals, (arrival, i) => {
      const scheduled = next.dayStart + arrival;
      return { stopSequence: trip.stopSequences[i]!, stopId: trip.pattern.stopIds[i]!, time: scheduled + next.delay, scheduled };
    });
    yield {
      // Without the vehicle: it is named by the trip it runs now (E052).
      id: `next-${next.key}`,
      tripUpdate: {
        trip: { tripId: trip.id, routeId: trip.routeId, directionId: trip.directionGiven ? trip.directionId : undefined, startDate: formatDayNumber(next.serviceDay), scheduleRelationship: 'SCHEDULED' },
        stopTimeUpdate: stopTimeUpdates(calls),
        timestamp: now,
      },
    };
  }
  const operator = [...operatorTrips].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const run of operator) {
    const vehicleId = run.vehicleId !== null && !vehicleIds.has(run.vehicleId) ? run.vehicleId : null;
    const published = operatorEntity(run, now, vehicleId);
    if (!published) continue;
    if (vehicleId) vehicleIds.add(vehicleId);
    yield published;
  }
}

export function vehiclePositionsMessage(vehicles: Iterable<Live>, now: number, copyIdOf: CopyIdOf = () => undefined) {
  return { header: feedHeader(now), entity: [...vehiclePositionEntities(vehicles, now, copyIdOf)] };
}

export function* vehiclePositionEntities(vehicles: Iterable<Live>, now: number, copyIdOf: CopyIdOf = () => undefined) {
  for (const live of uniqueVehicles(vehicles)) {
    const { run, ping } = live;
    // Standing at a stop, as the operator reported and the tracker placed it there: that stop, STOPPED_AT.
    const standingAt = reportedStandingAt(run, ping);
    const standing = standingAt >= 0;
    const index = standing ? standingAt : Math.min(run.nextIndex, run.trip.arrivals.length - 1);
    const position: Record<string, number> = { latitude: ping.lat, longitude: ping.lon };
    if (ping.bearing !== undefined && ping.bearing >= 0 && ping.bearing <= 360) position.bearing = ping.bearing; // E027
    if (ping.speed !== undefined && ping.speed >= 0 && ping.speed < 60) position.speed = ping.speed; // W004
    yield {
      id: `vehicle-${ping.vehicleId}`,
      vehicle: {
        // A VehiclePosition has no trip_properties: the copy is named by the trip copied and its start.
        trip: tripDescriptor(run, copyIdOf).descriptor,
        vehicle: { id: ping.vehicleId },
        position,
        currentStopSequence: run.trip.stopSequences[index]!,
        stopId: run.trip.pattern.stopIds[index]!,
        currentStatus: standing ? 'STOPPED_AT' : 'IN_TRANSIT_TO',
        timestamp: Math.min(ping.time, now),
      },
    };
  }
}

const translatedString = (texts: Array<{ text: string; language: string | null }>) =>
  ({ translation: texts.map(({ text, language }) => (language === null ? { text } : { text, language })) });

export function alertsMessage(alerts: Iterable<HeldAlert>, now: number) {
  return { header: feedHeader(now), entity: [...alertEntities(alerts)] };
}

export function* alertEntities(alerts: Iterable<HeldAlert>) {
  for (const alert of alerts) {
    const body: Record<string, unknown> = {
      activePeriod: alert.activePeriods.map(({ start, end }) => ({ ...(start === null ? {} : { start }), ...(end === null ? {} : { end }) })),
      informedEntity: alert.selectors.map((selector) => ({
        ...(selector.agencyId === null ? {} : { agencyId: selector.agencyId }),
        ...(selector.routeId === null ? {} : { routeId: selector.routeId }),
        ...(selector.routeType === null ? {} : { routeType: selector.routeType }),
        ...(selector.tripId === null ? {} : { trip: { tripId: selector.tripId } }),
        ...(selector.stopId === null ? {} : { stopId: selector.stopId }),
      })),
      headerText: translatedString(alert.header),
    };
    if (alert.cause) body.cause = alert.cause;
    if (alert.effect) body.effect = alert.effect;
    if (alert.description.length > 0) body.descriptionText = translatedString(alert.description);
    if (alert.url.length > 0) body.url = translatedString(alert.url);
    yield { id: alert.id, alert: body };
  }
}
