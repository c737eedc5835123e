// A live simulator for the demo city: every series of every indicator reports at its own frequency,
// with a daily cycle, noise and a fixed character per org unit, and now and then an incident pushes a
// series past its critical threshold for a few minutes so that alerts fire and resolve during a demo.
import type { VitalsService } from '../modules/vitals/service.js';
import type { IndicatorRecord } from '../modules/vitals/catalogue-store.js';
import type { Logger } from 'pino';

interface SimulatedSeries {
  indicator: IndicatorRecord;
  org: string;
  centre: number;
  amplitude: number;
  noise: number;
  phase: number;
  nextDue: number;
  incidentUntil: number;
  incidentValue: number;
}

/** A deterministic pseudo-random generator, so a demo run can be reproduced from its seed. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The band a healthy value of the indicator moves in: its normal range, or what its thresholds imply. */
export function normalBand(indicator: IndicatorRecord): [number, number] {
  const lowBound = indicator.normalMin ?? indicator.warningLow ?? 0;
  const highBound = indicator.normalMax ?? indicator.warningHigh ?? (lowBound === 0 ? 100 : lowBound * 2);
  // A normal range of a single value (0 accidents) is a constant, not a band to wander in.
  return [lowBound, Math.max(lowBound, highBound)];
}

function incidentValue(indicator: IndicatorRecord, random: () => number): number {
  const [low, high] = normalBand(indicator);
  const width = Math.max(high - low, Math.abs(high) * 0.1, 1);
  const goHigh = indicator.direction === 'up' || (indicator.direction === 'both' && random() < 0.5);
  if (goHigh) {
    const threshold = indicator.criticalHigh ?? indicator.warningHigh ?? high + width;
    return threshold + Math.abs(threshold) * 0.05 + width * 0.1;
  }
  const threshold = indicator.criticalLow ?? indicator.warningLow ?? low - width;
  return threshold - Math.abs(threshold) * 0.05 - width * 0.1;
}

export interface SimulatorOptions {
  seed?: number;
  /** Mean seconds between incidents. */
  incidentEverySeconds?: number;
  /** Report no faster than this many seconds (keeps the embedded demo light). */
  minimumIntervalSeconds?: number;
  /** Indicators fed with real figures by a module (e.g. bus headways from the demo buses): not simulated. */
  skip?: ReadonlySet<string>;
}

export class VitalsSimulator {
  private series: SimulatedSeries[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly random: () => number;
  private nextIncident = 0;

  constructor(private readonly vitals: VitalsService, private readonly logger: Logger, private readonly options: SimulatorOptions = {}) {
    this.random = mulberry32(options.seed ?? 20210101);
  }

  /** Builds the series: each indicator at every org unit of the levels it is reported at. */
  prepare(orgs: { code: string; level: string }[]): number {
    const now = Date.now();
    this.series = [];
    for (const indicator of this.vitals.indicators()) {
      if (this.options.skip?.has(indicator.code)) continue;
      const [low, high] = normalBand(indicator);
      const half = (high - low) / 2;
      for (const org of orgs) {
        if (!indicator.orgLevels.includes(org.level as never)) continue;
        this.series.push({
          indicator, org: org.code,
          centre: low + half * (0.8 + this.random() * 0.4),
          amplitude: half * (0.3 + this.random() * 0.3),
          noise: half * 0.08,
          phase: this.random() * 2,
          nextDue: now,
          incidentUntil: 0,
          incidentValue: 0,
        });
      }
    }
    return this.series.length;
  }

  valueAt(series: SimulatedSeries, ts: number): number {
    if (ts < series.incidentUntil) return series.incidentValue;
    const hourOfDay = ((ts / 3_600_000) + 8) % 24; // the demo city's local time (UTC+8)
    const daily = Math.sin(((hourOfDay - 6 - series.phase) / 24) * 2 * Math.PI);
    const noise = (this.random() + this.random() + this.random() - 1.5) * series.noise;
    const [low, high] = normalBand(series.indicator);
    // Keep ordinary values inside the normal band so that only incidents raise threshold alerts.
    const raw = series.centre + series.amplitude * daily + noise;
    const rounded = series.indicator.unit === 'count' ? Math.round(raw) : Math.round(raw * 100) / 100;
    return Math.min(high, Math.max(low, rounded));
  }

  /** One step: every due series reports; sometimes an incident starts. Returns the number sent. */
  async step(now = Date.now()): Promise<number> {
    const incidentEvery = (this.options.incidentEverySeconds ?? 20) * 1000;
    if (now >= this.nextIncident && this.series.length > 0) {
      this.nextIncident = now + incidentEvery * (0.5 + this.random());
      const candidates = this.series.filter((s) => s.indicator.frequencySeconds <= 300);
      const target = candidates[Math.floor(this.random() * candidates.length)];
      if (target) {
        target.incidentUntil = now + (2 + this.random() * 4) * 60_000;
        target.incidentValue = incidentValue(target.indicator, this.random);
        target.nextDue = now;
      }
    }
    const minimum = (this.options.minimumIntervalSeconds ?? 10) * 1000;
    const batch: { indicator: string; org: string; ts: number; value: number }[] = [];
    for (const series of this.series) {
      if (series.nextDue > now) continue;
      series.nextDue = now + Math.max(minimum, series.indicator.frequencySeconds * 1000);
      batch.push({ indicator: series.indicator.code, org: series.org, ts: now, value: this.valueAt(series, now) });
    }
    for (let start = 0; start < batch.length; start += 20_000) {
      await this.vitals.ingest(batch.slice(start, start + 20_000), { orgCode: this.rootOrg() });
    }
    return batch.length;
  }

  private rootOrg(): string {
    return this.vitals.rootOrgCode();
  }

  start(intervalMs = 1000): void {
    let running = false;
    this.timer = setInterval(() => {
      if (running) return;
      running = true;
      this.step().catch((error) => this.logger.warn({ err: error }, 'simulator step failed')).finally(() => { running = false; });
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
