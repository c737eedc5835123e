import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { startServer, type TestServer } from '../../../test/harness.js';

let server: TestServer;
let admin: string;
beforeAll(async () => {
  server = await startServer();
  admin = await server.login('admin');
});
afterAll(async () => server?.close());

describe('the indicator catalogue over HTTP', () => {
  it('has 32 categories across the three arrows, with names in both languages', async () => {
    const response = await server.request('GET', '/api/v1/vitals/categories', { token: admin });
    expect(response.status).toBe(200);
    const items = response.body.items as { code: string; arrow: string; nameZh: string; nameEn: string; indicatorCount: number }[];
    expect(items).toHaveLength(32);
    expect(new Set(items.map((c) => c.arrow))).toEqual(new Set(['economy', 'life', 'governance']));
    for (const category of items) {
      expect(category.nameZh).toMatch(/[\u4e00-\u9fff]/);
      expect(category.nameEn).toMatch(/[A-Za-z]/);
      expect(category.indicatorCount).toBeGreaterThan(0);
    }
    expect(items.reduce((sum, c) => sum + c.indicatorCount, 0)).toBeGreaterThanOrEqual(1000);
  });

  it('lists at least 1,000 indicators in one page of up to 10,000, and pages consistently', async () => {
    const all = await server.request('GET', '/api/v1/vitals/indicators?limit=10000', { token: admin });
    expect(all.body.total).toBeGreaterThanOrEqual(1000);
    expect(all.body.items).toHaveLength(all.body.total);
    const page = await server.request('GET', '/api/v1/vitals/indicators?limit=50&offset=100', { token: admin });
    expect(page.body.items.map((i: { code: string }) => i.code)).toEqual(all.body.items.slice(100, 150).map((i: { code: string }) => i.code));
    const first = all.body.items[0];
    for (const field of ['code', 'category', 'nameZh', 'nameEn', 'unit', 'frequencySeconds', 'aggregation', 'department', 'orgLevels', 'direction', 'definitionZh', 'definitionEn']) {
      expect(first).toHaveProperty(field);
    }
  });

  it('refuses a page larger than 10,000 and an unknown category, naming the parameter', async () => {
    const big = await server.request('GET', '/api/v1/vitals/indicators?limit=10001', { token: admin });
    expect(big.status).toBe(400);
    expect(big.body['invalid-params'][0].name).toMatch(/limit/);
    const unknown = await server.request('GET', '/api/v1/vitals/indicators?category=nope', { token: admin });
    expect(unknown.status).toBe(400);
    expect(unknown.body['invalid-params']).toEqual([{ name: 'category', reason: 'unknown category' }]);
  });

  it('filters by category and searches by name in Chinese and in English', async () => {
    const air = await server.request('GET', '/api/v1/vitals/indicators?category=air_quality&limit=10000', { token: admin });
    expect(air.body.total).toBeGreaterThan(10);
    expect(air.body.items.every((i: { category: string }) => i.category === 'air_quality')).toBe(true);
    const pm25 = air.body.items.find((i: { code: string }) => i.code === 'AIR_QUALITY.PM25');
    expect(pm25).toBeDefined();
    const byEnglish = await server.request('GET', `/api/v1/vitals/indicators?q=${encodeURIComponent('pm2.5')}`, { token: admin });
    expect(byEnglish.body.items.map((i: { code: string }) => i.code)).toContain('AIR_QUALITY.PM25');
    const byChinese = await server.request('GET', `/api/v1/vitals/indicators?q=${encodeURIComponent(pm25.nameZh)}`, { token: admin });
    expect(byChinese.body.items.map((i: { code: string }) => i.code)).toContain('AIR_QUALITY.PM25');
  });

  it('exports CSV and JSON that import back unchanged', async () => {
    const csv = await server.request('GET', '/api/v1/vitals/catalogue?format=csv', { token: admin });
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const reimport = await server.request('POST', '/api/v1/vitals/catalogue', { token: admin, raw: csv.body, headers: { 'content-type': 'text/csv' } });
    expect(reimport.status).toBe(200);
    expect(reimport.body.inserted).toBe(0);
    expect(reimport.body.updated).toBeGreaterThanOrEqual(1000);
    const json = await server.request('GET', '/api/v1/vitals/catalogue?format=json', { token: admin });
    const again = await server.request('POST', '/api/v1/vitals/catalogue', { token: admin, body: json.body });
    expect(again.status).toBe(200);
    expect(again.body.inserted).toBe(0);
  });

  it('imports a new indicator, and rejects a bad file naming line and field while changing nothing', async () => {
    const json = await server.request('GET', '/api/v1/vitals/catalogue?format=json', { token: admin });
    const template = json.body.find((i: { code: string }) => i.code === 'AIR_QUALITY.PM25');
    const fresh = { ...template, code: 'AIR_QUALITY.TEST_NEW_MEASURE', nameEn: 'Test measure for import', nameZh: '导入测试指标' };
    const created = await server.request('POST', '/api/v1/vitals/catalogue', { token: admin, body: [fresh] });
    expect(created.body).toEqual({ inserted: 1, updated: 0 });
    expect((await server.request('GET', '/api/v1/vitals/indicators/AIR_QUALITY.TEST_NEW_MEASURE', { token: admin })).body.nameEn).toBe('Test measure for import');

    const before = (await server.request('GET', '/api/v1/vitals/indicators?limit=1', { token: admin })).body.total;
    const csv = (await server.request('GET', '/api/v1/vitals/catalogue?format=csv', { token: admin })).body as string;
    const records = parse(csv, { columns: true }) as Record<string, string>[];
    const broken = { ...records[0], frequencySeconds: 'often' };
    const otherwiseFine = { ...records[1], code: 'AIR_QUALITY.SHOULD_NOT_EXIST' };
    const bad = await server.request('POST', '/api/v1/vitals/catalogue', {
      token: admin, raw: stringify([broken, otherwiseFine], { header: true }), headers: { 'content-type': 'text/csv' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('vitals.invalid_catalogue');
    expect(bad.body['invalid-params']).toContainEqual(expect.objectContaining({ name: 'line 2/frequencySeconds' }));
    expect((await server.request('GET', '/api/v1/vitals/indicators?limit=1', { token: admin })).body.total).toBe(before);
    expect((await server.request('GET', '/api/v1/vitals/indicators/AIR_QUALITY.SHOULD_NOT_EXIST', { token: admin })).status).toBe(404);
  });

  it('lets only catalogue managers import', async () => {
    const viewer = await server.login('viewer');
    const response = await server.request('POST', '/api/v1/vitals/catalogue', { token: viewer, body: [] });
    expect(response.status).toBe(403);
  });

  it('lets only principals of the city root import: a district operator is refused, changing nothing', async () => {
    const json = await server.request('GET', '/api/v1/vitals/catalogue?format=json', { token: admin });
    const pm25 = json.body.find((i: { code: string }) => i.code === 'AIR_QUALITY.PM25');
    const changed = { ...pm25, criticalHigh: pm25.criticalHigh * 10 };
    // huangpu: an operator (vitals:manage) of a district, below the city root haicheng.
    const district = await server.login('huangpu');
    const refused = await server.request('POST', '/api/v1/vitals/catalogue', { token: district, body: [changed] });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(refused.body.code).toBe('vitals.out_of_scope');
    expect(refused.body.detail).toMatch(/whole city.*haicheng.*huangpu/);
    // Refused whatever the body: nothing about the file is looked at.
    expect((await server.request('POST', '/api/v1/vitals/catalogue', { token: district, body: [{}] })).status).toBe(403);
    const after = await server.request('GET', '/api/v1/vitals/indicators/AIR_QUALITY.PM25', { token: admin });
    expect(after.body.criticalHigh).toBe(pm25.criticalHigh);
    // The city's duty officer (operator at haicheng) may.
    const duty = await server.login('duty');
    const allowed = await server.request('POST', '/api/v1/vitals/catalogue', { token: duty, body: [pm25] });
    expect(allowed.status).toBe(200);
  });
});
