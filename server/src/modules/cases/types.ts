// Domain types of unified operations (一网统管).
import type { CaseSource, Priority, Reporter } from '@citypulse/contracts';

// What the API answers is declared once, in the contracts shared with the web app.
export { CASE_SOURCES as SOURCES, PRIORITIES } from '@citypulse/contracts';
export type { CaseCategory, CaseEvent, CaseRecord, CaseSource, Priority, Reporter } from '@citypulse/contracts';

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
