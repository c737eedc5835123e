// Roles and what they may do. Every route declares the permission it needs; a principal carries the
// permissions of its role (users) or its scopes (API tokens), and the org subtree it may see.

export const PERMISSIONS = [
  'vitals:read', // snapshot, series, alerts, health, stream
  'vitals:ingest', // post observations
  'vitals:manage', // catalogue import, alert rules
  'alerts:handle', // acknowledge, silence
  'users:manage', // users, tokens, org tree
  'cases:read', // case worklists, case pages, statistics
  'cases:report', // report a case (internal API, Open311 api_key, inspectors)
  'cases:handle', // accept, return, report handling (department staff: their department's cases)
  'cases:dispatch', // file, decline, dispatch, verify, reopen, close, record the evaluation
  'cases:manage', // taxonomy, dispatch and alert rules, calendar, classifier training
  'transit:read', // feeds, realtime counters
  'transit:ingest', // push GTFS-Realtime vehicle positions
  'transit:manage', // import and remove GTFS feeds
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = {
  admin: [...PERMISSIONS],
  // The operations centre's duty officer: sees and handles everything in scope, manages no users.
  operator: ['vitals:read', 'vitals:ingest', 'vitals:manage', 'alerts:handle', 'cases:read', 'cases:report', 'cases:handle', 'cases:dispatch', 'transit:read', 'transit:ingest', 'transit:manage'],
  department_staff: ['vitals:read', 'alerts:handle', 'cases:read', 'cases:handle'],
  grid_worker: ['vitals:read', 'cases:read', 'cases:report'],
  viewer: ['vitals:read', 'cases:read'],
} satisfies Record<string, Permission[]>;
export type Role = keyof typeof ROLES;

export const isRole = (value: string): value is Role => Object.hasOwn(ROLES, value);
export const isPermission = (value: string): value is Permission => (PERMISSIONS as readonly string[]).includes(value);
/**
 * Whether a principal's org unit is the city at the root of the org tree (its path has one step,
 * `/haicheng/`): what a change holding for the whole city needs (the vitals catalogue, the cases
 * calendar and taxonomy), since a district's subtree is its district but such a change is everyone's.
 */
export const atCityRoot = (orgPath: string): boolean => /^\/[^/]+\/$/.test(orgPath);

export interface Principal {
  kind: 'user' | 'token';
  id: number;
  name: string;
  role: Role | null;
  permissions: ReadonlySet<Permission>;
  orgCode: string;
  /** The department a user works for (department staff), if any. */
  departmentCode: string | null;
  /** Materialised path of the principal's org: everything it sees starts with it. */
  orgPath: string;
}
