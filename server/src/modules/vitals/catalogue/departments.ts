// The departments that own indicators in the catalogue. Codes are stable and
// referenced by every indicator definition (`IndicatorDefinition.department`).

export interface Department {
  /** Stable code, lower snake case. */
  code: string;
  nameZh: string;
  nameEn: string;
}

export const departments: Department[] = [
  { code: 'development_reform', nameZh: '市发展改革委', nameEn: 'Development and Reform Commission' },
  { code: 'economy_informatization', nameZh: '市经济信息化委', nameEn: 'Commission of Economy and Informatization' },
  { code: 'commerce', nameZh: '市商务委', nameEn: 'Commission of Commerce' },
  { code: 'statistics', nameZh: '市统计局', nameEn: 'Bureau of Statistics' },
  { code: 'market_regulation', nameZh: '市市场监管局', nameEn: 'Administration for Market Regulation' },
  { code: 'finance', nameZh: '市财政局', nameEn: 'Finance Bureau' },
  { code: 'taxation', nameZh: '市税务局', nameEn: 'Taxation Bureau' },
  { code: 'human_resources', nameZh: '市人力资源社会保障局', nameEn: 'Human Resources and Social Security Bureau' },
  { code: 'science_technology', nameZh: '市科委', nameEn: 'Science and Technology Commission' },
  { code: 'customs', nameZh: '海关', nameEn: 'Customs District' },
  { code: 'transport', nameZh: '市交通委', nameEn: 'Transport Commission' },
  { code: 'health_commission', nameZh: '市卫生健康委', nameEn: 'Health Commission' },
  { code: 'education', nameZh: '市教委', nameEn: 'Education Commission' },
  { code: 'housing', nameZh: '市住房城乡建设管理委', nameEn: 'Housing and Urban-Rural Development Commission' },
  { code: 'culture_tourism', nameZh: '市文化旅游局', nameEn: 'Culture and Tourism Bureau' },
  { code: 'civil_affairs', nameZh: '市民政局', nameEn: 'Civil Affairs Bureau' },
  { code: 'big_data_center', nameZh: '市大数据中心', nameEn: 'Big Data Center' },
  { code: 'public_security', nameZh: '市公安局', nameEn: 'Public Security Bureau' },
  { code: 'emergency', nameZh: '市应急管理局', nameEn: 'Emergency Management Bureau' },
  { code: 'fire_rescue', nameZh: '市消防救援总队', nameEn: 'Fire and Rescue Corps' },
  { code: 'ecology_environment', nameZh: '市生态环境局', nameEn: 'Ecology and Environment Bureau' },
  { code: 'water_authority', nameZh: '市水务局', nameEn: 'Water Authority' },
  { code: 'power_grid', nameZh: '市电力公司', nameEn: 'Municipal Electric Power Company' },
  { code: 'gas_utility', nameZh: '燃气集团', nameEn: 'Gas Utility Group' },
  { code: 'meteorology', nameZh: '市气象局', nameEn: 'Meteorological Service' },
  { code: 'city_management', nameZh: '市城管执法局', nameEn: 'Urban Management and Law Enforcement Bureau' },
  { code: 'greening_appearance', nameZh: '市绿化市容局', nameEn: 'Landscaping and City Appearance Bureau' },
  { code: 'hotline_12345', nameZh: '12345市民服务热线', nameEn: '12345 Citizen Service Hotline' },
];

export const departmentCodes: Set<string> = new Set(departments.map((d) => d.code));
