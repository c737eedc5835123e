// Figures of the case workflow (一网统管) that the 12345 hotline category does not already have: cases
// opened and closed per day and the median time to close. Reported by the cases module.

import type { IndicatorDefinition } from '../../types.js';
import { DAY, defineCategory, up } from './define.js';

export const casesOperationsIndicators: IndicatorDefinition[] = defineCategory('hotline_12345', 'hotline_12345', [
  ['CASES_OPENED', '当日新增工单数', 'Cases opened today', 'count', DAY, 'sum', 'cds', up(0, 3_000, 5_000, 8_000), '当日受理的市民诉求和发现的问题数', 'Citizen requests and discovered issues opened as cases on the day'],
  ['CASES_CLOSED', '当日结案工单数', 'Cases closed today', 'count', DAY, 'sum', 'cds', up(0, 3_000, 5_000, 8_000), '当日结案的工单数', 'Cases closed on the day'],
  ['MEDIAN_CLOSE_TIME', '工单办结时长中位数', 'Median time to close a case', 'h', DAY, 'avg', 'cds', up(0, 48, 96, 168), '近30天结案工单从受理到结案时长的中位数', 'Median time from report to closure of the cases closed in the last 30 days'],
]);
