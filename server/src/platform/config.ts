// Configuration from environment variables, validated once at start. A bad value stops the start with a
// message naming the variable and the reason, rather than surfacing later as a confusing failure.
import os from 'node:os';
import path from 'node:path';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** PostgreSQL connection string; absent means embedded PGlite in `dataDir`. */
  databaseUrl: string | null;
  mqttUrl: string | null;
  /** MQTT client id: stable, so the broker keeps the session (and unacknowledged messages) across restarts. */
  mqttClientId: string;
  timezone: string;
  adminPassword: string | null;
  logLevel: string;
  /** Raw observations older than this are deleted; rollups are kept longer. */
  rawRetentionDays: number;
  minuteRollupRetentionDays: number;
  hourRollupRetentionDays: number;
  /** Largest request body accepted, in bytes. */
  bodyLimitBytes: number;
  /**
   * Which proxies to believe about the client's address (X-Forwarded-For), as Fastify's `trustProxy`:
   * false, true (any), a number of hops, or addresses and CIDR ranges. Per-client limits count by it.
   */
  trustProxy: boolean | number | string;
  /** Stop passings of buses (headway history) older than this are deleted. */
  transitHistoryDays: number;
  /** GTFS-Realtime feeds to poll: which transit feed each URL's messages belong to. */
  transitRealtimeSources: { feedId: string; url: string }[];
  /** Seconds between two polls of one realtime URL (longer after failures). */
  transitPollSeconds: number;
  /** The transit feed that passenger pages and requests naming no feed are for, when there are several. */
  transitDefaultFeed: string | null;
  /** What an imported GTFS feed's files may inflate to, in all (its rows are held in memory while checked). */
  transitMaxFeedBytes: number;
  /** Live stop streams (stop boards, apps) one process keeps open at once, and from one client address. */
  transitMaxStreams: number;
  transitMaxStreamsPerClient: number;
}

export class ConfigError extends Error {
  constructor(readonly variable: string, reason: string) {
    super(`${variable}: ${reason}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function url(env: Env, name: string, protocols: string[]): string | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return null;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `is not a valid URL`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')}, got ${parsed.protocol}`);
  }
  return raw;
}

function timezone(env: Env, name: string, fallback: string): string {
  const value = env[name] || fallback;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
  } catch {
    throw new ConfigError(name, `is not an IANA time zone, got "${value}"`);
  }
  return value;
}

/**
 * `FEED=URL` entries separated by commas or white space, e.g.
 * `haicheng=https://bus.example/gtfs-rt/vehicle-positions,haicheng=https://bus.example/gtfs-rt/trip-updates`
 * (a comma inside a URL is written %2C).
 */
function feedId(env: Env, name: string): string | null {
  const value = env[name]?.trim();
  if (!value) return null;
  if (!FEED_ID.test(value)) throw new ConfigError(name, `"${value}" is not a feed id (1-64 letters, digits, dots, dashes, underscores)`);
  return value;
}

const FEED_ID = /^[A-Za-z0-9_.-]{1,64}$/;

function realtimeSources(env: Env, name: string): { feedId: string; url: string }[] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return [];
  const entries = raw.split(/[\s,]+/).filter(Boolean);
  return entries.map((entry, i) => {
    const at = entry.indexOf('=');
    const example = 'FEED=URL, e.g. haicheng=https://bus.example/gtfs-rt/vehicle-positions';
    if (at < 1) throw new ConfigError(name, `entry ${i + 1} "${entry}" must be ${example}`);
    const feedId = entry.slice(0, at);
    if (!FEED_ID.test(feedId)) throw new ConfigError(name, `entry ${i + 1}: "${feedId}" is not a feed id (1-64 letters, digits, dots, dashes, underscores)`);
    let parsed: URL;
    try {
      parsed = new URL(entry.slice(at + 1));
    } catch {
      throw new ConfigError(name, `entry ${i + 1}: "${entry.slice(at + 1)}" is not a valid URL (${example})`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ConfigError(name, `entry ${i + 1}: must use http: or https:, got ${parsed.protocol}`);
    return { feedId, url: parsed.toString() };
  });
}

/** `true`/`false`, a number of proxy hops, or a comma-separated list of addresses and CIDR ranges. */
function trustProxy(env: Env, name: string): boolean | number | string {
  const raw = (env[name] ?? '').trim();
  if (raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  const entries = raw.split(',').map((entry) => entry.trim());
  const bad = entries.find((entry) => !/^[0-9a-fA-F.:]+(\/\d{1,3})?$/.test(entry));
  if (bad !== undefined) throw new ConfigError(name, `"${bad}" is not an address or CIDR range; give true, false, a number of hops, or addresses such as 10.0.0.0/8,127.0.0.1`);
  return entries.join(',');
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function loadConfig(env: Env = process.env): Config {
  const adminPassword = env.CITYPULSE_ADMIN_PASSWORD || null;
  if (adminPassword !== null && adminPassword.length < 12) {
    throw new ConfigError('CITYPULSE_ADMIN_PASSWORD', 'must be at least 12 characters');
  }
  const logLevel = env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  const host = env.HOST || '0.0.0.0';
  if (/\s/.test(host)) throw new ConfigError('HOST', 'must be a host name or address without spaces');
  return {
    port: integer(env, 'PORT', 8080, 0, 65535),
    host,
    dataDir: path.resolve(env.CITYPULSE_DATA_DIR || './data'),
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    mqttUrl: url(env, 'MQTT_URL', ['mqtt:', 'mqtts:', 'ws:', 'wss:', 'tcp:']),
    mqttClientId: env.MQTT_CLIENT_ID || `citypulse-vitals-${os.hostname()}`.slice(0, 64),
    timezone: timezone(env, 'CITYPULSE_TIMEZONE', 'Asia/Shanghai'),
    adminPassword,
    logLevel,
    rawRetentionDays: integer(env, 'CITYPULSE_RAW_RETENTION_DAYS', 30, 1, 3650),
    minuteRollupRetentionDays: integer(env, 'CITYPULSE_MINUTE_ROLLUP_RETENTION_DAYS', 90, 1, 36500),
    hourRollupRetentionDays: integer(env, 'CITYPULSE_HOUR_ROLLUP_RETENTION_DAYS', 1825, 1, 36500),
    bodyLimitBytes: integer(env, 'CITYPULSE_BODY_LIMIT_BYTES', 16 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    trustProxy: trustProxy(env, 'CITYPULSE_TRUST_PROXY'),
    transitHistoryDays: integer(env, 'CITYPULSE_TRANSIT_HISTORY_DAYS', 30, 1, 3650),
    transitRealtimeSources: realtimeSources(env, 'CITYPULSE_TRANSIT_REALTIME_URLS'),
    transitPollSeconds: integer(env, 'CITYPULSE_TRANSIT_POLL_SECONDS', 15, 5, 3600),
    transitDefaultFeed: feedId(env, 'CITYPULSE_TRANSIT_DEFAULT_FEED'),
    // The transit module's DEFAULT_MAX_FEED_BYTES (what its commands use without a configuration).
    transitMaxFeedBytes: integer(env, 'CITYPULSE_TRANSIT_MAX_FEED_BYTES', 512 * 1024 * 1024, 1024 * 1024, 16 * 1024 * 1024 * 1024),
    transitMaxStreams: integer(env, 'CITYPULSE_TRANSIT_MAX_STREAMS', 10_000, 1, 1_000_000),
    transitMaxStreamsPerClient: integer(env, 'CITYPULSE_TRANSIT_MAX_STREAMS_PER_CLIENT', 100, 1, 1_000_000),
  };
}
