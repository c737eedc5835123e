// Changing the module's configuration: the taxonomy, dispatch rules, alert rules, the working calendar.
// Each change is validated whole and applied in one transaction, then reloaded into the service.
import { CasesError, CasesErrorCode } from './errors.js';
import type { AlertIntake } from './alert-intake.js';
import type { CasesService } from './service.js';
import * as store from './store.js';
import type { CaseCategory, DispatchRule, Priority } from './types.js';
import type { WorkingCalendar } from './working-time.js';

const configurationError = (name: string, reason: string) =>
  new CasesError(CasesErrorCode.InvalidConfiguration, `${name}: ${reason}`, [{ name, reason }]);

const DEFAULT_HOURS: Record<Priority, number> = { urgent: 4, high: 24, normal: 72, low: 168 };

export async function saveCategories(service: CasesService, input: { code: string; nameZh: string; nameEn: string; department?: string | null; deadlineHours?: Record<Priority, number>; workingTime?: boolean; active?: boolean }[]) {
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
  await service.ctx.db.transaction((tx) => store.upsertCategories(tx, incoming));
  await service.load();
  return { saved: incoming.length };
}

export async function addDispatchRule(service: CasesService, input: { categoryPrefix: string; org?: string | null; department: string; handlerLevel?: DispatchRule['handlerLevel']; handlerOrg?: string | null; queue?: string | null }) {
  const orgs = await service.orgs();
  const departments = new Set((await service.ctx.auth.departments()).map((d) => d.code));
  if (input.categoryPrefix && ![...service.categories.keys()].some((code) => code === input.categoryPrefix || code.startsWith(`${input.categoryPrefix}.`))) {
    throw configurationError('/categoryPrefix', 'matches no category');
  }
  if (!departments.has(input.department)) throw configurationError('/department', `unknown department ${input.department}`);
  if (input.org && !orgs.has(input.org)) throw configurationError('/org', `unknown org unit ${input.org}`);
  const handlerLevel = input.handlerLevel ?? (input.handlerOrg ? 'fixed' : 'district');
  if (handlerLevel === 'fixed' && !input.handlerOrg) throw configurationError('/handlerOrg', 'a fixed handler needs an org unit');
  if (handlerLevel !== 'fixed' && input.handlerOrg) throw configurationError('/handlerOrg', "only with handlerLevel 'fixed'");
  if (input.handlerOrg && !orgs.has(input.handlerOrg)) throw configurationError('/handlerOrg', `unknown org unit ${input.handlerOrg}`);
  const id = await store.insertDispatchRule(service.ctx.db, {
    categoryPrefix: input.categoryPrefix, org: input.org ?? null, department: input.department, handlerLevel, handlerOrg: input.handlerOrg ?? null, queue: input.queue ?? null,
  });
  await service.load();
  return service.dispatchRules.find((rule) => rule.id === id)!;
}

export async function deleteDispatchRule(service: CasesService, id: number) {
  if (!(await store.deleteDispatchRule(service.ctx.db, id))) throw new CasesError(CasesErrorCode.InvalidConfiguration, `no dispatch rule ${id}`, [{ name: 'id', reason: 'not found' }]);
  await service.load();
}

export async function saveAlertRules(service: CasesService, intake: AlertIntake, rules: { minSeverity: 'warning' | 'critical'; categories?: string[] | null; caseCategory: string; priority?: Priority; enabled?: boolean }[]) {
  for (const [index, rule] of rules.entries()) {
    const category = service.categories.get(rule.caseCategory);
    if (!category || category.level !== 3) throw configurationError(`/${index}/caseCategory`, 'not a third-level case category');
  }
  await service.ctx.db.transaction((tx) => store.replaceAlertRules(tx, rules.map((rule) => ({
    minSeverity: rule.minSeverity, categories: rule.categories ?? null, caseCategory: rule.caseCategory, priority: rule.priority ?? 'high', enabled: rule.enabled ?? true,
  }))));
  await intake.load();
  return intake.rules;
}

export async function saveCalendar(service: CasesService, input: Partial<Omit<WorkingCalendar, 'timeZone'>> & { secondLevelAfterHours?: number }) {
  const { secondLevelAfterHours, ...calendarInput } = input;
  const calendar = { ...service.calendar, ...calendarInput };
  if (calendar.startHour >= calendar.endHour) throw configurationError('/endHour', 'must be after startHour');
  if (calendar.workdays.length === 0 && calendar.extraWorkdays.length === 0) throw configurationError('/workdays', 'a calendar needs working days');
  const { timeZone: _timeZone, ...stored } = calendar;
  await service.ctx.db.transaction(async (tx) => {
    await store.saveSetting(tx, 'calendar', stored);
    if (secondLevelAfterHours !== undefined) await store.saveSetting(tx, 'escalation', { secondLevelAfterHours });
  });
  await service.load();
  return { ...service.calendar, secondLevelAfterHours: service.escalation.secondLevelAfterHours };
}
