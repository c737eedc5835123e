// Roles and what they may do. Every route declares the permission it needs; a principal carries the
// permissions of its role (users) or its scopes (API tokens), and the org subtree it may see.

export const PERMISSIONS = [
  'vitals:read', // snapshot, series, alerts, health, stream
  'vitals:ingest', // post observations
  'vitals:manage', // catalogue import, alert rules
  'alerts:handle', // acknowledge, silence
  'users:manage', // users, tokens, org tree
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = {
  admin: [...PERMISSIONS],
  // The operations centre's duty officer: sees and handles everything in scope, manages no users.
  operator: ['vitals:read', 'vitals:ingest', 'vitals:manage', 'alerts:handle'],
  department_staff: ['vitals:read', 'alerts:handle'],
  grid_worker: ['vitals:read'],
  viewer: ['vitals:read'],
} satisfies Record<string, Permission[]>;
export type Role = keyof typeof ROLES;

export const isRole = (value: string): value is Role => Object.hasOwn(ROLES, value);
export const isPermission = (value: string): value is Permission => (PERMISSIONS as readonly string[]).includes(value);

export interface Principal {
  kind: 'user' | 'token';
  id: number;
  name: string;
  role: Role | null;
  permissions: ReadonlySet<Permission>;
  orgCode: string;
  /** Materialised path of the principal's org: everything it sees starts with it. */
  orgPath: string;
}
