// The vital signs service: the catalogue in memory, ingest, the live state of every series (held by the
// rule engine), alerts, the city health check and the live stream. Routes call it; it never sees HTTP.
import type { Logger } from 'pino';
import type { Config } from '../../platform/config.js';
import type { Db } from '../../platform/db/types.js';
import type { EventBus } from '../../platform/bus.js';
import type { Clock } from '../../platform/clock.js';
import { pauseEvery, SLICE_MS } from '../../platform/slices.js';
import { atCityRoot, type Principal } from '../../platform/auth/roles.js';
import type { AuthService, OrgUnit } from '../../platform/auth/service.js';
import type { Category, IndicatorDefinition, IndicatorStatus } from './types.js';
import type { CategoryHealth, SnapshotItem } from '@citypulse/contracts';
import { loadCategories, loadIndicators, upsertCategories, upsertIndicators, type IndicatorRecord } from './catalogue-store.js';
import { readBaselines, writeBaselines } from './baseline-store.js';
import { applyRetention, foldRollups, insertObservations, latestValues, querySeries } from './observation-store.js';
import { validateObservations } from './ingest.js';
import { VitalsError, VitalsErrorCode } from './errors.js';
import { RuleEngine } from './rules/engine.js';
import type { AlertTransition } from './rules/types.js';
import { StreamHub } from './stream.js';
import { AlertService } from './alert-service.js';
import { computeHealthScore, type HealthSeries } from './health/score.js';

export interface VitalsContext {
  db: Db;
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  config: Config;
  auth: AuthService;
}

export interface IngestResult {
  received: number;
  stored: number;
  duplicates: number;
}

/** One indicator over an org subtree, as the snapshot answers it (declared once, in contracts). */
export type { SnapshotItem } from '@citypulse/contracts';

/** A series is stale after this many reporting intervals without data. */
const STALE_FACTOR = 3;

/** The most points a health history answers: a day at one a minute, about one per pixel of a wide chart. */
export const HEALTH_HISTORY_POINTS = 1440;

const STATUS_RANK: Record<IndicatorStatus, number> = { 'no-data': 0, normal: 1, stale: 2, warning: 3, critical: 4 };

export class VitalsService {
  categories: Category[] = [];
  private indicatorsByCode = new Map<string, IndicatorRecord>();
  private indicatorCodes: string[] = [];
  private orgsById = new Map<number, OrgUnit>();
  private orgsByCode = new Map<string, OrgUnit>();
  readonly engine: RuleEngine;
  readonly stream: StreamHub;
  readonly alerts: AlertService;
  /** Series whose value or status changed since the last stream flush. */
  private changed = new Set<string>();
  private lastHealth = new Map<string, number | null>();

  constructor(private readonly ctx: VitalsContext) {
    this.engine = new RuleEngine([], { staleFactor: STALE_FACTOR, anomaly: { timeZone: ctx.config.timezone } });
    this.stream = new StreamHub(() => ctx.clock.now());
    this.alerts = new AlertService(ctx.db, ctx.bus, this.stream, ctx.logger, (code) => this.indicatorsByCode.get(code), (code) => this.orgsByCode.get(code));
  }

  // --- catalogue ------------------------------------------------------------------------------------

  async load(): Promise<void> {
    this.categories = await loadCategories(this.ctx.db);
    const indicators = await loadIndicators(this.ctx.db);
    this.indicatorsByCode = new Map(indicators.map((indicator) => [indicator.code, indicator]));
    this.indicatorCodes = [];
    for (const indicator of indicators) this.indicatorCodes[indicator.id] = indicator.code;
    this.engine.setDefinitions(indicators);
    await this.refreshOrgs();
  }

  async refreshOrgs(): Promise<void> {
    const orgs = await this.ctx.auth.orgs();
    this.orgsByCode = new Map(orgs);
    this.orgsById = new Map([...orgs.values()].map((org) => [org.id, org]));
  }

  indicator(code: string): IndicatorRecord | undefined {
    return this.indicatorsByCode.get(code);
  }

  indicators(): IndicatorRecord[] {
    return [...this.indicatorsByCode.values()];
  }

  rootOrgCode(): string {
    for (const org of this.orgsByCode.values()) if (org.parentCode === null) return org.code;
    throw new VitalsError(VitalsErrorCode.UnknownOrg, 'the org tree has no city at its root');
  }

  orgUnits(): OrgUnit[] {
    return [...this.orgsByCode.values()];
  }

  org(code: string): OrgUnit | undefined {
    return this.orgsByCode.get(code);
  }

