// How well the city handles its cases, for the cases API and as vital signs (governance): cases opened
// and closed per day, on-time rate, median time to close, backlog by department and district,
// satisfaction. Pushed into the vital signs periodically through VitalsService.ingest, so the health
// check and the big screen see them like any other indicator.
import type { Db } from '../../platform/db/types.js';
import type { Clock } from '../../platform/clock.js';
import type { OrgUnit } from '../../platform/auth/service.js';
import type { Logger } from 'pino';
import type { VitalsService } from '../vitals/service.js';

const OPEN_STATES = ['reported', 'filed', 'dispatched', 'returned', 'in_progress', 'handled', 'verified'];

/** Which vital-sign indicator receives which figure (codes of the catalogue's 12345 hotline category). */
export interface StatisticIndicators {
  openedToday: string;
  closedToday: string;
  /** Percent of the cases handled in the last 30 days that were handled by their deadline. */
  onTimeRate: string;
  medianHoursToClose: string;
  backlog: string;
  overdue: string;
  /** Percent of evaluations in the last 30 days that were satisfied (4 or 5 of 5). */
  satisfaction: string;
}

export const DEFAULT_STATISTIC_INDICATORS: StatisticIndicators = {
  openedToday: 'HOTLINE_12345.CASES_OPENED',
  closedToday: 'HOTLINE_12345.CASES_CLOSED',
  onTimeRate: 'HOTLINE_12345.ON_TIME_CLOSURE',
  medianHoursToClose: 'HOTLINE_12345.MEDIAN_CLOSE_TIME',
  backlog: 'HOTLINE_12345.OPEN_CASES',
  overdue: 'HOTLINE_12345.OVERDUE_CASES',
  satisfaction: 'HOTLINE_12345.SATISFACTION_RATE',
};

