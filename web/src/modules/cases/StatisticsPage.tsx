// How well the city handles its cases (/ops/cases/stats, GET /api/v1/cases/statistics): opened and closed
// per day, on-time rate, median time to close, satisfaction, backlog and overdue by department and by
// district. Every chart has its figures in text (the caption) and as a table on request.
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { EChart } from '../../charts/EChart';
import { palette } from '../../charts/palette';
import { Loading } from '../ops/common';
import { formatShare } from '../../app/format';
import { casesQueries } from './queries';
import { useNames } from './common';
import './charts';
import './cases.css';
import type { CaseStatistics } from './types';
import { cityTimeZone } from '../../app/city';

const PERIODS = [7, 30, 90];

export function StatisticsPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const days = PERIODS.includes(Number(params.get('days'))) ? Number(params.get('days')) : 30;
  const stats = useQuery(casesQueries.statistics(days));
  return (
    <>
      <h1>{t('cases.statsTitle')} <Link className="heading-link" to="/ops/cases">{t('cases.title')}</Link></h1>
      <form className="filters" aria-label={t('ops.filters')} onSubmit={(event) => event.preventDefault()}>
        <label htmlFor="stats-days">{t('cases.period')}</label>
        <select id="stats-days" value={days} onChange={(event) => setParams({ days: event.target.value }, { replace: true })}>
          {PERIODS.map((value) => <option key={value} value={value}>{t('cases.days', { count: value })}</option>)}
        </select>
      </form>
      <Loading query={stats}>{stats.data && <Figures stats={stats.data} />}</Loading>
    </>
  );
}

function Figures({ stats }: { stats: CaseStatistics }) {
  const { t } = useTranslation();
  const names = useNames();
  return (
    <>
      <ul className="kpi-grid" data-testid="case-kpis">
        <li className="card"><span className="kpi-label">{t('cases.onTimeRate')}</span><span className="kpi-value">{formatShare(stats.onTimeRate)}</span><span className="muted">{t('cases.handledCount', { count: stats.handled })}</span></li>
        <li className="card"><span className="kpi-label">{t('cases.medianClose')}</span><span className="kpi-value">{stats.medianHoursToClose === null ? '—' : t('cases.hours', { value: stats.medianHoursToClose })}</span></li>
        <li className="card"><span className="kpi-label">{t('cases.satisfactionMean')}</span><span className="kpi-value">{stats.satisfaction === null ? '—' : `${stats.satisfaction} / 5`}</span><span className="muted">{t('cases.evaluatedCount', { count: stats.evaluated })}</span></li>
        <li className="card"><span className="kpi-label">{t('cases.satisfiedShare')}</span><span className="kpi-value">{formatShare(stats.satisfiedShare)}</span></li>
        <li className="card"><span className="kpi-label">{t('cases.backlogTotal')}</span><span className="kpi-value">{stats.backlog.total}</span></li>
        <li className="card"><span className="kpi-label">{t('cases.overdueTotal')}</span><span className="kpi-value">{stats.backlog.overdue}</span></li>
      </ul>
      <PerDayChart stats={stats} />
      <div className="two-columns">
        <BacklogChart title={t('cases.byDepartment')} label={t('cases.department')} id="by-department"
          rows={stats.backlog.byDepartment.map((row) => ({ name: row.department ? names.department(row.department) : t('cases.noDepartment'), backlog: row.backlog, overdue: row.overdue }))} />
        <BacklogChart title={t('cases.byDistrict')} label={t('cases.district')} id="by-district"
          rows={stats.backlog.byDistrict.map((row) => ({ name: names.org(row.district), backlog: row.backlog, overdue: row.overdue }))} />
      </div>
    </>
  );
}

/** The days of the period in order, with zeros for days without cases (the API lists only days with some). */
function fillDays(stats: CaseStatistics): { day: string; opened: number; closed: number }[] {
  const known = new Map(stats.perDay.map((row) => [row.day, row]));
  const days: { day: string; opened: number; closed: number }[] = [];
  const format = new Intl.DateTimeFormat('en-CA', { timeZone: cityTimeZone(), year: 'numeric', month: '2-digit', day: '2-digit' });
  const end = new Date(stats.to).getTime();
  for (let time = new Date(stats.from).getTime(); time <= end + 1; time += 86_400_000) {
    const day = format.format(new Date(Math.min(time, end)));
    if (days.at(-1)?.day === day) continue;
    days.push(known.get(day) ?? { day, opened: 0, closed: 0 });
  }
  return days;
}

