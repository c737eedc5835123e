// Micro-benchmark of the rule engine's hot path.
// Run: npx tsx server/src/modules/vitals/rules/engine.bench.ts
//
// 1,000 indicators × 50 orgs = 50,000 series, each reporting once a minute with noise
// and occasional breaches, 1,000,000 observations in total, tick() called every 1,000
// observations as a server would every second. All four rules are enabled.

import type { IndicatorDefinition } from '../types.js';
import { RuleEngine } from './engine.js';

const INDICATORS = 1_000;
const ORGS = 50;
const SERIES = INDICATORS * ORGS;
const OBSERVATIONS = 1_000_000;
const TICK_EVERY = 1_000;

function definition(i: number): IndicatorDefinition {
  return {
    code: `BENCH.IND_${i}`,
    category: `cat_${i % 20}`,
    nameZh: `指标${i}`,
    nameEn: `Indicator ${i}`,
    unit: 'count',
    frequencySeconds: 60,
    aggregation: 'avg',
    department: 'bench',
    orgLevels: ['street'],
    normalMin: 0,
    normalMax: 60,
    direction: 'up',
    warningLow: null,
    warningHigh: 80,
    criticalLow: null,
    criticalHigh: 100,
    definitionZh: '',
    definitionEn: '',
  };
}

const defs = Array.from({ length: INDICATORS }, (_, i) => definition(i));
const indicatorCodes = defs.map((d) => d.code);
const orgCodes = Array.from({ length: ORGS }, (_, i) => `310101${String(i).padStart(3, '0')}`);
const rateOfChange: Record<string, { maxChangePerMinute: number }> = {};
for (let i = 0; i < INDICATORS; i += 10) rateOfChange[indicatorCodes[i]!] = { maxChangePerMinute: 30 };

// Precomputed pseudo-random noise keeps the generator out of the measurement.
const NOISE = new Float64Array(1 << 16);
let seed = 12345;
for (let i = 0; i < NOISE.length; i++) {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  NOISE[i] = (seed / 2 ** 32 - 0.5) * 10;
}

const engine = new RuleEngine(defs, { rateOfChange });
const t0 = Date.UTC(2025, 0, 6, 0, 0, 0);
let transitions = 0;

function run(from: number, to: number): number {
  const start = process.hrtime.bigint();
  for (let n = from; n < to; n++) {
    const series = n % SERIES;
    const round = (n - series) / SERIES;
    const ts = t0 + round * 60_000 + Math.floor((series * 60_000) / SERIES);
    // About one value in 2,000 breaches the warning threshold.
    const spike = (Math.imul(n, 0x9e3779b1) >>> 0) % 2000 === 0 ? 45 : 0;
    const value = 40 + NOISE[n & 0xffff]! + spike;
    engine.observe(indicatorCodes[series % INDICATORS]!, orgCodes[(series / INDICATORS) | 0]!, ts, value);
    if (n % TICK_EVERY === TICK_EVERY - 1) {
      engine.tick(ts);
      transitions += engine.drainTransitions().length;
    }
  }
  return Number(process.hrtime.bigint() - start) / 1e9;
}

const firstRound = run(0, SERIES);
const rest = run(SERIES, OBSERVATIONS);
const total = firstRound + rest;
const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');
const mem = process.memoryUsage();
console.log(`series: ${engine.stats().series}, observations: ${fmt(OBSERVATIONS)}, transitions: ${transitions}`);
console.log(`first round (creates series and baselines): ${fmt(SERIES / firstRound)} obs/s`);
console.log(`steady state:                               ${fmt((OBSERVATIONS - SERIES) / rest)} obs/s`);
console.log(`overall:                                    ${fmt(OBSERVATIONS / total)} obs/s (${total.toFixed(2)} s)`);
console.log(`memory: heap ${fmt(mem.heapUsed / 2 ** 20)} MiB, array buffers ${fmt(mem.arrayBuffers / 2 ** 20)} MiB`);
