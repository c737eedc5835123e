// Dispatch rules: category × location → department, handling org unit and queue. The most specific rule
// wins (the longest category prefix, then the deepest org subtree); without a rule, the category's own
// department handles it in the case's district. Plain functions over the rules and the org tree.
import type { OrgUnit } from '../../platform/auth/service.js';
import type { CaseCategory, DispatchRule } from './types.js';

export interface DispatchDecision {
  department: string;
  handlerOrg: string;
  queue: string | null;
  /** The rule that decided, or null when the category's default department did. */
  ruleId: number | null;
}

const categoryMatches = (prefix: string, category: string) =>
  prefix === '' || category === prefix || category.startsWith(`${prefix}.`);

/** The org unit at a level on the path of `org` (its district, street…), or the org itself when above it. */
export function orgAtLevel(org: OrgUnit, level: OrgUnit['level'], orgs: Map<string, OrgUnit>): OrgUnit {
  const depth = ['city', 'district', 'street', 'committee'].indexOf(level);
  const codes = org.path.split('/').filter(Boolean);
  return orgs.get(codes[Math.min(depth, codes.length - 1)]) ?? org;
}

export function decideDispatch(
  input: { category: string | null; org: OrgUnit },
  rules: DispatchRule[],
  categories: Map<string, CaseCategory>,
  orgs: Map<string, OrgUnit>,
): DispatchDecision | null {
  const category = input.category ?? '';
  let best: { rule: DispatchRule; specificity: [number, number] } | null = null;
  for (const rule of rules) {
    if (!categoryMatches(rule.categoryPrefix, category)) continue;
    const scope = rule.org ? orgs.get(rule.org) : null;
    if (rule.org && (!scope || !input.org.path.startsWith(scope.path))) continue;
    const specificity: [number, number] = [rule.categoryPrefix.length, scope ? scope.path.length : 0];
    if (!best || specificity[0] > best.specificity[0] || (specificity[0] === best.specificity[0] && specificity[1] > best.specificity[1])) {
      best = { rule, specificity };
    }
  }
  if (best) {
    const { rule } = best;
    const handler = rule.handlerLevel === 'fixed' ? rule.handlerOrg! : orgAtLevel(input.org, rule.handlerLevel, orgs).code;
    return { department: rule.department, handlerOrg: handler, queue: rule.queue, ruleId: rule.id };
  }
  const department = input.category ? categories.get(input.category)?.department : null;
  if (!department) return null;
  return { department, handlerOrg: orgAtLevel(input.org, 'district', orgs).code, queue: null, ruleId: null };
}
