import { describe, expect, it } from 'vitest';
import { FeedJson } from './feed-json.js';
import { decodeFeedMessage, decodeFeedMessageInSlices } from './feed-message.js';
import { TransitError } from '../errors.js';
import { pauseEvery } from '../../../platform/slices.js';

const T = 1_709_542_800;
const vehicle = (i: number) => ({
  id: `e${i}`,
  vehicle: { vehicle: { id: `bus-${i}`, label: `沪B-${i} "快线" [夜] {2}, \\ ${i}` }, trip: { trip_id: `T${i}` }, position: { latitude: 31.2 + i / 1e4, longitude: 121.4 }, timestamp: T - i, current_status: 'STOPPED_AT' },
});
const message = (count: number) => ({ header: { gtfs_realtime_version: '2.0', timestamp: T }, entity: Array.from({ length: count }, (_, i) => vehicle(i)) });

async function refusedWith(decoding: Promise<unknown>) {
  const error = await decoding.then(() => null, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(TransitError);
  return (error as TransitError).invalidParams![0];
}
const refused = (text: string) => refusedWith(decodeFeedMessageInSlices(new FeedJson(text), pauseEvery(0)));

describe('a FeedMessage read from its JSON text a piece at a time', () => {
  it('reads what JSON.parse and the decoder read, whatever the strings and spacing hold', async () => {
    const texts = [
      JSON.stringify(message(5)),
      JSON.stringify(message(5), null, 2),
      JSON.stringify(message(0)),
      // "entity" as a value, and nested under other names, is not the message's entity array.
      JSON.stringify({ note: 'entity', header: { gtfs_realtime_version: '2.0', x: { entity: [1, 2] } }, entity: [vehicle(7)] }),
      // The entity array before the header; no entity at all.
      `{ "entity" : [ ${JSON.stringify(vehicle(1))} ,\n${JSON.stringify(vehicle(2))} ] , "header" : {"gtfs_realtime_version":"2.0"} }`,
      '{"header":{"gtfs_realtime_version":"2.0"}}',
      // The key written with an escape, or twice (the last wins, as in JSON.parse): read whole.
      `{"header":{"gtfs_realtime_version":"2.0"},"\\u0065ntity":[${JSON.stringify(vehicle(3))}]}`,
      `{"header":{"gtfs_realtime_version":"2.0"},"entity":[${JSON.stringify(vehicle(3))}],"entity":[${JSON.stringify(vehicle(4))}]}`,
      `{"header":{"gtfs_realtime_version":"2.0"},"entity":[${JSON.stringify(vehicle(3))}],"\u0065ntity":[${JSON.stringify(vehicle(4))}]}`,
      `{"header":{"gtfs_realtime_version":"2.0"},"entity":[${JSON.stringify(vehicle(3))}],"entity":null}`,
    ];
    for (const text of texts) {
      const expected = decodeFeedMessage(JSON.parse(text));
      expect(await decodeFeedMessageInSlices(new FeedJson(text), pauseEvery(0))).toEqual(expected);
      expect(decodeFeedMessage(new FeedJson(Buffer.from(text)))).toEqual(expected);
    }
    const read = decodeFeedMessage(new FeedJson(texts[0]!));
    expect(read.entity).toHaveLength(5);
    expect(read.entity![4]!.vehicle!.vehicle!.label).toBe('沪B-4 "快线" [夜] {2}, \\ 4');
    expect(decodeFeedMessage(new FeedJson(texts[6]!)).entity![0]!.id).toBe('e3');
    expect(decodeFeedMessage(new FeedJson(texts[7]!)).entity![0]!.id).toBe('e4');
  });

  it('agrees with JSON.parse on thousands of damaged messages: the same message read, or refused', () => {
    const outcome = (read: () => unknown) => {
      try {
        return { read: read() };
      } catch (error) {
        if (!(error instanceof TransitError)) throw error;
        return { refused: error.invalidParams![0] };
      }
    };
    const good = JSON.stringify({ ...message(4), entity: [...message(4).entity, { id: 'tu', trip_update: { trip: { trip_id: 'T1' }, stop_time_update: [{ stop_sequence: 3, arrival: { delay: 60 } }] } }] }, null, 1);
    const marks = ['{', '}', '[', ']', '"', ',', ':', '\\', ' ', '1', 'null', '"entity":', '"entity":[', '],'];
    let seed = 7;
    const random = (below: number) => ((seed = (seed * 16807) % 2147483647) % below);
    let refused = 0;
    for (let round = 0; round < 3000; round++) {
      let text = good;
      for (let edits = 1 + random(3); edits > 0; edits--) {
        const at = random(text.length);
        const change = random(3);
        if (change === 0) text = text.slice(0, at) + text.slice(at + 1 + random(4));
        else if (change === 1) text = text.slice(0, at) + marks[random(marks.length)] + text.slice(at);
        else text = text.slice(0, at) + marks[random(marks.length)] + text.slice(at + 1);
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        // Refused: for its JSON, or for an entity read before the broken one that is no entity.
        expect(outcome(() => decodeFeedMessage(new FeedJson(text))), text).toHaveProperty('refused');
        refused++;
        continue;
      }
      expect(outcome(() => decodeFeedMessage(new FeedJson(text))), text).toEqual(outcome(() => decodeFeedMessage(parsed)));
    }
    // Most damage breaks the JSON; enough leaves it JSON for the second half to have been tried.
    expect(refused).toBeGreaterThan(1500);
    expect(refused).toBeLessThan(2950);
  });

  it('lets other callbacks in while it reads a big message', async () => {
    const order: string[] = [];
    setImmediate(() => order.push('another request'));
    const decoded = await decodeFeedMessageInSlices(new FeedJson(JSON.stringify(message(3000))), pauseEvery(0)).then((result) => { order.push('decoded'); return result; });
    expect(order).toEqual(['another request', 'decoded']);
    expect(decoded.entity).toHaveLength(3000);
  });

  it('refuses text that is not JSON, naming the entity where it can', async () => {
    const good = JSON.stringify(message(3));
    expect(await refused(good.slice(0, -30))).toEqual({ name: 'body', reason: 'not JSON (the text ends inside the message: cut short?)' });
    expect(await refused(`${good} }`)).toEqual({ name: 'body', reason: `not JSON (unexpected "}" at byte ${Buffer.byteLength(good) + 1})` });
    // A byte order mark is no part of the JSON.
    expect(decodeFeedMessage(new FeedJson(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(good)])))).toEqual(decodeFeedMessage(JSON.parse(good)));
    expect(await refused(`${good} x`)).toMatchObject({ name: 'body', reason: expect.stringMatching(/^not JSON \(/) });
    expect(await refused('')).toMatchObject({ name: 'body', reason: expect.stringMatching(/^not JSON \(/) });
    // A trailing comma leaves an empty place after the last entity; a missing one runs two together.
    expect(await refused(good.replace(/\]\}$/, ',]}'))).toMatchObject({ name: '/entity/3', reason: expect.stringMatching(/^not JSON \(/) });
    expect(await refused(good.replace('},{"id":"e2"', '} {"id":"e2"'))).toMatchObject({ name: '/entity/1', reason: expect.stringMatching(/^not JSON \(/) });
    expect(await refused(good.replace('"id":"e1"', '"id":e1'))).toMatchObject({ name: '/entity/1', reason: expect.stringMatching(/^not JSON \(/) });
    expect(await refused('{"header":{"gtfs_realtime_version":"2.0",},"entity":[]}')).toMatchObject({ name: 'body' });
    expect(await refused('{"header":{"gtfs_realtime_version":"2.0"},"entity":[{"id":"x",]}')).toEqual({ name: '/entity/0', reason: 'not JSON (unexpected "]" at byte 62)' });
    // JSON, but not a FeedMessage.
    expect(await refused('[1, 2]')).toEqual({ name: 'body', reason: 'not an object' });
    expect(await refused('{"header":{"gtfs_realtime_version":"2.0"},"entity":5}')).toEqual({ name: '/entity', reason: 'array expected' });
  });

  it('refuses nesting deeper than any FeedMessage before parsing any of it', async () => {
    const levels = 1_000_000;
    const inEntity = `{"header":{"gtfs_realtime_version":"2.0"},"entity":[${JSON.stringify(vehicle(0))},{"id":"x","vehicle":${'['.repeat(levels)}${']'.repeat(levels)}}]}`;
    expect(await refused(inEntity)).toEqual({ name: '/entity/1', reason: 'nested more than 32 levels deep' });
    expect(await refused(`{"header":${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}}`)).toEqual({ name: 'body', reason: 'nested more than 32 levels deep' });
    // The scan draws the line where the decoder does on a message parsed whole: as deep as it takes is
    // read, one level more is refused.
    const nested = (depth: number) => `{"header":{"gtfs_realtime_version":"2.0"},"entity":[{"id":"x","vehicle":${'{"vehicle":'.repeat(depth)}{}${'}'.repeat(depth)}}]}`;
    expect(decodeFeedMessage(new FeedJson(nested(30)))).toEqual(decodeFeedMessage(JSON.parse(nested(30))));
    for (const depth of [31, 40]) {
      expect(await refused(nested(depth))).toEqual({ name: '/entity/0', reason: 'nested more than 32 levels deep' });
      expect(await refusedWith(decodeFeedMessageInSlices(JSON.parse(nested(depth)), pauseEvery(0)))).toEqual({ name: '/entity/0', reason: 'nested more than 32 levels deep' });
    }
  });

  it('refuses a field named __proto__ instead of making it the prototype', async () => {
    const text = `{"header":{"gtfs_realtime_version":"2.0"},"entity":[{"id":"x","__proto__":{"vehicle":{"position":{"latitude":1,"longitude":2}}}}]}`;
    expect(await refused(text)).toEqual({ name: '/entity/0', reason: 'a field named __proto__ is not allowed' });
    expect(await refused(`{"header":{"gtfs_realtime_version":"2.0","__proto__":{"timestamp":1}}}`)).toEqual({ name: '/header', reason: 'a field named __proto__ is not allowed' });
    expect(({} as Record<string, unknown>).vehicle).toBeUndefined();
  });
});
