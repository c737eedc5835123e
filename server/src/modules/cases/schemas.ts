// Request schemas of the cases API: one schema validates a request and documents it.
import { Type } from 'typebox';
import { RowId } from '../../platform/http/row-id.js';
import { ACTIONS, CASE_STATES } from './workflow.js';
import { PRIORITIES, SOURCES } from './types.js';
import { MAX_DEADLINE_HOURS } from './working-time.js';

const literals = <T extends readonly string[]>(values: T) => Type.Union(values.map((v) => Type.Literal(v)));

export const IdParams = Type.Object({ id: RowId() });

export const NewCaseBody = Type.Object({
  title: Type.String({ minLength: 1, maxLength: 300 }),
  description: Type.Optional(Type.String({ maxLength: 10_000 })),
  category: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  priority: Type.Optional(literals(PRIORITIES)),
  source: Type.Optional(literals(['hotline', 'inspection', 'internal'] as const)),
  sourceRef: Type.Optional(Type.String({ maxLength: 200 })),
  org: Type.Optional(Type.String({ minLength: 1, description: "Org unit where it happened; the caller's own by default" })),
  address: Type.Optional(Type.String({ maxLength: 500 })),
  lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
  lon: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
  reporter: Type.Optional(Type.Object({
    name: Type.Optional(Type.String({ maxLength: 100 })),
    phone: Type.Optional(Type.String({ maxLength: 50 })),
    email: Type.Optional(Type.String({ maxLength: 200 })),
  }, { additionalProperties: false })),
  mediaUrls: Type.Optional(Type.Array(Type.String({ pattern: '^https?://', maxLength: 2000 }), { maxItems: 20 })),
}, { additionalProperties: false });

const transitionFields = {
  action: literals(ACTIONS),
  reason: Type.Optional(Type.String({ maxLength: 2000 })),
  category: Type.Optional(Type.String({ minLength: 1 })),
  priority: Type.Optional(literals(PRIORITIES)),
  department: Type.Optional(Type.String({ minLength: 1 })),
  handlerOrg: Type.Optional(Type.String({ minLength: 1 })),
  queue: Type.Optional(Type.String({ maxLength: 100 })),
  report: Type.Optional(Type.String({ maxLength: 10_000 })),
  photos: Type.Optional(Type.Array(Type.String({ maxLength: 2000 }), { maxItems: 20 })),
  satisfaction: Type.Optional(Type.Integer()),
};

export const TransitionBody = Type.Object({
  ...transitionFields,
  version: Type.Integer({ minimum: 1, description: 'The version of the case the caller saw; a stale one gets 409' }),
}, { additionalProperties: false });

export const BulkBody = Type.Object({
  ...transitionFields,
  items: Type.Array(Type.Object({ id: RowId(), version: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }), { minItems: 1, maxItems: 500 }),
}, { additionalProperties: false });

export const ListQuery = Type.Object({
  state: Type.Optional(Type.String({ description: 'Comma-separated states' })),
  department: Type.Optional(Type.String()),
  org: Type.Optional(Type.String({ minLength: 1, description: "Only cases located in this org unit and below; it must be in the caller's subtree" })),
  category: Type.Optional(Type.String({ description: 'A category code or the code of a level above' })),
  source: Type.Optional(literals(SOURCES)),
  priority: Type.Optional(literals(PRIORITIES)),
  overdue: Type.Optional(Type.Boolean()),
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Search in title, description and address' })),
  order: Type.Optional(literals(['reported_desc', 'deadline_asc', 'updated_desc'] as const)),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
}, { additionalProperties: false });

export const CategoryBody = Type.Array(Type.Object({
  code: Type.String({ pattern: '^[a-z0-9_]+(\\.[a-z0-9_]+){0,2}$' }),
  nameZh: Type.String({ minLength: 1, maxLength: 100 }),
  nameEn: Type.String({ minLength: 1, maxLength: 200 }),
  department: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  // At most a year (MAX_DEADLINE_HOURS explains why); whether a working-time deadline fits the calendar is
  // checked against the calendar when the category is saved.
  deadlineHours: Type.Optional(Type.Object({
    urgent: Type.Number({ exclusiveMinimum: 0, maximum: MAX_DEADLINE_HOURS }), high: Type.Number({ exclusiveMinimum: 0, maximum: MAX_DEADLINE_HOURS }),
    normal: Type.Number({ exclusiveMinimum: 0, maximum: MAX_DEADLINE_HOURS }), low: Type.Number({ exclusiveMinimum: 0, maximum: MAX_DEADLINE_HOURS }),
  }, { additionalProperties: false })),
  workingTime: Type.Optional(Type.Boolean()),
  active: Type.Optional(Type.Boolean()),
}, { additionalProperties: false }), { minItems: 1, maxItems: 2000 });

export const DispatchRuleBody = Type.Object({
  categoryPrefix: Type.String({ maxLength: 100, description: "A category code or prefix ('' for every category)" }),
  org: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'The rule applies to cases located in this subtree' })),
  department: Type.String({ minLength: 1 }),
  handlerLevel: Type.Optional(literals(['city', 'district', 'street', 'committee', 'fixed'] as const)),
  handlerOrg: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  queue: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
}, { additionalProperties: false });

export const AlertRulesBody = Type.Array(Type.Object({
  minSeverity: literals(['warning', 'critical'] as const),
  categories: Type.Optional(Type.Union([Type.Array(Type.String({ minLength: 1 })), Type.Null()])),
  caseCategory: Type.String({ minLength: 1 }),
  priority: Type.Optional(literals(PRIORITIES)),
  enabled: Type.Optional(Type.Boolean()),
}, { additionalProperties: false }), { maxItems: 200 });

export const CalendarBody = Type.Object({
  workdays: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), { uniqueItems: true })),
  startHour: Type.Optional(Type.Integer({ minimum: 0, maximum: 23 })),
  endHour: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 })),
  holidays: Type.Optional(Type.Array(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }), { maxItems: 2000 })),
  extraWorkdays: Type.Optional(Type.Array(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }), { maxItems: 2000 })),
  secondLevelAfterHours: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 8760 })),
}, { additionalProperties: false });

export const BoardQuery = Type.Object({
  org: Type.Optional(Type.String({ minLength: 1, description: 'Only cases located in this org unit (a district, street or committee) and below' })),
  category: Type.Optional(Type.String({ minLength: 1, description: 'A category code or the code of a level above' })),
  department: Type.Optional(Type.String({ minLength: 1, description: 'Only cases dispatched to this department' })),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50, description: 'Cards per lane; each lane still counts all its cases' }),
}, { additionalProperties: false });

export const StreamQuery = Type.Object({
  token: Type.Optional(Type.String({ description: 'The bearer token, for EventSource, which cannot set headers' })),
  lastEventId: Type.Optional(Type.String({ description: 'Resume after this event (as the Last-Event-ID header does)' })),
}, { additionalProperties: false });
