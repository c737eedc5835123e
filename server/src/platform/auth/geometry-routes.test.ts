// The org outlines the big screen draws its map from: scoped to the caller, one level at a time, and for
// the demo city a tiling of the city by its eight districts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../../test/harness.js';
import { demoCityGeometry, DISTRICT_CENTRES } from '../../sim/demo-geometry.js';

type Ring = [number, number][];

/** Shoelace area of a closed ring (absolute, in squared degrees). */
function area(ring: Ring): number {
  let sum = 0;
  for (let i = 0; i < ring.length - 1; i++) sum += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  return Math.abs(sum) / 2;
}

function inside(point: [number, number], ring: Ring): boolean {
  let result = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if ((yi > point[1]) !== (yj > point[1]) && point[0] < ((xj - xi) * (point[1] - yi)) / (yj - yi) + xi) result = !result;
  }
  return result;
}

describe('demo city geometry', () => {
  it('tiles the city with its eight districts, each around its own centre', () => {
    const shapes = demoCityGeometry('haicheng');
    const city = shapes.get('haicheng')!.coordinates[0];
    const districts = Object.keys(DISTRICT_CENTRES);
    expect(districts).toHaveLength(8);
    const total = districts.reduce((sum, code) => sum + area(shapes.get(code)!.coordinates[0]), 0);
    expect(total).toBeCloseTo(area(city), 6);
    for (const code of districts) {
      const ring = shapes.get(code)!.coordinates[0];
      expect(ring[0]).toEqual(ring[ring.length - 1]);
      expect(inside(DISTRICT_CENTRES[code], ring), code).toBe(true);
      for (const other of districts.filter((o) => o !== code)) expect(inside(DISTRICT_CENTRES[other], ring), `${other} in ${code}`).toBe(false);
    }
  });
});

describe('GET /api/v1/orgs/geojson', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('gives the districts as a GeoJSON FeatureCollection', async () => {
    const response = await server.request('GET', '/api/v1/orgs/geojson', { token: await server.login('duty') });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/geo+json');
    expect(response.body.type).toBe('FeatureCollection');
    expect(response.body.features.map((f: { id: string }) => f.id).sort()).toEqual(Object.keys(DISTRICT_CENTRES).sort());
    const huangpu = response.body.features.find((f: { id: string }) => f.id === 'huangpu');
    expect(huangpu.geometry.type).toBe('Polygon');
    expect(huangpu.properties).toMatchObject({ code: 'huangpu', nameZh: '黄浦区', level: 'district', parentCode: 'haicheng' });
  });

  it('gives one level at a time: the city outline, and no streets (they have none)', async () => {
    const token = await server.login('viewer');
    const city = await server.request('GET', '/api/v1/orgs/geojson?level=city', { token });
    expect(city.body.features.map((f: { id: string }) => f.id)).toEqual(['haicheng']);
    const streets = await server.request('GET', '/api/v1/orgs/geojson?level=street', { token });
    expect(streets.body.features).toEqual([]);
  });

  it("shows a district's user only their own district", async () => {
    const response = await server.request('GET', '/api/v1/orgs/geojson', { token: await server.login('huangpu') });
    expect(response.body.features.map((f: { id: string }) => f.id)).toEqual(['huangpu']);
    const city = await server.request('GET', '/api/v1/orgs/geojson?level=city', { token: await server.login('huangpu') });
    expect(city.body.features).toEqual([]);
  });

  it('refuses callers without a token and names a bad level', async () => {
    const anonymous = await server.request('GET', '/api/v1/orgs/geojson');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toContain('application/problem+json');
    const bad = await server.request('GET', '/api/v1/orgs/geojson?level=planet', { token: await server.login('duty') });
    expect(bad.status).toBe(400);
    expect(bad.body['invalid-params'].map((p: { name: string }) => p.name)).toContain('level');
  });

  it('accepts the token in the URL, as a wall display sends it', async () => {
    const token = await server.login('viewer');
    const response = await server.request('GET', `/api/v1/orgs/geojson?token=${encodeURIComponent(token)}`);
    expect(response.status).toBe(200);
    expect(response.body.features).toHaveLength(8);
  });
});
