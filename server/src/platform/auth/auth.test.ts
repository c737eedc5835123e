import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { openEventStream } from '../../../test/event-stream.js';
import { setHeartbeatMs } from '../http/event-stream.js';
import { startServer, TEST_ADMIN_PASSWORD, type TestServer } from '../../../test/harness.js';
import { PasswordCheckBusy, verifyPassword } from './passwords.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => server?.close());

describe('login', () => {
  it('gives a bearer token for the right password, and the token works', async () => {
    const login = await server.request('POST', '/api/v1/auth/login', { body: { username: 'admin', password: TEST_ADMIN_PASSWORD } });
    expect(login.status).toBe(200);
    expect(login.body.token.split('.')).toHaveLength(3);
    expect(login.body.user).toMatchObject({ username: 'admin', role: 'admin', orgCode: 'haicheng' });
    const me = await server.request('GET', '/api/v1/auth/me', { token: login.body.token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ kind: 'user', name: 'admin', role: 'admin', orgCode: 'haicheng', departmentCode: null });
    const env = await server.request('GET', '/api/v1/auth/me', { token: await server.login('env') });
    expect(env.body).toMatchObject({ role: 'department_staff', departmentCode: 'ecology_environment' });
  });

  it('refuses a wrong password or unknown user with the same problem+json', async () => {
    const wrong = await server.request('POST', '/api/v1/auth/login', { body: { username: 'duty', password: 'not-the-password' } });
    const unknown = await server.request('POST', '/api/v1/auth/login', { body: { username: 'nobody', password: 'not-the-password' } });
    for (const response of [wrong, unknown]) {
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(response.body).toMatchObject({ status: 401, code: 'unauthorized', detail: 'wrong username or password' });
    }
  });

  it('turns a login away with a 503 and Retry-After while the password checks queued are full, and takes it again after', async () => {
    // Keep the queue topped up while the login is under way: two checks run, 32 wait.
    const pending: Promise<unknown>[] = [];
    const topUp = () => {
      for (let i = 0; i < 40; i++) pending.push(verifyPassword('guess', 'scrypt$32768$8$1$c2FsdA==$a2V5').catch((error) => error));
    };
    topUp();
    const timer = setInterval(topUp, 5);
    let busy;
    try {
      busy = await server.request('POST', '/api/v1/auth/login', { body: { username: 'admin', password: TEST_ADMIN_PASSWORD } });
    } finally {
      clearInterval(timer);
    }
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('5');
    expect(busy.body).toMatchObject({ code: 'busy', retryAfterSeconds: 5 });
    const outcomes = await Promise.all(pending);
    expect(outcomes.some((outcome) => outcome instanceof PasswordCheckBusy)).toBe(true);
    expect(outcomes.every((outcome) => outcome === false || outcome instanceof PasswordCheckBusy)).toBe(true);
    // The queue drained, the same login goes through.
    expect((await server.request('POST', '/api/v1/auth/login', { body: { username: 'admin', password: TEST_ADMIN_PASSWORD } })).status).toBe(200);
  });

  it('names the missing field of a malformed login', async () => {
    const response = await server.request('POST', '/api/v1/auth/login', { body: { username: 'admin' } });
    expect(response.status).toBe(400);
    expect(response.body['invalid-params']).toContainEqual(expect.objectContaining({ name: '/password' }));
    const notJson = await server.request('POST', '/api/v1/auth/login', { raw: '{"username":', headers: { 'content-type': 'application/json' } });
    expect(notJson.status).toBe(400);
    expect(notJson.body.code).toBe('malformed_body');
  });

  it('rate-limits password guessing per user', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 12; attempt++) {
      statuses.push((await server.request('POST', '/api/v1/auth/login', { body: { username: 'mallory', password: `guess-${attempt}` } })).status);
    }
    expect(statuses.slice(0, 10).every((status) => status === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    // Another user from the same address is not locked out.
    expect((await server.request('POST', '/api/v1/auth/login', { body: { username: 'grid', password: 'x' } })).status).toBe(401);
  });
});