  async saveCategories(categories: Category[]): Promise<void> {
    await upsertCategories(this.ctx.db, categories);
    await this.load();
  }

  async importIndicators(definitions: IndicatorDefinition[]): Promise<{ inserted: number; updated: number }> {
    const result = await upsertIndicators(this.ctx.db, definitions);
    await this.load();
    return result;
  }

  /** The org unit a principal asks about, checked against its subtree; its own org when none is named. */
  scopedOrg(principal: Principal, code: string | undefined): OrgUnit {
    const org = this.orgsByCode.get(code ?? principal.orgCode);
    if (!org) throw new VitalsError(VitalsErrorCode.UnknownOrg, `unknown org unit ${code}`, [{ name: 'org', reason: 'unknown org unit' }]);
    if (!org.path.startsWith(principal.orgPath)) {
      throw new VitalsError(VitalsErrorCode.OutOfScope, `org unit ${code} is outside your org subtree`, [{ name: 'org', reason: 'outside your org subtree' }]);
    }
    return org;
  }

  /**
   * Refuses a principal below the city root a change that holds for the whole city (the catalogue: its
   * thresholds decide every district's alerts and health). The subtree check of scopedOrg cannot: a
   * district operator's subtree is their district, but a threshold they change is the city's.
   */
  requireCityWide(principal: Principal, what: string): void {
    if (atCityRoot(principal.orgPath)) return;
    throw new VitalsError(VitalsErrorCode.OutOfScope,
      `${what} changes configuration for the whole city, so it needs a principal of the city root (${this.rootOrgCode()}); yours is ${principal.orgCode}`);
  }

  // --- ingest ---------------------------------------------------------------------------------------

  async ingest(items: unknown, principal: Pick<Principal, 'orgCode'>): Promise<IngestResult> {
    const callerOrg = this.orgsByCode.get(principal.orgCode);
    if (!callerOrg) throw new VitalsError(VitalsErrorCode.UnknownOrg, `the caller's org unit ${principal.orgCode} does not exist`);
    const now = this.ctx.clock.now();
    const batch = validateObservations(items, {
      indicator: (code) => this.indicatorsByCode.get(code),
      org: (code) => this.orgsByCode.get(code),
      callerOrg,
      now,
      oldestAcceptedMs: now - this.ctx.config.rawRetentionDays * 86_400_000,
    });
    const stored = await insertObservations(this.ctx.db, batch);
    const received = batch.indicatorIds.length;
    // Only new observations may reach the rules: a re-sent batch changes nothing. When the whole batch
    // was new (the usual case) every item goes in; otherwise only items newer than what the series has
    // seen, which re-sent items never are.
    const onlyNewer = stored < received;
    for (let i = 0; i < received; i++) {
      const indicator = this.indicatorCodes[batch.indicatorIds[i]];
      const org = this.orgsById.get(batch.orgIds[i])!.code;
      const ts = batch.epochMs[i];
      if (onlyNewer) {
        const latest = this.engine.status(indicator, org).ts;
        if (latest !== null && ts <= latest) continue;
      }
      this.engine.observe(indicator, org, ts, batch.values[i]);
      this.changed.add(`${indicator}\u0000${org}`);
    }
    await this.flushTransitions();
    return { received, stored, duplicates: received - stored };
  }

  /** Persists and publishes what the rule engine decided. */
  async flushTransitions(): Promise<void> {
    const transitions: AlertTransition[] = this.engine.drainTransitions();
    if (transitions.length === 0) return;
    for (const transition of transitions) this.changed.add(`${transition.indicator}\u0000${transition.org}`);
    await this.alerts.apply(transitions);
  }

  /** Time-driven rules (staleness, for-durations) and the periodic stream flush; called every second. */
  async tick(): Promise<void> {
    this.engine.tick(this.ctx.clock.now());
    await this.flushTransitions();
    this.flushSnapshotChanges();
  }

  private flushSnapshotChanges(): void {
    if (this.changed.size === 0) return;
    const items = [];
    for (const key of this.changed) {
      const [indicator, org] = key.split('\u0000');
      const orgUnit = this.orgsByCode.get(org);
      const state = this.engine.status(indicator, org);
      items.push({
        orgPath: orgUnit?.path ?? '/',
        data: { indicator, org, value: state.value, ts: state.ts === null ? null : new Date(state.ts).toISOString(), status: state.status },
      });
    }
    this.changed.clear();
    this.stream.publish('snapshot', items);
  }

  // --- reads ----------------------------------------------------------------------------------------

