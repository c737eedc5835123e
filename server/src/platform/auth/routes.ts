import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { principalOf } from '../http/auth-hook.js';
import { forbidden, ProblemError } from '../errors.js';
import { isRole, PERMISSIONS, ROLES, type Permission, type Principal } from './roles.js';
import type { AuthService } from './service.js';
import { RowId } from '../http/row-id.js';

const Login = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 64 }),
  password: Type.String({ minLength: 1, maxLength: 256 }),
}, { additionalProperties: false });

const NewToken = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  scopes: Type.Array(Type.Union(PERMISSIONS.map((p) => Type.Literal(p))), { minItems: 1, uniqueItems: true }),
  orgCode: Type.Optional(Type.String({ minLength: 1 })),
  expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
}, { additionalProperties: false });

const NewUser = Type.Object({
  username: Type.String({ minLength: 2, maxLength: 64 }),
  password: Type.String({ minLength: 12, maxLength: 256 }),
  displayName: Type.String({ minLength: 1, maxLength: 100 }),
  role: Type.String(),
  orgCode: Type.String({ minLength: 1 }),
  departmentCode: Type.Optional(Type.String()),
}, { additionalProperties: false });

/** Refuses (403, naming `field`) permissions the caller does not hold itself: what it makes can do no more than it. */
function withinOwnPermissions(principal: Principal, wanted: readonly Permission[], field: string, what: string): void {
  const beyond = wanted.filter((permission) => !principal.permissions.has(permission));
  if (beyond.length) throw new ProblemError(403, 'forbidden', 'Forbidden', `${what}: ${beyond.join(', ')}`, [{ name: field, reason: `beyond your own permissions: ${beyond.join(', ')}` }]);
}

export async function authRoutes(app: FastifyInstance, auth: AuthService): Promise<void> {
  app.post('/api/v1/auth/login', {
    config: {
      public: true,
      // Per address and username: slows password guessing without locking out a whole office behind NAT.
      rateLimit: { max: 10, timeWindow: '1 minute', hook: 'preHandler', keyGenerator: (request) => `${request.ip}:${(request.body as { username?: string } | undefined)?.username ?? ''}` },
    },
    schema: { tags: ['auth'], summary: 'Exchange a username and password for a bearer token (JWT)', body: Login },
  }, async (request) => {
    const { username, password } = request.body as { username: string; password: string };
    return auth.login(username, password);
  });

  app.get('/api/v1/auth/me', {
    config: { permission: 'vitals:read' },
    schema: { tags: ['auth'], summary: 'Who the bearer is and what it may do' },
  }, async (request) => {
    const principal = principalOf(request);
    return { kind: principal.kind, name: principal.name, role: principal.role, orgCode: principal.orgCode, departmentCode: principal.departmentCode, permissions: [...principal.permissions] };
  });

  app.get('/api/v1/orgs', {
    config: { permission: 'vitals:read' },
    schema: { tags: ['auth'], summary: "The org tree under the caller's org unit" },
  }, async (request) => {
    const principal = principalOf(request);
    const orgs = await auth.orgs();
    return { items: [...orgs.values()].filter((org) => org.path.startsWith(principal.orgPath)) };
  });

  app.get('/api/v1/departments', {
    config: { permission: 'vitals:read' },
    schema: { tags: ['auth'], summary: 'Departments' },
  }, async () => ({ items: await auth.departments() }));

  app.post('/api/v1/users', {
    config: { permission: 'users:manage' },
    schema: { tags: ['auth'], summary: "Create a user in the caller's subtree", body: NewUser },
  }, async (request, reply) => {
    const principal = principalOf(request);
    const body = request.body as { username: string; password: string; displayName: string; role: string; orgCode: string; departmentCode?: string };
    const org = (await auth.orgs()).get(body.orgCode);
    if (org && !org.path.startsWith(principal.orgPath)) throw forbidden(`org ${body.orgCode} is outside your org subtree`);
    // Nor may a user be given a role that can do more than its maker: an admin is made by an admin.
    if (isRole(body.role)) withinOwnPermissions(principal, ROLES[body.role], 'role', `role ${body.role} may do what you may not`);
    const user = await auth.createUser(body);
    reply.status(201);
    return user;
  });

  app.get('/api/v1/tokens', {
    config: { permission: 'users:manage' },
    schema: { tags: ['auth'], summary: "API tokens in the caller's subtree (never the secrets)" },
  }, async (request) => ({ items: await auth.listApiTokens(principalOf(request).orgPath) }));

  app.post('/api/v1/tokens', {
    config: { permission: 'users:manage' },
    schema: { tags: ['auth'], summary: 'Create a long-lived API token with narrow scopes; the secret is shown once', body: NewToken },
  }, async (request, reply) => {
    const principal = principalOf(request);
    const body = request.body as { name: string; scopes: string[]; orgCode?: string; expiresInDays?: number };
    // A token may do what its maker may, no more: else one holding users:manage alone mints itself the rest.
    withinOwnPermissions(principal, body.scopes as Permission[], 'scopes', 'a token cannot be given what its maker may not do');
    const orgCode = body.orgCode ?? principal.orgCode;
    const org = (await auth.orgs()).get(orgCode);
    if (org && !org.path.startsWith(principal.orgPath)) throw forbidden(`org ${orgCode} is outside your org subtree`);
    const expiresAt = body.expiresInDays ? new Date(Date.now() + body.expiresInDays * 86_400_000) : null;
    const created = await auth.createApiToken({ name: body.name, scopes: body.scopes, orgCode, createdBy: principal.kind === 'user' ? principal.id : null, expiresAt });
    reply.status(201);
    return created;
  });

  app.delete('/api/v1/tokens/:id', {
    config: { permission: 'users:manage' },
    schema: { tags: ['auth'], summary: 'Revoke an API token', params: Type.Object({ id: RowId() }) },
  }, async (request, reply) => {
    await auth.revokeApiToken((request.params as { id: number }).id, principalOf(request).orgPath);
    reply.status(204);
  });
}
