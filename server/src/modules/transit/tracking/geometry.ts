// Plane geometry for matching positions to a trip's path. A city spans a few tens of kilometres, so an
// equirectangular projection around the feed's centre is accurate to well under a metre per kilometre.

const METRES_PER_DEGREE = 6_371_008.8 * Math.PI / 180;

export interface Projection {
  toXY(lat: number, lon: number): [number, number];
  toLatLon(x: number, y: number): [number, number];
}

export function equirectangular(centreLat: number): Projection {
  const kx = METRES_PER_DEGREE * Math.cos(centreLat * Math.PI / 180);
  return { toXY: (lat, lon) => [lon * kx, lat * METRES_PER_DEGREE], toLatLon: (x, y) => [y / METRES_PER_DEGREE, x / kx] };
}

/** The point at a distance along a path. */
export function pointAlong(path: Path, distance: number): [number, number] {
  const { xs, ys, along } = path;
  if (xs.length === 1 || distance <= 0) return [xs[0]!, ys[0]!];
  let i = 1;
  while (i < along.length - 1 && along[i]! < distance) i++;
  const span = along[i]! - along[i - 1]!;
  const share = span > 0 ? Math.min(1, (distance - along[i - 1]!) / span) : 0;
  return [xs[i - 1]! + share * (xs[i]! - xs[i - 1]!), ys[i - 1]! + share * (ys[i]! - ys[i - 1]!)];
}

/** A polyline in metres with the distance travelled at each vertex. */
export interface Path {
  xs: Float64Array;
  ys: Float64Array;
  /** Cumulative distance at each vertex, metres. */
  along: Float64Array;
  length: number;
}

export function makePath(points: Array<[number, number]>): Path {
  const n = points.length;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  const along = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = points[i]![0];
    ys[i] = points[i]![1];
    if (i > 0) along[i] = along[i - 1]! + Math.hypot(xs[i]! - xs[i - 1]!, ys[i]! - ys[i - 1]!);
  }
  return { xs, ys, along, length: n ? along[n - 1]! : 0 };
}

export interface PathMatch {
  /** Distance along the path of the nearest point, metres. */
  along: number;
  /** Distance from the position to that point, metres. */
  offset: number;
}

/**
 * The point of the path nearest to (x, y) among the segments whose span overlaps [fromAlong, toAlong]:
 * limiting the window to where the vehicle can be keeps a loop or an out-and-back route from matching
 * the wrong leg.
 */
export function nearestOnPath(path: Path, x: number, y: number, fromAlong = -Infinity, toAlong = Infinity): PathMatch | null {
  let best: PathMatch | null = null;
  const { xs, ys, along } = path;
  if (xs.length === 1) return { along: 0, offset: Math.hypot(x - xs[0]!, y - ys[0]!) };
  // Distances along only grow, so the segments in the window are a run of them: the first found by
  // bisection (a vehicle's window is a few hundred metres of a path that may have thousands of points).
  let i = 0;
  if (fromAlong > 0) {
    let high = xs.length - 1;
    while (i < high) {
      const middle = (i + high) >> 1;
      if (along[middle + 1]! < fromAlong) i = middle + 1;
      else high = middle;
    }
  }
  for (; i + 1 < xs.length && !(along[i]! > toAlong); i++) {
    const span = along[i + 1]! - along[i]!;
    // Only the part of the segment inside the window counts: clamp the parameter, then measure.
    const low = span > 0 && fromAlong > along[i]! ? (fromAlong - along[i]!) / span : 0;
    const high = span > 0 && toAlong < along[i + 1]! ? (toAlong - along[i]!) / span : 1;
    const t = clamp(footOnSegment(path, i, x, y), low, high);
    const offset = offsetFrom(path, i, t, x, y);
    if (!best || offset < best.offset - 1e-9) best = { along: along[i]! + t * span, offset };
  }
  return best;
}

/**
 * The distance along the path of its first point within `maxOffset` of (x, y), looking only before
 * `before` metres; null when there is none. Each segment is measured once: this runs for every
 * vehicle's first report (where a looping path passes the same place twice, the first pass).
 */
export function firstWithin(path: Path, x: number, y: number, maxOffset: number, before: number): number | null {
  const { xs, along } = path;
  for (let i = 0; i + 1 < xs.length && along[i]! < before; i++) {
    const t = clamp(footOnSegment(path, i, x, y), 0, 1);
    if (offsetFrom(path, i, t, x, y) <= maxOffset) return along[i]! + t * (along[i + 1]! - along[i]!);
  }
  return null;
}

const clamp = (value: number, low: number, high: number) => (value < low ? low : value > high ? high : value);

/** Where the perpendicular from (x, y) meets the line of segment i, as a share of the segment (0 at its start; 0 for a segment of no length). */
function footOnSegment(path: Path, i: number, x: number, y: number): number {
  const { xs, ys } = path;
  const ax = xs[i]!, ay = ys[i]!;
  const dx = xs[i + 1]! - ax, dy = ys[i + 1]! - ay;
  const lengthSquared = dx * dx + dy * dy;
  return lengthSquared > 0 ? ((x - ax) * dx + (y - ay) * dy) / lengthSquared : 0;
}

/** The distance from (x, y) to the point `t` of the way along segment i. */
function offsetFrom(path: Path, i: number, t: number, x: number, y: number): number {
  const { xs, ys } = path;
  const ax = xs[i]!, ay = ys[i]!;
  return Math.hypot(x - (ax + t * (xs[i + 1]! - ax)), y - (ay + t * (ys[i + 1]! - ay)));
}

/** Distance along the path of each point, in order, never going backwards (stops placed on a shape). */
export function placeAlong(path: Path, points: Array<[number, number]>): Float64Array {
  const result = new Float64Array(points.length);
  let from = 0;
  for (let i = 0; i < points.length; i++) {
    const [x, y] = points[i]!;
    // Search ahead of the previous stop only: a stop cannot come before the one preceding it.
    const match = nearestOnPath(path, x, y, from, Infinity);
    const value = match ? match.along : from;
    result[i] = value;
    from = value;
  }
  return result;
}
