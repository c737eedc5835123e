// Users, the org tree, bearer tokens (short-lived JWTs for people, long-lived API tokens for machines).
import { createHash, randomBytes } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import type { Db } from '../db/types.js';
import { ProblemError, badRequest, conflict, notFound, unauthorized } from '../errors.js';
import { hashPassword, randomPassword, verifyPassword } from './passwords.js';
import { ROLES, isPermission, isRole, type Permission, type Principal, type Role } from './roles.js';

const SESSION_SECONDS = 12 * 3600;
const API_TOKEN_PREFIX = 'cpt_';

export interface OrgUnit {
  id: number;
  code: string;
  parentCode: string | null;
  level: 'city' | 'district' | 'street' | 'committee';
  nameZh: string;
  nameEn: string;
  path: string;
}

const LEVEL_ORDER = ['city', 'district', 'street', 'committee'] as const;

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

export class AuthService {
  private secret: Uint8Array | null = null;
  private orgCache: Map<string, OrgUnit> | null = null;

  constructor(private readonly db: Db) {}

  private async signingKey(): Promise<Uint8Array> {
    if (this.secret) return this.secret;
    // Kept in the database so every process of a cluster signs and verifies with the same key.
    const candidate = randomBytes(32).toString('base64');
    await this.db.query(
      `insert into platform_secret (name, value) values ('jwt', $1) on conflict (name) do nothing`,
      [candidate],
    );
    const [row] = await this.db.query<{ value: string }>(`select value from platform_secret where name = 'jwt'`);
    this.secret = Buffer.from(row.value, 'base64');
    return this.secret;
  }

  // --- org tree -------------------------------------------------------------------------------------

  async orgs(): Promise<Map<string, OrgUnit>> {
    if (this.orgCache) return this.orgCache;
    const rows = await this.db.query<OrgUnit>(
      `select id, code, parent_code as "parentCode", level, name_zh as "nameZh", name_en as "nameEn", path from org_unit order by path`,
    );
    this.orgCache = new Map(rows.map((row) => [row.code, row]));
    return this.orgCache;
  }

