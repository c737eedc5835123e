// Validation of an observation batch. Parsing is hand-written rather than schema-driven because it runs
// on every observation at tens of thousands per second and must name each bad item's index and field.
//
// A batch is all-or-nothing: if any item is invalid, nothing is stored and the answer lists every bad
// item (up to MAX_REPORTED_ERRORS). Clients can then fix and re-send the whole batch; since ingest is
// idempotent, re-sending items that were fine is harmless. Partial acceptance would leave a client
// guessing which items to retry.
import type { InvalidParam } from '../../platform/errors.js';
import type { ObservationBatch } from './observation-store.js';
import { VitalsError, VitalsErrorCode } from './errors.js';

export const MAX_BATCH_ITEMS = 100_000;
const MAX_REPORTED_ERRORS = 100;
/** Devices' clocks drift; beyond this an observation "from the future" is a bug, not drift. */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;

export interface IngestLookups {
  indicator(code: string): { id: number; orgLevels: readonly string[] } | undefined;
  org(code: string): { id: number; path: string; level: string } | undefined;
  /** Org of the caller: the default when an item names none, and the subtree it may write to. */
  callerOrg: { code: string; id: number; path: string; level: string };
  now: number;
  oldestAcceptedMs: number;
}

function parseTimestamp(raw: unknown): number | string {
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw) || !Number.isInteger(raw)) return 'must be an integer number of milliseconds since the epoch';
    return raw;
  }
  if (typeof raw !== 'string') return 'must be an RFC 3339 timestamp string or epoch milliseconds';
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(raw)) {
    return 'must be an RFC 3339 timestamp with a UTC offset, e.g. 2026-11-25T08:00:00+08:00';
  }
  const ms = Date.parse(raw);
  return Number.isNaN(ms) ? 'is not a valid date' : ms;
}

export function validateObservations(items: unknown, lookups: IngestLookups): ObservationBatch {
  if (!Array.isArray(items)) {
    throw new VitalsError(VitalsErrorCode.InvalidObservations, 'the body must be a JSON array of observations or NDJSON', [{ name: 'body', reason: 'not an array' }]);
  }
  if (items.length === 0) {
    throw new VitalsError(VitalsErrorCode.InvalidObservations, 'the batch is empty', [{ name: 'body', reason: 'no observations' }]);
  }
  if (items.length > MAX_BATCH_ITEMS) {
    throw new VitalsError(VitalsErrorCode.InvalidObservations, `a batch holds at most ${MAX_BATCH_ITEMS} observations`, [{ name: 'body', reason: `${items.length} items` }]);
  }
  const batch: ObservationBatch = { indicatorIds: [], orgIds: [], timestamps: [], epochMs: [], values: [] };
  const errors: InvalidParam[] = [];
  let errorCount = 0; // problems found: an observation may have several
  let invalidItems = 0; // observations with at least one
  const fail = (index: number, field: string, reason: string) => {
    errorCount++;
    if (errors.length < MAX_REPORTED_ERRORS) errors.push({ name: `/${index}${field ? `/${field}` : ''}`, reason });
  };
  const { callerOrg } = lookups;
  const latestAccepted = lookups.now + MAX_FUTURE_SKEW_MS;
  for (let index = 0; index < items.length; index++) {
    const item = items[index] as Record<string, unknown>;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      fail(index, '', 'must be an object {indicator, org?, ts, value}');
      invalidItems++;
      continue;
    }
    const before = errorCount;
    const code = item.indicator;
    const indicator = typeof code === 'string' ? lookups.indicator(code) : undefined;
    if (typeof code !== 'string') fail(index, 'indicator', 'must be a string indicator code');
    else if (!indicator) fail(index, 'indicator', `unknown indicator ${code.slice(0, 80)}`);

    let org = callerOrg;
    if (item.org !== undefined && item.org !== null) {
      const found = typeof item.org === 'string' ? lookups.org(item.org) : undefined;
      if (typeof item.org !== 'string') fail(index, 'org', 'must be a string org unit code');
      else if (!found) fail(index, 'org', `unknown org unit ${item.org.slice(0, 80)}`);
      else if (!found.path.startsWith(callerOrg.path)) fail(index, 'org', `org unit ${item.org} is outside the caller's org subtree`);
      else org = { code: item.org, ...found };
    }
    if (indicator && errorCount === before && !indicator.orgLevels.includes(org.level)) {
      fail(index, 'org', `indicator ${code} is not reported at ${org.level} level (only ${indicator.orgLevels.join(', ')})`);
    }

    const ts = parseTimestamp(item.ts);
    if (typeof ts === 'string') fail(index, 'ts', item.ts === undefined ? 'is required' : ts);
    else if (ts > latestAccepted) fail(index, 'ts', 'is more than 5 minutes in the future');
    else if (ts < lookups.oldestAcceptedMs) fail(index, 'ts', 'is older than the raw data retention period');

    const value = item.value;
    if (typeof value !== 'number') fail(index, 'value', value === undefined ? 'is required' : 'must be a number');
    else if (!Number.isFinite(value)) fail(index, 'value', 'must be finite');

    for (const key in item) {
      if (key !== 'indicator' && key !== 'org' && key !== 'ts' && key !== 'value') fail(index, key, 'is not a known field');
    }
    if (errorCount !== before) {
      invalidItems++;
      continue;
    }
    batch.indicatorIds.push(indicator!.id);
    batch.orgIds.push(org.id);
    batch.timestamps.push(new Date(ts as number).toISOString());
    batch.epochMs.push(ts as number);
    batch.values.push(value as number);
  }
  if (errorCount > 0) {
    throw new VitalsError(
      VitalsErrorCode.InvalidObservations,
      `${invalidItems} of ${items.length} observations are invalid; nothing was stored`,
      errors,
      { invalidCount: invalidItems },
    );
  }
  return batch;
}

/** NDJSON: one JSON object per line; blank lines are ignored. A bad line is named by its number. */
export function parseNdjson(text: string): unknown[] {
  const items: unknown[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index].trim();
    if (line === '') continue;
    try {
      items.push(JSON.parse(line));
    } catch {
      throw new VitalsError(VitalsErrorCode.InvalidObservations, `line ${index + 1} is not valid JSON`, [{ name: `line ${index + 1}`, reason: 'not valid JSON' }]);
    }
  }
  return items;
}
