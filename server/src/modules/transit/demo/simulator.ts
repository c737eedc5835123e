// The demo city's buses: every scheduled trip driven with realistic variability — a late or early start,
// traffic that slows the peaks, noise on every segment, a stand at every stop that is longer for a late bus
// (more people waiting, so late buses get later and bunch), holding at timepoints when early — reported
// every 10 s with GPS noise. A bus runs its block's trips one after the other (block_id): it cannot leave
// on the next before it has finished the last and stood a moment, so lateness carries over; a trip without
// a block has a bus of its own. Deterministic for a seed, so a simulated day can be replayed and scored.
import type { Timetable, Trip } from '../gtfs/timetable.js';
import { serviceRuns } from '../gtfs/timetable.js';
import { pointAlong } from '../tracking/geometry.js';
import { nextTripInBlock } from '../prediction/next-trip.js';
import type { VehiclePing } from '../tracking/positions.js';
import { mulberry32 } from '../../../sim/vitals-simulator.js';

export interface SimulatorOptions {
  seed: number;
  gpsNoiseMetres: number;
  /** Whether each position says the stop the bus stands at or heads to, as AVL systems with door sensors do. */
  stopReports: boolean;
}

/** A small seeded generator (mulberry32) with a normal draw (Box-Muller). */
function random(seed: number) {
  const uniform = mulberry32(seed);
  const normal = (mean: number, deviation: number) => mean + deviation * Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  return { uniform, normal };
}

const hash = (text: string) => {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
};

/** How much slower than off-peak traffic runs at a local hour: peaks around 08:00 and 18:00. */
export const trafficAt = (hour: number) => 1 + 0.35 * Math.exp(-(((hour - 8) / 1.2) ** 2)) + 0.4 * Math.exp(-(((hour - 18) / 1.4) ** 2));

/** The least a bus stands at the end of a trip before it leaves on the next one of its block. */
const TURN_SECONDS = 120;
/**
 * The earliest a bus reports its next trip before leaving on it. Between the peaks a bus may stand an hour
 * or more at the end of its line; it spends that off the road (at the depot, the driver on a break), as
 * real fleets do, instead of reporting a trip it will not start for an hour.
 */
const SIGN_ON_SECONDS = 20 * 60;

/** When a bus really reaches and leaves each stop of a trip (POSIX seconds). */
export interface RealisedTrip { arrive: Float64Array; depart: Float64Array }

export class BusSimulator {
  private readonly realisedRuns = new Map<string, RealisedTrip>();
  private readonly options: SimulatorOptions;

  constructor(readonly timetable: Timetable, options: Partial<SimulatorOptions> = {}) {
    this.options = { seed: 1, gpsNoiseMetres: 8, stopReports: false, ...options };
  }

  /** The trip the same bus runs before `trip` on `day` (its block's previous one that day), or null. */
  private previousInBlock(trip: Trip, day: number): Trip | null {
    if (trip.blockId === null) return null;
    // The block's order as the engine reads it (prediction/next-trip.ts): the trip whose next one this is.
    for (const other of this.timetable.tripsByBlock.get(trip.blockId) ?? []) {
      if (other === trip) break;
      if (serviceRuns(this.timetable.services.get(other.serviceId), day) && nextTripInBlock(this.timetable, other, day) === trip) return other;
    }
    return null;
  }

  /** When the bus of a trip on a service day really reaches and leaves each stop. */
  realised(trip: Trip, day: number): RealisedTrip {
    const key = `${trip.id}@${day}`;
    let run = this.realisedRuns.get(key);
    if (run) return run;
    const draw = random(hash(`${this.options.seed}:${key}`));
    const start = this.timetable.clock.serviceDayStart(day);
    const n = trip.arrivals.length;
    const arrive = new Float64Array(n), depart = new Float64Array(n);
    const previous = this.previousInBlock(trip, day);
    const ready = previous ? this.realised(previous, day).arrive[previous.arrivals.length - 1]! + TURN_SECONDS : -Infinity;
    arrive[0] = start + trip.departures[0]! - 60;
    depart[0] = Math.max(start + trip.departures[0]! + Math.max(-20, draw.normal(40, 60)), ready);
    const driver = Math.exp(draw.normal(0, 0.06)); // some drivers are quicker than others
    for (let i = 1; i < n; i++) {
      const scheduled = trip.arrivals[i]! - trip.arrivals[i - 1]!;
      const hour = Math.floor(this.timetable.clock.secondOfDay(depart[i - 1]!) / 3600);
      arrive[i] = depart[i - 1]! + scheduled * 0.8 * trafficAt(hour) * driver * Math.exp(draw.normal(0, 0.12));
      if (i === n - 1) { depart[i] = arrive[i]!; break; }
      // A stand at the stop, longer for a late bus: more people have gathered.
      const lateness = arrive[i]! - (start + trip.arrivals[i]!);
      depart[i] = arrive[i]! + Math.min(30, Math.max(3, draw.normal(10, 5))) + Math.min(30, Math.max(0, lateness) * 0.03);
      // Timepoints (whole-minute times in the demo feed): an early bus waits for its time.
      if (trip.arrivals[i]! % 60 === 0) depart[i] = Math.max(depart[i]!, start + trip.departures[i]!);
    }
    run = { arrive, depart };
    this.realisedRuns.set(key, run);
    return run;
  }

