// Small GTFS feeds for tests: files as text, packed into a zip (stored, uncompressed) in memory.
import zlib from 'node:zlib';

/** Packs files into a zip archive (no compression: the reader must handle stored entries too). */
export function zipFiles(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text, 'utf8');
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = zlib.crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    locals.push(local, nameBytes, data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const centralSize = centrals.reduce((sum, part) => sum + part.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  const count = Object.keys(files).length;
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

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
