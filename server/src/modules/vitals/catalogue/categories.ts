// The 32 categories of the city's vital signs, grouped under the three arrows
// (economy, life, governance). `weight` is the category's relative weight in
// the city health score: 3 for safety-critical governance categories, 2 for
// core services and environment, 1 for the rest.

import type { Category } from '../types.js';

export const categories: Category[] = [
  // Economy: 经济数字化
  { code: 'market_entities', arrow: 'economy', nameZh: '市场主体', nameEn: 'Market Entities', weight: 1 },
  { code: 'online_economy', arrow: 'economy', nameZh: '在线新经济', nameEn: 'Online New Economy', weight: 1 },
  { code: 'consumption_retail', arrow: 'economy', nameZh: '消费与零售', nameEn: 'Consumption and Retail', weight: 1 },
  { code: 'industry_investment', arrow: 'economy', nameZh: '工业与投资', nameEn: 'Industry and Investment', weight: 1 },
  { code: 'finance_tax', arrow: 'economy', nameZh: '财政与税收', nameEn: 'Public Finance and Tax', weight: 1 },
  { code: 'employment', arrow: 'economy', nameZh: '就业与社保', nameEn: 'Employment and Social Insurance', weight: 2 },
  { code: 'foreign_trade', arrow: 'economy', nameZh: '外贸与口岸', nameEn: 'Foreign Trade and Ports', weight: 1 },

  // Life: 生活数字化
  { code: 'public_transport', arrow: 'life', nameZh: '公共交通', nameEn: 'Public Transport', weight: 2 },
  { code: 'healthcare', arrow: 'life', nameZh: '医疗卫生', nameEn: 'Health and Hospitals', weight: 2 },
  { code: 'education', arrow: 'life', nameZh: '教育', nameEn: 'Education', weight: 1 },
  { code: 'housing', arrow: 'life', nameZh: '住房保障', nameEn: 'Housing', weight: 1 },
  { code: 'culture_tourism', arrow: 'life', nameZh: '文化旅游', nameEn: 'Culture and Tourism', weight: 1 },
  { code: 'elderly_care', arrow: 'life', nameZh: '养老与社会救助', nameEn: 'Elderly Care and Social Assistance', weight: 2 },
  { code: 'digital_accessibility', arrow: 'life', nameZh: '数字无障碍', nameEn: 'Digital Accessibility', weight: 1 },
  { code: 'community_services', arrow: 'life', nameZh: '社区服务', nameEn: 'Community Services', weight: 1 },

  // Governance: 治理数字化
  { code: 'public_safety', arrow: 'governance', nameZh: '社会治安', nameEn: 'Public Safety', weight: 3 },
  { code: 'emergency_response', arrow: 'governance', nameZh: '应急管理', nameEn: 'Emergency Response', weight: 3 },
  { code: 'air_quality', arrow: 'governance', nameZh: '空气质量', nameEn: 'Air Quality', weight: 2 },
  { code: 'water_environment', arrow: 'governance', nameZh: '水环境', nameEn: 'Water Environment', weight: 2 },
  { code: 'noise', arrow: 'governance', nameZh: '噪声', nameEn: 'Noise', weight: 1 },
  { code: 'power_supply', arrow: 'governance', nameZh: '电力供应', nameEn: 'Power Supply', weight: 3 },
  { code: 'water_supply', arrow: 'governance', nameZh: '供水', nameEn: 'Water Supply', weight: 3 },
  { code: 'gas_supply', arrow: 'governance', nameZh: '燃气供应', nameEn: 'Gas Supply', weight: 3 },
  { code: 'drainage', arrow: 'governance', nameZh: '排水防涝', nameEn: 'Drainage and Waterlogging', weight: 3 },
  { code: 'lifts', arrow: 'governance', nameZh: '电梯安全', nameEn: 'Lifts and Elevators', weight: 3 },
  { code: 'construction_sites', arrow: 'governance', nameZh: '建设工地', nameEn: 'Construction Sites', weight: 2 },
  { code: 'road_traffic', arrow: 'governance', nameZh: '道路交通', nameEn: 'Roads and Traffic', weight: 2 },
  { code: 'weather', arrow: 'governance', nameZh: '气象', nameEn: 'Weather', weight: 2 },
  { code: 'population_flow', arrow: 'governance', nameZh: '人口流动', nameEn: 'Population Flow', weight: 2 },
  { code: 'hotline_12345', arrow: 'governance', nameZh: '12345热线', nameEn: '12345 Hotline Cases', weight: 2 },
  { code: 'city_appearance', arrow: 'governance', nameZh: '市容管理', nameEn: 'Urban Management and City Appearance', weight: 1 },
  { code: 'fire_safety', arrow: 'governance', nameZh: '消防安全', nameEn: 'Fire Safety', weight: 3 },
];

export const categoryCodes: Set<string> = new Set(categories.map((c) => c.code));
