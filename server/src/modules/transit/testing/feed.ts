// Small GTFS feeds for tests: files as text, packed into a zip in memory.
import { zipFiles } from '../gtfs/zip-writer.js';

export { zipFiles };

/**
 * A two-trip line along a straight street in a city at UTC (so times are easy to read): stops A, B, C, D
 * 1 km apart going east, scheduled 5 minutes apart; trip T1 leaves A at 08:00, T2 at 08:30.
 */
export function lineFeed(overrides: Record<string, string | null> = {}): Record<string, string> {
  // 1 km east at the equator is about 0.008993 degrees of longitude.
  const step = 0.008993;
  const files: Record<string, string | null> = {
    'agency.txt': 'agency_id,agency_name,agency_url,agency_timezone\nA1,Line Bus,https://example.org,UTC\n',
    'stops.txt': ['stop_id,stop_name,stop_lat,stop_lon', ...['A', 'B', 'C', 'D'].map((id, i) => `${id},Stop ${id},0,${(i * step).toFixed(6)}`)].join('\n') + '\n',
    'routes.txt': 'route_id,route_short_name,route_long_name,route_type\nR1,1,Main Street,3\n',
    'trips.txt': 'route_id,service_id,trip_id,trip_headsign,direction_id\nR1,ALL,T1,East,0\nR1,ALL,T2,East,0\n',
    'stop_times.txt': [
      'trip_id,arrival_time,departure_time,stop_id,stop_sequence',
      'T1,08:00:00,08:00:00,A,1', 'T1,08:05:00,08:05:00,B,2', 'T1,,,C,3', 'T1,08:15:00,08:15:00,D,4',
      'T2,08:30:00,08:30:00,A,1', 'T2,08:35:00,08:35:00,B,2', 'T2,08:40:00,08:40:00,C,3', 'T2,08:45:00,08:45:00,D,4',
    ].join('\n') + '\n',
    'calendar.txt': 'service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\nALL,1,1,1,1,1,1,1,20240101,20301231\n',
    ...overrides,
  };
  return Object.fromEntries(Object.entries(files).filter((entry): entry is [string, string] => entry[1] !== null));
}

/** Longitude of a point `metres` east of stop A on the line feed. */
export const lineLongitude = (metres: number) => (metres / 1000) * 0.008993;

/** Uploads a feed (its files, or a zip as bytes) to a server's `POST /api/v1/transit/feeds?id=` as a zip body. */
export function uploadFeed(serverUrl: string, token: string | undefined, id: string, feed: Record<string, string> | Uint8Array): Promise<Response> {
  const body = feed instanceof Uint8Array ? feed : zipFiles(feed);
  return fetch(`${serverUrl}/api/v1/transit/feeds?id=${id}`, {
    method: 'POST', body: new Blob([new Uint8Array(body)]), headers: { 'content-type': 'application/zip', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
}

/**
 * The line feed's street with six stops S0-S5 500 m apart, whose two trips list them in `order` (stop
 * indices): [0, 3, 1, 4, 2, 5] is the street's stops out of order, as a feed that sorted them wrongly has it.
 */
export function listedOrderFeed(order: number[]): Record<string, string> {
  const rows = (trip: string, start: number) => order.map((stop, i) => {
    const time = i === 0 ? `0${start}:00:00` : i === order.length - 1 ? `0${start}:15:00` : '';
    return `${trip},${time},${time},S${stop},${i + 1}`;
  });
  return lineFeed({
    'stops.txt': ['stop_id,stop_name,stop_lat,stop_lon', ...[0, 1, 2, 3, 4, 5].map((i) => `S${i},Stop ${i},0,${lineLongitude(i * 500).toFixed(6)}`)].join('\n') + '\n',
    'stop_times.txt': ['trip_id,arrival_time,departure_time,stop_id,stop_sequence', ...rows('T1', 8), ...rows('T2', 9)].join('\n') + '\n',
  });
}
