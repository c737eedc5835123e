// The demo city's map: a coastline and eight district outlines. Haicheng is fictional, so its districts
// are Voronoi cells of eight district centres clipped to the coastline: they tile the city without gaps
// or overlaps, which is all a health map needs.
import type { Db } from '../platform/db/types.js';

type Point = [lon: number, lat: number];

/** The city's outline, counter-clockwise, with an estuary bay in the east. */
const COASTLINE: Point[] = [
  [121.05, 31.02], [121.22, 30.9], [121.43, 30.86], [121.62, 30.88], [121.8, 30.95],
  [121.93, 31.06], [121.86, 31.16], [121.79, 31.2], [121.84, 31.29], [121.78, 31.4],
  [121.62, 31.5], [121.42, 31.54], [121.24, 31.5], [121.1, 31.4], [121.02, 31.24],
];

/** District centres: the centre of each Voronoi cell. */
export const DISTRICT_CENTRES: Record<string, Point> = {
  huangpu: [121.46, 31.22],
  binjiang: [121.6, 31.26],
  xinhe: [121.4, 31.35],
  dongshan: [121.62, 31.41],
  nanhu: [121.42, 31.02],
  beiyuan: [121.24, 31.4],
  xigang: [121.18, 31.14],
  lingang: [121.72, 31.04],
};

/** Keeps the part of a polygon on the near side of the bisector between `own` and `other` (Sutherland–Hodgman). */
function clipToHalfPlane(polygon: Point[], own: Point, other: Point): Point[] {
  const mid: Point = [(own[0] + other[0]) / 2, (own[1] + other[1]) / 2];
  const normal: Point = [other[0] - own[0], other[1] - own[1]];
  const side = (p: Point) => (p[0] - mid[0]) * normal[0] + (p[1] - mid[1]) * normal[1];
  const out: Point[] = [];
  for (let i = 0; i < polygon.length; i++) {
    const current = polygon[i];
    const next = polygon[(i + 1) % polygon.length];
    const a = side(current);
    const b = side(next);
    if (a <= 0) out.push(current);
    if ((a < 0 && b > 0) || (a > 0 && b < 0)) {
      const t = a / (a - b);
      out.push([current[0] + t * (next[0] - current[0]), current[1] + t * (next[1] - current[1])]);
    }
  }
  return out;
}

const round = (p: Point): Point => [Math.round(p[0] * 1e5) / 1e5, Math.round(p[1] * 1e5) / 1e5];

/** GeoJSON Polygon of each district (and of the city), keyed by org code. */
export function demoCityGeometry(cityCode: string): Map<string, { type: 'Polygon'; coordinates: Point[][] }> {
  const result = new Map<string, { type: 'Polygon'; coordinates: Point[][] }>();
  const ring = (points: Point[]) => [...points.map(round), round(points[0])];
  result.set(cityCode, { type: 'Polygon', coordinates: [ring(COASTLINE)] });
  for (const [code, centre] of Object.entries(DISTRICT_CENTRES)) {
    let cell = COASTLINE;
    for (const [otherCode, other] of Object.entries(DISTRICT_CENTRES)) {
      if (otherCode !== code) cell = clipToHalfPlane(cell, centre, other);
    }
    result.set(code, { type: 'Polygon', coordinates: [ring(cell)] });
  }
  return result;
}

/** Stores the demo city's outlines on its org units (idempotent). */
export async function seedDemoGeometry(db: Db, cityCode: string): Promise<void> {
  const geometry = demoCityGeometry(cityCode);
  await db.transaction(async (tx) => {
    for (const [code, shape] of geometry) {
      await tx.query(`update org_unit set geometry = $2::jsonb where code = $1`, [code, JSON.stringify(shape)]);
    }
  });
}
