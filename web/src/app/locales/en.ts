// English.
import type { WithSingulars } from './plurals';
import { transitEn } from '../../modules/transit/locales';
import { casesEn } from '../../modules/cases/locales';
import type { Messages } from './zh-CN';

export const en: WithSingulars<Messages> = {
  app: { name: 'CityPulse', title: 'City vital signs', skip: 'Skip to main content' },
  common: {
    loading: 'Loading…', error: 'Something went wrong: {{message}}', retry: 'Retry', none: 'None', close: 'Close', cancel: 'Cancel',
    save: 'Save', language: '中文', languageLabel: 'Switch language', largeText: 'Large text', largeTextOn: 'Large text: on',
    logout: 'Log out', back: 'Back', all: 'All', search: 'Search', previous: 'Previous', next: 'Next',
    page: 'Page {{page}} of {{pages}}', total: '{{count}} in total', city: 'Whole city', org: 'Area', category: 'Category',
    value: 'Value', status: 'Status', time: 'Time', unit: 'Unit', minutes: '{{count}} min', hours: '{{count}} h', days: '{{count}} d',
  },
  status: { normal: 'Normal', warning: 'Warning', critical: 'Critical', stale: 'Stale', 'no-data': 'No data' },
  severity: { warning: 'Warning', critical: 'Critical' },
  arrow: { economy: 'Economy', life: 'Life', governance: 'Governance' },
  transition: { fired: 'Fired', escalated: 'Escalated', deescalated: 'De-escalated', resolved: 'Resolved', acknowledged: 'Acknowledged', silenced: 'Silenced' },
  login: {
    title: 'Log in', username: 'Username', password: 'Password', submit: 'Log in', submitting: 'Logging in…',
    failed: 'Login failed: {{message}}', screenHint: 'The big screen needs a login, or a read-only token in its address: /screen?token=…', expired: 'The token is invalid or has expired; please log in again.',
  },
  screen: {
    title: '{{city}} · City vital signs', health: 'City health score', healthTrend: 'Last 6 hours', trendEmpty: 'Collecting the trend (a point a minute)', categories: '32 categories',
    alerts: 'Live alerts', noAlerts: 'No alerts', map: 'Districts by health', keyIndicators: 'Key indicators',
    streamLive: 'Live', streamConnecting: 'Connecting', streamDown: 'Live data interrupted, reconnecting…',
    freshness: 'Data as of {{time}}', ago: '{{seconds}} s ago', score: 'Score', scoreUnknown: '—',
    healthSummary: 'City health score {{score}}.', trendSummary: 'Over the last 6 hours the health score went from {{first}} to {{last}}, lowest {{min}}, highest {{max}}.',
    mapSummary: 'District health: {{list}}.', sparkSummary: '{{name}}: latest {{value}}, last hour lowest {{min}}, highest {{max}}.',
    tileLabel: '{{name}}: score {{score}}, {{status}}', countCritical: '{{count}} critical', countWarning: '{{count}} warning', district: '{{name}}',
    firing: '{{count}} alerts', firing_one: '1 alert',
  },
  ops: {
    title: 'Operations console', overview: 'Overview', catalogue: 'Catalogue', alerts: 'Alerts', screen: 'Big screen',
    nav: 'Main navigation', breadcrumb: 'Breadcrumb',
    districts: 'Areas below', categories: 'Categories', drill: 'Drill down', indicators: 'Indicators',
    searchPlaceholder: 'Search by Chinese or English name, or code', categoryFilter: 'Category', code: 'Code', name: 'Name', frequency: 'Reported',
    department: 'Department', every: { seconds: 'every {{count}} s', minute: 'every minute', minutes: 'every {{count}} min', hour: 'hourly', hours: 'every {{count}} hours', day: 'daily', days: 'every {{count}} days', week: 'weekly', month: 'monthly', quarter: 'quarterly', year: 'yearly' },
    definition: 'Definition', thresholds: 'Thresholds', normalRange: 'Normal range',
    warningLow: 'Warning low', warningHigh: 'Warning high', criticalLow: 'Critical low', criticalHigh: 'Critical high', direction: 'Direction',
    directions: { up: 'Higher is worse', down: 'Lower is worse', both: 'Both ways' }, aggregation: 'Aggregation',
    history: 'History', range: 'Range', alertHistory: 'Alert history', latest: 'Latest', noData: 'No data in this range',
    chartSummary_one: '{{name}}, {{from}} to {{to}}, 1 point; lowest {{min}}, highest {{max}}, latest {{last}}.',
    chartSummary: '{{name}}, {{from}} to {{to}}, {{count}} points; lowest {{min}}, highest {{max}}, latest {{last}}.',
    showTable: 'Show the data as a table', hideTable: 'Hide the data table',
    severity: 'Severity', state: 'State', states: { firing: 'Firing', resolved: 'Resolved' }, acknowledged: 'Acknowledged', unacknowledged: 'Unacknowledged',
    message: 'Message', startedAt: 'Started', actions: 'Actions', acknowledge: 'Acknowledge', silence: 'Silence', silenceFor: 'Silence for',
    silenced: 'Silenced until {{time}}', acknowledgedBy: 'Acknowledged by {{who}}', note: 'Note', done: 'Done', confirmSilence: 'Silence',
    noPermission: 'Your role cannot handle alerts', filters: 'Filters', score: 'Score', indicatorsIn: '{{category}} · {{org}}',
    level: { city: 'City', district: 'District', street: 'Street', committee: 'Committee' },
  },
  transit: transitEn,
  cases: casesEn,
};
