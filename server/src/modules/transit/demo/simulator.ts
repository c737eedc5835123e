// The demo city's buses: every scheduled trip driven with realistic variability — a late or early start,
// traffic that slows the peaks, noise on every segment, longer dwell for a late bus (more people waiting,
// so late buses get later and bunch), holding at timepoints when early — reported every 10 s with GPS
// noise. Deterministic for a seed, so a simulated day can be replayed and scored.
import type { Timetable, Trip } from '../gtfs/timetable.js';
import { serviceRuns } from '../gtfs/timetable.js';
import { pointAlong } from '../tracking/geometry.js';
import type { VehiclePing } from '../tracking/positions.js';

export interface SimulatorOptions { seed: number; gpsNoiseMetres: number }

/** A small seeded generator (mulberry32) with a normal draw (Box-Muller). */
function random(seed: number) {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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

export class BusSimulator {
  private readonly realised = new Map<string, Float64Array>();
  private readonly options: SimulatorOptions;

  constructor(private readonly timetable: Timetable, options: Partial<SimulatorOptions> = {}) {
    this.options = { seed: 1, gpsNoiseMetres: 8, ...options };
  }

  /** When the bus of a trip on a service day really passes each stop (POSIX seconds). */
  passTimes(trip: Trip, day: number): Float64Array {
    const key = `${trip.id}@${day}`;
    let passes = this.realised.get(key);
    if (passes) return passes;
    const draw = random(hash(`${this.options.seed}:${key}`));
    const start = this.timetable.clock.serviceDayStart(day);
    passes = new Float64Array(trip.arrivals.length);
    passes[0] = start + trip.departures[0]! + Math.max(-20, draw.normal(40, 60));
    const driver = Math.exp(draw.normal(0, 0.06)); // some drivers are quicker than others
    for (let i = 1; i < passes.length; i++) {
      const scheduled = trip.arrivals[i]! - trip.arrivals[i - 1]!;
      const hour = Math.floor(this.timetable.clock.secondOfDay(passes[i - 1]!) / 3600);
      const lateness = passes[i - 1]! - (start + trip.arrivals[i - 1]!);
      const dwell = Math.min(60, Math.max(0, lateness) * 0.08); // a late bus meets more passengers
      let at = passes[i - 1]! + scheduled * 0.85 * trafficAt(hour) * driver * Math.exp(draw.normal(0, 0.12)) + dwell;
      // Timepoints (whole-minute times in the demo feed): an early bus waits for its time.
      if (trip.arrivals[i]! % 60 === 0 && i < passes.length - 1) at = Math.max(at, start + trip.arrivals[i]!);
      passes[i] = at;
    }
    this.realised.set(key, passes);
    return passes;
  }

  /** Every bus on the road at `time`, and where it is. A bus shows up 5 minutes before it leaves its first stop. */
  positionsAt(time: number): VehiclePing[] {
    const clock = this.timetable.clock;
    const today = clock.localDay(time);
    const pings: VehiclePing[] = [];
    for (const day of [today - 1, today]) {
      const start = clock.serviceDayStart(day);
      for (const trip of this.timetable.trips.values()) {
        if (start + trip.departures[0]! - 900 > time || start + trip.arrivals[trip.arrivals.length - 1]! + 3600 < time) continue;
        if (!serviceRuns(this.timetable.services.get(trip.serviceId), day)) continue;
        const passes = this.passTimes(trip, day);
        if (time < passes[0]! - 300 || time > passes[passes.length - 1]!) continue;
        const distances = trip.pattern.distances;
        let along = distances[0]!;
        for (let i = 1; i < passes.length; i++) {
          if (time <= passes[i]!) {
            const share = time <= passes[i - 1]! ? 0 : (time - passes[i - 1]!) / (passes[i]! - passes[i - 1]!);
            along = distances[i - 1]! + share * (distances[i]! - distances[i - 1]!);
            break;
          }
        }
        const [x, y] = pointAlong(trip.pattern.path, along);
        const noise = random(hash(`${this.options.seed}:${trip.id}:${time}`));
        const [lat, lon] = this.timetable.projection.toLatLon(x + noise.normal(0, this.options.gpsNoiseMetres), y + noise.normal(0, this.options.gpsNoiseMetres));
        pings.push({ time, vehicleId: `HC-${trip.id}`, tripId: trip.id, routeId: trip.routeId, lat, lon });
      }
    }
    return pings;
  }

  /** The positions at `time` as a GTFS-Realtime FeedMessage in its JSON form. */
  feedMessageAt(time: number) {
    return {
      header: { gtfsRealtimeVersion: '2.0', incrementality: 'FULL_DATASET', timestamp: time },
      entity: this.positionsAt(time).map((ping) => ({
        id: ping.vehicleId,
        vehicle: { vehicle: { id: ping.vehicleId }, trip: { tripId: ping.tripId, routeId: ping.routeId }, position: { latitude: ping.lat, longitude: ping.lon }, timestamp: ping.time },
      })),
    };
  }
}
