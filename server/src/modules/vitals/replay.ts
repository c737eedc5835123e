// Replays a real time series from a CSV file into chosen indicators, through the HTTP API of a running
// CityPulse, as a device feed would. Timestamps are re-based onto the wall clock: the first row lands
// "now" and later rows follow at 1/speed of their original spacing, so the live stream, the rules and
// staleness all behave as they would with a live feed.
import fs from 'node:fs';
import zlib from 'node:zlib';
import { parse } from 'csv-parse';

export interface ReplayMapping {
  column: string;
  indicator: string;
}

export interface ReplayOptions {
  file: string;
  mappings: ReplayMapping[];
  /** Org unit for every observation, or a column whose values are mapped through orgMap. */
  org?: string;
  orgColumn?: string;
  orgMap?: Record<string, string>;
  /** Column holding the timestamp; if absent, year/month/day/hour columns are used. */
  timeColumn?: string;
  /** Time zone offset of naive timestamps in the file, e.g. +08:00. */
  utcOffset: string;
  speed: number;
  /** Observations per HTTP request. */
  batchSize: number;
  limit?: number;
  send(batch: { indicator: string; org?: string; ts: number; value: number }[]): Promise<void>;
  onProgress?(rows: number, sent: number): void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export function parseMapping(raw: string): ReplayMapping {
  const index = raw.indexOf('=');
  if (index <= 0 || index === raw.length - 1) throw new Error(`--map must look like COLUMN=INDICATOR, got "${raw}"`);
  return { column: raw.slice(0, index), indicator: raw.slice(index + 1) };
}

function rowTime(row: Record<string, string>, options: ReplayOptions): number {
  if (options.timeColumn) {
    const raw = row[options.timeColumn];
    if (/^\d+(\.\d+)?$/.test(raw)) return Number(raw) * (Number(raw) < 1e11 ? 1000 : 1);
    const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(raw);
    return Date.parse(hasZone ? raw : `${raw.replace(' ', 'T')}${options.utcOffset}`);
  }
  const pad = (value: string) => value.padStart(2, '0');
  return Date.parse(`${row.year}-${pad(row.month)}-${pad(row.day)}T${pad(row.hour ?? '0')}:00:00${options.utcOffset}`);
}

export async function replayCsv(options: ReplayOptions): Promise<{ rows: number; sent: number; skipped: number }> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  let input: NodeJS.ReadableStream = fs.createReadStream(options.file);
  if (options.file.endsWith('.gz')) input = input.pipe(zlib.createGunzip());
  const parser = input.pipe(parse({ columns: true, skip_empty_lines: true, trim: true }));
  let firstDataTime: number | null = null;
  let startedAt = 0;
  let rows = 0;
  let sent = 0;
  let skipped = 0;
  let batch: { indicator: string; org?: string; ts: number; value: number }[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    await options.send(batch);
    sent += batch.length;
    batch = [];
  };
  for await (const row of parser as AsyncIterable<Record<string, string>>) {
    if (options.limit !== undefined && rows >= options.limit) break;
    rows++;
    if (rows === 1) {
      for (const mapping of options.mappings) {
        if (!(mapping.column in row)) throw new Error(`column ${mapping.column} is not in ${options.file} (columns: ${Object.keys(row).join(', ')})`);
      }
    }
    const dataTime = rowTime(row, options);
    if (Number.isNaN(dataTime)) throw new Error(`row ${rows + 1}: cannot read its time`);
    if (firstDataTime === null) {
      firstDataTime = dataTime;
      startedAt = now();
    }
    const due = startedAt + (dataTime - firstDataTime) / options.speed;
    const wait = due - now();
    if (wait > 0) {
      await flush();
      await sleep(wait);
    }
    let org = options.org;
    if (options.orgColumn) org = options.orgMap?.[row[options.orgColumn]] ?? row[options.orgColumn];
    const ts = Math.round(Math.max(due, startedAt));
    for (const mapping of options.mappings) {
      const raw = row[mapping.column];
      const value = Number(raw);
      // Gaps in real data (NA, empty) are gaps in the series, not zeros.
      if (raw === '' || raw === 'NA' || !Number.isFinite(value)) {
        skipped++;
        continue;
      }
      batch.push({ indicator: mapping.indicator, ...(org ? { org } : {}), ts, value });
    }
    if (batch.length >= options.batchSize) await flush();
    options.onProgress?.(rows, sent);
  }
  await flush();
  options.onProgress?.(rows, sent);
  return { rows, sent, skipped };
}
