// Changing the module's configuration: the taxonomy, dispatch rules, alert rules, the working calendar.
// Each change is validated whole and applied in one transaction, then reloaded into the service.
//
// Scope: the taxonomy, the alert rules, the calendar, the classifier and the city-wide dispatch rules
// (org null) apply to every district, so only a principal at the city root may change them; a district may
// change the dispatch rules for its own subtree. A cases:manage permission held at a district is a
// district's, not the city's.
import { orgInScope } from './org-scope.js';
import { atCityRoot } from '../../platform/auth/roles.js';
import { CasesError, CasesErrorCode } from './errors.js';
import type { AlertIntake } from './alert-intake.js';
import type { Actor, CasesService } from './service.js';
import * as store from './store.js';
import type { CaseCategory, DispatchRule, Priority } from './types.js';
import { addWorkingHours, isRealDate, UnreachableDeadline, type WorkingCalendar } from './working-time.js';

const configurationError = (name: string, reason: string) =>
  new CasesError(CasesErrorCode.InvalidConfiguration, `${name}: ${reason}`, [{ name, reason }]);

const DEFAULT_HOURS: Record<Priority, number> = { urgent: 4, high: 24, normal: 72, low: 168 };

/** Refuses a change of a city-wide setting by a principal below the city root. */
async function requireCityRoot(service: CasesService, actor: Actor, what: string, field?: { name: string; reason: string }): Promise<void> {
  if (atCityRoot(actor.orgPath)) return;
  const root = await service.rootActor();
  throw new CasesError(
    CasesErrorCode.OutOfScope,
    `${what} applies to the whole city: changing it needs a principal at the city root (${root.orgCode}), not at ${actor.orgCode}`,
    field ? [field] : undefined,
  );
}


/**
 * Whether `hours` working hours fit in the calendar from now (the working-time walk looks ten years
 * ahead). Deadlines are computed when a case is filed: a configuration that cannot give one would make
 * every filing fail, so it is refused when it is saved.
 */
function fitsCalendar(service: CasesService, calendar: WorkingCalendar, hours: number): boolean {
  try {
    addWorkingHours(service.ctx.clock.now(), hours, calendar);
    return true;
  } catch (error) {
    if (error instanceof UnreachableDeadline) return false;
    throw error;
  }
}

const longestDeadline = (category: CaseCategory) => Math.max(...Object.values(category.deadlineHours));

/**
 * Of the items cases are filed under (third level, active) that count their deadline in working time,
 * the one with the longest deadline, by its key: a longer deadline needs at least the working time a
 * shorter one does, so a calendar that fits it fits them all.
 */
function longestWorkingDeadline<K>(entries: Iterable<[K, CaseCategory]>): { key: K; hours: number } | null {
  let longest: { key: K; hours: number } | null = null;
  for (const [key, category] of entries) {
    if (category.level !== 3 || !category.active || !category.workingTime) continue;
    const hours = longestDeadline(category);
    if (!longest || hours > longest.hours) longest = { key, hours };
  }
  return longest;
}

export async function saveCategories(service: CasesService, input: { code: string; nameZh: string; nameEn: string; department?: string | null; deadlineHours?: Record<Priority, number>; workingTime?: boolean; active?: boolean }[], actor: Actor) {
  await requireCityRoot(service, actor, 'the case taxonomy');
  const departments = new Set((await service.ctx.auth.departments()).map((d) => d.code));
  const merged = new Map(service.categories);
  const incoming: CaseCategory[] = [];
  for (const [index, item] of input.entries()) {
    const parts = item.code.split('.');
    const parentCode = parts.length > 1 ? parts.slice(0, -1).join('.') : null;
    const existing = merged.get(item.code);
    const category: CaseCategory = {
      code: item.code, parentCode, level: parts.length as 1 | 2 | 3, nameZh: item.nameZh, nameEn: item.nameEn,
      department: item.department === undefined ? existing?.department ?? null : item.department,
      deadlineHours: item.deadlineHours ?? existing?.deadlineHours ?? DEFAULT_HOURS,
      workingTime: item.workingTime ?? existing?.workingTime ?? true, active: item.active ?? existing?.active ?? true,
    };
    if (category.department && !departments.has(category.department)) throw configurationError(`/${index}/department`, `unknown department ${category.department}`);
    merged.set(category.code, category);
    incoming.push(category);
  }
  for (const [index, category] of incoming.entries()) {
    if (category.parentCode && !merged.has(category.parentCode)) throw configurationError(`/${index}/code`, `its parent ${category.parentCode} does not exist`);
  }
  const longest = longestWorkingDeadline(incoming.entries());
  if (longest && !fitsCalendar(service, service.calendar, longest.hours)) {
    throw configurationError(`/${longest.key}/deadlineHours`, `${longest.hours} working hours do not fit in the working calendar's next ten years`);
  }
  await service.ctx.db.transaction((tx) => store.upsertCategories(tx, incoming));
  await service.load();
  return { saved: incoming.length };
}

