// What the cases API answers (server/src/modules/cases): a case, its history, suggestions, statistics.
import type { CaseAction, CaseEvent, CaseRecord, CaseState } from '@citypulse/contracts';

export { CASE_STATES, PRIORITIES } from '@citypulse/contracts';
export type { CaseAction, CaseCategory, CaseEvent, CaseRecord, CaseState, Priority } from '@citypulse/contracts';

/** The permission each action needs (mirrors the server's workflow table, to offer only usable buttons). */
export const ACTION_PERMISSION: Record<CaseAction, string> = {
  file: 'cases:dispatch', decline: 'cases:dispatch', dispatch: 'cases:dispatch', accept: 'cases:handle', return: 'cases:handle',
  handle: 'cases:handle', verify: 'cases:dispatch', reopen: 'cases:dispatch', close: 'cases:dispatch', evaluate: 'cases:dispatch',
};
/** Actions that must say why. */
export const NEEDS_REASON: readonly CaseAction[] = ['decline', 'return', 'reopen'];

export interface CaseTimeline extends CaseRecord {
  allowedActions: CaseAction[];
  history: CaseEvent[];
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

export { BOARD_LANES } from '@citypulse/contracts';
export type { Board, BoardLane } from '@citypulse/contracts';

