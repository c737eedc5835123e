// The shapes the vital signs API answers (see the server's vitals module).
export type Arrow = 'economy' | 'life' | 'governance';
export type IndicatorStatus = 'normal' | 'warning' | 'critical' | 'stale' | 'no-data';
export type Severity = 'warning' | 'critical';

export interface Category {
  code: string;
  arrow: Arrow;
  nameZh: string;
  nameEn: string;
  weight: number;
  indicatorCount: number;
}

export interface IndicatorDefinition {
  code: string;
  category: string;
  nameZh: string;
  nameEn: string;
  unit: string;
  frequencySeconds: number;
  aggregation: string;
  department: string;
  orgLevels: string[];
  normalMin: number | null;
  normalMax: number | null;
  direction: 'up' | 'down' | 'both';
  warningLow: number | null;
  warningHigh: number | null;
  criticalLow: number | null;
  criticalHigh: number | null;
  definitionZh: string;
  definitionEn: string;
}

export interface StatusCounts {
  normal: number;
  warning: number;
  critical: number;
  stale: number;
  noData: number;
}

export interface SnapshotItem {
  indicator: string;
  category: string;
  nameZh: string;
  nameEn: string;
  unit: string;
  value: number | null;
  ts: string | number | null;
  status: IndicatorStatus;
  counts?: Partial<StatusCounts>;
}

export interface Snapshot {
  org: string;
  at: string;
  items: SnapshotItem[];
}

export interface CategoryHealth {
  code: string;
  score: number | null;
  counts?: StatusCounts;
}

export interface Health {
  org: string;
  at: string;
  score: number | null;
  categories: CategoryHealth[];
}

export interface HealthHistory {
  items: { at: string; score: number | null }[];
}

export interface SeriesPoint {
  ts: string | number;
  value: number | null;
  count?: number;
  min?: number | null;
  max?: number | null;
}

export interface Series {
  indicator: string;
  org: string;
  unit: string;
  step: number;
  points: SeriesPoint[];
}

export interface Alert {
  id: number;
  indicator: string;
  indicatorNameZh: string;
  indicatorNameEn: string;
  org: string;
  category: string;
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
  transition?: string;
}

export interface OrgUnit {
  id: number;
  code: string;
  parentCode: string | null;
  level: 'city' | 'district' | 'street' | 'committee';
  nameZh: string;
  nameEn: string;
  path: string;
}

export interface Me {
  kind: 'user' | 'token';
  name: string;
  role: string | null;
  orgCode: string;
  permissions: string[];
}

/** Stream items (see the server's stream): one array per event. */
export interface StreamSnapshotItem {
  indicator: string;
  org: string;
  value: number | null;
  ts: string | number;
  status: IndicatorStatus;
}
export interface StreamHealthItem {
  org: string;
  score: number | null;
  at: string | number;
  categories: { code: string; score: number | null }[];
}

const RANK: Record<IndicatorStatus, number> = { 'no-data': 0, normal: 1, stale: 2, warning: 3, critical: 4 };

/** The worse of two statuses (critical > warning > stale > normal > no data). */
export function worse(a: IndicatorStatus, b: IndicatorStatus): IndicatorStatus {
  return RANK[a] >= RANK[b] ? a : b;
}

export function worstOf(statuses: Iterable<IndicatorStatus>): IndicatorStatus {
  let result: IndicatorStatus = 'no-data';
  for (const status of statuses) result = worse(result, status);
  return result;
}
