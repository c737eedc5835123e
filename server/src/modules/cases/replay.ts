// Replays historical service requests in the Boston 311 format through a running CityPulse: intake over
// Open311, then filing and dispatch over the cases API, in time order, at `speed` times real time. A
// realistic load and an end-to-end check of intake and dispatch.
import fs from 'node:fs';
import zlib from 'node:zlib';
import { parse } from 'csv-parse';
import { zonedTime } from './working-time.js';

export interface BostonRequest {
  openedAt: number;
  title: string;
  type: string;
  subject: string;
  neighborhood: string;
  address: string | null;
  lat: number | null;
  lon: number | null;
}

/** MM/DD/YYYY hh:mm:ss AM/PM in a local time zone → epoch milliseconds; null when unreadable. */
export function parseUsDateTime(value: string, timeZone: string): number | null {
  const match = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2}):(\d{2}) ?([AP]M)$/i.exec(value.trim());
  if (!match) return null;
  const [, month, day, year, hour12, minute, second, half] = match;
  const hour = (Number(hour12) % 12) + (half.toUpperCase() === 'PM' ? 12 : 0);
  return zonedTime(Number(year), Number(month), Number(day), hour, timeZone, Number(minute), Number(second));
}

/** Reads a Boston-format file (plain or gzip), sorted by opening time; unreadable rows are counted. */
export async function readBostonRequests(file: string, timeZone: string, limit?: number): Promise<{ requests: BostonRequest[]; skipped: number }> {
  const input = fs.createReadStream(file);
  const parser = parse({ columns: true, bom: true, relax_column_count: true, skip_empty_lines: true });
  (file.endsWith('.gz') ? input.pipe(zlib.createGunzip()) : input).pipe(parser);
  const requests: BostonRequest[] = [];
  let skipped = 0;
  for await (const row of parser as AsyncIterable<Record<string, string>>) {
    const openedAt = parseUsDateTime(row.OPEN_DT ?? '', timeZone);
    const title = (row.CASE_TITLE ?? '').trim();
    if (openedAt === null || !title) {
      skipped++;
      continue;
    }
    const lat = Number(row.LATITUDE);
    const lon = Number(row.LONGITUDE);
    const hasPoint = row.LATITUDE !== '' && row.LONGITUDE !== '' && Number.isFinite(lat) && Number.isFinite(lon);
    requests.push({
      openedAt, title, type: row.TYPE ?? '', subject: row.SUBJECT ?? '', neighborhood: row.neighborhood ?? '',
      address: row.Location?.trim() || null, lat: hasPoint ? lat : null, lon: hasPoint ? lon : null,
    });
  }
  requests.sort((a, b) => a.openedAt - b.openedAt);
  return { requests: limit ? requests.slice(0, limit) : requests, skipped };
}

// Boston request types onto the taxonomy, by keyword; everything else is "other".
const SERVICE_KEYWORDS: [RegExp, string][] = [
  [/street ?light|lighting/i, 'urban.road.streetlight'],
  [/pothole|sidewalk|roadway|pavement/i, 'urban.road.damage'],
  [/graffiti/i, 'urban.appearance.graffiti'],
  [/trash|litter|bulk|missed|debris|dumping|rodent/i, 'urban.appearance.litter'],
  [/noise/i, 'environment.noise.neighbourhood'],
  [/construction/i, 'environment.noise.construction'],
  [/elderly|senior/i, 'public.social.elderly'],
];

export function serviceCodeFor(request: BostonRequest): string {
  const text = `${request.type} ${request.title}`;
  for (const [pattern, code] of SERVICE_KEYWORDS) if (pattern.test(text)) return code;
  return 'other.general.other';
}

/** A stable spread of the city's neighbourhoods over the districts of this city. */
export function districtFor(neighborhood: string, districts: string[]): string | undefined {
  if (districts.length === 0) return undefined;
  let hash = 0;
  for (const char of neighborhood) hash = (hash * 31 + char.codePointAt(0)!) >>> 0;
  return districts[hash % districts.length];
}

export interface ReplayClient {
  /** Open311 intake; returns the new case id. */
  intake(request: BostonRequest): Promise<number>;
  /** Files and dispatches the case; returns the department or null when nothing was suggested. */
  dispatch(id: number): Promise<string | null>;
}

export interface ReplayResult {
  intake: number;
  dispatched: number;
  undispatched: number;
  failed: number;
  seconds: number;
}

/**
 * Streams the requests in time order: request i is sent (t_i - t_0) / speed after the first, or as soon
 * as the previous ones are done when the server is slower than that. `concurrency` requests are in
 * flight at once.
 */
export async function replayRequests(requests: BostonRequest[], client: ReplayClient, options: { speed: number; dispatch: boolean; concurrency: number; onProgress?(done: number, result: ReplayResult): void }): Promise<ReplayResult> {
  const result: ReplayResult = { intake: 0, dispatched: 0, undispatched: 0, failed: 0, seconds: 0 };
  const started = performance.now();
  const t0 = requests[0]?.openedAt ?? 0;
  let next = 0;
  let done = 0;
  const failures: string[] = [];
  const worker = async () => {
    while (next < requests.length) {
      const request = requests[next++];
      const due = (request.openedAt - t0) / options.speed - (performance.now() - started);
      if (due > 0) await new Promise((resolve) => setTimeout(resolve, due));
      try {
        const id = await client.intake(request);
        result.intake++;
        if (options.dispatch) {
          if (await client.dispatch(id)) result.dispatched++;
          else result.undispatched++;
        }
      } catch (error) {
        result.failed++;
        if (failures.length < 5) failures.push((error as Error).message);
      }
      done++;
      options.onProgress?.(done, result);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  result.seconds = (performance.now() - started) / 1000;
  if (failures.length > 0 && result.intake === 0) throw new Error(`every request failed, e.g. ${failures[0]}`);
  return result;
}

/** The client over HTTP: Open311 for intake, the cases API for filing and dispatch. */
export function httpReplayClient(baseUrl: string, token: string, districts: string[]): ReplayClient {
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(new URL(path, baseUrl), {
      method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : null;
  };
  return {
    async intake(request) {
      const [created] = await call('POST', '/open311/v2/requests.json', {
        api_key: token, service_code: serviceCodeFor(request), description: `${request.title}\n${request.type}`.trim(),
        address_string: request.address ?? request.neighborhood ?? 'unknown', ...(request.lat !== null ? { lat: request.lat, long: request.lon } : {}),
        requested_datetime: new Date(request.openedAt).toISOString(), org_code: districtFor(request.neighborhood, districts),
      });
      return Number(created.service_request_id);
    },
    async dispatch(id) {
      const filed = await call('POST', `/api/v1/cases/${id}/transitions`, { action: 'file', version: 1 });
      const suggestions = await call('GET', `/api/v1/cases/${id}/suggestions`);
      const department: string | undefined = suggestions.rule?.department ?? suggestions.classifier[0]?.department;
      if (!department) return null;
      await call('POST', `/api/v1/cases/${id}/transitions`, { action: 'dispatch', version: filed.version, department });
      return department;
    },
  };
}
