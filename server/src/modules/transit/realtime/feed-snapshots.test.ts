import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FeedSnapshots } from './feed-snapshots.js';

/** A build that takes `cost` ms of the fake clock and says which build it was. */
function builds(clock: { now: number }) {
  let count = 0;
  const build = (cost: number) => async () => {
    count++;
    const which = `build ${count}`;
    await new Promise((resolve) => setImmediate(resolve));
    clock.now += cost;
    return [Buffer.from(which)];
  };
  return { build, count: () => count };
}

/** The feed the snapshots are of (a runtime, in the server). */
const feed = {};

/** Snapshots on a fake clock, and `get`, which answers the body of the snapshot as text. */
function fakeClockSnapshots() {
  const clock = { now: 0 };
  const snapshots = new FeedSnapshots(() => clock.now);
  const get = async (key: string, build: () => Promise<Buffer[]>, of: object = feed) => Buffer.concat((await snapshots.get(of, key, build)).body).toString();
  return { clock, get, ...builds(clock) };
}

describe('our outgoing feeds, as last built', () => {
  it('build a cheap feed again for every request: each gets it as of now', async () => {
    const { get, build } = fakeClockSnapshots();
    expect(await get('f', build(5))).toBe('build 1');
    expect(await get('f', build(5))).toBe('build 2');
  });

  it('reuse a costly build until the process has had four times as long for other work', async () => {
    const { clock, get, build } = fakeClockSnapshots();
    expect(await get('f', build(1000))).toBe('build 1');
    clock.now += 3999;
    expect(await get('f', build(1000))).toBe('build 1');
    // Another feed (or format) is a build of its own.
    expect(await get('g', build(10))).toBe('build 2');
    clock.now += 1;
    expect(await get('f', build(1000))).toBe('build 3');
    // The same feed imported again is another runtime: built anew at once.
    expect(await get('f', build(1000), {})).toBe('build 4');
  });

  it('serve the requests that come while a build runs from that build', async () => {
    const { get, build, count } = fakeClockSnapshots();
    const answers = await Promise.all([get('f', build(5)), get('f', build(5)), get('f', build(5))]);
    expect(answers).toEqual(['build 1', 'build 1', 'build 1']);
    expect(count()).toBe(1);
    expect(await get('f', build(5))).toBe('build 2');
  });

  it('pass a failed build on to every request waiting for it, and try again at the next', async () => {
    const snapshots = new FeedSnapshots(() => 0);
    const failing = async () => {
      await new Promise((resolve) => setImmediate(resolve));
      throw new Error('unknown feed');
    };
    const results = await Promise.allSettled([snapshots.get(feed, 'f', failing), snapshots.get(feed, 'f', failing)]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect((await snapshots.get(feed, 'f', async () => [Buffer.from('built')])).body[0]!.toString()).toBe('built');
  });

  it('gzip a build once, however many consumers ask for it so', async () => {
    const snapshots = new FeedSnapshots(() => 0);
    const body = [Buffer.from('stop time update, '.repeat(5000)), Buffer.from('and the last')];
    const snapshot = await snapshots.get(feed, 'f', async () => body);
    expect(snapshot.length).toBe(body[0]!.length + body[1]!.length);
    const [once, twice] = [snapshot.gzip(), snapshot.gzip()];
    expect(once).toBe(twice);
    const gzipped = Buffer.concat(await once);
    expect(gunzipSync(gzipped).equals(Buffer.concat(body))).toBe(true);
    expect(gzipped.length).toBeLessThan(snapshot.length / 10);
    // Sent gzipped to a consumer that takes it, as it is to one that does not (or refuses it).
    expect(await snapshot.bodyFor('gzip, deflate, br')).toEqual({ chunks: await once, gzipped: true, length: gzipped.length });
    for (const accept of [undefined, 'identity', 'br', 'gzip;q=0, identity']) expect(await snapshot.bodyFor(accept)).toEqual({ chunks: body, gzipped: false, length: snapshot.length });
    // A feed too small to gain anything is sent as it is.
    const small = await snapshots.get(feed, 'g', async () => [Buffer.from('{"header":{},"entity":[]}')]);
    expect((await small.bodyFor('gzip')).gzipped).toBe(false);
  });
});