export class CaseStatistics {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly timeZone: string,
    private readonly logger: Logger,
    readonly indicators: StatisticIndicators = DEFAULT_STATISTIC_INDICATORS,
  ) {}

  /** Figures for an org subtree over the last `days` days. */
  async compute(orgPath: string, days: number) {
    const now = new Date(this.clock.now());
    const from = new Date(now.getTime() - days * 86_400_000);
    const tz = this.timeZone;
    const perDay = await this.db.query<{ day: string; opened: number; closed: number }>(
      `with opened as (
         select to_char(reported_at at time zone $3, 'YYYY-MM-DD') as day, count(*)::int as n from cases_case
         where starts_with(org_path, $1) and reported_at >= $2 and reported_at <= $4 group by 1),
       closed as (
         select to_char(closed_at at time zone $3, 'YYYY-MM-DD') as day, count(*)::int as n from cases_case
         where starts_with(org_path, $1) and closed_at >= $2 and closed_at <= $4 group by 1)
       select coalesce(o.day, c.day) as day, coalesce(o.n, 0) as opened, coalesce(c.n, 0) as closed
       from opened o full join closed c on c.day = o.day order by 1`,
      [orgPath, from, tz, now],
    );
    const [summary] = await this.db.query<{ handled: number; onTime: number; median: number | null; satisfaction: number | null; evaluated: number; satisfied: number }>(
      `select count(*) filter (where on_time is not null and handled_at >= $2)::int as handled,
         count(*) filter (where on_time and handled_at >= $2)::int as "onTime",
         (percentile_cont(0.5) within group (order by extract(epoch from closed_at - reported_at)) filter (where closed_at >= $2)) / 3600 as median,
         avg(satisfaction) filter (where satisfaction is not null and closed_at >= $2)::float8 as satisfaction,
         count(satisfaction) filter (where closed_at >= $2)::int as evaluated,
         count(*) filter (where satisfaction >= 4 and closed_at >= $2)::int as satisfied
       from cases_case where starts_with(org_path, $1) and (handled_at >= $2 or closed_at >= $2)`,
      [orgPath, from],
    );
    const byDepartment = await this.db.query<{ department: string | null; backlog: number; overdue: number }>(
      `select department_code as department, count(*)::int as backlog, count(*) filter (where overdue)::int as overdue
       from cases_case where starts_with(org_path, $1) and state = any($2) group by 1 order by 2 desc`,
      [orgPath, OPEN_STATES],
    );
    const byDistrict = await this.db.query<{ district: string; backlog: number; overdue: number }>(
      `select split_part(org_path, '/', 3) as district, count(*)::int as backlog, count(*) filter (where overdue)::int as overdue
       from cases_case where starts_with(org_path, $1) and state = any($2) group by 1 order by 2 desc`,
      [orgPath, OPEN_STATES],
    );
    return {
      from: from.toISOString(), to: now.toISOString(), days,
      perDay,
      handled: summary.handled,
      onTimeRate: summary.handled > 0 ? summary.onTime / summary.handled : null,
      medianHoursToClose: summary.median === null ? null : Number(Number(summary.median).toFixed(2)),
      satisfaction: summary.satisfaction === null ? null : Number(Number(summary.satisfaction).toFixed(2)),
      evaluated: summary.evaluated,
      satisfiedShare: summary.evaluated > 0 ? summary.satisfied / summary.evaluated : null,
      backlog: {
        total: byDistrict.reduce((sum, row) => sum + row.backlog, 0),
        overdue: byDistrict.reduce((sum, row) => sum + row.overdue, 0),
        byDepartment,
        byDistrict: byDistrict.map((row) => ({ ...row, district: row.district || null })),
      },
    };
  }

  /**
   * Observations for the city and each district: today's opened and closed counts, the 30-day on-time
   * rate, median hours to close and satisfaction, and the backlog now. Indicators the catalogue does not
   * have, or not at that org level, are left out (and said once in the log).
   */
  async observations(orgs: OrgUnit[], accepts: (indicator: string, level: OrgUnit['level']) => boolean): Promise<{ indicator: string; org: string; ts: number; value: number }[]> {
    const ts = this.clock.now();
    const items: { indicator: string; org: string; ts: number; value: number }[] = [];
    const startOfDay = await this.db.query<{ start: Date }>(`select date_trunc('day', $1::timestamptz at time zone $2) at time zone $2 as start`, [new Date(ts), this.timeZone]);
    const dayMs = ts - new Date(startOfDay[0].start).getTime();
    for (const org of orgs.filter((o) => o.level === 'city' || o.level === 'district')) {
      const today = await this.compute(org.path, Math.max(dayMs, 1) / 86_400_000);
      const month = await this.compute(org.path, 30);
      const push = (indicator: string, value: number | null) => {
        if (value !== null && Number.isFinite(value) && accepts(indicator, org.level)) items.push({ indicator, org: org.code, ts, value });
      };
      push(this.indicators.openedToday, today.perDay.reduce((sum, day) => sum + day.opened, 0));
      push(this.indicators.closedToday, today.perDay.reduce((sum, day) => sum + day.closed, 0));
      push(this.indicators.onTimeRate, month.onTimeRate === null ? null : Number((month.onTimeRate * 100).toFixed(2)));
      push(this.indicators.medianHoursToClose, month.medianHoursToClose);
      push(this.indicators.backlog, today.backlog.total);
      push(this.indicators.overdue, today.backlog.overdue);
      push(this.indicators.satisfaction, month.satisfiedShare === null ? null : Number((month.satisfiedShare * 100).toFixed(2)));
    }
    return items;
  }

  private warned = false;

  /** Computes the figures and ingests them into the vital signs as the city. */
  async push(vitals: VitalsService): Promise<number> {
    // A city without cases has nothing to report: do not overwrite other feeds of these indicators with zeros.
    const [{ any }] = await this.db.query<{ any: boolean }>('select exists (select 1 from cases_case) as any');
    if (!any) return 0;
    const missing = Object.values(this.indicators).filter((code) => !vitals.indicator(code));
    if (missing.length > 0 && !this.warned) {
      this.warned = true;
      this.logger.warn({ missing }, 'case statistics: the vitals catalogue lacks these indicators; they are not pushed');
    }
    const items = await this.observations(vitals.orgUnits(), (code, level) => vitals.indicator(code)?.orgLevels.includes(level) ?? false);
    if (items.length === 0) return 0;
    const result = await vitals.ingest(items, { orgCode: vitals.rootOrgCode() });
    return result.stored;
  }
}