  snapshot(org: OrgUnit, category?: string): SnapshotItem[] {
    if (category && !this.categories.some((c) => c.code === category)) {
      throw new VitalsError(VitalsErrorCode.InvalidQuery, `unknown category ${category}`, [{ name: 'category', reason: 'unknown category' }]);
    }
    const items = new Map<string, SnapshotItem>();
    for (const indicator of this.indicatorsByCode.values()) {
      if (category && indicator.category !== category) continue;
      items.set(indicator.code, {
        indicator: indicator.code, category: indicator.category, nameZh: indicator.nameZh, nameEn: indicator.nameEn, unit: indicator.unit,
        value: null, ts: null, status: 'no-data',
        counts: { normal: 0, warning: 0, critical: 0, stale: 0, 'no-data': 0 },
      });
    }
    this.engine.forEachSeries((code, seriesOrg, status, value, ts) => {
      const item = items.get(code);
      if (!item || !this.orgsByCode.get(seriesOrg)?.path.startsWith(org.path)) return;
      item.counts[status]++;
      if (STATUS_RANK[status] > STATUS_RANK[item.status]) item.status = status;
      if (seriesOrg === org.code && ts !== null) {
        item.value = value;
        item.ts = new Date(ts).toISOString();
      }
    });
    return [...items.values()];
  }

  async series(input: { indicator: string; org: OrgUnit; from: Date; to: Date; stepSeconds: number }) {
    const indicator = this.indicatorsByCode.get(input.indicator);
    if (!indicator) throw new VitalsError(VitalsErrorCode.UnknownIndicator, `unknown indicator ${input.indicator}`, [{ name: 'code', reason: 'unknown indicator' }]);
    // History includes everything acknowledged so far: fold what is pending before reading.
    if (input.stepSeconds >= 60) await this.foldRollups();
    const points = await querySeries(this.ctx.db, {
      indicatorId: indicator.id, orgId: input.org.id, from: input.from, to: input.to, stepSeconds: input.stepSeconds, aggregation: indicator.aggregation,
    });
    return { indicator: indicator.code, org: input.org.code, unit: indicator.unit, aggregation: indicator.aggregation, step: input.stepSeconds, points };
  }

  health(org: OrgUnit) {
    const result = computeHealthScore(this.healthInputs(org), this.categories);
    return { org: org.code, at: new Date(this.ctx.clock.now()).toISOString(), ...result };
  }

  private healthInputs(org: OrgUnit): HealthSeries[] {
    const inputs: HealthSeries[] = [];
    this.engine.forEachSeries((indicator, seriesOrg, status, _value, _ts, category) => {
      if (this.orgsByCode.get(seriesOrg)?.path.startsWith(org.path)) inputs.push({ indicator, category, org: seriesOrg, status });
    });
    return inputs;
  }

  /** Scores for the city and each district: published on the stream when they move, kept every minute. */
  async recordHealth(persist: boolean): Promise<void> {
    const targets = [...this.orgsByCode.values()].filter((org) => org.level === 'city' || org.level === 'district');
    const items = [];
    const at = new Date(this.ctx.clock.now());
    for (const org of targets) {
      const health = this.health(org);
      if (this.lastHealth.get(org.code) !== health.score) {
        this.lastHealth.set(org.code, health.score);
        items.push({ orgPath: org.path, data: { org: org.code, score: health.score, at: health.at, categories: health.categories.map((c) => ({ code: c.code, score: c.score })) } });
      }
      if (persist && health.score !== null) {
        await this.ctx.db.query(
          `insert into vitals_health_score (org_id, at, score, categories) values ($1, $2, $3, $4) on conflict do nothing`,
          [org.id, at, health.score, JSON.stringify(health.categories)],
        );
      }
    }
    this.stream.publish('health', items);
  }

  /**
   * The health score of an org over [from, to), for a chart. Scores are kept once a minute, so a day is
   * 1,440 points, and those come back as they are. A longer range comes back in steps of whole minutes
   * chosen so there are at most HEALTH_HISTORY_POINTS of them, each step answered by its lowest score
   * (with the categories of that moment and its own time): the whole range is always covered up to its
   * newest point (a cap on rows, taken oldest first, used to drop the newest: the part a screen most
   * needs), the answer stays the size of a chart whatever the range, and a dip of a few minutes still
   * shows on a week's chart, where an average or a sample would smooth it away or miss it: a health
   * check exists to show when the city was unwell.
   */
  async healthHistory(org: OrgUnit, from: Date, to: Date) {
    const minutes = Math.ceil((to.getTime() - from.getTime()) / 60_000);
    const step = 60 * Math.max(1, Math.ceil(minutes / HEALTH_HISTORY_POINTS));
    // Buckets are counted from `from`, so there are at most ceil(range / step) of them; at a step of a
    // minute each holds its one score.
    const rows = await this.ctx.db.query<{ at: Date; score: number; categories: unknown }>(
      `select distinct on (bucket) at, score, categories
       from (select date_bin($4::interval, at, $2::timestamptz) as bucket, at, score, categories
             from vitals_health_score where org_id = $1 and at >= $2 and at < $3) scores
       order by bucket, score, at desc`,
      [org.id, from, to, `${step} seconds`],
    );
    return { step, items: rows.map((row) => ({ at: new Date(row.at).toISOString(), score: row.score, categories: row.categories as CategoryHealth[] })) };
  }

