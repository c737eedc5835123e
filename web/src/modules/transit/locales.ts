// The transit pages' messages, merged into the app's locales under `transit`.
import type { WithSingulars } from '../../app/locales/plurals';
export const transitZh = {
  title: '数字公交', line: '{{name}}路', lineLabel: '线路',
  streamLive: '实时更新', streamConnecting: '连接中', streamDown: '实时更新中断，正在重连…',
  live: '实时', scheduled: '计划', liveLong: '实时预测（车辆位置）', scheduledLong: '按时刻表',
  due: '即将进站', minutes: '{{count}} 分钟', minuteUnit: '分钟',
  late: '晚点 {{count}} 分钟', early: '早 {{count}} 分钟', onTime: '准点',
  network: {
    label: '公交网络', title: '选择公交网络', hint: '本市有多个公交网络，请先选择要查询的网络',
    summary: '{{routes}} 条线路，{{stops}} 个车站', choose: '选择公交网络',
    unknown: '没有名为“{{id}}”的公交网络。请检查链接，或重新选择网络。', required: '本市有多个公交网络，这个链接没有说明是哪一个。请先选择网络。',
  },
  search: {
    title: '查找车站', label: '站名或站号', placeholder: '例如：黄浦', submit: '查找', found: '找到 {{count}} 个车站',
    foundMore: '找到 {{count}} 个车站，这里列出前 {{shown}} 个。请输入更完整的站名或站号，缩小查找范围。',
    none: '没有找到车站', towards: '开往 {{places}}', routes: '全部线路', routesHint: '点线路查看线路图和车辆位置',
  },
  stop: {
    title: '{{stop}} · 到站信息', stopId: '站号 {{id}}', route: '线路', headsign: '开往', arrives: '到站', status: '状态', delay: '晚点/早到',
    vehicle: '车辆', none: '未来一小时没有车次', updated: '更新于 {{time}}', board: '电子站牌', station: '{{station}}全部线路', announce: '{{route}}，开往{{headsign}}，{{when}}，{{kind}}。', announceTerminates: '{{route}}，终点站，不再载客，{{when}}，{{kind}}。', terminates: '终点站 · 不载客',
    announceNone: '未来一小时没有车次。', in: '{{count}} 分钟后到站', dueNow: '即将进站', back: '查找其他车站', caption: '下一班车，按到站时间排序',
    notFound: '没有站号为“{{id}}”的车站，请检查链接或重新查找。',
  },
  route: {
    title: '{{line}} 线路图', direction: '开往 {{headsign}}', stops: '{{count}} 站', length: '全长 {{km}} 公里',
    headway: '计划间隔 {{minutes}} 分钟', noHeadway: '无计划间隔', vehicles: '{{count}} 辆车在线', noVehicles: '该方向暂无在线车辆',
    vehicle: '车辆 {{id}}', nextStop: '下一站 {{stop}}', gapAhead: '距前车 {{minutes}} 分钟', bunching: '串车', gap: '大间隔', regular: '正常',
    summary: '开往{{headsign}}：{{stops}} 站，{{vehicles}} 辆车在线，其中 {{bunching}} 处串车、{{gaps}} 处大间隔。',
    vehicleText: '车辆 {{id}}，即将到达 {{stop}}，{{delay}}{{gap}}', gapText: '，距前车 {{minutes}} 分钟（{{status}}）',
    waitingText: '车辆 {{id}} 在首站 {{stop}} 候发，{{time}} 发车', waitingSummary: '在线车辆中 {{count}} 辆在首站候发。',
    legend: '图例', legendBus: '车辆', legendBunching: '串车（间隔不到计划的 25%）', legendGap: '大间隔（超过计划的 1.5 倍）',
    stopList: '站点与车辆', notFound: '没有“{{id}}”这条线路，请检查链接或重新查找。',
  },
  board: {
    title: '{{stop}} 电子站牌', next: '即将到站', clock: '当前时间', noService: '未来一小时没有车次', minutes: '分钟', due: '进站',
    notFound: '没有站号为“{{id}}”的车站', notFoundHint: '请检查本站牌设置的站号', networkHint: '请检查本站牌地址中设置的公交网络（feed）',
  },
  ops: {
    title: '公交运行监测', nav: '公交', window: '统计时段', windowOption: '近 {{minutes}} 分钟', observedSince: '自 {{time}} 起有数据',
    breaks: '期间数据中断：{{list}}。中断时可能有车辆经过而未被记录，跨越中断的间隔不计入。', listSeparator: '，',
    partial: '开始观测仅 {{minutes}} 分钟，不足所选时段：两辆车都观测到的间隔才计入，长间隔尚未计入，平均间隔和额外候车时间暂时偏低。',
    route: '线路', direction: '方向', liveVehicles: '在线车辆', stops: '站数', headways: '间隔数', actual: '实际间隔（分钟）', scheduled: '计划间隔（分钟）',
    cv: '变异系数', ewt: '超额等候（分钟）', bunching: '串车', gaps: '大间隔', diagram: '线路图', none: '该时段没有观测到车辆过站',
    noHeadwaysBreaks: '已观测到 {{count}} 次过站，但同一站点还没有同一线路的两辆车先后经过，或两车之间隔着数据中断，暂无车距可算',
    noHeadways: '已观测到 {{count}} 次过站，但还没有同一线路的两辆车先后经过同一站点，暂无车距可算',
    caption: '各线路各方向的发车间隔：实际与计划（分钟）、变异系数、超额等候时间（分钟）、串车（间隔 < 计划的 25%）与大间隔（> 1.5 倍）次数',
    passings: '过站记录 {{count}} 条', minutesValue: '{{value}} 分', irregular: '不均衡', noneLive: '未见车辆',
    accuracy: '预测准确率', accuracyTitle: '到站预测准确率', accuracyGoal: '目标 {{goal}}', accuracyJudged: '已核验预报 {{count}} 条',
    accuracyNone: '该时段还没有可核验的到站预报', belowGoal: '低于目标', accuracyTooFew: '核验不足 {{count}} 条，暂不与目标比较',
    accuracyHint: '车辆过站后，核对其到站前 0-30 分钟发布的预报：0-3 分钟误差 ±60 秒、3-6 分钟 -90/+120 秒、6-12 分钟 -150/+210 秒、12-30 分钟 -240/+360 秒以内为准确',
  },
};