  /**
   * Every bus on the road at `time`, and where it is. A bus shows up at its first stop 5 minutes before it
   * leaves, or as soon as it has finished its block's previous trip but not more than SIGN_ON_SECONDS before
   * it leaves, and stands at each stop while it serves it.
   */
  positionsAt(time: number): VehiclePing[] {
    const clock = this.timetable.clock;
    const today = clock.localDay(time);
    const pings: VehiclePing[] = [];
    for (const day of [today - 1, today]) {
      const start = clock.serviceDayStart(day);
      for (const trip of this.timetable.trips.values()) {
        if (start + trip.departures[0]! - 3 * 3600 > time || start + trip.arrivals[trip.arrivals.length - 1]! + 3600 < time) continue;
        if (!serviceRuns(this.timetable.services.get(trip.serviceId), day)) continue;
        const { arrive, depart } = this.realised(trip, day);
        const n = arrive.length;
        if (time > arrive[n - 1]!) continue;
        const previous = this.previousInBlock(trip, day);
        // Until the bus is done with its previous trip, it reports that one; after a long stand it signs on
        // to this one shortly before it leaves.
        if (previous ? time <= this.realised(previous, day).arrive[previous.arrivals.length - 1]! || time < depart[0]! - SIGN_ON_SECONDS : time < depart[0]! - 300) continue;
        const distances = trip.pattern.distances;
        let along = distances[0]!;
        // The stop the bus's own system reports: the one it stands at, or the next one once it has left.
        let stop = 0, stopped = time < depart[0]!;
        for (let i = 1; i < n; i++) {
          if (time < arrive[i]!) {
            const share = time <= depart[i - 1]! ? 0 : (time - depart[i - 1]!) / (arrive[i]! - depart[i - 1]!);
            along = distances[i - 1]! + share * (distances[i]! - distances[i - 1]!);
            stopped = share === 0; // still at the stop before, at the moment it leaves
            stop = stopped ? i - 1 : i;
            break;
          }
          along = distances[i]!; // standing at stop i until it leaves
          stop = i; stopped = true;
          if (time < depart[i]!) break;
        }
        const [x, y] = pointAlong(trip.pattern.path, along);
        const noise = random(hash(`${this.options.seed}:${trip.id}:${time}`));
        const [lat, lon] = this.timetable.projection.toLatLon(x + noise.normal(0, this.options.gpsNoiseMetres), y + noise.normal(0, this.options.gpsNoiseMetres));
        const ping: VehiclePing = { time, vehicleId: `HC-${trip.blockId ?? trip.id}`, tripId: trip.id, routeId: trip.routeId, lat, lon };
        if (this.options.stopReports) Object.assign(ping, { stopSequence: trip.stopSequences[stop]!, stopId: trip.pattern.stopIds[stop]!, stopStatus: stopped ? 'STOPPED_AT' : 'IN_TRANSIT_TO' });
        pings.push(ping);
      }
    }
    return pings;
  }

  /** Every bus's position every `everySeconds` from `from` until before `to` (POSIX seconds), in time order. */
  *positionsBetween(from: number, to: number, everySeconds: number): Generator<VehiclePing> {
    for (let time = from; time < to; time += everySeconds) yield* this.positionsAt(time);
  }

  /** The positions at `time` as a GTFS-Realtime FeedMessage in its JSON form. */
  feedMessageAt(time: number) {
    return {
      header: { gtfsRealtimeVersion: '2.0', incrementality: 'FULL_DATASET', timestamp: time },
      entity: this.positionsAt(time).map((ping) => ({
        id: ping.vehicleId,
        vehicle: {
          vehicle: { id: ping.vehicleId }, trip: { tripId: ping.tripId, routeId: ping.routeId }, position: { latitude: ping.lat, longitude: ping.lon }, timestamp: ping.time,
          ...(ping.stopSequence === undefined ? {} : { currentStopSequence: ping.stopSequence, stopId: ping.stopId, currentStatus: ping.stopStatus }),
        },
      })),
    };
  }
}
