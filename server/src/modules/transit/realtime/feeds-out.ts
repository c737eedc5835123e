// Our GTFS-Realtime feeds: a trip update per live vehicle (its predicted arrivals at the stops ahead) and
// a vehicle position per live vehicle, both FULL_DATASET, built to pass the GTFS-Realtime validator's
// rules (header version and timestamp, POSIX times, stop_time_updates sorted by stop_sequence with
// increasing times, departure not before arrival, unique vehicle ids, schedule_relationship populated).
// See: https://gtfs.org/documentation/realtime/reference/ and the validator rules E001-E052, W001-W009.
import type { LiveVehicle } from '../service.js';
import type { TripRun } from '../tracking/tracker.js';
import { formatDayNumber } from '../gtfs/time.js';
import { formatSecondOfDay, isFrequencyBased } from '../tracking/frequencies.js';

type Live = LiveVehicle & { run: TripRun };

function header(now: number) {
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
      descriptor: { tripId: run.trip.id, routeId: run.trip.routeId, directionId: run.trip.directionId, startDate, startTime, scheduleRelationship: 'DUPLICATED' },
      properties: { tripId: copyIdOf(run) ?? `${run.trip.id}-${startDate}-${startTime.replace(/:/g, '')}`, startDate, startTime },
    };
  }
  return {
    descriptor: {
      tripId: run.trip.id,
      routeId: run.trip.routeId,
      directionId: run.trip.directionId,
      startDate,
      // A frequency-based trip runs many times a day under one trip_id: start_time says which instance
      // (E006 requires it for such trips).
      ...(isFrequencyBased(run.trip) ? { startTime: formatSecondOfDay(run.startTime) } : {}),
      scheduleRelationship: 'SCHEDULED', // W009
    },
    properties: null,
  };
}

/** One vehicle per id (E052), the most recently heard, in a stable order. */
function uniqueVehicles(vehicles: Iterable<Live>): Live[] {
  const byId = new Map<string, Live>();
  for (const live of vehicles) {
    const seen = byId.get(live.ping.vehicleId);
    if (!seen || live.ping.time > seen.ping.time) byId.set(live.ping.vehicleId, live);
  }
  return [...byId.values()].sort((a, b) => (a.ping.vehicleId < b.ping.vehicleId ? -1 : a.ping.vehicleId > b.ping.vehicleId ? 1 : 0));
}

export function tripUpdatesMessage(vehicles: Iterable<Live>, now: number, copyIdOf: CopyIdOf = () => undefined) {
  const entity = [];
  for (const live of uniqueVehicles(vehicles)) {
    const { run, predictions } = live;
    if (!predictions || predictions.length === 0) continue;
    const stopTimeUpdate = [];
    let previous = -Infinity;
    for (let i = 0; i < predictions.length; i++) {
      const index = live.from + i;
      // E022: times strictly increase from stop to stop (two stops at the same place still differ by 1 s).
      const time = Math.max(Math.round(predictions[i]!), previous + 1);
      previous = time;
      const scheduled = run.serviceStart + run.trip.arrivals[index]!;
      stopTimeUpdate.push({
        stopSequence: run.trip.stopSequences[index]!,
        stopId: run.trip.pattern.stopIds[index]!,
        arrival: { time, delay: time - scheduled },
        departure: { time, delay: time - scheduled }, // E025: not before the arrival
        scheduleRelationship: 'SCHEDULED',
      });
    }
    const trip = tripDescriptor(run, copyIdOf);
    entity.push({
      id: `trip-${live.ping.vehicleId}`,
      tripUpdate: {
        trip: trip.descriptor,
        ...(trip.properties ? { tripProperties: trip.properties } : {}),
        vehicle: { id: live.ping.vehicleId },
        stopTimeUpdate,
        timestamp: Math.min(live.ping.time, now), // E012: never after the header
      },
    });
  }
  return { header: header(now), entity };
}

export function vehiclePositionsMessage(vehicles: Iterable<Live>, now: number, copyIdOf: CopyIdOf = () => undefined) {
  const entity = [];
  for (const live of uniqueVehicles(vehicles)) {
    const { run, ping } = live;
    const index = Math.min(run.nextIndex, run.trip.arrivals.length - 1);
    const position: Record<string, number> = { latitude: ping.lat, longitude: ping.lon };
    if (ping.bearing !== undefined && ping.bearing >= 0 && ping.bearing <= 360) position.bearing = ping.bearing; // E027
    if (ping.speed !== undefined && ping.speed >= 0 && ping.speed < 60) position.speed = ping.speed; // W004
    entity.push({
      id: `vehicle-${ping.vehicleId}`,
      vehicle: {
        // A VehiclePosition has no trip_properties: the copy is named by the trip copied and its start.
        trip: tripDescriptor(run, copyIdOf).descriptor,
        vehicle: { id: ping.vehicleId },
        position,
        currentStopSequence: run.trip.stopSequences[index]!,
        stopId: run.trip.pattern.stopIds[index]!,
        currentStatus: 'IN_TRANSIT_TO',
        timestamp: Math.min(ping.time, now),
      },
    });
  }
  return { header: header(now), entity };
}