export type TransitMessages = typeof transitZh;

export const transitEn: WithSingulars<TransitMessages> = {
  title: 'Digital bus', line: 'Route {{name}}', lineLabel: 'Route',
  streamLive: 'Live', streamConnecting: 'Connecting', streamDown: 'Live updates interrupted, reconnecting…',
  live: 'Live', scheduled: 'Scheduled', liveLong: 'Live prediction (vehicle position)', scheduledLong: 'From the timetable',
  due: 'Due', minutes: '{{count}} min', minuteUnit: 'min',
  late: '{{count}} min late', early: '{{count}} min early', onTime: 'On time',
  network: {
    label: 'Bus network', title: 'Choose a bus network', hint: 'The city has several bus networks: choose the one to look in first',
    summary: '{{routes}} routes, {{stops}} stops', choose: 'Choose a bus network',
    unknown: 'There is no bus network "{{id}}". Check the link, or choose the network again.', required: 'The city has several bus networks, and this link does not say which. Choose the network first.',
  },
  search: {
    title: 'Find a stop', label: 'Stop name or number', placeholder: 'e.g. Huangpu', submit: 'Search', found: '{{count}} stops found', found_one: '1 stop found',
    foundMore: '{{count}} stops found, the first {{shown}} listed here. Type more of the name, or the stop number, to narrow the search.',
    none: 'No stop found', towards: 'Towards {{places}}', routes: 'All routes', routesHint: 'Open a route for its line diagram and vehicles',
  },
  stop: {
    title: '{{stop}} · Arrivals', stopId: 'Stop {{id}}', route: 'Route', headsign: 'Towards', arrives: 'Arrives', status: 'Status', delay: 'Late/early',
    vehicle: 'Vehicle', none: 'No service in the next hour', updated: 'Updated {{time}}', board: 'Stop display', station: 'All routes at {{station}}', announce: '{{route}} towards {{headsign}}, {{when}}, {{kind}}.', announceTerminates: '{{route}}, terminates here, no boarding, {{when}}, {{kind}}.', terminates: 'Terminates here · no boarding',
    announceNone: 'No service in the next hour.', in: 'in {{count}} minutes', in_one: 'in 1 minute', dueNow: 'due now', back: 'Find another stop', caption: 'Next buses, soonest first',
    notFound: 'There is no stop numbered "{{id}}". Check the link, or find the stop again.',
  },
  route: {
    title: '{{line}} line diagram', direction: 'Towards {{headsign}}', stops: '{{count}} stops', stops_one: '1 stop', length: '{{km}} km',
    headway: 'Scheduled every {{minutes}} min', noHeadway: 'No scheduled headway', vehicles: '{{count}} vehicles live', vehicles_one: '1 vehicle live', noVehicles: 'No vehicle live in this direction',
    vehicle: 'Vehicle {{id}}', nextStop: 'Next stop {{stop}}', gapAhead: '{{minutes}} min behind the bus ahead', bunching: 'Bunching', gap: 'Big gap', regular: 'Regular',
    summary: 'Towards {{headsign}}: {{stops}} stops, {{vehicles}} vehicles live, {{bunching}} bunched and {{gaps}} big gaps.',
    vehicleText: 'Vehicle {{id}}, approaching {{stop}}, {{delay}}{{gap}}', gapText: ', {{minutes}} min behind the bus ahead ({{status}})',
    waitingText: 'Vehicle {{id}} waiting at the first stop, {{stop}}, leaves at {{time}}', waitingSummary: '{{count}} of them waiting at the first stop.',
    legend: 'Legend', legendBus: 'Vehicle', legendBunching: 'Bunching (under 25% of the scheduled headway)', legendGap: 'Big gap (over 1.5 times)',
    stopList: 'Stops and vehicles', notFound: 'There is no route "{{id}}". Check the link, or find it again.',
  },
  board: {
    title: '{{stop}} stop display', next: 'Next buses', clock: 'Time now', noService: 'No service in the next hour', minutes: 'min', due: 'Due',
    notFound: 'There is no stop numbered "{{id}}"', notFoundHint: 'Check the stop number this display is set to', networkHint: 'Check the bus network (feed) set in this display\'s address',
  },
  ops: {
    title: 'Bus headway monitor', nav: 'Buses', window: 'Period', windowOption: 'Last {{minutes}} min', observedSince: 'Data since {{time}}',
    breaks: 'No positions came in {{list}}. A bus may have passed unseen then: headways across these breaks are left out.', listSeparator: ', ',
    partial: 'Observed for only {{minutes}} min, less than the period: a headway counts once both its buses have been seen, so long headways are not in yet and the mean headway and excess wait read low for now.',
    route: 'Route', direction: 'Direction', liveVehicles: 'Live vehicles', stops: 'Stops', headways: 'Headways', actual: 'Actual headway (min)', scheduled: 'Scheduled headway (min)',
    cv: 'CV', ewt: 'Excess wait (min)', bunching: 'Bunching', gaps: 'Big gaps', diagram: 'Diagram', none: 'No stop passings observed in this period',
    noHeadwaysBreaks: '{{count}} stop passings observed, but no stop has seen two buses of the same route without a break in the data between them: no headway to measure yet',
    noHeadways_one: '1 stop passing observed, but no stop has yet seen two buses of the same route: no headway to measure yet',
    noHeadways: '{{count}} stop passings observed, but no stop has yet seen two buses of the same route: no headway to measure yet',
    caption: 'Headways per route and direction: actual and scheduled (minutes), coefficient of variation, excess wait time (minutes), bunching (< 25% of scheduled) and big gaps (> 1.5 times)',
    passings: '{{count}} stop passings', passings_one: '1 stop passing', minutesValue: '{{value}} min', irregular: 'Irregular', noneLive: 'none seen',
    accuracy: 'Prediction accuracy', accuracyTitle: 'Arrival prediction accuracy', accuracyGoal: 'Goal {{goal}}', accuracyJudged: '{{count}} announcements checked', accuracyJudged_one: '1 announcement checked',
    accuracyNone: 'No arrival announcement could be checked in this period yet', belowGoal: 'Below goal', accuracyTooFew: 'fewer than {{count}} checked: too few to hold against the goal yet',
    accuracyHint: 'As buses pass stops, the announcements made 0-30 min before are checked: accurate within ±60 s at 0-3 min, -90/+120 s at 3-6 min, -150/+210 s at 6-12 min, -240/+360 s at 12-30 min',
  },
};
