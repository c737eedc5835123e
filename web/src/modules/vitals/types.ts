// The shapes the vital signs API answers, declared once with the server in the contracts.
import type { CategorySummary, IndicatorStatus } from '@citypulse/contracts';

export type {
  AlertChange, Arrow, CategoryHealth, Health, HealthHistory, IndicatorDefinition, IndicatorStatus, Alert, Series, SeriesPoint,
  Severity, Snapshot, SnapshotItem, StatusCounts, StreamHealthItem, StreamSnapshotItem,
} from '@citypulse/contracts';

/** A category as the API lists it (with its number of indicators). */
export type Category = CategorySummary;

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
  /** The department a member of staff works for (null for the operations centre and for tokens). */
  departmentCode?: string | null;
  permissions: string[];
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