  // --- lifecycle ------------------------------------------------------------------------------------

  /** Rebuilds the live state after a restart: latest values, learned baselines, alerts still firing. */
  async restore(): Promise<void> {
    await this.foldRollups(); // what a crash left unfolded
    const saved = await this.importSavedBaselines();
    // Twice the staleness window: a series that went quiet shows as stale again, not as no-data.
    const latest = await latestValues(this.ctx.db, 2 * STALE_FACTOR);
    for (const row of latest) {
      const indicator = this.indicatorCodes[row.indicatorId];
      const org = this.orgsById.get(row.orgId);
      // A value from before the save is in the saved baselines already: learnt again, every restart
      // would pull each series' normal towards its last value.
      if (indicator && org) this.engine.observe(indicator, org.code, row.ts, row.value, { learn: !saved || row.ts > saved.savedAt });
    }
    // Replaying the latest values re-detects the conditions that still hold (the alert store keeps the
    // alerts already open); alerts open in the database whose condition is gone are resolved.
    this.engine.tick(this.ctx.clock.now());
    const transitions = this.engine.drainTransitions();
    const active = new Set(transitions.filter((t) => t.kind !== 'resolved').map((t) => t.key));
    await this.alerts.apply(transitions);
    await this.alerts.reconcile(active, new Date(this.ctx.clock.now()));
  }

  /**
   * The saved baselines, loaded into the engine; null when there are none or they cannot be used (a
   * save of another format, a time zone this runtime does not know): the city then starts learning
   * afresh, and the next save replaces them. A start that refused would leave the city with no vital
   * signs at all for the sake of a learnt normal that comes back in days.
   */
  private async importSavedBaselines(): Promise<{ savedAt: number } | null> {
    const saved = await readBaselines(this.ctx.db);
    if (!saved) return null;
    try {
      const { imported, skipped, hoursMoved } = this.engine.importBaselines(saved.baselines, this.ctx.clock.now());
      if (hoursMoved !== 0) {
        this.ctx.logger.warn({ hoursMoved, timeZone: this.ctx.config.timezone }, 'learnt baselines moved to the new time zone');
      }
      this.ctx.logger.info({ imported, skipped }, 'learnt baselines read');
      return saved;
    } catch (err) {
      this.ctx.logger.warn({ err: (err as Error).message }, 'saved baselines not used: learning afresh');
      return null;
    }
  }

  /** Writes the learnt baselines, each series encoded in its turn in 10 ms slices: requests are answered meanwhile. */
  async saveBaselines(): Promise<void> {
    // A restart learns again only values timestamped after this (see restore): by measured time, so a value
    // measured before it but arriving later, or one arriving while the series are encoded, is off by one.
    const savedAt = this.ctx.clock.now();
    const pause = pauseEvery(SLICE_MS);
    const series = [];
    for (const one of this.engine.exportedBaselineSeries()) {
      series.push(one);
      await pause();
    }
    await writeBaselines(this.ctx.db, this.engine.baselineLayout(), series, savedAt);
  }

  private folding: Promise<number> | null = null;

  /**
   * Folds ingested observations into the minute and hour rollups (see observation-store). Calls that
   * arrive while a fold runs share it, so a burst of history reads does not fold the same rows twice.
   */
  foldRollups(): Promise<number> {
    this.folding ??= this.foldAll().finally(() => { this.folding = null; });
    return this.folding;
  }

  /** Folds in slices, letting requests in between, until the rollups have caught up. */
  private async foldAll(): Promise<number> {
    let total = 0;
    for (;;) {
      const { folded, caughtUp } = await foldRollups(this.ctx.db);
      total += folded;
      if (caughtUp) return total;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  async retention(): Promise<Record<string, number>> {
    const { rawRetentionDays, minuteRollupRetentionDays, hourRollupRetentionDays } = this.ctx.config;
    return applyRetention(this.ctx.db, { raw: rawRetentionDays, minute: minuteRollupRetentionDays, hour: hourRollupRetentionDays });
  }
}
