// The demo city's bus network: Haicheng (海城) is fictional, so its lines are generated — eight lines
// between district centres, each way, a stop every 600-700 m, a bus every 8 minutes in the peaks, every
// 15 in the day from 05:30 and every 30 at night until 05:00, scheduled at 18 km/h including dwell. Each
// bus goes back and forth along its line (its block, block_id), standing at least 10 minutes (or a fifth
// of the trip) at the end of each trip to recover from lateness. The result is a GTFS feed (files as
// text) that imports like any operator's.
import { DISTRICT_CENTRES } from '../../../sim/demo-geometry.js';
import { hubName, StopNamer } from './stop-names.js';

type Point = [lon: number, lat: number];

const LINES: Array<{ id: string; name: string; from: string; to: string }> = [
  { id: '1', name: '黄浦—滨江', from: 'huangpu', to: 'binjiang' },
  { id: '2', name: '黄浦—新河', from: 'huangpu', to: 'xinhe' },
  { id: '3', name: '黄浦—南湖', from: 'huangpu', to: 'nanhu' },
  { id: '4', name: '黄浦—西港', from: 'huangpu', to: 'xigang' },
  { id: '5', name: '新河—东山', from: 'xinhe', to: 'dongshan' },
  { id: '6', name: '滨江—临港', from: 'binjiang', to: 'lingang' },
  { id: '7', name: '北苑—新河', from: 'beiyuan', to: 'xinhe' },
  { id: '8', name: '西港—南湖', from: 'xigang', to: 'nanhu' },
];

const STOP_SPACING_METRES = 650;
/** The least a bus stands at the end of a trip before it leaves on the next (its block's recovery time): 10 minutes, or a fifth of the trip. */
const layoverAfter = (tripSeconds: number) => Math.max(600, 0.2 * tripSeconds);
const SCHEDULED_SPEED = 5; // m/s, dwell included
const METRES_PER_DEGREE_LAT = 111_195;

