import { describe, expect, it } from 'vitest';
import { ACTIONS, CASE_STATES, WORKFLOW, actionsFrom, nextState } from './workflow.js';
import { CasesError } from './errors.js';

describe('the workflow table', () => {
  it('leads from a report to an evaluated case, with the detours the city needs', () => {
    const path: [string, typeof ACTIONS[number]][] = [['reported', 'file'], ['filed', 'dispatch'], ['dispatched', 'accept'], ['in_progress', 'handle'], ['handled', 'verify'], ['verified', 'close'], ['closed', 'evaluate']];
    let state = 'reported' as (typeof CASE_STATES)[number];
    for (const [from, action] of path) {
      expect(state).toBe(from);
      state = nextState(state, action);
    }
    expect(state).toBe('evaluated');
    expect(nextState('dispatched', 'return')).toBe('returned');
    expect(nextState('in_progress', 'return')).toBe('returned');
    expect(nextState('returned', 'dispatch')).toBe('dispatched');
    expect(nextState('handled', 'reopen')).toBe('in_progress');
    expect(nextState('reported', 'decline')).toBe('declined');
  });

  it('ends in declined and evaluated, and every other state has a way on', () => {
    expect(actionsFrom('declined')).toEqual([]);
    expect(actionsFrom('evaluated')).toEqual([]);
    for (const state of CASE_STATES.filter((s) => s !== 'declined' && s !== 'evaluated')) expect(actionsFrom(state).length, state).toBeGreaterThan(0);
    // Every state but the first is reachable.
    const reachable = new Set(Object.values(WORKFLOW).map((rule) => rule.to));
    expect([...CASE_STATES].filter((s) => s !== 'reported' && !reachable.has(s))).toEqual([]);
  });

  it('asks for a reason exactly where someone says no', () => {
    expect(ACTIONS.filter((action) => WORKFLOW[action].needsReason)).toEqual(['decline', 'return', 'reopen']);
  });

  it('refuses an action from the wrong state, naming what is possible', () => {
    try {
      nextState('filed', 'handle');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CasesError);
      expect((error as CasesError).status).toBe(409);
      expect((error as CasesError).extra).toEqual({ state: 'filed', allowed: ['dispatch'] });
    }
  });
});
