// Polling operators' GTFS-Realtime URLs: each source is fetched on its interval (protobuf, or the JSON
// form when the server says JSON or the body starts with "{"), and what it returns goes through the same
// path as a pushed message. A poll never throws: a timeout, an HTTP error, a body that is not a
// FeedMessage or an unknown feed is counted on the source, logged, and the next poll waits longer
// (doubling up to MAX_BACKOFF_SECONDS) until one succeeds.
import type { Logger } from '../../../platform/logger.js';
import type { Clock } from '../../../platform/clock.js';
import { FeedJson } from './feed-json.js';

export interface PollSource {
  id: string;
  feedId: string;
  url: string;
  intervalSeconds: number;
  /** Sources from CITYPULSE_TRANSIT_REALTIME_URLS are fixed; sources registered over the API are stored. */
  origin: 'config' | 'api';
}

export interface PollState {
  polls: number;
  successes: number;
  failures: number;
  consecutiveFailures: number;
  lastPollAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  /** The ingest report of the last successful poll (accepted, stale, ...). */
  lastReport: Record<string, unknown> | null;
  nextPollAt: string | null;
}

export type PollOutcome = { ok: true; report: Record<string, unknown> } | { ok: false; error: string };

export const MAX_BACKOFF_SECONDS = 300;

/** Seconds until the next poll: the interval, doubled for each failure in a row, at most MAX_BACKOFF_SECONDS (or the interval if longer). */
export const nextDelaySeconds = (intervalSeconds: number, consecutiveFailures: number) =>
  consecutiveFailures === 0 ? intervalSeconds : Math.max(intervalSeconds, Math.min(MAX_BACKOFF_SECONDS, intervalSeconds * 2 ** Math.min(consecutiveFailures, 10)));

interface Entry { source: PollSource; state: PollState; timer: NodeJS.Timeout | null; running: Promise<PollOutcome> | null }

export class RealtimePoller {
  private readonly entries = new Map<string, Entry>();
  private started = false;

  constructor(
    private readonly ctx: { clock: Clock; logger: Logger; timeoutMs: number; maxBytes: number },
    /** Takes a decoded body (Buffer for protobuf, parsed JSON otherwise); throws on a refused message. */
    private readonly ingest: (feedId: string, body: Buffer | unknown, sourceId: string) => Promise<Record<string, unknown>>,
    private readonly onOutcome: (source: PollSource, ok: boolean) => void = () => undefined,
  ) {}

  add(source: PollSource): void {
    this.remove(source.id);
    const entry: Entry = {
      source, timer: null, running: null,
      state: { polls: 0, successes: 0, failures: 0, consecutiveFailures: 0, lastPollAt: null, lastSuccessAt: null, lastError: null, lastReport: null, nextPollAt: null },
    };
    this.entries.set(source.id, entry);
    if (this.started) this.schedule(entry, 0);
  }

  remove(id: string): boolean {
    const entry = this.entries.get(id);
    if (!entry) return false;
    if (entry.timer) clearTimeout(entry.timer);
    this.entries.delete(id);
    return true;
  }

  get(id: string): (PollSource & { state: PollState }) | undefined {
    const entry = this.entries.get(id);
    return entry && { ...entry.source, state: { ...entry.state } };
  }

  list(feedId?: string): Array<PollSource & { state: PollState }> {
    return [...this.entries.values()].filter((entry) => !feedId || entry.source.feedId === feedId)
      .map((entry) => ({ ...entry.source, state: { ...entry.state } }));
  }

  /** Starts the timers (background jobs only); each source polls at once, then on its interval. */
  start(): void {
    this.started = true;
    for (const entry of this.entries.values()) this.schedule(entry, 0);
  }

  stop(): void {
    this.started = false;
    for (const entry of this.entries.values()) if (entry.timer) clearTimeout(entry.timer);
  }

  private schedule(entry: Entry, seconds: number): void {
    if (entry.timer) clearTimeout(entry.timer);
    entry.state.nextPollAt = new Date(this.ctx.clock.now() + seconds * 1000).toISOString();
    entry.timer = setTimeout(() => {
      entry.timer = null;
      void this.pollOnce(entry.source.id).then(() => {
        if (this.started && this.entries.get(entry.source.id) === entry) {
          this.schedule(entry, nextDelaySeconds(entry.source.intervalSeconds, entry.state.consecutiveFailures));
        }
      });
    }, seconds * 1000).unref();
  }