describe('who may call what', () => {
  it('answers 401 without a token and 401 with a forged one', async () => {
    const none = await server.request('GET', '/api/v1/vitals/categories');
    expect(none.status).toBe(401);
    expect(none.body.type).toMatch(/problems\/unauthorized$/);
    const forged = await server.request('GET', '/api/v1/vitals/categories', { token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl' });
    expect(forged.status).toBe(401);
  });

  it('answers 403 when the role lacks the permission', async () => {
    const viewer = await server.login('viewer');
    const response = await server.request('POST', '/api/v1/vitals/observations', { token: viewer, body: [] });
    expect(response.status).toBe(403);
    expect(response.body.detail).toMatch(/vitals:ingest/);
  });

  it('keeps a district user inside its district', async () => {
    const huangpu = await server.login('huangpu');
    const own = await server.request('GET', '/api/v1/vitals/snapshot?org=huangpu-s1', { token: huangpu });
    expect(own.status).toBe(200);
    const other = await server.request('GET', '/api/v1/vitals/snapshot?org=binjiang', { token: huangpu });
    expect(other.status).toBe(403);
    expect(other.body['invalid-params']).toEqual([{ name: 'org', reason: 'outside your org subtree' }]);
    const orgs = await server.request('GET', '/api/v1/orgs', { token: huangpu });
    expect(orgs.body.items.every((org: { path: string }) => org.path.startsWith('/haicheng/huangpu/'))).toBe(true);
    expect(orgs.body.items).toHaveLength(1 + 3 + 6);
  });

  it('keeps a district whose code has an underscore to itself: "_" is no wildcard in a subtree', async () => {
    // Two districts whose paths differ only where one has "_" and the other "-": as a LIKE pattern, the
    // first's path matched the second's.
    await server.app.auth.createOrg({ code: 'pu_dong', parentCode: 'haicheng', level: 'district', nameZh: '浦东甲', nameEn: 'Pudong A' });
    await server.app.auth.createOrg({ code: 'pu-dong', parentCode: 'haicheng', level: 'district', nameZh: '浦东乙', nameEn: 'Pudong B' });
    const admin = await server.login('admin');
    const elsewhere = await server.request('POST', '/api/v1/cases', { token: admin, body: { title: 'pothole in Pudong B', org: 'pu-dong' } });
    expect(elsewhere.status).toBe(201);
    const user = await server.request('POST', '/api/v1/users', { token: admin, body: { username: 'pudong-a', password: 'a-long-password-123', displayName: 'x', role: 'operator', orgCode: 'pu_dong' } });
    expect(user.status).toBe(201);
    const login = await server.request('POST', '/api/v1/auth/login', { body: { username: 'pudong-a', password: 'a-long-password-123' } });
    const listed = await server.request('GET', '/api/v1/cases?limit=500', { token: login.body.token });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((item: { id: number }) => item.id)).not.toContain(elsewhere.body.id);
    expect((await server.request('GET', `/api/v1/cases/${elsewhere.body.id}`, { token: login.body.token })).status).toBe(404);
  });

  it('every registered route declares a permission or public access', async () => {
    const { buildApp } = await import('../../app.js');
    expect(buildApp).toBeTypeOf('function');
    const bad = server.app.http; // already built: registering an undeclared route must throw
    await expect(async () => bad.get('/api/v1/undeclared', async () => 'open')).rejects.toThrow();
  });
});

describe('API tokens for machines', () => {
  it('are created with narrow scopes, shown once, usable, and revocable', async () => {
    const admin = await server.login('admin');
    const created = await server.request('POST', '/api/v1/tokens', { token: admin, body: { name: 'air sensors huangpu', scopes: ['vitals:ingest'], orgCode: 'huangpu' } });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^cpt_/);
    const device = created.body.token as string;
    // It may ingest into its district...
    const ok = await server.request('POST', '/api/v1/vitals/observations', { token: device, body: [{ indicator: 'AIR_QUALITY.PM25', org: 'huangpu', ts: new Date().toISOString(), value: 30 }] });
    expect(ok.status).toBe(200);
    // ...not elsewhere, and it may not read.
    const elsewhere = await server.request('POST', '/api/v1/vitals/observations', { token: device, body: [{ indicator: 'AIR_QUALITY.PM25', org: 'binjiang', ts: new Date().toISOString(), value: 30 }] });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body['invalid-params'][0]).toMatchObject({ name: '/0/org' });
    expect((await server.request('GET', '/api/v1/vitals/snapshot', { token: device })).status).toBe(403);
    const list = await server.request('GET', '/api/v1/tokens', { token: admin });
    expect(JSON.stringify(list.body)).not.toContain(device);
    expect((await server.request('DELETE', `/api/v1/tokens/${created.body.id}`, { token: admin })).status).toBe(204);
    // Revocation is cached for at most a few seconds; a fresh token check sees it.
    server.app.auth['tokenCache'].clear();
    expect((await server.request('POST', '/api/v1/vitals/observations', { token: device, body: [] })).status).toBe(401);
  });

  it('may do what their maker may, no more: a token holding users:manage alone mints no other scope, nor an admin', async () => {
    const admin = await server.login('admin');
    const managing = await server.request('POST', '/api/v1/tokens', { token: admin, body: { name: 'user desk', scopes: ['users:manage'] } });
    expect(managing.status).toBe(201);
    const desk = managing.body.token as string;
    const escalated = await server.request('POST', '/api/v1/tokens', { token: desk, body: { name: 'more', scopes: ['users:manage', 'cases:manage', 'transit:manage'] } });
    expect(escalated.status).toBe(403);
    expect(escalated.body['invalid-params']).toEqual([{ name: 'scopes', reason: 'beyond your own permissions: cases:manage, transit:manage' }]);
    const newAdmin = await server.request('POST', '/api/v1/users', { token: desk, body: { username: 'escadmin', password: 'a-long-password-123', displayName: 'x', role: 'admin', orgCode: 'haicheng' } });
    expect(newAdmin.status).toBe(403);
    expect(newAdmin.body['invalid-params'][0]).toMatchObject({ name: 'role' });
    expect(await server.db.query(`select 1 from app_user where username = 'escadmin'`)).toEqual([]);
    // Within its own permissions it may: a token of the same scope.
    expect((await server.request('POST', '/api/v1/tokens', { token: desk, body: { name: 'same', scopes: ['users:manage'] } })).status).toBe(201);
    // An operator's role may do less than an admin: an admin makes one.
    expect((await server.request('POST', '/api/v1/users', { token: admin, body: { username: 'op2', password: 'a-long-password-123', displayName: 'x', role: 'operator', orgCode: 'huangpu' } })).status).toBe(201);
    // A department that does not exist is named, not a 500 from the database's foreign key.
    const noDepartment = await server.request('POST', '/api/v1/users', { token: admin, body: { username: 'staff9', password: 'a-long-password-123', displayName: 'x', role: 'department_staff', orgCode: 'haicheng', departmentCode: 'no_such_dept' } });
    expect(noDepartment.status).toBe(400);
    expect(noDepartment.body['invalid-params']).toEqual([{ name: 'departmentCode', reason: 'unknown department' }]);
  });

  it('revoked, end the live stream they hold open at its next heartbeat', async () => {
    setHeartbeatMs(100);
    onTestFinished(() => setHeartbeatMs(null));
    const admin = await server.login('admin');
    const created = await server.request('POST', '/api/v1/tokens', { token: admin, body: { name: 'wall display', scopes: ['vitals:read'] } });
    const stream = await openEventStream(`${server.url}/api/v1/vitals/stream?token=${created.body.token}&events=alert`);
    expect(stream.response.status).toBe(200);
    expect((await server.request('DELETE', `/api/v1/tokens/${created.body.id}`, { token: admin })).status).toBe(204);
    server.app.auth['tokenCache'].clear(); // (revocation is otherwise seen within the cache's 5 s)
    expect(await stream.next()).toMatchObject({ event: 'unauthorized', data: { reason: expect.stringContaining('revoked') } });
    await expect(stream.next()).rejects.toThrow('the stream ended');
  });

  it('refuse unknown scopes', async () => {
    const admin = await server.login('admin');
    const response = await server.request('POST', '/api/v1/tokens', { token: admin, body: { name: 'x', scopes: ['everything'] } });
    expect(response.status).toBe(400);
    expect(response.body['invalid-params'][0].name).toMatch(/scopes/);
  });
});

describe('platform endpoints', () => {
  it('serve health, metrics and the OpenAPI document', async () => {
    expect((await server.request('GET', '/healthz')).body).toMatchObject({ status: 'ok' });
    // The city's time zone, for the pages to show times in (public: the stop displays need it too).
    expect((await server.request('GET', '/api/v1/city')).body).toEqual({ timeZone: 'Asia/Shanghai' });
    const metrics = await server.request('GET', '/metrics');
    expect(metrics.body).toContain('http_request_duration_seconds');
    expect(metrics.body).toContain('citypulse_vitals_series');
    const openapi = await server.request('GET', '/docs/json');
    expect(openapi.status).toBe(200);
    expect(Object.keys(openapi.body.paths)).toEqual(expect.arrayContaining(['/api/v1/vitals/observations', '/api/v1/vitals/snapshot', '/api/v1/auth/login']));
  });

  it('answers unknown routes with problem+json', async () => {
    const response = await server.request('GET', '/api/v1/nothing-here');
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ status: 404, code: 'not_found' });
  });
});
