// Indicator units are kept as short English codes (the catalogue's, and the API's, so that clients and
// thresholds agree on one spelling). A reader sees them as their language writes them: 万人次, not
// "10k trips" on a Chinese wall. Symbols both languages share (%, km/h, mg/m³, dB(A), MW) stay as they are.

import { BARE_UNITS } from '@citypulse/contracts';

const ZH: Record<string, string> = {
  count: '计数',
  index: '指数',
  ratio: '比值',
  level: '级',
  s: '秒',
  min: '分钟',
  h: '小时',
  days: '天',
  'working days': '个工作日',
  months: '个月',
  t: '吨',
  '10k t': '万吨',
  persons: '人',
  '10k persons': '万人',
  households: '户',
  vehicles: '辆',
  units: '台',
  items: '件',
  '10k items': '万件',
  '10k trips': '万人次',
  '10k visits': '万人次',
  '10k txns': '万笔',
  '10k uses': '万次',
  '10k taps': '万次',
  '10k scans': '万次',
  '10k calls': '万次',
  '10k invoices': '万张',
  '10k kWh': '万千瓦时',
  '10k m³': '万立方米',
  '10k m³/d': '万立方米/日',
  '10k m²': '万平方米',
  '10k TEU': '万标箱',
  TEU: '标箱',
  '10k cells/L': '万个/升',
  CNY: '元',
  'CNY 10k': '万元',
  'CNY 100m': '亿元',
  'CNY/kg': '元/千克',
  'CNY/L': '元/升',
  'CNY/USD': '元/美元',
  km: '公里',
  m: '米',
  cm: '厘米',
  mm: '毫米',
  L: '升',
  'persons/m²': '人/平方米',
  'persons/(m·min)': '人/(米·分钟)',
};


/** The unit as a label on its own (a table's unit column, an axis name). */
export function unitLabel(unit: string, language: string): string {
  return language === 'en' ? unit : (ZH[unit] ?? unit);
}

/** The unit written after a value ('' where the value reads better bare). */
export function unitAfterValue(unit: string, language: string): string {
  if (BARE_UNITS.has(unit) || (unit === 'level' && language === 'en')) return ''; // "3 级", but not "3 level"
  return unitLabel(unit, language);
}

/** A formatted value with its unit: "45%", "12 km/h", "3.2 万人次", "104" for a count. */
export function withUnit(value: string, unit: string, language: string): string {
  const after = unitAfterValue(unit, language);
  if (!after || value === '—') return value;
  return unit === '%' ? `${value}%` : `${value} ${after}`;
}
