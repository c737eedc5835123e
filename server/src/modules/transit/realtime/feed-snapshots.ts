// Our outgoing feeds as last built, shared by the consumers asking for them. A city's whole fleet is
// seconds of work to build and encode (20,000 vehicles: 600,000 stop time updates, 28 MB), and the feeds
// are public: a few consumers polling, or one polling in a loop, must not keep the process busy
// building them. So one build serves every request that comes while it runs, and a build that was
// costly is reused until the process has had time for other work: the feeds take at most a fifth of it.
// A cheap build (a town's feed, a test's) is never reused: each request gets the feed as of now.
// A consumer that takes gzip (most GTFS-Realtime consumers ask for it) gets the feed gzipped, a tenth of
// its size or less, compressed once per build on libuv's threads, off the event loop.
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { negotiate } from '@fastify/accept-negotiator';

/** A feed smaller than this is sent as it is: gzip would save next to nothing. */
const GZIP_FROM_BYTES = 1024;
/** A build cheaper than this is never reused. */
const CHEAP_MS = 50;
/** The most of the process's time the feeds' builds may take when asked for without pause. */
const SHARE = 0.2;

const bytesIn = (chunks: Buffer[]) => chunks.reduce((sum, chunk) => sum + chunk.length, 0);

/** A feed as built: its body, in chunks, and the same gzipped once asked for. */
export class Snapshot {
  private gzipped: Promise<Buffer[]> | null = null;

  /** Bytes in the body. */
  readonly length: number;

  constructor(readonly body: Buffer[], readonly cost: number, readonly finishedAt: number) {
    this.length = bytesIn(body);
  }

  gzip(): Promise<Buffer[]> {
    this.gzipped ??= Readable.from(this.body).pipe(createGzip()).toArray().then((chunks) => chunks as Buffer[]);
    return this.gzipped;
  }

  /** The body to send to a consumer with this Accept-Encoding: gzipped when it takes gzip and it is worth it. */
  async bodyFor(acceptEncoding: string | undefined): Promise<{ chunks: Buffer[]; gzipped: boolean; length: number }> {
    if (this.length < GZIP_FROM_BYTES || negotiate(acceptEncoding ?? 'identity', ['gzip', 'identity']) !== 'gzip') return { chunks: this.body, gzipped: false, length: this.length };
    const chunks = await this.gzip();
    return { chunks, gzipped: true, length: bytesIn(chunks) };
  }
}

interface Entry { last: Snapshot | null; building: Promise<Snapshot> | null }

export class FeedSnapshots {
  /**
   * By the feed they were built from (its runtime): a feed imported again is a new runtime, whose feeds
   * are built anew at once, and a feed removed takes its snapshots with it.
   */
  private readonly feeds = new WeakMap<object, Map<string, Entry>>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** The feed `key` of `feed` as built by `build` now, or as last built when that is shared or reused (above). */
  async get(feed: object, key: string, build: () => Promise<Buffer[]>): Promise<Snapshot> {
    let entries = this.feeds.get(feed);
    if (!entries) this.feeds.set(feed, entries = new Map());
    let entry = entries.get(key);
    if (!entry) entries.set(key, entry = { last: null, building: null });
    if (entry.building) return entry.building;
    const last = entry.last;
    if (last && last.cost >= CHEAP_MS && this.now() - last.finishedAt < last.cost * (1 / SHARE - 1)) return last;
    const started = this.now();
    const building = build().then((body) => {
      const finishedAt = this.now();
      const snapshot = new Snapshot(body, finishedAt - started, finishedAt);
      // Only a costly build is kept: a cheap one is never reused.
      entry.last = snapshot.cost >= CHEAP_MS ? snapshot : null;
      return snapshot;
    });
    entry.building = building;
    try {
      return await building;
    } finally {
      entry.building = null;
    }
  }
}
