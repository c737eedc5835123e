// Small pieces the console pages share.
import { useTranslation } from 'react-i18next';
import type { ReactNode } from 'react';
import type { IndicatorStatus, OrgUnit } from '../vitals/types';
import { localName } from '../../app/i18n';
import { cityTimeZone } from '../../app/city';

export function StatusBadge({ status }: { status: IndicatorStatus | 'warning' | 'critical' }) {
  const { t } = useTranslation();
  return <span className={`badge badge-${status}`}>{t(`status.${status}`)}</span>;
}

export function useFormatTime() {
  const { i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en-GB' : 'zh-CN';
  return (value: string | number | null | undefined) => value === null || value === undefined ? '—'
    : new Date(value).toLocaleString(locale, { timeZone: cityTimeZone(), year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
}

/** The time of day alone (HH:MM:SS, the city's clock), for the end of a span whose start gives the date. */
export function useFormatClock() {
  const { i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en-GB' : 'zh-CN';
  return (value: number) => new Date(value).toLocaleTimeString(locale, { timeZone: cityTimeZone(), hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
}

export function Loading({ query, children }: { query: { isPending: boolean; error: Error | null }; children: ReactNode }) {
  const { t } = useTranslation();
  if (query.error) return <p className="error" role="alert">{t('common.error', { message: query.error.message })}</p>;
  if (query.isPending) return <p aria-busy="true">{t('common.loading')}</p>;
  return <>{children}</>;
}

/** The chain of org units from the root down to `code` (for breadcrumbs). */
export function orgChain(orgs: OrgUnit[], code: string | undefined): OrgUnit[] {
  const byCode = new Map(orgs.map((org) => [org.code, org]));
  const chain: OrgUnit[] = [];
  let current = code ? byCode.get(code) : orgs.find((org) => !byCode.has(org.parentCode ?? ''));
  while (current) {
    chain.unshift(current);
    current = current.parentCode ? byCode.get(current.parentCode) : undefined;
  }
  return chain;
}

export function OrgSelect({ orgs, value, onChange, id, label }: { orgs: OrgUnit[]; value: string; onChange(code: string): void; id: string; label: string }) {
  const { i18n } = useTranslation();
  const shown = orgs.filter((org) => org.level === 'city' || org.level === 'district' || org.level === 'street');
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value)}>
        {shown.map((org) => (
          <option key={org.code} value={org.code}>{'\u00a0'.repeat(org.level === 'city' ? 0 : org.level === 'district' ? 2 : 4)}{localName(org, i18n.language)}</option>
        ))}
      </select>
    </>
  );
}

export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return value.toFixed(1);
  return Number(value.toFixed(2)).toString();
}

// The catalogue's reporting periods (a month is 30 days, a quarter 90, a year 365), largest first.
const PERIODS: [seconds: number, key: string][] = [[31_536_000, 'year'], [7_776_000, 'quarter'], [2_592_000, 'month'], [604_800, 'week']];
const STEPS: [seconds: number, one: string, many: string][] = [[86_400, 'day', 'days'], [3_600, 'hour', 'hours'], [60, 'minute', 'minutes']];

/** How often an indicator reports, as a person says it: 每 5 分钟, 每天, monthly — not "2592000 s". */
export function useFormatFrequency() {
  const { t } = useTranslation();
  return (seconds: number) => {
    const period = PERIODS.find(([length]) => seconds === length);
    if (period) return t(`ops.every.${period[1]}`);
    const step = STEPS.find(([length]) => seconds % length === 0);
    if (!step) return t('ops.every.seconds', { count: seconds });
    const count = seconds / step[0];
    return count === 1 ? t(`ops.every.${step[1]}`) : t(`ops.every.${step[2]}`, { count });
  };
}