  async createOrg(input: { code: string; parentCode: string | null; level: OrgUnit['level']; nameZh: string; nameEn: string }): Promise<OrgUnit> {
    // Creating an org invalidates the cache; read a fresh tree so concurrent creators see each other.
    this.orgCache = null;
    if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(input.code)) {
      throw badRequest('org code must be lower-case letters, digits, _ or -', [{ name: 'code', reason: 'invalid format' }]);
    }
    const orgs = await this.orgs();
    if (orgs.has(input.code)) throw conflict(`org unit ${input.code} already exists`);
    let path = `/${input.code}/`;
    if (input.parentCode === null) {
      if (input.level !== 'city') throw badRequest('only a city may have no parent', [{ name: 'parentCode', reason: 'required below city level' }]);
    } else {
      const parent = orgs.get(input.parentCode);
      if (!parent) throw badRequest(`parent org ${input.parentCode} does not exist`, [{ name: 'parentCode', reason: 'unknown org unit' }]);
      if (LEVEL_ORDER.indexOf(input.level) !== LEVEL_ORDER.indexOf(parent.level) + 1) {
        throw badRequest(`a ${input.level} cannot sit under a ${parent.level}`, [{ name: 'level', reason: 'must be one level below the parent' }]);
      }
      path = `${parent.path}${input.code}/`;
    }
    const [row] = await this.db.query<{ id: number }>(
      `insert into org_unit (code, parent_code, level, name_zh, name_en, path) values ($1, $2, $3, $4, $5, $6) returning id`,
      [input.code, input.parentCode, input.level, input.nameZh, input.nameEn, path],
    );
    this.orgCache = null;
    return { id: row.id, ...input, path };
  }

  async createDepartment(input: { code: string; nameZh: string; nameEn: string; orgCode: string }): Promise<void> {
    await this.db.query(
      `insert into department (code, name_zh, name_en, org_code) values ($1, $2, $3, $4) on conflict (code) do nothing`,
      [input.code, input.nameZh, input.nameEn, input.orgCode],
    );
  }

  async departments(): Promise<{ code: string; nameZh: string; nameEn: string; orgCode: string }[]> {
    return this.db.query(`select code, name_zh as "nameZh", name_en as "nameEn", org_code as "orgCode" from department order by code`);
  }

  // --- users ----------------------------------------------------------------------------------------

  async userCount(): Promise<number> {
    const [row] = await this.db.query<{ count: number }>('select count(*)::int as count from app_user');
    return row.count;
  }

  async createUser(input: { username: string; password: string; displayName: string; role: string; orgCode: string; departmentCode?: string | null }): Promise<{ id: number }> {
    if (!/^[a-zA-Z0-9_.-]{2,64}$/.test(input.username)) {
      throw badRequest('username must be 2-64 letters, digits, _ . or -', [{ name: 'username', reason: 'invalid format' }]);
    }
    if (input.password.length < 12) throw badRequest('password too short', [{ name: 'password', reason: 'must be at least 12 characters' }]);
    if (!isRole(input.role)) throw badRequest(`unknown role ${input.role}`, [{ name: 'role', reason: `must be one of ${Object.keys(ROLES).join(', ')}` }]);
    const orgs = await this.orgs();
    if (!orgs.has(input.orgCode)) throw badRequest(`unknown org ${input.orgCode}`, [{ name: 'orgCode', reason: 'unknown org unit' }]);
    if (input.departmentCode != null && !(await this.departments()).some((department) => department.code === input.departmentCode)) {
      throw badRequest(`unknown department ${input.departmentCode}`, [{ name: 'departmentCode', reason: 'unknown department' }]);
    }
    const hash = await hashPassword(input.password);
    const rows = await this.db.query<{ id: number }>(
      `insert into app_user (username, password_hash, display_name, role, org_code, department_code)
       values ($1, $2, $3, $4, $5, $6) on conflict (username) do nothing returning id`,
      [input.username, hash, input.displayName, input.role, input.orgCode, input.departmentCode ?? null],
    );
    if (rows.length === 0) throw conflict(`user ${input.username} already exists`);
    return rows[0];
  }

  /**
   * On first start there is no administrator: create `admin` at the root of the org tree with the configured
   * password or a random one, which is returned so the caller can print it once. No default passwords.
   */
  async ensureFirstAdmin(configuredPassword: string | null): Promise<{ created: boolean; password: string | null }> {
    const [admins] = await this.db.query<{ count: number }>(`select count(*)::int as count from app_user where role = 'admin'`);
    if (admins.count > 0) return { created: false, password: null };
    const [root] = await this.db.query<{ code: string }>(`select code from org_unit where parent_code is null order by code limit 1`);
    if (!root) throw new ProblemError(500, 'no_org_tree', 'No org tree', 'the org tree has no city at its root');
    const password = configuredPassword ?? randomPassword();
    await this.createUser({ username: 'admin', password, displayName: 'Administrator', role: 'admin', orgCode: root.code });
    return { created: true, password: configuredPassword ? null : password };
  }

  async login(username: string, password: string): Promise<{ token: string; expiresIn: number; user: { username: string; role: string; orgCode: string; departmentCode: string | null; displayName: string } }> {
    const [user] = await this.db.query<{ id: number; password_hash: string; role: Role; org_code: string; department_code: string | null; display_name: string; disabled: boolean }>(
      `select id, password_hash, role, org_code, department_code, display_name, disabled from app_user where username = $1`,
      [username],
    );
    // Verify against a dummy hash for unknown users so response time does not reveal which names exist.
    const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
    if (!user || !ok || user.disabled) throw unauthorized('wrong username or password');
    const token = await new SignJWT({ role: user.role, org: user.org_code, dept: user.department_code, name: username })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(String(user.id))
      .setIssuedAt()
      .setExpirationTime(`${SESSION_SECONDS}s`)
      .sign(await this.signingKey());
    return { token, expiresIn: SESSION_SECONDS, user: { username, role: user.role, orgCode: user.org_code, departmentCode: user.department_code, displayName: user.display_name } };
  }

  // --- API tokens -----------------------------------------------------------------------------------

  async createApiToken(input: { name: string; scopes: string[]; orgCode: string; createdBy: number | null; expiresAt?: Date | null }): Promise<{ id: number; token: string }> {
    if (input.scopes.length === 0) throw badRequest('a token needs at least one scope', [{ name: 'scopes', reason: 'empty' }]);
    const badScope = input.scopes.find((scope) => !isPermission(scope));
    if (badScope) throw badRequest(`unknown scope ${badScope}`, [{ name: 'scopes', reason: `unknown scope ${badScope}` }]);
    const orgs = await this.orgs();
    if (!orgs.has(input.orgCode)) throw badRequest(`unknown org ${input.orgCode}`, [{ name: 'orgCode', reason: 'unknown org unit' }]);
    const token = API_TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const [row] = await this.db.query<{ id: number }>(
      `insert into api_token (name, token_hash, scopes, org_code, created_by, expires_at) values ($1, $2, $3, $4, $5, $6) returning id`,
      [input.name, sha256(token), input.scopes, input.orgCode, input.createdBy, input.expiresAt ?? null],
    );
    return { id: row.id, token };
  }

  async revokeApiToken(id: number, callerPath: string): Promise<void> {
    const rows = await this.db.query(
      `update api_token t set revoked_at = now() from org_unit o
       where t.id = $1 and o.code = t.org_code and starts_with(o.path, $2) and t.revoked_at is null returning t.id`,
      [id, callerPath],
    );
    if (rows.length === 0) throw notFound(`token ${id} not found`);
  }

  async listApiTokens(callerPath: string) {
    return this.db.query(
      `select t.id, t.name, t.scopes, t.org_code as "orgCode", t.created_at as "createdAt", t.expires_at as "expiresAt", t.revoked_at as "revokedAt"
       from api_token t join org_unit o on o.code = t.org_code where starts_with(o.path, $1) order by t.id`,
      [callerPath],
    );
  }

  // --- authentication of a request -------------------------------------------------------------------

  private readonly tokenCache = new Map<string, { principal: Principal; checkedAt: number }>();

  async authenticate(bearer: string): Promise<Principal> {
    const orgs = await this.orgs();
    if (bearer.startsWith(API_TOKEN_PREFIX)) {
      // Machine clients send many requests a second; revocation takes effect within this many ms.
      const cached = this.tokenCache.get(bearer);
      if (cached && Date.now() - cached.checkedAt < 5_000) return cached.principal;
      const [row] = await this.db.query<{ id: number; name: string; scopes: string[]; org_code: string; expires_at: Date | null; revoked_at: Date | null }>(
        `select id, name, scopes, org_code, expires_at, revoked_at from api_token where token_hash = $1`,
        [sha256(bearer)],
      );
      if (!row || row.revoked_at || (row.expires_at && row.expires_at.getTime() < Date.now())) {
        this.tokenCache.delete(bearer);
        throw unauthorized('the API token is unknown, revoked or expired');
      }
      const org = orgs.get(row.org_code);
      if (!org) throw unauthorized('the token belongs to an org unit that no longer exists');
      const principal: Principal = {
        kind: 'token',
        id: row.id,
        name: row.name,
        role: null,
        permissions: new Set(row.scopes.filter(isPermission)),
        orgCode: org.code,
        departmentCode: null,
        orgPath: org.path,
      };
      this.tokenCache.set(bearer, { principal, checkedAt: Date.now() });
      return principal;
    }
    let payload;
    try {
      ({ payload } = await jwtVerify(bearer, await this.signingKey(), { algorithms: ['HS256'] }));
    } catch {
      throw unauthorized('the bearer token is invalid or expired');
    }
    const role = String(payload.role);
    const org = orgs.get(String(payload.org));
    if (!isRole(role) || !org) throw unauthorized('the bearer token names an unknown role or org unit');
    return {
      kind: 'user',
      id: Number(payload.sub),
      name: String(payload.name),
      role,
      permissions: new Set<Permission>(ROLES[role]),
      orgCode: org.code,
      departmentCode: typeof payload.dept === 'string' ? payload.dept : null,
      orgPath: org.path,
    };
  }
}

// scrypt hash of a random string, used to spend the same time on unknown usernames.
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
