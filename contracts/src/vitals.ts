// The vital signs API (城市运行数字体征) as the server answers it and the web app reads it: the catalogue,
// the snapshot, series, health scores, alerts and the items of the live stream.

/** The three arrows of the programme: every category belongs to one. */
export type Arrow = 'economy' | 'life' | 'governance';

export type IndicatorStatus = 'normal' | 'warning' | 'critical' | 'stale' | 'no-data';
export type Severity = 'warning' | 'critical';

/**
 * Units a value reads better without, in alert messages and on the pages alike: the indicator's name
 * already says what is counted, indexed or compared ("UV index 8", not "8 index").
 */
export const BARE_UNITS: ReadonlySet<string> = new Set(['', 'count', 'index', 'ratio']);

/** How values of one indicator combine over time and across org units. */
export type Aggregation = 'sum' | 'avg' | 'min' | 'max' | 'last';

/** Which side of the normal range is bad: `up` = higher is worse, `down` = lower is worse. */
export type Direction = 'up' | 'down' | 'both';

/** The org levels of the city tree. */
export type OrgLevel = 'city' | 'district' | 'street' | 'committee';

export interface Category {
  /** Stable code, lower snake case, e.g. `air_quality`. */
  code: string;
  arrow: Arrow;
  nameZh: string;
  nameEn: string;
  /** Weight of the category in the city health score (relative; documented in the vitals README). */
  weight: number;
}

/** A category as GET /api/v1/vitals/categories lists it. */
export interface CategorySummary extends Category {
  indicatorCount: number;
}

export interface IndicatorDefinition {
  /** Stable code, `<CATEGORY>.<MEASURE>` in upper snake case, e.g. `AIR_QUALITY.PM25`. */
  code: string;
  /** Category code. */
  category: string;
  nameZh: string;
  nameEn: string;
  /** Unit of measure, SI or customary (`μg/m³`, `%`, `count`, `CNY 10k`, `min`). */
  unit: string;
  /** Expected reporting interval, in seconds. Staleness is judged against it. */
  frequencySeconds: number;
  aggregation: Aggregation;
  /** Code of the owning department. */
  department: string;
  /** Org levels at which the indicator is reported. */
  orgLevels: OrgLevel[];
  normalMin: number | null;
  normalMax: number | null;
  direction: Direction;
  /** Thresholds: for `up` only the High pair is set, for `down` only the Low pair, for `both` both. */
  warningLow: number | null;
  warningHigh: number | null;
  criticalLow: number | null;
  criticalHigh: number | null;
  /** One-line definition. */
  definitionZh: string;
  definitionEn: string;
}

/** GET /api/v1/vitals/snapshot: one item per indicator, over the org subtree asked for. */
export interface SnapshotItem {
  indicator: string;
  category: string;
  nameZh: string;
  nameEn: string;
  unit: string;
  /** Value reported at the org asked for itself (e.g. the city-wide figure), if any. */
  value: number | null;
  /** RFC 3339 time of that value. */
  ts: string | null;
  /** Worst status over the org subtree. */
  status: IndicatorStatus;
  /** Series of the subtree in each status. */
  counts: Record<IndicatorStatus, number>;
}

export interface Snapshot {
  org: string;
  at: string;
  items: SnapshotItem[];
}

/** One step of a series; steps without data are absent. */
export interface SeriesPoint {
  ts: string;
  value: number;
  count: number;
  min: number;
  max: number;
}

/** GET /api/v1/vitals/indicators/:code/series */
export interface Series {
  indicator: string;
  org: string;
  unit: string;
  aggregation: Aggregation;
  /** Seconds. */
  step: number;
  points: SeriesPoint[];
}

export interface StatusCounts {
  normal: number;
  warning: number;
  critical: number;
  stale: number;
  noData: number;
}

export interface CategoryHealth {
  code: string;
  /** 0-100, one decimal; null when no series of the category has data in the subtree. */
  score: number | null;
  counts: StatusCounts;
}

export interface HealthScore {
  /** 0-100, one decimal; null when no weighted category has a score. */
  score: number | null;
  /** Categories in the order of the weight list, then unweighted ones seen in the data, by code. */
  categories: CategoryHealth[];
}

/** GET /api/v1/vitals/health */
export interface Health extends HealthScore {
  org: string;
  at: string;
}

/**
 * GET /api/v1/vitals/health/history: the scores kept once a minute; over more than a day, the lowest of
 * each `step` seconds (at most 1,440 points), so that a dip still shows on a week's chart.
 */
export interface HealthHistory {
  org: string;
  step: number;
  items: Array<{ at: string; score: number | null; categories: CategoryHealth[] }>;
}

/** What just happened to an alert, as the stream says it (not the rule engine's transitions). */
export type AlertChange = 'fired' | 'escalated' | 'deescalated' | 'resolved' | 'acknowledged' | 'silenced';

/** An alert as GET /api/v1/vitals/alerts lists it; on the stream it also says what just happened to it. */
export interface Alert {
  id: number;
  key: string;
  rule: string;
  indicator: string;
  indicatorNameZh: string;
  indicatorNameEn: string;
  org: string;
  category: string;
  department: string;
  groupKey: string;
  severity: Severity;
  state: 'firing' | 'resolved';
  message: string;
  value: number | null;
  startedAt: string;
  resolvedAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  silencedUntil: string | null;
  silencedBy: string | null;
  /** Only on the stream. */
  transition?: AlertChange;
}

/** A `snapshot` event of the stream carries an array of these: series whose value or status moved. */
export interface StreamSnapshotItem {
  indicator: string;
  org: string;
  value: number | null;
  ts: string | null;
  status: IndicatorStatus;
}

/** A `health` event of the stream carries an array of these: scores of the city and districts that moved. */
export interface StreamHealthItem {
  org: string;
  score: number | null;
  at: string;
  categories: Array<{ code: string; score: number | null }>;
}
