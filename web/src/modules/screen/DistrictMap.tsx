// The districts coloured by health, drawn from the city's own outlines (no online map tiles).
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EChart } from '../../charts/EChart';
import { echarts, palette, scoreColour } from '../../charts/echarts';
import { localName } from '../../app/i18n';
import { useRem } from '../../charts/useRem';
import type { GeoJsonCollection } from '../vitals/queries';
import type { OrgUnit } from '../vitals/types';

const MAP_NAME = 'citypulse-districts';
const MAP_REDRAW_MS = 3000;

/** The value, updated at most once per `ms` (the latest value wins at the end of each period), or at once while `urgent`. */
function useThrottled<T>(value: T, ms: number, urgent: (shown: T) => boolean): T {
  const [shown, setShown] = useState(value);
  const last = useRef(0);
  useEffect(() => {
    if (value === shown) return;
    const wait = urgent(shown) ? 0 : Math.max(0, last.current + ms - Date.now());
    const timer = setTimeout(() => {
      last.current = Date.now();
      setShown(value);
    }, wait);
    return () => clearTimeout(timer);
  }, [value, shown, ms, urgent]);
  return shown;
}
let registered: GeoJsonCollection | null = null;
// Until every district has a score the map redraws at once: a wall must not wait to show its first map.
const hasMissingScore = (key: string) => key === '' || key.includes('undefined');

export function DistrictMap({ geojson, scores, districts, selected }: { geojson?: GeoJsonCollection; scores: Map<string, number | null>; districts: OrgUnit[]; selected?: string }) {
  const { t, i18n } = useTranslation();
  if (geojson && registered !== geojson) {
    echarts.registerMap(MAP_NAME, geojson as never);
    registered = geojson;
  }
  const rem = useRem();
  // Scores move every second on a busy stream; the map redraws at most every few seconds (to one decimal).
  const scoreKey = useThrottled([...scores.entries()].map(([code, score]) => `${code}:${score?.toFixed(1)}`).join(','), MAP_REDRAW_MS, hasMissingScore);
  const option = useMemo(() => {
    if (!geojson) return {};
    return {
      animation: false,
      tooltip: { trigger: 'item', formatter: (p: { data?: { label: string; value: number | null } }) => p.data ? `${p.data.label}: ${p.data.value ?? '—'}` : '' },
      series: [{
        type: 'map', map: MAP_NAME, nameProperty: 'code', roam: false, selectedMode: false, layoutCenter: ['50%', '50%'], layoutSize: '96%',
        aspectScale: 0.86,
        label: {
          show: true, color: '#ffffff', fontSize: 0.95 * rem, lineHeight: 1.25 * rem, fontWeight: 600, textBorderColor: 'rgba(4,12,26,0.9)', textBorderWidth: 0.2 * rem,
          formatter: (p: { data?: { label: string; value: number | null } }) => p.data ? `${p.data.label}\n${p.data.value === null ? '—' : p.data.value.toFixed(1)}` : '',
        },
        itemStyle: { borderColor: '#0b1a2e', borderWidth: 0.1 * rem },
        emphasis: { label: { color: '#ffffff' }, itemStyle: { areaColor: palette.accent } },
        data: districts.map((district) => {
          const score = scores.get(district.code) ?? null;
          const dimmed = selected && selected !== district.code;
          return {
            name: district.code,
            value: score,
            label: localName(district, i18n.language).replace(/ District$/, ''),
            itemStyle: { areaColor: scoreColour(score), opacity: dimmed ? 0.25 : 0.85, borderColor: selected === district.code ? '#ffffff' : '#0b1a2e', borderWidth: (selected === district.code ? 0.2 : 0.1) * rem },
          };
        }),
      }],
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [geojson, scoreKey, districts, selected, i18n.language, rem]);
  const summary = t('screen.mapSummary', {
    list: districts.map((district) => `${localName(district, i18n.language)} ${scores.get(district.code)?.toFixed(1) ?? '—'}`).join(i18n.language === 'en' ? ', ' : '，'),
  });
  return (
    <div className="panel map-panel">
      <h2 className="panel-title">{t('screen.map')}</h2>
      {geojson && geojson.features.length > 0 ? <EChart option={option} summary={summary} className="district-map" /> : <p className="map-empty">{summary}</p>}
      <ul className="map-legend" aria-hidden="true">
        <li><i style={{ background: palette.normal }} />≥ 90</li>
        <li><i style={{ background: palette.warning }} />70–90</li>
        <li><i style={{ background: palette.critical }} />&lt; 70</li>
      </ul>
    </div>
  );
}
