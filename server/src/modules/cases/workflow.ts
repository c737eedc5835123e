// The life of a case as a state machine: which action moves a case from which state to which, what the
// action needs (a reason, a department, a report) and which permission may take it. Plain data and
// functions, so the rules are read and tested in one place.
import type { Permission } from '../../platform/auth/roles.js';
import { CasesError, CasesErrorCode } from './errors.js';

import { CASE_ACTIONS, CASE_STATES, type CaseAction, type CaseState } from '@citypulse/contracts';

export { CASE_STATES, type CaseAction, type CaseState };

/** States in which nothing more is expected of anyone but the evaluation. */
export const FINISHED_STATES: readonly CaseState[] = ['declined', 'closed', 'evaluated'];
/** States in which the deadline runs: between filing and the handling report. */
export const RUNNING_STATES: readonly CaseState[] = ['filed', 'dispatched', 'returned', 'in_progress'];

export const ACTIONS = CASE_ACTIONS;

interface ActionRule {
  from: readonly CaseState[];
  to: CaseState;
  permission: Permission;
  /** The action must say why (declining, returning, reopening). */
  needsReason?: boolean;
}

export const WORKFLOW: Record<CaseAction, ActionRule> = {
  file: { from: ['reported'], to: 'filed', permission: 'cases:dispatch' }, // 立案
  decline: { from: ['reported'], to: 'declined', permission: 'cases:dispatch', needsReason: true }, // 不予立案
  dispatch: { from: ['filed', 'returned'], to: 'dispatched', permission: 'cases:dispatch' }, // 派遣
  accept: { from: ['dispatched'], to: 'in_progress', permission: 'cases:handle' }, // 处置
  return: { from: ['dispatched', 'in_progress'], to: 'returned', permission: 'cases:handle', needsReason: true }, // 退单
  handle: { from: ['in_progress'], to: 'handled', permission: 'cases:handle' }, // 反馈
  verify: { from: ['handled'], to: 'verified', permission: 'cases:dispatch' }, // 核查
  reopen: { from: ['handled'], to: 'in_progress', permission: 'cases:dispatch', needsReason: true }, // 核查不通过
  close: { from: ['verified'], to: 'closed', permission: 'cases:dispatch' }, // 结案
  evaluate: { from: ['closed'], to: 'evaluated', permission: 'cases:dispatch' }, // 综合评价
};

export const isAction = (value: string): value is CaseAction => Object.hasOwn(WORKFLOW, value);

/** The actions possible from a state (what a client may offer as buttons). */
export function actionsFrom(state: CaseState): CaseAction[] {
  return ACTIONS.filter((action) => WORKFLOW[action].from.includes(state));
}

/** The state an action leads to, or a clear refusal naming what is possible instead. */
export function nextState(state: CaseState, action: CaseAction): CaseState {
  const rule = WORKFLOW[action];
  if (!rule.from.includes(state)) {
    const possible = actionsFrom(state);
    throw new CasesError(
      CasesErrorCode.InvalidTransition,
      `"${action}" is not possible on a case that is ${state}; possible now: ${possible.join(', ') || 'nothing'}`,
      [{ name: '/action', reason: `not allowed from ${state}` }],
      { state, allowed: possible },
    );
  }
  return rule.to;
}