/**
 * The dispatch rules that can bear on the caller's cases: the city-wide ones, those for a unit above the
 * caller (they apply to its subtree) and those inside its subtree. Other districts' rules are theirs.
 */
export async function visibleDispatchRules(service: CasesService, actor: Actor): Promise<DispatchRule[]> {
  const orgs = await service.orgs();
  return service.dispatchRules.filter((rule) => {
    if (rule.org === null) return true;
    const org = orgs.get(rule.org);
    return !!org && (actor.orgPath.startsWith(org.path) || org.path.startsWith(actor.orgPath));
  });
}

export async function addDispatchRule(service: CasesService, input: { categoryPrefix: string; org?: string | null; department: string; handlerLevel?: DispatchRule['handlerLevel']; handlerOrg?: string | null; queue?: string | null }, actor: Actor) {
  const orgs = await service.orgs();
  const departments = new Set((await service.ctx.auth.departments()).map((d) => d.code));
  if (input.categoryPrefix && ![...service.categories.keys()].some((code) => code === input.categoryPrefix || code.startsWith(`${input.categoryPrefix}.`))) {
    throw configurationError('/categoryPrefix', 'matches no category');
  }
  if (!departments.has(input.department)) throw configurationError('/department', `unknown department ${input.department}`);
  const org = input.org ?? null;
  if (org === null) {
    await requireCityRoot(service, actor, 'a dispatch rule without an org', { name: '/org', reason: 'a city-wide rule (org null) needs a principal at the city root' });
  }
  // The subtree the rule applies to: its org, or the whole city.
  const scope = org === null ? orgs.get((await service.rootActor()).orgCode)! : orgInScope(orgs, actor.orgPath, org, '/org');
  const handlerLevel = input.handlerLevel ?? (input.handlerOrg ? 'fixed' : 'district');
  if (handlerLevel === 'fixed' && !input.handlerOrg) throw configurationError('/handlerOrg', 'a fixed handler needs an org unit');
  if (handlerLevel !== 'fixed' && input.handlerOrg) throw configurationError('/handlerOrg', "only with handlerLevel 'fixed'");
  if (input.handlerOrg) {
    const handler = orgInScope(orgs, actor.orgPath, input.handlerOrg, '/handlerOrg');
    // A unit sees the cases in its own subtree only: a fixed handler elsewhere could not see the cases
    // the rule sends it (the dispatch would be refused too).
    if (!scope.path.startsWith(handler.path)) {
      throw configurationError('/handlerOrg', `must be the rule's org unit (${scope.code}) or a unit above it, or it could not see the cases it handles`);
    }
  }
  const rule = {
    categoryPrefix: input.categoryPrefix, org, department: input.department, handlerLevel, handlerOrg: input.handlerOrg ?? null, queue: input.queue ?? null,
  };
  // One rule per category prefix and org: two would tie on specificity and the older would win silently.
  // A second one is refused rather than replacing the first, so that changing how a district's cases are
  // routed is a deliberate delete and add, not a side effect; the answer names the rule in the way.
  const id = await service.ctx.db.transaction(async (tx) => {
    // Serialises rule additions, so two processes adding the same rule at once cannot both pass the check.
    await tx.query('lock table cases_dispatch_rule in share row exclusive mode');
    const existing = await store.dispatchRuleFor(tx, rule.categoryPrefix, rule.org);
    if (existing) {
      throw new CasesError(
        CasesErrorCode.RuleConflict,
        `dispatch rule ${existing.id} already routes ${rule.categoryPrefix || 'every category'} in ${rule.org ?? 'the whole city'}; delete it first to replace it`,
        [{ name: '/categoryPrefix', reason: `rule ${existing.id} has the same categoryPrefix and org` }],
        { existingRule: existing },
      );
    }
    return store.insertDispatchRule(tx, rule);
  });
  await service.load();
  return service.dispatchRules.find((r) => r.id === id)!;
}

