// One indicator: its latest value and status, its history (zoomable, thresholds drawn), its definition
// and thresholds, and its alert history, for an org unit chosen on the page.
import { useMemo } from 'react';
import { Link, useParams } from 'react-router';
import { useQueryParams } from '../../app/query-params';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { localName } from '../../app/i18n';
import { unitAfterValue, unitLabel } from '../../app/units';
import { vitalsQueries } from '../vitals/queries';
import { AlertTable } from './AlertTable';
import { HistoryChart } from './HistoryChart';
import { formatNumber, Loading, OrgSelect, StatusBadge, useFormatFrequency, useFormatTime } from './common';

const RANGES: { key: string; hours: number }[] = [
  { key: '1h', hours: 1 }, { key: '6h', hours: 6 }, { key: '24h', hours: 24 }, { key: '7d', hours: 168 }, { key: '30d', hours: 720 },
];

export function IndicatorPage() {
  const { code = '' } = useParams();
  const [params, changeParams] = useQueryParams();
  const org = params.get('org') ?? undefined;
  const range = RANGES.find((item) => item.key === params.get('range')) ?? RANGES[2];
  const { t, i18n } = useTranslation();
  const formatTime = useFormatTime();
  const formatFrequency = useFormatFrequency();
  const indicator = useQuery(vitalsQueries.indicator(code));
  const orgs = useQuery(vitalsQueries.orgs());
  const categories = useQuery(vitalsQueries.categories());
  // The start is rounded to the minute so that re-renders do not refetch.
  const from = Math.floor((Date.now() - range.hours * 3_600_000) / 60_000) * 60_000;
  const series = useQuery({ ...vitalsQueries.series(code, org, from), refetchInterval: 30_000 });
  const snapshot = useQuery({ ...vitalsQueries.snapshot(org, indicator.data?.category), enabled: !!indicator.data, refetchInterval: 10_000 });
  const alerts = useQuery(vitalsQueries.alerts({ indicator: code, org, limit: 50 }));
  const latest = snapshot.data?.items.find((item) => item.indicator === code);
  const orgMap = useMemo(() => new Map((orgs.data?.items ?? []).map((unit) => [unit.code, unit])), [orgs.data]);
  const root = orgs.data?.items.find((unit) => unit.level === 'city');
  const category = categories.data?.items.find((item) => item.code === indicator.data?.category);
  const set = (key: string, value: string | undefined) => changeParams({ [key]: value });

  return (
    <Loading query={indicator}>
      {indicator.data && (
        <>
          <nav aria-label={t('ops.breadcrumb')} className="breadcrumb">
            <ol>
              <li><Link to="/ops/catalogue">{t('ops.catalogue')}</Link></li>
              <li><Link to={`/ops/categories/${indicator.data.category}${org ? `?org=${org}` : ''}`}>{localName(category, i18n.language)}</Link></li>
              <li><span aria-current="page">{localName(indicator.data, i18n.language)}</span></li>
            </ol>
          </nav>
          <h1>{localName(indicator.data, i18n.language)} <code className="code-tag">{code}</code></h1>
          <div className="indicator-latest" data-testid="latest">
            <span className="label">{t('ops.latest')}</span>
            <span className="latest-value">{formatNumber(latest?.value)} <small>{unitAfterValue(indicator.data.unit, i18n.language)}</small></span>
            {latest && <StatusBadge status={latest.status} />}
            <span className="muted">{formatTime(latest?.ts)}</span>
          </div>
          <div className="filters">
            <OrgSelect id="indicator-org" label={t('common.org')} orgs={orgs.data?.items ?? []} value={org ?? root?.code ?? ''} onChange={(value) => set('org', value === root?.code ? undefined : value)} />
            <span id="range-label">{t('ops.range')}</span>
            <div role="group" aria-labelledby="range-label" className="segmented">
              {RANGES.map((item) => (
                <button key={item.key} type="button" aria-pressed={item.key === range.key} onClick={() => set('range', item.key)}>{item.key}</button>
              ))}
            </div>
          </div>
          <section aria-labelledby="history-title" className="card">
            <h2 id="history-title">{t('ops.history')}</h2>
            <Loading query={series}><HistoryChart indicator={indicator.data} series={series.data} from={from} to={from + range.hours * 3_600_000 + 60_000} /></Loading>
          </section>
          <div className="two-columns">
            <section aria-labelledby="definition-title" className="card">
              <h2 id="definition-title">{t('ops.definition')}</h2>
              <p>{i18n.language === 'en' ? indicator.data.definitionEn : indicator.data.definitionZh}</p>
              <dl className="definition">
                <dt>{t('ops.code')}</dt><dd><code>{indicator.data.code}</code></dd>
                <dt>{t('common.unit')}</dt><dd>{unitLabel(indicator.data.unit, i18n.language)}</dd>
                <dt>{t('ops.frequency')}</dt><dd>{formatFrequency(indicator.data.frequencySeconds)}</dd>
                <dt>{t('ops.aggregation')}</dt><dd>{indicator.data.aggregation}</dd>
                <dt>{t('ops.department')}</dt><dd>{indicator.data.department}</dd>
                <dt>{t('ops.direction')}</dt><dd>{t(`ops.directions.${indicator.data.direction}`)}</dd>
              </dl>
            </section>
            <section aria-labelledby="thresholds-title" className="card">
              <h2 id="thresholds-title">{t('ops.thresholds')}</h2>
              <dl className="definition">
                <dt>{t('ops.normalRange')}</dt><dd>{formatNumber(indicator.data.normalMin)} – {formatNumber(indicator.data.normalMax)}</dd>
                <dt>{t('ops.warningLow')}</dt><dd>{formatNumber(indicator.data.warningLow)}</dd>
                <dt>{t('ops.warningHigh')}</dt><dd>{formatNumber(indicator.data.warningHigh)}</dd>
                <dt>{t('ops.criticalLow')}</dt><dd>{formatNumber(indicator.data.criticalLow)}</dd>
                <dt>{t('ops.criticalHigh')}</dt><dd>{formatNumber(indicator.data.criticalHigh)}</dd>
              </dl>
            </section>
          </div>
          <section aria-labelledby="alert-history-title">
            <h2 id="alert-history-title">{t('ops.alertHistory')}</h2>
            <Loading query={alerts}><AlertTable alerts={alerts.data?.items ?? []} orgs={orgMap} caption={t('ops.alertHistory')} /></Loading>
          </section>
        </>
      )}
    </Loading>
  );
}
