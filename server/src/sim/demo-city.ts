// The demo city: a fictional city, 海城 (Haicheng), with eight districts, three streets each and two
// neighbourhood committees per street; the city's departments; one user for each role; the indicator
// catalogue. Everything a newcomer needs to see CityPulse working.
import type { App } from '../app.js';
import { randomPassword } from '../platform/auth/passwords.js';
import { categories, departments, demoCatalogue } from '../modules/vitals/catalogue/index.js';
import { seedDemoGeometry } from './demo-geometry.js';

export const DEMO_CITY = 'haicheng';

const DISTRICTS: [code: string, zh: string, en: string][] = [
  ['huangpu', '黄浦区', 'Huangpu'],
  ['binjiang', '滨江区', 'Binjiang'],
  ['xinhe', '新河区', 'Xinhe'],
  ['dongshan', '东山区', 'Dongshan'],
  ['nanhu', '南湖区', 'Nanhu'],
  ['beiyuan', '北苑区', 'Beiyuan'],
  ['xigang', '西港区', 'Xigang'],
  ['lingang', '临港区', 'Lingang'],
];
const STREETS: [suffix: string, zh: string, en: string][] = [
  ['s1', '中心街道', 'Central Street'],
  ['s2', '新华街道', 'Xinhua Street'],
  ['s3', '滨河街道', 'Riverside Street'],
];
const COMMITTEES: [suffix: string, zh: string, en: string][] = [
  ['c1', '和平居委', 'Heping Committee'],
  ['c2', '幸福居委', 'Xingfu Committee'],
];

export interface DemoUser {
  username: string;
  role: string;
  org: string;
  password: string;
}

export async function isDemoSeeded(app: App): Promise<boolean> {
  const rows = await app.db.query(`select 1 from platform_setting where name = 'demo_city'`);
  return rows.length > 0;
}

/** Seeds the demo city into an empty database. Returns the demo users and their one-time passwords. */
export async function seedDemoCity(app: App): Promise<{ users: DemoUser[] }> {
  const { auth, vitals } = app;
  await auth.createOrg({ code: DEMO_CITY, parentCode: null, level: 'city', nameZh: '海城市', nameEn: 'Haicheng' });
  for (const [district, zh, en] of DISTRICTS) {
    await auth.createOrg({ code: district, parentCode: DEMO_CITY, level: 'district', nameZh: zh, nameEn: `${en} District` });
    for (const [streetSuffix, streetZh, streetEn] of STREETS) {
      const street = `${district}-${streetSuffix}`;
      await auth.createOrg({ code: street, parentCode: district, level: 'street', nameZh: `${zh}${streetZh}`, nameEn: `${en} ${streetEn}` });
      for (const [committeeSuffix, committeeZh, committeeEn] of COMMITTEES) {
        await auth.createOrg({ code: `${street}-${committeeSuffix}`, parentCode: street, level: 'committee', nameZh: `${zh}${streetZh}${committeeZh}`, nameEn: `${en} ${streetEn} ${committeeEn}` });
      }
    }
  }
  await seedDemoGeometry(app.db, DEMO_CITY);
  for (const department of departments) {
    await auth.createDepartment({ code: department.code, nameZh: department.nameZh, nameEn: department.nameEn, orgCode: DEMO_CITY });
  }
  await vitals.service.saveCategories(categories);
  await vitals.service.refreshOrgs();
  await vitals.service.importIndicators(demoCatalogue());

  const users: DemoUser[] = [];
  const demoUsers: [string, string, string, string, string | null][] = [
    ['duty', 'operator', DEMO_CITY, '值班长 Duty officer', null],
    ['env', 'department_staff', DEMO_CITY, '生态环境局 Environment bureau', 'ecology_environment'],
    ['huangpu', 'operator', 'huangpu', '黄浦区城运中心 Huangpu operations', null],
    ['grid', 'grid_worker', 'huangpu-s1-c1', '网格员 Grid worker', null],
    ['viewer', 'viewer', DEMO_CITY, '访客 Viewer', null],
  ];
  for (const [username, role, org, displayName, department] of demoUsers) {
    const password = randomPassword();
    await auth.createUser({ username, password, displayName, role, orgCode: org, departmentCode: department && departments.some((d: { code: string }) => d.code === department) ? department : null });
    users.push({ username, role, org, password });
  }
  await app.db.query(`insert into platform_setting (name, value) values ('demo_city', $1) on conflict do nothing`, [DEMO_CITY]);
  await vitals.service.refreshOrgs();
  return { users };
}
