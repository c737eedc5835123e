// What the cases API answers (server/src/modules/cases): a case, its history, suggestions, statistics.
export const CASE_STATES = ['reported', 'filed', 'declined', 'dispatched', 'returned', 'in_progress', 'handled', 'verified', 'closed', 'evaluated'] as const;
export type CaseState = (typeof CASE_STATES)[number];
export const PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];
export type CaseAction = 'file' | 'decline' | 'dispatch' | 'accept' | 'return' | 'handle' | 'verify' | 'reopen' | 'close' | 'evaluate';

/** The permission each action needs (mirrors the server's workflow table, to offer only usable buttons). */
export const ACTION_PERMISSION: Record<CaseAction, string> = {
  file: 'cases:dispatch', decline: 'cases:dispatch', dispatch: 'cases:dispatch', accept: 'cases:handle', return: 'cases:handle',
  handle: 'cases:handle', verify: 'cases:dispatch', reopen: 'cases:dispatch', close: 'cases:dispatch', evaluate: 'cases:dispatch',
};
/** Actions that must say why. */
export const NEEDS_REASON: readonly CaseAction[] = ['decline', 'return', 'reopen'];

export interface CaseRecord {
  id: number;
  state: CaseState;
  version: number;
  title: string;
  description: string;
  category: string | null;
  priority: Priority;
  source: string;
  org: string;
  orgPath: string;
  address: string | null;
  lat: number | null;
  lon: number | null;
  mediaUrls: string[];
  department: string | null;
  handlerOrg: string | null;
  queue: string | null;
  deadlineAt: string | null;
  onTime: boolean | null;
  overdue: boolean;
  escalationLevel: number;
  satisfaction: number | null;
  createdBy: string;
  reportedAt: string;
  filedAt: string | null;
  dispatchedAt: string | null;
  handledAt: string | null;
  closedAt: string | null;
  updatedAt: string;
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

export interface CaseTimeline extends CaseRecord {
  allowedActions: CaseAction[];
  history: CaseEvent[];
}

export interface CaseCategory {
  code: string;
  parentCode: string | null;
  level: 1 | 2 | 3;
  nameZh: string;
  nameEn: string;
  department: string | null;
  active: boolean;
}

export interface Department {
  code: string;
  nameZh: string;
  nameEn: string;
}

export interface Suggestions {
  caseId: number;
  rule: { department: string; handlerOrg: string; queue: string | null; ruleId: number | null; nameZh: string | null; nameEn: string | null } | null;
  classifier: { department: string; nameZh: string | null; nameEn: string | null; confidence: number }[];
  model: { trainedAt: string; samples: number } | null;
}

export interface Backlog {
  backlog: number;
  overdue: number;
}

export interface CaseStatistics {
  from: string;
  to: string;
  days: number;
  perDay: { day: string; opened: number; closed: number }[];
  handled: number;
  onTimeRate: number | null;
  medianHoursToClose: number | null;
  satisfaction: number | null;
  evaluated: number;
  satisfiedShare: number | null;
  backlog: Backlog & { total: number; byDepartment: (Backlog & { department: string | null })[]; byDistrict: (Backlog & { district: string | null })[] };
}
