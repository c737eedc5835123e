// Serving the built web app: index.html for the app's own paths, hashed assets cached for good and sent
// gzipped when the build has a .gz, nothing outside the build, and the API's 404s untouched.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../../test/harness.js';
import { AuthService } from '../auth/service.js';
import type { Db } from '../db/types.js';
import { registerAuthHook } from './auth-hook.js';
import { registerProblemHandling } from './problems.js';
import { registerWebApp } from './web.js';

const INDEX = '<!doctype html><title>CityPulse</title><div id="root"></div>';
const SCRIPT = 'console.log("the app");'.repeat(50);

async function appServing(root: string, db: Db): Promise<FastifyInstance> {
  const app = Fastify();
  registerProblemHandling(app);
  registerAuthHook(app, new AuthService(db));
  app.get('/api/v1/ping', { config: { public: true } }, async () => ({ pong: true }));
  await registerWebApp(app, root);
  await app.ready();
  return app;
}

describe('the web app served by the server', () => {
  let db: Db;
  let dir: string;
  let app: FastifyInstance;
  let empty: FastifyInstance;

  beforeAll(async () => {
    db = await testDatabase('empty');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'citypulse-web-'));
    fs.mkdirSync(path.join(dir, 'dist', 'assets'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'dist', 'index.html'), INDEX);
    fs.writeFileSync(path.join(dir, 'dist', 'assets', 'app-1234.js'), SCRIPT);
    fs.writeFileSync(path.join(dir, 'dist', 'assets', 'app-1234.js.gz'), gzipSync(SCRIPT));
    fs.writeFileSync(path.join(dir, 'secret.txt'), 'do not serve');
    app = await appServing(path.join(dir, 'dist'), db);
    fs.mkdirSync(path.join(dir, 'unbuilt'));
    empty = await appServing(path.join(dir, 'unbuilt'), db);
  });

  afterAll(async () => {
    await app?.close();
    await empty?.close();
    await db?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each(['/', '/login', '/screen', '/screen?district=huangpu&token=abc', '/ops', '/ops/alerts', '/ops/indicators/AIR_QUALITY.PM25'])('answers %s with the app, to be revalidated', async (url) => {
    const response = await app.inject({ method: 'GET', url });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.body).toBe(INDEX);
  });

  it('sends hashed assets cached for a year, gzipped to browsers that accept it', async () => {
    const plain = await app.inject({ method: 'GET', url: '/assets/app-1234.js' });
    expect(plain.statusCode).toBe(200);
    expect(plain.body).toBe(SCRIPT);
    expect(plain.headers['cache-control']).toContain('immutable');
    const zipped = await app.inject({ method: 'GET', url: '/assets/app-1234.js', headers: { 'accept-encoding': 'gzip, br' } });
    expect(zipped.statusCode).toBe(200);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(Number(zipped.headers['content-length'])).toBeLessThan(SCRIPT.length);
  });

  it('serves nothing outside the build and keeps problem+json 404s', async () => {
    for (const url of ['/assets/../../secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/assets/missing.js']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(response.body).not.toContain('do not serve');
    }
    const api = await app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(api.statusCode).toBe(404);
    expect(api.headers['content-type']).toContain('application/problem+json');
    expect(api.json().code).toBe('not_found');
    const other = await app.inject({ method: 'GET', url: '/screenshots' });
    expect(other.statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/api/v1/ping' })).json()).toEqual({ pong: true });
  });

  it('says how to build the app when it has not been built', async () => {
    const response = await empty.inject({ method: 'GET', url: '/screen' });
    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json().code).toBe('web_not_built');
    expect(response.json().detail).toContain('npm run build -w web');
  });
});
