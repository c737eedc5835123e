// What every server test needs: its own database (from a template), its own app, a real HTTP server on a
// random port, and tokens for the demo users.
import os from 'node:os';
import { inject } from 'vitest';
import { pino } from 'pino';
import { buildApp, type App } from '../src/app.js';
import { loadConfig, type Config } from '../src/platform/config.js';
import type { Db } from '../src/platform/db/types.js';
import type { Clock } from '../src/platform/clock.js';
import { openFromTemplate, TEST_ADMIN_PASSWORD, type TemplateName } from './templates.js';

export { TEST_ADMIN_PASSWORD } from './templates.js';

export interface TestServer {
  app: App;
  db: Db;
  url: string;
  config: Config;
  /** Logs in a demo user ('admin', 'duty', 'env', 'huangpu', 'grid', 'viewer') and returns a bearer token. */
  login(username: string): Promise<string>;
  request(method: string, path: string, options?: { token?: string; body?: unknown; headers?: Record<string, string>; raw?: string }): Promise<{ status: number; headers: Headers; body: any }>;
  close(): Promise<void>;
}

export async function testDatabase(template: TemplateName = 'empty'): Promise<Db> {
  return openFromTemplate(inject('templates'), template);
}

export async function startServer(options: { template?: TemplateName; env?: Record<string, string>; backgroundJobs?: boolean; clock?: Clock } = {}): Promise<TestServer> {
  const templates = inject('templates');
  const db = await openFromTemplate(templates, options.template ?? 'demo');
  const config = loadConfig({ CITYPULSE_DATA_DIR: os.tmpdir(), ...options.env });
  const app = await buildApp(config, { db, backgroundJobs: options.backgroundJobs ?? false, clock: options.clock, logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }) });
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const address = app.http.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const tokens = new Map<string, string>();
  const request: TestServer['request'] = async (method, path, { token, body, headers = {}, raw } = {}) => {
    const init: RequestInit = { method, headers: { ...headers } };
    if (token) (init.headers as Record<string, string>).authorization = `Bearer ${token}`;
    if (raw !== undefined) init.body = raw;
    else if (body !== undefined) {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const response = await fetch(url + path, init);
    const text = await response.text();
    let parsed: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: response.status, headers: response.headers, body: parsed };
  };
  return {
    app, db, url, config, request,
    async login(username) {
      const cached = tokens.get(username);
      if (cached) return cached;
      const password = username === 'admin' ? TEST_ADMIN_PASSWORD : templates.passwords[username];
      const response = await request('POST', '/api/v1/auth/login', { body: { username, password } });
      if (response.status !== 200) throw new Error(`login ${username} failed: ${JSON.stringify(response.body)}`);
      tokens.set(username, response.body.token);
      return response.body.token;
    },
    async close() {
      await app.http.close();
      await db.close();
    },
  };
}
