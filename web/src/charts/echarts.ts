// ECharts, imported piece by piece: only the chart types and components the pages use end up in the
// bundle (the full build is about a megabyte).
import * as echarts from 'echarts/core';
import { LineChart, MapChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, MarkAreaComponent, MarkLineComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([LineChart, MapChart, GridComponent, TooltipComponent, DataZoomComponent, MarkLineComponent, MarkAreaComponent, VisualMapComponent, CanvasRenderer]);

export { echarts };
export type { EChartsCoreOption as ChartOption } from 'echarts/core';

export { palette, scoreColour } from './palette';