const time = (seconds: number) => {
  const s = Math.round(seconds);
  return `${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
};

/** When the night service begins (seconds of the service day). */
const NIGHT_FROM = 23 * 3600;
/**
 * Minutes between departures at a time of the service day (seconds): peaks 07:00-09:30 and 17:00-19:30,
 * every 15 minutes in the day and every 30 at night (from 23:00 until 05:00, GTFS times past 24:00), so
 * that there are buses to see at any hour.
 */
const headwayAt = (second: number) => {
  if ((second >= 7 * 3600 && second < 9.5 * 3600) || (second >= 17 * 3600 && second < 19.5 * 3600)) return 8;
  return second >= NIGHT_FROM ? 30 : 15;
};
/** The service day's first and last departures: 05:30, and 05:00 the next morning. */
const FIRST_DEPARTURE = 5.5 * 3600;
const LAST_DEPARTURE = 29 * 3600;

/** Stops along a line from one centre to another, with a gentle bend so that lines are not ruler-straight. */
function lineStops(from: Point, to: Point): Point[] {
  const kx = METRES_PER_DEGREE_LAT * Math.cos((from[1] * Math.PI) / 180);
  const length = Math.hypot((to[0] - from[0]) * kx, (to[1] - from[1]) * METRES_PER_DEGREE_LAT);
  const count = Math.max(2, Math.round(length / STOP_SPACING_METRES) + 1);
  const stops: Point[] = [];
  for (let i = 0; i < count; i++) {
    const share = i / (count - 1);
    const bend = Math.sin(share * Math.PI) * 0.01; // up to about 1 km off the straight line
    stops.push([from[0] + share * (to[0] - from[0]) - bend * (to[1] - from[1]), from[1] + share * (to[1] - from[1]) + bend * (to[0] - from[0])]);
  }
  return stops;
}

/** Every sixth bus of a line's shift is an older high-floor one, without a ramp: the rest take a wheelchair. */
const lowFloor = (block: string) => Number(block.slice(-2)) % 6 !== 0;

/** The demo network as GTFS files (text), ready for zipFiles and import. */
export function demoNetworkFeed(): Record<string, string> {
  const stops: string[] = ['stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station,platform_code,wheelchair_boarding'];
  // A hub at each district centre a line starts or ends at: a station whose bays are the lines' end stops.
  const hubs = new Set(LINES.flatMap((line) => [line.from, line.to]));
  for (const district of [...hubs].sort()) {
    const [lon, lat] = DISTRICT_CENTRES[district]!;
    // Hubs are built step-free: their bays, saying nothing themselves, are too.
    stops.push(`hub-${district},${hubName(district)},${lat.toFixed(6)},${lon.toFixed(6)},1,,,1`);
  }
  const routes: string[] = ['route_id,agency_id,route_short_name,route_long_name,route_type,route_color'];
  const trips: string[] = ['route_id,service_id,trip_id,trip_headsign,direction_id,shape_id,block_id,wheelchair_accessible'];
  const stopTimes: string[] = ['trip_id,arrival_time,departure_time,stop_id,stop_sequence,timepoint'];
  const shapes: string[] = ['shape_id,shape_pt_lat,shape_pt_lon,shape_pt_sequence'];
  const namer = new StopNamer(2021);
  // A hub's bays are numbered as its signs number them, 1 upwards, so that its board says where to board.
  const baysAt = new Map<string, number>();
  for (const line of LINES) {
    const outbound = lineStops(DISTRICT_CENTRES[line.from]!, DISTRICT_CENTRES[line.to]!);
    // Both kerbs of a place have its name; the ends are bays of the hubs of the districts the line joins.
    const hubAt = outbound.map((_, i) => (i === 0 ? line.from : i === outbound.length - 1 ? line.to : null));
    const names = hubAt.map((district, i) => (district ? hubName(district) : namer.next(i)));
    const lineTrips: Array<{ id: string; direction: number; departure: number; arrival: number; row: string }> = [];
    routes.push(`${line.id},HCBUS,${line.id},${line.name},3,1E6FD9`);
    // Each direction has its own stops (the kerb on its side of the road), a few metres apart.
    for (const direction of [0, 1]) {
      const points = direction === 0 ? outbound : [...outbound].reverse();
      const ids = points.map((point, i) => {
        const id = `${line.id}-${direction}-${String(i + 1).padStart(2, '0')}`;
        const offset = direction === 0 ? 0.00005 : -0.00005;
        const place = direction === 0 ? i : points.length - 1 - i;
        const hub = hubAt[place];
        const bay = hub ? baysAt.set(hub, (baysAt.get(hub) ?? 0) + 1).get(hub) : '';
        stops.push(`${id},${names[place]},${(point[1] + offset).toFixed(6)},${point[0].toFixed(6)},0,${hub ? `hub-${hub}` : ''},${bay},`);
        return id;
      });
      const shapeId = `${line.id}-${direction}`;
      points.forEach((point, i) => shapes.push(`${shapeId},${point[1].toFixed(6)},${point[0].toFixed(6)},${i + 1}`));
      const kx = METRES_PER_DEGREE_LAT * Math.cos((points[0]![1] * Math.PI) / 180);
      const offsets = [0];
      for (let i = 1; i < points.length; i++) {
        const metres = Math.hypot((points[i]![0] - points[i - 1]![0]) * kx, (points[i]![1] - points[i - 1]![1]) * METRES_PER_DEGREE_LAT);
        offsets.push(offsets[i - 1]! + metres / SCHEDULED_SPEED);
      }
      let n = 0;
      for (let departure = FIRST_DEPARTURE + direction * 300; departure <= LAST_DEPARTURE; departure += headwayAt(departure) * 60) {
        const tripId = `${line.id}-${direction}-${String(++n).padStart(3, '0')}`;
        const row = `${line.id},DAILY,${tripId},${line.name.split('—')[direction === 0 ? 1 : 0]},${direction},${shapeId}`;
        lineTrips.push({ id: tripId, direction, departure, arrival: Math.round((departure + offsets[offsets.length - 1]!) / 60) * 60, row });
        ids.forEach((stopId, i) => {
          // Every fifth stop (and the ends) is a timepoint with whole-minute times; the rest are interpolated.
          const timepoint = i === 0 || i === ids.length - 1 || i % 5 === 0;
          const at = timepoint ? Math.round((departure + offsets[i]!) / 60) * 60 : departure + offsets[i]!;
          stopTimes.push(`${tripId},${time(at)},${time(at)},${stopId},${i + 1},${timepoint ? 1 : 0}`);
        });
      }
    }
    // The buses: each trip, in the order they leave, goes to the bus that has stood longest at its first
    // stop (at least the layover), or to a new one. The night service has buses of its own (blocks N..),
    // so that no bus works round the clock and the night's buses are done before the next day's leave.
    const shifts = { B: { standing: [[], []] as Array<Array<{ block: string; free: number }>>, buses: 0 }, N: { standing: [[], []] as Array<Array<{ block: string; free: number }>>, buses: 0 } };
    for (const trip of lineTrips.sort((a, b) => a.departure - b.departure)) {
      const name = trip.departure >= NIGHT_FROM ? 'N' : 'B';
      const shift = shifts[name];
      const waiting = shift.standing[trip.direction]!;
      const index = waiting.findIndex((bus) => bus.free <= trip.departure);
      const bus = index >= 0 ? waiting.splice(index, 1)[0]! : { block: `${line.id}-${name}${String(++shift.buses).padStart(2, '0')}`, free: 0 };
      trips.push(`${trip.row},${bus.block},${lowFloor(bus.block) ? 1 : 2}`);
      shift.standing[1 - trip.direction]!.push({ block: bus.block, free: trip.arrival + layoverAfter(trip.arrival - trip.departure) });
    }
  }
  return {
    'agency.txt': 'agency_id,agency_name,agency_url,agency_timezone,agency_lang\nHCBUS,海城公交,https://bus.haicheng.example,Asia/Shanghai,zh\n',
    'stops.txt': stops.join('\n') + '\n',
    'routes.txt': routes.join('\n') + '\n',
    'trips.txt': trips.join('\n') + '\n',
    'stop_times.txt': stopTimes.join('\n') + '\n',
    'shapes.txt': shapes.join('\n') + '\n',
    'calendar.txt': 'service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\nDAILY,1,1,1,1,1,1,1,20250101,20301231\n',
  };
}
