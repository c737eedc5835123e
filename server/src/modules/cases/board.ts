// The dispatcher's board (调度看板): the cases waiting for someone at the operations centre or at a
// department to act, in lanes by what they wait for, each lane counted whole and showing its most pressing
// cards first. A case stands in one lane only: a running case past its deadline is in `overdue`,
// whatever its state, because that is what the dispatcher must chase first.
import type { Db } from '../../platform/db/types.js';
import type { OrgUnit } from '../../platform/auth/service.js';
import { orgInScope } from './org-scope.js';
import { CasesError, CasesErrorCode } from './errors.js';
import { RUNNING_STATES, type CaseState } from './workflow.js';
import { CASE_COLUMNS, categoryClause, normalise } from './store.js';
import type { CaseCategory, CaseRecord } from './types.js';
import { BOARD_LANES, type Board, type BoardLane } from '@citypulse/contracts';

export { BOARD_LANES, type Board, type BoardLane } from '@citypulse/contracts';

/** The states each lane holds (the overdue lane: every running state, once the deadline has passed). */
export const LANE_STATES: Record<BoardLane, readonly CaseState[]> = {
  reported: ['reported'], // 待立案: reported, not yet filed or declined
  filed: ['filed'], // 待派遣: filed, awaiting dispatch
  returned: ['returned'], // 退单: returned by the department, to dispatch again
  dispatched: ['dispatched'], // 待接单: dispatched, not yet accepted
  overdue: RUNNING_STATES, // 超期/升级
  handled: ['handled'], // 待核查: handling reported, awaiting verification
};

export interface BoardFilter {
  orgPath: string;
  org?: string;
  categoryPrefix?: string;
  department?: string;
  limit: number;
  now: Date;
}

/** Checks the board's filters against the caller's scope and the taxonomy; query parameters are named plainly. */
export function checkBoardFilter(query: { org?: string; category?: string }, orgPath: string, orgs: Map<string, OrgUnit>, categories: Map<string, CaseCategory>): string | undefined {
  if (query.category && !categories.has(query.category)) {
    throw new CasesError(CasesErrorCode.UnknownCategory, `unknown case category ${query.category}`, [{ name: 'category', reason: 'not a category code' }]);
  }
  return checkOrgFilter(query.org, orgPath, orgs);
}

/**
 * An `org` query parameter (board, worklist): it must exist (400) and lie in the caller's subtree (403),
 * so a typo or a neighbour's district is told apart from "no cases". Returns the path to filter on.
 */
export function checkOrgFilter(code: string | undefined, orgPath: string, orgs: Map<string, OrgUnit>): string | undefined {
  return code === undefined ? undefined : orgInScope(orgs, orgPath, code, 'org').path;
}

export async function loadBoard(db: Db, filter: BoardFilter & { orgFilterPath?: string }): Promise<Board> {
  // Every lane but `overdue` is named after the one state it holds.
  const params: unknown[] = [filter.orgPath, [...RUNNING_STATES], filter.now, BOARD_LANES.filter((lane) => lane !== 'overdue'), filter.limit];
  const where = [`starts_with(c.org_path, $1)`];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    where.push(clause.replaceAll('?', `$${params.length}`));
  };
  if (filter.orgFilterPath) add(`starts_with(c.org_path, ?)`, filter.orgFilterPath);
  if (filter.categoryPrefix) where.push(categoryClause(params, filter.categoryPrefix));
  if (filter.department) add('c.department_code = ?', filter.department);
  // Most pressing first: the nearest deadline, then the most urgent, then the longest waiting.
  const rows = await db.query<CaseRecord & { lane: BoardLane; laneTotal: number }>(
    `select ${CASE_COLUMNS}, ranked.lane, ranked.total as "laneTotal"
       from (
         select laned.id, laned.lane,
           row_number() over (partition by laned.lane order by laned.deadline_at asc nulls last,
             case laned.priority when 'urgent' then 0 when 'high' then 1 when 'normal' then 2 else 3 end, laned.reported_at, laned.id) as position,
           count(*) over (partition by laned.lane)::int as total
         from (
           select c.id, c.deadline_at, c.priority, c.reported_at,
             case when c.state = any($2) and (c.overdue or c.deadline_at < $3) then 'overdue'
                  when c.state = any($4) then c.state end as lane
           from cases_case c
           where ${where.join(' and ')}
         ) laned
         where laned.lane is not null
       ) ranked
       join cases_case c on c.id = ranked.id
      where ranked.position <= $5
      order by ranked.lane, ranked.position`,
    params,
  );
  const lanes = BOARD_LANES.map((lane) => ({ lane, states: LANE_STATES[lane], total: 0, items: [] as CaseRecord[] }));
  const byLane = new Map(lanes.map((entry) => [entry.lane, entry]));
  for (const { lane, laneTotal, ...record } of rows) {
    const entry = byLane.get(lane)!;
    entry.total = Number(laneTotal);
    entry.items.push(normalise(record as CaseRecord));
  }
  return { generatedAt: filter.now.toISOString(), lanes };
}
