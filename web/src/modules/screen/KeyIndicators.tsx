// Key indicators with their last hour as a sparkline and the live latest value. The list comes from the
// URL (`?indicators=`) or, by default, one headline indicator from each of a few categories.
import { useMemo } from 'react';
import { useQueries } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Sparkline } from '../../charts/Sparkline';
import { palette } from '../../charts/palette';
import { vitalsQueries } from '../vitals/queries';
import type { Snapshot, SnapshotItem } from '../vitals/types';
import { formatValue } from './AlertTicker';
import { unitAfterValue, withUnit } from '../../app/units';

const DEFAULT_CATEGORIES = ['air_quality', 'power_supply', 'road_traffic', 'public_transport', 'water_supply', 'hotline_12345'];
/** The figure a category is known by on the screen, where it has one (else its first indicator with a value). */
const HEADLINES: Record<string, string> = { public_transport: 'PUBLIC_TRANSPORT.BUS_ARRIVAL_PREDICTION_ACCURACY' };
const COUNT = 6;
const HOUR = 3_600_000;

const statusColour: Record<string, string> = { normal: palette.accent, warning: palette.warning, critical: palette.critical, stale: palette.stale, 'no-data': palette.noData };

function pick(snapshot: Snapshot | undefined, requested: string[]): SnapshotItem[] {
  const items = snapshot?.items ?? [];
  if (requested.length > 0) return requested.map((code) => items.find((item) => item.indicator === code)).filter((item): item is SnapshotItem => !!item).slice(0, COUNT);
  const chosen: SnapshotItem[] = [];
  for (const category of DEFAULT_CATEGORIES) {
    const headline = items.find((item) => item.indicator === HEADLINES[category] && item.value !== null);
    const first = headline ?? items.find((item) => item.category === category && item.value !== null);
    if (first) chosen.push(first);
  }
  return chosen.slice(0, COUNT);
}

export function KeyIndicators({ snapshot, scope, requested }: { snapshot?: Snapshot; scope?: string; requested: string[] }) {
  const { t, i18n } = useTranslation();
  const codes = useMemo(() => pick(snapshot, requested).map((item) => item.indicator).join(','), [snapshot, requested]);
  const items = useMemo(() => codes.split(',').filter(Boolean).map((code) => snapshot!.items.find((item) => item.indicator === code)!), [codes, snapshot]);
  // Rounded to the minute so the hour's series is one cache entry, refreshed each minute.
  const from = Math.floor((Date.now() - HOUR) / 60_000) * 60_000;
  const series = useQueries({ queries: items.map((item) => ({ ...vitalsQueries.series(item.indicator, scope, from, 60), refetchInterval: 60_000, staleTime: 55_000 })) });

  return (
    <div className="panel key-panel">
      <h2 className="panel-title">{t('screen.keyIndicators')}</h2>
      {items.length === 0 && <p className="key-empty">{t('common.none')}</p>}
      <ul className="key-list">
        {items.map((item, index) => {
          const values = (series[index]?.data?.points ?? []).map((point) => point.value);
          const numbers = values.filter((value): value is number => value !== null);
          const name = i18n.language === 'en' ? item.nameEn : item.nameZh;
          const lang = i18n.language;
          const label = t('screen.sparkSummary', {
            name, value: withUnit(item.value === null ? '—' : formatValue(item.value), item.unit, lang),
            min: withUnit(numbers.length ? formatValue(Math.min(...numbers)) : '—', item.unit, lang),
            max: withUnit(numbers.length ? formatValue(Math.max(...numbers)) : '—', item.unit, lang),
          });
          return (
            <li key={item.indicator} className={`key-item status-${item.status}`} data-indicator={item.indicator}>
              <span className="key-name">{name}</span>
              <span className="key-value">
                {item.value === null ? '—' : formatValue(item.value)}
                <small>{unitAfterValue(item.unit, lang)}</small>
              </span>
              <Sparkline values={[...values, item.value]} colour={statusColour[item.status] ?? palette.accent} label={label} />
            </li>
          );
        })}
      </ul>
    </div>
  );
}
