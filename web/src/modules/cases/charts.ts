// The extra ECharts pieces the cases pages use (a point on the district map, bar charts), registered on
// top of the shared set so that only the cases chunk carries them.
import { BarChart, ScatterChart } from 'echarts/charts';
import { GeoComponent, LegendComponent } from 'echarts/components';
import { echarts } from '../../charts/echarts';

echarts.use([BarChart, ScatterChart, GeoComponent, LegendComponent]);

export { echarts };
