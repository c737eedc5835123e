// The platform as an operator runs it: the real command, a real data directory, real signals.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runToExit, startProcess } from './process.js';
import { postgresUrl } from './templates.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'citypulse-process-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

async function login(url: string, username: string, password: string): Promise<string> {
  const response = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  expect(response.status).toBe(200);
  return (await response.json()).token;
}

// These start the embedded default; on the PostgreSQL run they would only repeat the same thing.
describe.skipIf(postgresUrl() !== null)('the citypulse process (embedded)', () => {
  it('refuses a bad configuration with a message naming the variable', async () => {
    const result = await runToExit(['serve'], { PORT: 'eighty', CITYPULSE_DATA_DIR: tempDir() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('PORT: must be a whole number');
  });

  it('seeds the demo city on first start, prints the admin credential once, and keeps acknowledged observations across kill -9', async () => {
    const dataDir = tempDir();
    const first = await startProcess(['serve', '--seed-if-empty', '--no-simulate'], { CITYPULSE_DATA_DIR: dataDir });
    const adminLine = /^\s+admin\s+(\S+)\s+\(admin/m.exec(first.stdout());
    expect(adminLine, first.stdout()).not.toBeNull();
    const password = adminLine![1];
    expect(first.stdout()).toMatch(/duty\s+\S+\s+\(operator at haicheng\)/);
    const token = await login(first.url, 'admin', password);

    const base = Date.now() - 60_000;
    const observations = Array.from({ length: 500 }, (_, i) => ({ indicator: 'AIR_QUALITY.PM25', org: 'huangpu', ts: base + i * 100, value: i % 90 }));
    const post = await fetch(`${first.url}/api/v1/vitals/observations`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(observations),
    });
    expect(post.status).toBe(200);
    expect((await post.json()).stored).toBe(500);
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await startProcess(['serve', '--seed-if-empty', '--no-simulate'], { CITYPULSE_DATA_DIR: dataDir });
    try {
      expect(second.stdout()).not.toMatch(/admin\s+\S+\s+\(admin/);
      const token2 = await login(second.url, 'admin', password);
      const from = new Date(base - 1000).toISOString();
      const to = new Date(base + 60_000).toISOString();
      const series = await (await fetch(`${second.url}/api/v1/vitals/indicators/AIR_QUALITY.PM25/series?org=huangpu&from=${from}&to=${to}&step=1`, { headers: { authorization: `Bearer ${token2}` } })).json();
      const stored = series.points.reduce((sum: number, point: { count: number }) => sum + point.count, 0);
      expect(stored).toBe(500);
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
  });

  it('shuts down cleanly on SIGTERM while a live stream is open', async () => {
    const dataDir = tempDir();
    const server = await startProcess(['serve', '--seed-if-empty', '--no-simulate'], { CITYPULSE_DATA_DIR: dataDir, CITYPULSE_ADMIN_PASSWORD: 'a-long-admin-password', LOG_LEVEL: 'info' });
    const token = await login(server.url, 'admin', 'a-long-admin-password');
    const stream = await fetch(`${server.url}/api/v1/vitals/stream`, { headers: { authorization: `Bearer ${token}` } });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    await reader.read();
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.stdout()).toContain('"msg":"stopped"');
    // The stream ends rather than hanging.
    let done = false;
    while (!done) ({ done } = await reader.read().catch(() => ({ done: true, value: undefined })));
  });
});

describe.skipIf(postgresUrl() !== null)('catalogue files on the command line', () => {
  it('exports the catalogue and imports it back; a bad file names line and field and changes nothing', async () => {
    const dataDir = tempDir();
    const env = { CITYPULSE_DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
    expect((await runToExit(['seed'], env)).code).toBe(0);
    const exported = await runToExit(['vitals', 'export', '--format', 'csv'], env);
    expect(exported.code).toBe(0);
    const file = path.join(dataDir, 'catalogue.csv');
    fs.writeFileSync(file, exported.stdout);
    const imported = await runToExit(['vitals', 'import', file], env);
    expect(imported.stdout).toMatch(/imported \d{4} indicators: 0 new, \d{4} updated/);
    const broken = exported.stdout.replace('AIR_QUALITY.PM25,air_quality', 'AIR_QUALITY.PM25,no_such_category');
    fs.writeFileSync(file, broken);
    const refused = await runToExit(['vitals', 'import', file], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/catalogue\.csv:\d+: category: /);
    expect(refused.stderr).toContain('nothing was imported');
  });
});
