// Where the case is: the city's district outlines (GET /api/v1/orgs/geojson, no online tiles), the case's
// district highlighted and a point at its coordinates, or at the district's centre when it has none.
import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { EChart } from '../../charts/EChart';
import { palette } from '../../charts/palette';
import { localName } from '../../app/i18n';
import { vitalsQueries, type GeoJsonCollection } from '../vitals/queries';
import { echarts } from './charts';
import type { CaseRecord } from './types';

const MAP_NAME = 'citypulse-case-districts';
let registered: GeoJsonCollection | null = null;

/** The centre of a feature's bounding box (good enough to place a marker inside a district). */
export function featureCentre(geometry: unknown): [number, number] | null {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  const walk = (value: unknown) => {
    if (Array.isArray(value) && typeof value[0] === 'number' && typeof value[1] === 'number') {
      minX = Math.min(minX, value[0]); maxX = Math.max(maxX, value[0]); minY = Math.min(minY, value[1]); maxY = Math.max(maxY, value[1]);
    } else if (Array.isArray(value)) value.forEach(walk);
  };
  walk((geometry as { coordinates?: unknown })?.coordinates);
  return Number.isFinite(minX) ? [(minX + maxX) / 2, (minY + maxY) / 2] : null;
}

export function CaseMap({ record }: { record: CaseRecord }) {
  const { t, i18n } = useTranslation();
  const geojson = useQuery(vitalsQueries.geojson());
  const orgs = useQuery(vitalsQueries.orgs());
  const districtCode = record.orgPath.split('/').filter(Boolean)[1] ?? null;
  const district = orgs.data?.items.find((unit) => unit.code === districtCode);
  if (geojson.data && registered !== geojson.data) {
    echarts.registerMap(MAP_NAME, geojson.data as never);
    registered = geojson.data;
  }
  const feature = geojson.data?.features.find((item) => item.properties.code === districtCode);
  const exact = record.lat !== null && record.lon !== null;
  const point: [number, number] | null = exact ? [record.lon!, record.lat!] : feature ? featureCentre(feature.geometry) : null;

  const option = useMemo(() => {
    if (!geojson.data) return {};
    return {
      animation: false,
      geo: {
        map: MAP_NAME, nameProperty: 'code', roam: true, layoutCenter: ['50%', '50%'], layoutSize: '95%', aspectScale: 0.86, selectedMode: false,
        label: { show: true, color: '#dfe8f5', fontSize: 12, formatter: (p: { name: string }) => localName(geojson.data.features.find((f) => f.properties.code === p.name)?.properties, i18n.language).replace(/ District$/, '') },
        itemStyle: { areaColor: '#1b2b44', borderColor: '#5d7390', borderWidth: 1 },
        emphasis: { label: { color: '#ffffff' }, itemStyle: { areaColor: '#26405f' } },
        regions: districtCode ? [{ name: districtCode, itemStyle: { areaColor: '#2f5a86', borderColor: '#ffffff', borderWidth: 2 } }] : [],
      },
      series: point ? [{
        type: 'scatter', coordinateSystem: 'geo', symbol: 'pin', symbolSize: 34, data: [{ name: record.title, value: point }],
        itemStyle: { color: palette.critical, borderColor: '#ffffff', borderWidth: 1 },
      }] : [],
    };
  }, [geojson.data, districtCode, point?.[0], point?.[1], record.title, i18n.language]); // eslint-disable-line react-hooks/exhaustive-deps

  const coords = point ? ` (${point[1].toFixed(5)}, ${point[0].toFixed(5)})${exact ? '' : t('cases.mapApprox')}` : '';
  const summary = t('cases.mapSummary', { district: localName(district, i18n.language) || districtCode || '—', coords });
  if (geojson.data && geojson.data.features.length === 0) return <p>{t('cases.mapNone')}</p>;
  return (
    <>
      <EChart option={option} summary={summary} className="case-map" />
      <p className="chart-summary" aria-hidden="true">{summary}</p>
    </>
  );
}