  /** Polls one source now (a poll already under way is waited for instead); never throws. */
  pollOnce(id: string): Promise<PollOutcome> {
    const entry = this.entries.get(id);
    if (!entry) return Promise.resolve({ ok: false, error: 'unknown source' });
    if (!entry.running) entry.running = this.poll(entry).finally(() => { entry.running = null; });
    return entry.running;
  }

  private async poll(entry: Entry): Promise<PollOutcome> {
    const { source, state } = entry;
    state.polls++;
    state.lastPollAt = new Date(this.ctx.clock.now()).toISOString();
    let outcome: PollOutcome;
    try {
      const body = await this.fetchBody(source.url);
      outcome = { ok: true, report: await this.ingest(source.feedId, body, source.id) };
    } catch (error) {
      outcome = { ok: false, error: describe(error) };
    }
    if (outcome.ok) {
      state.successes++;
      state.consecutiveFailures = 0;
      state.lastSuccessAt = state.lastPollAt;
      state.lastError = null;
      state.lastReport = outcome.report;
    } else {
      state.failures++;
      state.consecutiveFailures++;
      state.lastError = outcome.error;
      // Once per run of failures at warn, then quietly: a feed down for an hour is one warning, not 240.
      const level = state.consecutiveFailures === 1 ? 'warn' : 'debug';
      this.ctx.logger[level]({ source: source.id, feed: source.feedId, url: source.url, error: outcome.error, consecutiveFailures: state.consecutiveFailures }, 'polling a realtime feed failed');
    }
    this.onOutcome(source, outcome.ok);
    return outcome;
  }

  private async fetchBody(url: string): Promise<Buffer | unknown> {
    const response = await fetch(url, {
      signal: AbortSignal.timeout(this.ctx.timeoutMs),
      headers: { accept: 'application/x-protobuf, application/octet-stream;q=0.9, application/json;q=0.8' },
      redirect: 'follow',
    });
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new PollFailure(`HTTP ${response.status}`);
    }
    const declared = Number(response.headers.get('content-length') ?? 0);
    if (declared > this.ctx.maxBytes) {
      await response.body?.cancel().catch(() => undefined);
      throw new PollFailure(`body of ${declared} bytes is over the limit of ${this.ctx.maxBytes}`);
    }
    const bytes = await readAtMost(response, this.ctx.maxBytes);
    if (bytes.length === 0) throw new PollFailure('empty body');
    const type = response.headers.get('content-type') ?? '';
    // JSON is read by the decoder a piece at a time (feed-json.ts), as a pushed body is. A server that says
    // nothing useful about the type: JSON if it starts as JSON does (no FeedMessage's bytes start with "{",
    // which would be a field 15 the spec does not have), else protobuf bytes.
    const firstChar = bytes.subarray(0, 64).toString('utf8').trimStart()[0];
    if (type.includes('json') || firstChar === '{') return new FeedJson(bytes);
    return bytes;
  }
}

class PollFailure extends Error {}

/**
 * The body, read a chunk at a time and given up on as soon as it passes `limit`. The declared length
 * does not bound it: a chunked body declares none, and a gzipped one declares its compressed size (a
 * megabyte can inflate to a gigabyte), while fetch hands over the inflated bytes.
 */
async function readAtMost(response: Response, limit: number): Promise<Buffer> {
  if (!response.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let length = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > limit) {
      await reader.cancel().catch(() => undefined);
      throw new PollFailure(`body of more than ${limit} bytes is over the limit`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, length);
}

function describe(error: unknown): string {
  if (error instanceof PollFailure) return error.message;
  const err = error as Error & { cause?: { code?: string; message?: string }; detail?: string };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') return 'timed out';
  if (err?.detail) return err.detail; // a refused FeedMessage (problem detail)
  if (err?.cause?.code) return `${err.message}: ${err.cause.code}`;
  // Some of fetch's refusals carry a reason and no code: "bad port" for a port browsers never fetch from (25, 6000…).
  if (err?.cause?.message) return `${err.message}: ${err.cause.message}`;
  return err?.message ?? String(error);
}
