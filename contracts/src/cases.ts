// The cases API as the server answers it and the web app reads it (一网统管).

export const CASE_STATES = ['reported', 'filed', 'declined', 'dispatched', 'returned', 'in_progress', 'handled', 'verified', 'closed', 'evaluated'] as const;
export type CaseState = (typeof CASE_STATES)[number];

export const CASE_ACTIONS = ['file', 'decline', 'dispatch', 'accept', 'return', 'handle', 'verify', 'reopen', 'close', 'evaluate'] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

export const PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const CASE_SOURCES = ['open311', 'hotline', 'alert', 'inspection', 'internal'] as const;
export type CaseSource = (typeof CASE_SOURCES)[number];

export interface Reporter {
  name?: string;
  phone?: string;
  email?: string;
  deviceId?: string;
  accountId?: string;
}

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

/** One entry of a case's append-only history. */
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

/** A node of the three-level case taxonomy. */
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

/** The dispatcher's board (GET /api/v1/cases/board): lanes of cases awaiting action, each counted whole. */
export const BOARD_LANES = ['reported', 'filed', 'returned', 'dispatched', 'overdue', 'handled'] as const;
export type BoardLane = (typeof BOARD_LANES)[number];

export interface Board {
  generatedAt: string;
  lanes: { lane: BoardLane; states: readonly CaseState[]; total: number; items: CaseRecord[] }[];
}
