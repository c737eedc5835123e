// A whole city's fleet in one GTFS-Realtime message (what a poll of an operator's feed brings): how long
// it takes to decode and check, protobuf and JSON, and how long other work waits meanwhile when it is
// decoded in 10 ms slices, as the server does. Beside it in the same run: the bindings decoding the same
// message whole (FeedMessage.decode, or fromObject for JSON, then toObject) with none of our checks, and
// the JSON text parsed whole by JSON.parse before being decoded in slices (how the server read it before
// it read the text a piece at a time). Last, once each: a 16 MB body nested 8 million deep.
// Usage: npx tsx bench/realtime-decode.ts [--vehicles 20000] [--rounds 9]
import { parseArgs } from 'node:util';
import { FeedMessage, decodeFeedMessage, decodeFeedMessageInSlices } from '../server/src/modules/transit/realtime/feed-message.js';
import { FeedJson } from '../server/src/modules/transit/realtime/feed-json.js';
import { pauseEvery } from '../server/src/platform/slices.js';
import { fmt, measureWaits, median } from './stats.js';

const { values: args } = parseArgs({ options: { vehicles: { type: 'string', default: '20000' }, rounds: { type: 'string', default: '9' } } });
const count = Number(args.vehicles);
const T = 1_700_000_000;
// Snake-case names, as operators' JSON feeds write them (the .proto's own), so that names are converted too.
const message = {
  header: { gtfs_realtime_version: '2.0', incrementality: 'FULL_DATASET', timestamp: T },
  entity: Array.from({ length: count }, (_, i) => ({
    id: `v${i}`,
    vehicle: {
      vehicle: { id: `v${i}`, label: `沪B-${i}` }, trip: { trip_id: `trip-${i}`, route_id: `R${i % 500}`, start_date: '20231114' },
      position: { latitude: 31.2 + i * 1e-5, longitude: 121.4 + i * 1e-5, bearing: 90, speed: 8 },
      timestamp: T - (i % 30), current_stop_sequence: 5, stop_id: `S${i}`, current_status: 'IN_TRANSIT_TO',
    },
  })),
};
const camel = JSON.parse(JSON.stringify(message).replace(/"([a-z]+)_([a-z_]+)":/g, (_, head: string, rest: string) => `"${head}${rest.replace(/(^|_)([a-z])/g, (__, ___, letter: string) => letter.toUpperCase())}":`));
const bytes = Buffer.from(FeedMessage.encode(FeedMessage.fromObject(camel)).finish());
const json = JSON.stringify(message);
const jsonBytes = Buffer.from(json);
const camelJson = JSON.stringify(camel);
const AS_OBJECT = { longs: Number, enums: String, defaults: false };

const cases: Array<[string, () => unknown]> = [
  ['protobuf: bindings, whole (baseline)', () => FeedMessage.toObject(FeedMessage.decode(bytes), AS_OBJECT)],
  ['protobuf: ours, whole', () => decodeFeedMessage(bytes)],
  ['protobuf: ours, in 10 ms slices', () => decodeFeedMessageInSlices(bytes, pauseEvery(10))],
  ['JSON: bindings, whole (baseline)', () => FeedMessage.toObject(FeedMessage.fromObject(JSON.parse(camelJson)), AS_OBJECT)],
  ['JSON.parse alone', () => JSON.parse(json)],
  ['JSON: ours, whole', () => decodeFeedMessage(JSON.parse(json))],
  ['JSON: parsed whole, then in slices', () => { const parsed = JSON.parse(json); return decodeFeedMessageInSlices(parsed, pauseEvery(10)); }],
  ['JSON text: ours, whole', () => decodeFeedMessage(new FeedJson(jsonBytes))],
  ['JSON text: ours, in 10 ms slices', () => decodeFeedMessageInSlices(new FeedJson(jsonBytes), pauseEvery(10))],
];
const results = new Map<string, Array<{ ms: number; waited: number }>>();
for (let round = 0; round < Number(args.rounds); round++) {
  for (const [name, work] of cases) results.set(name, [...(results.get(name) ?? []), await measureWaits(work)]);
}
console.log(`${fmt(count)} vehicles in one message: protobuf ${fmt(bytes.length / 1e6, 2)} MB, JSON ${fmt(json.length / 1e6, 2)} MB (JSON parsed inside the timing, as the server parses the body)`);
console.log(`medians of ${args.rounds} rounds; "longest wait": the longest a 1 ms timer waited meanwhile, what another request would`);
for (const [name] of cases) {
  const runs = results.get(name)!;
  console.log(`  ${name.padEnd(38)} ${fmt(median(runs.map((run) => run.ms))).padStart(5)} ms   longest wait ${fmt(median(runs.map((run) => run.waited)), 1).padStart(6)} ms`);
}

const levels = 8_000_000;
const deep = Buffer.from(`{"header":{"gtfs_realtime_version":"2.0"},"entity":[${'['.repeat(levels)}${']'.repeat(levels)}]}`);
const refused = (work: () => unknown) => async () => { try { await work(); } catch { /* refused, as it should be */ } };
console.log(`${fmt(deep.length / 1e6, 0)} MB of JSON nested ${fmt(levels)} deep, once each`);
for (const [name, work] of [
  ['JSON.parse, then the decoder', refused(() => decodeFeedMessageInSlices(JSON.parse(deep.toString('utf8')), pauseEvery(10)))],
  ['JSON text: ours, in 10 ms slices', refused(() => decodeFeedMessageInSlices(new FeedJson(deep), pauseEvery(10)))],
] as const) {
  const run = await measureWaits(work);
  console.log(`  ${name.padEnd(38)} ${fmt(run.ms).padStart(5)} ms   longest wait ${fmt(run.waited, 1).padStart(6)} ms`);
}
