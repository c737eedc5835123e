// ECharts, imported piece by piece: only the chart types and components the pages use end up in the
// bundle (the full build is about a megabyte).
import * as echarts from 'echarts/core';
import { LineChart, MapChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, MarkAreaComponent, MarkLineComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([LineChart, MapChart, GridComponent, TooltipComponent, DataZoomComponent, MarkLineComponent, MarkAreaComponent, VisualMapComponent, CanvasRenderer]);

export { echarts };
export type { EChartsCoreOption as ChartOption } from 'echarts/core';

/** Colours shared by charts and the stylesheets (kept in step with the CSS custom properties). */
export const palette = {
  normal: '#2fd28a',
  warning: '#ffb020',
  critical: '#ff4d5e',
  stale: '#8a94a6',
  noData: '#4a5568',
  accent: '#35d0ff',
  text: '#d8e6ff',
  muted: '#8ea3c7',
  grid: 'rgba(142, 163, 199, 0.18)',
};

/** Health score colour: green at 90+, amber from 70, red below. */
export function scoreColour(score: number | null | undefined): string {
  if (score === null || score === undefined) return palette.noData;
  if (score >= 90) return palette.normal;
  if (score >= 70) return palette.warning;
  return palette.critical;
}
