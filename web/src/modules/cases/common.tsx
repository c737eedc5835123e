// Small pieces the cases pages share: badges, names of departments and categories, and turning an API
// refusal into a sentence the officer can act on.
import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { ApiError } from '../../app/api';
import { localName } from '../../app/i18n';
import { vitalsQueries } from '../vitals/queries';
import { casesQueries } from './queries';
import type { CaseRecord, CaseState } from './types';
import type { LiveState } from './live';
import { cityTimeZone } from '../../app/city';

/** Which state each action starts from (the server's workflow table; the server still decides). */
export const ACTION_FROM: Record<string, readonly CaseState[]> = {
  file: ['reported'], decline: ['reported'], dispatch: ['filed', 'returned'], accept: ['dispatched'], return: ['dispatched', 'in_progress'],
  handle: ['in_progress'], verify: ['handled'], reopen: ['handled'], close: ['verified'], evaluate: ['closed'],
};

export const OPEN_STATES: CaseState[] = ['reported', 'filed', 'dispatched', 'returned', 'in_progress', 'handled', 'verified'];

export function StateBadge({ state }: { state: CaseState }) {
  const { t } = useTranslation();
  return <span className={`badge case-state case-state-${state}`}>{t(`cases.states.${state}`)}</span>;
}

export function DeadlineCell({ record }: { record: CaseRecord }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en-GB' : 'zh-CN';
  if (!record.deadlineAt) return <>—</>;
  const when = new Date(record.deadlineAt).toLocaleString(locale, { timeZone: cityTimeZone(), month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });
  return (
    <>
      {when}
      {record.overdue && <> <span className="badge badge-critical">{t('cases.overdueBadge')}</span></>}
      {record.onTime !== null && <span className="secondary-name">{record.onTime ? t('cases.onTime') : t('cases.late')}</span>}
    </>
  );
}

/** Names of departments, case categories and org units in the current language. */
export function useNames() {
  const { i18n } = useTranslation();
  const departments = useQuery(casesQueries.departments());
  const categories = useQuery(casesQueries.categories());
  const orgs = useQuery(vitalsQueries.orgs());
  return useMemo(() => {
    const departmentMap = new Map((departments.data?.items ?? []).map((item) => [item.code, item]));
    const categoryMap = new Map((categories.data?.items ?? []).map((item) => [item.code, item]));
    const orgMap = new Map((orgs.data?.items ?? []).map((item) => [item.code, item]));
    return {
      departments: departments.data?.items ?? [],
      categories: categories.data?.items ?? [],
      orgs: orgs.data?.items ?? [],
      department: (code: string | null | undefined) => (code ? localName(departmentMap.get(code), i18n.language) || code : '—'),
      category: (code: string | null | undefined) => (code ? localName(categoryMap.get(code), i18n.language) || code : '—'),
      org: (code: string | null | undefined) => (code ? localName(orgMap.get(code), i18n.language) || code : '—'),
    };
  }, [departments.data, categories.data, orgs.data, i18n.language]);
}

/** The taxonomy as options of a filter, each level indented under its parent. */
export function CategoryOptions() {
  const { i18n } = useTranslation();
  const names = useNames();
  return (
    <>
      {names.categories.map((item) => (
        <option key={item.code} value={item.code}>{'\u00a0'.repeat((item.level - 1) * 2)}{localName(item, i18n.language)}</option>
      ))}
    </>
  );
}

/** The server's refusal as a sentence, naming the offending field when it says which. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    const fields = error.invalidParams.map((param) => `${param.name}: ${param.reason}`).join('; ');
    return fields && !error.message.includes(fields) ? `${error.message} (${fields})` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Whether the page follows case changes live (role=status: a screen reader hears it change). */
export function LiveStatus({ state }: { state: LiveState }) {
  const { t } = useTranslation();
  return (
    <span className={`ops-stream stream-${state} live-status`} role="status" data-testid="cases-live">
      <span className="stream-dot" aria-hidden="true" />
      {t(`cases.live.${state}`)}
    </span>
  );
}

/** A span of time in words: days and hours, hours and minutes, or minutes. */
export function useDuration() {
  const { t } = useTranslation();
  return (ms: number) => {
    const minutes = Math.max(0, Math.floor(Math.abs(ms) / 60_000));
    const hours = Math.floor(minutes / 60);
    if (hours >= 24) return t('cases.durationDays', { days: Math.floor(hours / 24), hours: hours % 24 });
    if (hours >= 1) return t('cases.durationHours', { hours, minutes: minutes % 60 });
    return t('cases.durationMinutes', { minutes });
  };
}