export async function deleteDispatchRule(service: CasesService, id: number, actor: Actor) {
  const rule = await store.dispatchRuleById(service.ctx.db, id);
  const notFound = () => new CasesError(CasesErrorCode.RuleNotFound, `no dispatch rule ${id}`, [{ name: 'id', reason: 'not found' }]);
  if (!rule) throw notFound();
  if (rule.org === null) {
    await requireCityRoot(service, actor, `dispatch rule ${id}`, { name: 'id', reason: 'a city-wide rule; deleting it needs a principal at the city root' });
  } else {
    const org = (await service.orgs()).get(rule.org);
    if (!org || !org.path.startsWith(actor.orgPath)) {
      // As a case outside the caller's subtree, a rule the caller cannot even list does not exist for it.
      if (!(await visibleDispatchRules(service, actor)).some((r) => r.id === id)) throw notFound();
      throw new CasesError(CasesErrorCode.OutOfScope, `dispatch rule ${id} is for ${rule.org}, outside your org subtree (${actor.orgCode})`, [{ name: 'id', reason: 'a rule outside your org subtree' }]);
    }
  }
  if (!(await store.deleteDispatchRule(service.ctx.db, id))) throw notFound();
  await service.load();
}

export async function saveAlertRules(service: CasesService, intake: AlertIntake, rules: { minSeverity: 'warning' | 'critical'; categories?: string[] | null; caseCategory: string; priority?: Priority; enabled?: boolean }[], actor: Actor, vitalsCategories: ReadonlySet<string>) {
  await requireCityRoot(service, actor, 'the alert rules');
  for (const [index, rule] of rules.entries()) {
    const category = service.categories.get(rule.caseCategory);
    // An alert case is filed at once: under an inactive item no one could file it by hand either.
    if (!category || category.level !== 3 || !category.active) throw configurationError(`/${index}/caseCategory`, 'not an active third-level case category');
    for (const [position, code] of (rule.categories ?? []).entries()) {
      // A misspelt vitals category would match no alert, and the rule would silently never fire.
      if (!vitalsCategories.has(code)) throw configurationError(`/${index}/categories/${position}`, `unknown vitals category ${code}`);
    }
  }
  await service.ctx.db.transaction((tx) => store.replaceAlertRules(tx, rules.map((rule) => ({
    minSeverity: rule.minSeverity, categories: rule.categories ?? null, caseCategory: rule.caseCategory, priority: rule.priority ?? 'high', enabled: rule.enabled ?? true,
  }))));
  await intake.load();
  return intake.rules;
}

export async function saveCalendar(service: CasesService, input: Partial<Omit<WorkingCalendar, 'timeZone'>> & { secondLevelAfterHours?: number }, actor: Actor) {
  await requireCityRoot(service, actor, 'the working calendar');
  const { secondLevelAfterHours, ...calendarInput } = input;
  for (const field of ['holidays', 'extraWorkdays'] as const) {
    for (const [index, date] of (calendarInput[field] ?? []).entries()) {
      if (!isRealDate(date)) throw configurationError(`/${field}/${index}`, `${date} is not a real date (YYYY-MM-DD, from 1970)`);
    }
  }
  const calendar = { ...service.calendar, ...calendarInput };
  if (calendar.startHour >= calendar.endHour) throw configurationError('/endHour', 'must be after startHour');
  if (calendar.workdays.length === 0 && calendar.extraWorkdays.length === 0) throw configurationError('/workdays', 'a calendar needs working days');
  // Working time must lie ahead, enough for the longest working-time deadline (and at least an hour):
  // extra days in the past or a few ahead are not a calendar.
  const longest = longestWorkingDeadline(service.categories);
  const needed = longest && longest.hours > 1 ? longest : null;
  if (!fitsCalendar(service, calendar, needed?.hours ?? 1)) {
    throw configurationError('/workdays', needed
      ? `the calendar does not have the ${needed.hours} working hours ${needed.key} counts its deadline in within the next ten years`
      : 'the calendar has no working time ahead');
  }
  const { timeZone: _timeZone, ...stored } = calendar;
  await service.ctx.db.transaction(async (tx) => {
    await store.saveSetting(tx, 'calendar', stored);
    if (secondLevelAfterHours !== undefined) await store.saveSetting(tx, 'escalation', { secondLevelAfterHours });
  });
  await service.load();
  return { ...service.calendar, secondLevelAfterHours: service.escalation.secondLevelAfterHours };
}

/** The classifier is one model for the whole city, trained on every district's cases. */
export async function trainClassifier(service: CasesService, actor: Actor) {
  await requireCityRoot(service, actor, 'the dispatch classifier');
  return service.trainClassifier();
}
