// The health score as a ring, and its trend over the last hours as a line.
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { EChart } from '../../charts/EChart';
import { palette, scoreColour } from '../../charts/echarts';
import { useRem } from '../../charts/useRem';
import { dateFormat } from '../../app/format';
import type { Health } from '../vitals/types';

const format = (score: number | null | undefined) => (score === null || score === undefined ? '—' : score.toFixed(1));

export function HealthPanel({ health, history }: { health?: Health; history?: { at: string; score: number | null }[] }) {
  const { t, i18n } = useTranslation();
  const score = health?.score ?? null;
  const colour = scoreColour(score);
  const circumference = 2 * Math.PI * 52;
  const filled = score === null ? 0 : (score / 100) * circumference;

  const points = useMemo(() => (history ?? []).filter((point) => point.score !== null).map((point) => [new Date(point.at).getTime(), point.score] as [number, number]), [history]);
  const summary = useMemo(() => {
    if (points.length === 0) return t('common.none');
    const values = points.map((p) => p[1]);
    return t('screen.trendSummary', { first: format(values[0]), last: format(values[values.length - 1]), min: format(Math.min(...values)), max: format(Math.max(...values)) });
  }, [points, t]);
  const axisTime = dateFormat(i18n.language, { hour: '2-digit', minute: '2-digit' });
  const rem = useRem();
  const option = useMemo(() => ({
    animation: false,
    grid: { left: 2.4 * rem, right: 0.6 * rem, top: 0.7 * rem, bottom: 1.5 * rem },
    xAxis: {
      type: 'time', axisLine: { lineStyle: { color: palette.grid } }, splitLine: { show: false },
      axisLabel: { color: palette.muted, fontSize: 0.75 * rem, formatter: (value: number) => axisTime.format(value) },
    },
    yAxis: { type: 'value', min: (range: { min: number }) => Math.max(0, Math.floor(range.min - 5)), max: 100, splitNumber: 3, axisLabel: { color: palette.muted, fontSize: 0.75 * rem }, splitLine: { lineStyle: { color: palette.grid } } },
    tooltip: { trigger: 'axis' },
    series: [{
      type: 'line', data: points, showSymbol: false, smooth: true,
      lineStyle: { color: palette.accent, width: 0.13 * rem },
      areaStyle: { color: { type: 'linear', x: 0, y: 0, x2: 0, y2: 1, colorStops: [{ offset: 0, color: 'rgba(53,208,255,0.35)' }, { offset: 1, color: 'rgba(53,208,255,0)' }] } },
    }],
  }), [points, axisTime, rem]);

  return (
    <div className="panel health-panel">
      <h2 className="panel-title">{t('screen.health')}</h2>
      <div className="health-score" role="img" aria-label={t('screen.healthSummary', { score: format(score) })} data-testid="health-score">
        <svg viewBox="0 0 120 120" aria-hidden="true">
          <circle cx="60" cy="60" r="52" className="ring-track" />
          {score !== null && <circle cx="60" cy="60" r="52" className="ring-value" stroke={colour} strokeDasharray={`${filled} ${circumference}`} transform="rotate(-90 60 60)" />}
        </svg>
        <div className="health-number" style={{ color: colour }}>
          <span className="value">{format(score)}</span>
        </div>
      </div>
      <h3 className="panel-subtitle">{t('screen.healthTrend')}</h3>
      {points.length > 1 ? <EChart option={option} summary={summary} className="health-trend" /> : <p className="health-trend trend-empty">{t('screen.trendEmpty')}</p>}
    </div>
  );
}
