// Domain types of unified operations (一网统管).
import type { CaseState } from './workflow.js';

export const PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const SOURCES = ['open311', 'hotline', 'alert', 'inspection', 'internal'] as const;
export type CaseSource = (typeof SOURCES)[number];

export interface CaseRecord {
  id: number;
  state: CaseState;
  version: number;
  title: string;
  description: string;
  category: string | null;
  priority: Priority;
  source: CaseSource;
  sourceRef: string | null;
  org: string;
  orgPath: string;
  address: string | null;
  lat: number | null;
  lon: number | null;
  reporter: Reporter | null;
  mediaUrls: string[];
  department: string | null;
  handlerOrg: string | null;
  queue: string | null;
  deadlineAt: string | null;
  onTime: boolean | null;
  overdue: boolean;
  escalationLevel: number;
  escalatedOrg: string | null;
  satisfaction: number | null;
  createdBy: string;
  reportedAt: string;
  filedAt: string | null;
  dispatchedAt: string | null;
  handledAt: string | null;
  closedAt: string | null;
  updatedAt: string;
}

export interface Reporter {
  name?: string;
  phone?: string;
  email?: string;
  deviceId?: string;
  accountId?: string;
}

export interface CaseEvent {
  id: number;
  action: string;
  fromState: string | null;
  toState: string | null;
  actor: string;
  at: string;
  reason: string | null;
  data: Record<string, unknown> | null;
}

export interface CaseCategory {
  code: string;
  parentCode: string | null;
  level: 1 | 2 | 3;
  nameZh: string;
  nameEn: string;
  department: string | null;
  deadlineHours: Record<Priority, number>;
  workingTime: boolean;
  active: boolean;
}

export interface DispatchRule {
  id: number;
  categoryPrefix: string;
  org: string | null;
  department: string;
  handlerLevel: 'city' | 'district' | 'street' | 'committee' | 'fixed';
  handlerOrg: string | null;
  queue: string | null;
}

export interface AlertRule {
  id: number;
  minSeverity: 'warning' | 'critical';
  categories: string[] | null;
  caseCategory: string;
  priority: Priority;
  enabled: boolean;
}

/** What a new case says: from the internal API, Open311, an inspector or an alert. */
export interface NewCase {
  title: string;
  description?: string;
  category?: string | null;
  priority?: Priority;
  source: CaseSource;
  sourceRef?: string | null;
  org?: string;
  address?: string | null;
  lat?: number | null;
  lon?: number | null;
  reporter?: Reporter | null;
  mediaUrls?: string[];
  /** When the report was made, if earlier than now (replays, a hotline's own intake). */
  reportedAt?: number;
}

/** A transition request: the action, the version the caller saw, and what the action needs. */
export interface TransitionInput {
  action: string;
  version: number;
  reason?: string;
  category?: string;
  priority?: Priority;
  department?: string;
  handlerOrg?: string;
  queue?: string;
  report?: string;
  photos?: string[];
  satisfaction?: number;
}