function PerDayChart({ stats }: { stats: CaseStatistics }) {
  const { t } = useTranslation();
  const [table, setTable] = useState(false);
  const days = useMemo(() => fillDays(stats), [stats]);
  const option = useMemo(() => ({
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { data: [t('cases.opened'), t('cases.closed')], top: 4, textStyle: { color: '#dfe8f5' } },
    grid: { left: 48, right: 24, top: 40, bottom: 36 },
    xAxis: { type: 'category', data: days.map((row) => row.day.slice(5)), axisLabel: { color: '#b8c4d6' } },
    yAxis: { type: 'value', minInterval: 1, axisLabel: { color: '#b8c4d6' }, splitLine: { lineStyle: { color: 'rgba(255,255,255,0.08)' } } },
    series: [
      { name: t('cases.opened'), type: 'bar', data: days.map((row) => row.opened), itemStyle: { color: palette.accent } },
      { name: t('cases.closed'), type: 'line', data: days.map((row) => row.closed), itemStyle: { color: palette.normal }, lineStyle: { width: 2 } },
    ],
  }), [days, t]);
  const busiest = days.reduce((best, row) => (row.opened > best.opened ? row : best), days[0] ?? { day: '—', opened: 0, closed: 0 });
  const summary = t('cases.perDaySummary', {
    days: stats.days, opened: days.reduce((sum, row) => sum + row.opened, 0), closed: days.reduce((sum, row) => sum + row.closed, 0),
    max: busiest.opened, maxDay: busiest.day,
  });
  return (
    <section className="card" aria-labelledby="per-day">
      <h2 id="per-day">{t('cases.perDay')}</h2>
      <EChart option={option} summary={summary} className="stats-chart" />
      <p className="chart-summary" aria-hidden="true">{summary}</p>
      <button type="button" className="link-button" aria-expanded={table} onClick={() => setTable(!table)}>{t('cases.showTable')}</button>
      {table && (
        <div className="table-scroll">
          <table className="data-table compact">
            <caption className="sr-only">{t('cases.perDay')}</caption>
            <thead><tr><th scope="col">{t('cases.day')}</th><th scope="col">{t('cases.opened')}</th><th scope="col">{t('cases.closed')}</th></tr></thead>
            <tbody>{days.map((row) => <tr key={row.day}><th scope="row">{row.day}</th><td className="num">{row.opened}</td><td className="num">{row.closed}</td></tr>)}</tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function BacklogChart({ title, label, id, rows }: { title: string; label: string; id: string; rows: { name: string; backlog: number; overdue: number }[] }) {
  const { t, i18n } = useTranslation();
  const option = useMemo(() => ({
    animation: false,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { data: [t('cases.backlogTotal'), t('cases.overdueTotal')], top: 4, textStyle: { color: '#dfe8f5' } },
    grid: { left: 120, right: 24, top: 40, bottom: 24 },
    xAxis: { type: 'value', minInterval: 1, axisLabel: { color: '#b8c4d6' }, splitLine: { lineStyle: { color: 'rgba(255,255,255,0.08)' } } },
    yAxis: { type: 'category', inverse: true, data: rows.map((row) => row.name), axisLabel: { color: '#dfe8f5', width: 110, overflow: 'truncate' } },
    series: [
      { name: t('cases.backlogTotal'), type: 'bar', data: rows.map((row) => row.backlog), itemStyle: { color: palette.accent } },
      { name: t('cases.overdueTotal'), type: 'bar', data: rows.map((row) => row.overdue), itemStyle: { color: palette.critical } },
    ],
  }), [rows, t]);
  const list = rows.map((row) => t('cases.backlogItem', row)).join(i18n.language === 'en' ? '; ' : '；');
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {rows.length === 0 ? <p className="muted">{t('cases.noData')}</p> : (
        <>
          <EChart option={option} summary={list} className="stats-chart" />
          <table className="data-table compact">
            <caption className="sr-only">{title}</caption>
            <thead><tr><th scope="col">{label}</th><th scope="col">{t('cases.backlogTotal')}</th><th scope="col">{t('cases.overdueTotal')}</th></tr></thead>
            <tbody>{rows.map((row) => <tr key={row.name}><th scope="row">{row.name}</th><td className="num">{row.backlog}</td><td className="num">{row.overdue}</td></tr>)}</tbody>
          </table>
        </>
      )}
    </section>
  );
}
