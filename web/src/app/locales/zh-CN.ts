// 简体中文（默认语言）。
import { transitZh } from '../../modules/transit/locales';
import { casesZh } from '../../modules/cases/locales';
export const zhCN = {
  app: { name: '城市脉搏', title: '城市运行数字体征', skip: '跳到主要内容' },
  common: {
    loading: '加载中…', error: '出错了：{{message}}', retry: '重试', none: '暂无', close: '关闭', cancel: '取消',
    save: '保存', language: 'English', languageLabel: '切换语言', largeText: '大字高对比', largeTextOn: '大字高对比：开',
    logout: '退出登录', back: '返回', all: '全部', search: '搜索', previous: '上一页', next: '下一页',
    page: '第 {{page}} / {{pages}} 页', total: '共 {{count}} 条', city: '全市', org: '区域', category: '类别',
    value: '数值', status: '状态', time: '时间', unit: '单位', minutes: '{{count}} 分钟', hours: '{{count}} 小时', days: '{{count}} 天',
  },
  status: { normal: '正常', warning: '预警', critical: '严重', stale: '数据过期', 'no-data': '无数据' },
  severity: { warning: '预警', critical: '严重' },
  arrow: { economy: '经济数字化', life: '生活数字化', governance: '治理数字化' },
  transition: { fired: '触发', escalated: '升级', deescalated: '降级', resolved: '恢复', acknowledged: '已确认', silenced: '已静默' },
  login: {
    title: '登录', username: '用户名', password: '密码', submit: '登录', submitting: '登录中…',
    failed: '登录失败：{{message}}', screenHint: '大屏需要登录，或在网址中带上只读令牌：/screen?token=…', expired: '令牌无效或已过期，请重新登录。',
  },
  screen: {
    title: '{{city}} · 城市运行数字体征', health: '城市体检指数', healthTrend: '近 6 小时趋势', trendEmpty: '趋势数据积累中（每分钟一个点）', categories: '32 类体征',
    alerts: '实时告警', noAlerts: '当前无告警', map: '各区健康度', keyIndicators: '关键指标',
    streamLive: '实时', streamConnecting: '连接中', streamDown: '实时数据中断，正在重连…',
    freshness: '数据更新于 {{time}}', ago: '{{seconds}} 秒前', score: '得分', scoreUnknown: '—',
    healthSummary: '城市体检指数 {{score}} 分。', trendSummary: '近 6 小时体检指数从 {{first}} 变为 {{last}}，最低 {{min}}，最高 {{max}}。',
    mapSummary: '各区健康度：{{list}}。', sparkSummary: '{{name}} 最新 {{value}}，近一小时最低 {{min}}，最高 {{max}}。',
    tileLabel: '{{name}}：得分 {{score}}，{{status}}', countCritical: '{{count}} 项严重', countWarning: '{{count}} 项预警', district: '{{name}}',
    firing: '{{count}} 条告警',
  },
  ops: {
    title: '运行管理台', overview: '总览', catalogue: '指标目录', alerts: '告警', screen: '大屏',
    nav: '主导航', breadcrumb: '位置',
    districts: '下辖区域', categories: '体征类别', drill: '下钻', indicators: '指标',
    searchPlaceholder: '按中文、英文名称或编码搜索', categoryFilter: '类别', code: '编码', name: '名称', frequency: '上报频率',
    department: '责任部门', every: { seconds: '每 {{count}} 秒', minute: '每分钟', minutes: '每 {{count}} 分钟', hour: '每小时', hours: '每 {{count}} 小时', day: '每天', days: '每 {{count}} 天', week: '每周', month: '每月', quarter: '每季度', year: '每年' },
    definition: '定义', thresholds: '阈值', normalRange: '正常范围',
    warningLow: '预警下限', warningHigh: '预警上限', criticalLow: '严重下限', criticalHigh: '严重上限', direction: '方向',
    directions: { up: '越高越差', down: '越低越差', both: '双向' }, aggregation: '汇总方式',
    history: '历史曲线', range: '时间范围', alertHistory: '告警历史', latest: '最新值', noData: '该时段无数据',
    chartSummary: '{{name}}，{{from}} 至 {{to}}，共 {{count}} 个点；最低 {{min}}，最高 {{max}}，最新 {{last}}。',
    showTable: '以表格查看数据', hideTable: '隐藏数据表',
    severity: '级别', state: '状态', states: { firing: '告警中', resolved: '已恢复' }, acknowledged: '已确认', unacknowledged: '未确认',
    message: '内容', startedAt: '开始时间', actions: '操作', acknowledge: '确认', silence: '静默', silenceFor: '静默时长',
    silenced: '静默至 {{time}}', acknowledgedBy: '{{who}} 已确认', note: '备注', done: '已完成', confirmSilence: '确认静默',
    noPermission: '你的角色不能处理告警', filters: '筛选', score: '得分', indicatorsIn: '{{category}} · {{org}}',
    level: { city: '市', district: '区', street: '街道', committee: '居委' },
  },
  transit: transitZh,
  cases: casesZh,
};
export type Messages = typeof zhCN;
