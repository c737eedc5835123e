// Domain types of the city's vital signs (城市运行数字体征).

/** The three arrows of the programme: every category belongs to one. */
export type Arrow = 'economy' | 'life' | 'governance';

export interface Category {
  /** Stable code, lower snake case, e.g. `air_quality`. */
  code: string;
  arrow: Arrow;
  nameZh: string;
  nameEn: string;
  /** Weight of the category in the city health score (relative; documented in the README). */
  weight: number;
}

/** How values of one indicator combine over time and across org units. */
export type Aggregation = 'sum' | 'avg' | 'min' | 'max' | 'last';

/** Which side of the normal range is bad: `up` = higher is worse, `down` = lower is worse. */
export type Direction = 'up' | 'down' | 'both';

/** The org levels of the city tree. */
export type OrgLevel = 'city' | 'district' | 'street' | 'committee';

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

export type IndicatorStatus = 'normal' | 'warning' | 'critical' | 'stale' | 'no-data';
export type Severity = 'warning' | 'critical';

export interface Observation {
  indicator: string;
  /** Org unit code; absent means the city as a whole. */
  org: string;
  /** Milliseconds since the epoch (UTC). */
  ts: number;
  value: number;
}
