// An indicator's history (options merged on refresh, so a zoom survives the periodic reload): zoomable (wheel, drag, the slider or the keyboard through the range buttons),
// with its warning and critical thresholds as lines and its normal range as a band. The text alternative
// gives the range, extremes and latest value, and the points are available as a table.
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EChart } from '../../charts/EChart';
import { palette } from '../../charts/echarts';
import type { IndicatorDefinition, Series } from '../vitals/types';
import { formatNumber, useFormatTime } from './common';
import { unitLabel, withUnit } from '../../app/units';

export function HistoryChart({ indicator, series, from, to }: { indicator: IndicatorDefinition; series?: Series; from: number; to: number }) {
  const { t, i18n } = useTranslation();
  const formatTime = useFormatTime();
  const [showTable, setShowTable] = useState(false);
  const points = useMemo(() => (series?.points ?? []).filter((p) => p.value !== null).map((p) => [new Date(p.ts).getTime(), p.value as number] as [number, number]), [series]);
  const name = i18n.language === 'en' ? indicator.nameEn : indicator.nameZh;

  const option = useMemo(() => {
    const thresholds: { value: number | null; label: string; colour: string }[] = [
      { value: indicator.warningHigh, label: t('ops.warningHigh'), colour: palette.warning },
      { value: indicator.criticalHigh, label: t('ops.criticalHigh'), colour: palette.critical },
      { value: indicator.warningLow, label: t('ops.warningLow'), colour: palette.warning },
      { value: indicator.criticalLow, label: t('ops.criticalLow'), colour: palette.critical },
    ];
    const lines = thresholds.filter((line) => line.value !== null).map((line) => ({
      yAxis: line.value, name: line.label,
      lineStyle: { color: line.colour, type: 'dashed', width: 1.5 },
      label: { formatter: `${line.label} ${formatNumber(line.value)}`, color: line.colour, position: 'insideEndTop' },
    }));
    const band = indicator.normalMin !== null || indicator.normalMax !== null
      ? [[{ yAxis: indicator.normalMin ?? 'min', itemStyle: { color: 'rgba(47,210,138,0.08)' } }, { yAxis: indicator.normalMax ?? 'max' }]]
      : [];
    const values = points.map((p) => p[1]).concat([...thresholds.map((l) => l.value), indicator.normalMin, indicator.normalMax].filter((v): v is number => v !== null));
    return {
      animation: false,
      grid: { left: 64, right: 24, top: 24, bottom: 72 },
      tooltip: { trigger: 'axis', valueFormatter: (value: number) => withUnit(formatNumber(value), indicator.unit, i18n.language) },
      xAxis: { type: 'time', min: from, max: to, axisLabel: { color: palette.muted }, axisLine: { lineStyle: { color: palette.grid } } },
      yAxis: {
        type: 'value', name: unitLabel(indicator.unit, i18n.language), nameTextStyle: { color: palette.muted }, axisLabel: { color: palette.muted }, splitLine: { lineStyle: { color: palette.grid } },
        min: values.length ? Math.min(...values) : undefined, max: values.length ? Math.max(...values) : undefined, scale: true,
      },
      dataZoom: [{ type: 'inside', filterMode: 'none' }, { type: 'slider', height: 24, bottom: 16, textStyle: { color: palette.muted } }],
      series: [{
        type: 'line', name, data: points, showSymbol: points.length < 60, lineStyle: { color: palette.accent, width: 2 }, itemStyle: { color: palette.accent },
        markLine: { silent: true, symbol: 'none', data: lines },
        markArea: { silent: true, data: band },
      }],
    };
  }, [points, indicator, name, t, i18n.language, from, to]);

  const numbers = points.map((p) => p[1]);
  const summary = points.length === 0 ? t('ops.noData') : t('ops.chartSummary', {
    name, from: formatTime(points[0][0]), to: formatTime(points[points.length - 1][0]), count: points.length,
    min: withUnit(formatNumber(Math.min(...numbers)), indicator.unit, i18n.language), max: withUnit(formatNumber(Math.max(...numbers)), indicator.unit, i18n.language),
    last: withUnit(formatNumber(numbers[numbers.length - 1]), indicator.unit, i18n.language),
  });

  return (
    <EChart option={option} summary={summary} className="history-chart">
      <p className="chart-summary" aria-hidden="true">{summary}</p>
      <button type="button" className="link-button" aria-expanded={showTable} onClick={() => setShowTable(!showTable)}>{showTable ? t('ops.hideTable') : t('ops.showTable')}</button>
      {showTable && (
        <div className="table-scroll" tabIndex={0} role="region" aria-label={name}>
          <table className="data-table compact">
            <thead><tr><th scope="col">{t('common.time')}</th><th scope="col">{t('common.value')} ({unitLabel(indicator.unit, i18n.language)})</th></tr></thead>
            <tbody>{points.map(([ts, value]) => <tr key={ts}><td>{formatTime(ts)}</td><td className="num">{formatNumber(value)}</td></tr>)}</tbody>
          </table>
        </div>
      )}
    </EChart>
  );
}
