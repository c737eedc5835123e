// Open311 GeoReport v2: the API existing 311 clients (apps, the 12345 hotline's front end) speak.
// Requests come form-encoded (as the spec says) or as JSON; the `api_key` is a CityPulse API token with
// the cases:report scope. Errors on these routes use GeoReport's own format, an array of {code,
// description}, not problem+json. Only the JSON format is served.
// See: https://wiki.open311.org/GeoReport_v2/
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AuthService } from '../../platform/auth/service.js';
import type { Principal } from '../../platform/auth/roles.js';
import { ProblemError } from '../../platform/errors.js';
import { toProblem } from '../../platform/http/problems.js';
import { MAX_ROW_ID } from '../../platform/http/row-id.js';
import type { CasesService } from './service.js';
import type { CaseCategory, CaseRecord } from './types.js';
import { CasesError } from './errors.js';
import * as store from './store.js';

/** The GeoReport error: an array of code and description. */
class Open311Error extends Error {
  constructor(readonly status: number, description: string) {
    super(description);
  }
}

const PUBLIC_SOURCES = ['open311', 'hotline'];

/** The largest id a case can have (PostgreSQL's integer): a larger one names nothing and the database refuses to compare it. */

/**
 * How far ahead of our clock a client's `requested_datetime` may be: clocks of phones and hotline front
 * ends drift a little; a report from further in the future is a wrong date, and would sort before
 * everything in the worklists.
 */
const CLOCK_SKEW_MS = 5 * 60_000;
/**
 * The earliest `requested_datetime` taken. Replays bring real history (the Boston 311 data of 2015), so
 * the bound is not "recent"; but no 311 or 12345 hotline record predates 2000, and an epoch-zero date
 * (1970) is a client's missing value, not a report.
 */
const EARLIEST_REQUEST = Date.parse('2000-01-01T00:00:00Z');

/**
 * What the public may report: active third-level items, except the internal ones (`operations.*`, the
 * cases opened by vital-sign alerts). services.json offers exactly these, and requests may name no other.
 */
export const isPublicService = (category: CaseCategory | undefined): category is CaseCategory =>
  !!category && category.level === 3 && category.active && !category.code.startsWith('operations.');

const PostRequest = Type.Object({
  api_key: Type.Optional(Type.String()),
  jurisdiction_id: Type.Optional(Type.String()),
  service_code: Type.String({ minLength: 1 }),
  lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
  long: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
  address_string: Type.Optional(Type.String({ maxLength: 500 })),
  address_id: Type.Optional(Type.String({ maxLength: 200 })),
  email: Type.Optional(Type.String({ maxLength: 200 })),
  device_id: Type.Optional(Type.String({ maxLength: 200 })),
  account_id: Type.Optional(Type.String({ maxLength: 200 })),
  first_name: Type.Optional(Type.String({ maxLength: 100 })),
  last_name: Type.Optional(Type.String({ maxLength: 100 })),
  phone: Type.Optional(Type.String({ maxLength: 50 })),
  description: Type.Optional(Type.String({ maxLength: 4000 })),
  media_url: Type.Optional(Type.String({ maxLength: 2000 })),
  // CityPulse extensions: the org unit where it happened, and when it was reported (replays).
  org_code: Type.Optional(Type.String({ minLength: 1 })),
  requested_datetime: Type.Optional(Type.String({ format: 'date-time' })),
});

const ListRequests = Type.Object({
  jurisdiction_id: Type.Optional(Type.String()),
  service_request_id: Type.Optional(Type.String({ pattern: '^\\d+(,\\d+)*$' })),
  service_code: Type.Optional(Type.String()),
  start_date: Type.Optional(Type.String({ format: 'date-time' })),
  end_date: Type.Optional(Type.String({ format: 'date-time' })),
  status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed')])),
});

const CLOSED = ['declined', 'closed', 'evaluated'];

function toServiceRequest(record: CaseRecord, service: CasesService, notes: string | null) {
  const category = record.category ? service.categories.get(record.category) : undefined;
  return {
    service_request_id: String(record.id),
    status: CLOSED.includes(record.state) ? 'closed' : 'open',
    status_notes: notes,
    service_name: category?.nameEn ?? null,
    service_code: record.category,
    description: record.description,
    agency_responsible: record.department,
    service_notice: null,
    requested_datetime: record.reportedAt,
    updated_datetime: record.updatedAt,
    expected_datetime: record.deadlineAt,
    address: record.address,
    address_id: null,
    zipcode: null,
    lat: record.lat,
    long: record.lon,
    media_url: record.mediaUrls[0] ?? null,
  };
}

async function lastNotes(service: CasesService, id: number): Promise<string | null> {
  const events = await store.caseEvents(service.ctx.db, id);
  for (let i = events.length - 1; i >= 0; i--) if (events[i].reason) return events[i].reason;
  return null;
}

async function reporterPrincipal(request: FastifyRequest, apiKey: string | undefined, auth: AuthService): Promise<Principal> {
  const header = request.headers.authorization;
  const key = apiKey ?? (header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined);
  if (!key) throw new Open311Error(403, 'api_key is required');
  let principal: Principal;
  try {
    principal = await auth.authenticate(key);
  } catch {
    throw new Open311Error(403, 'api_key is unknown, revoked or expired');
  }
  if (!principal.permissions.has('cases:report')) throw new Open311Error(403, 'api_key lacks the cases:report scope');
  return principal;
}

export async function registerOpen311Routes(app: FastifyInstance, service: CasesService, auth: AuthService): Promise<void> {
  await app.register(async (open311) => {
    open311.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
      const params = new URLSearchParams(body as string);
      const parsed: Record<string, string> = {};
      for (const [key, value] of params) parsed[key] = value;
      done(null, parsed);
    });
    open311.setErrorHandler((error, request, reply) => {
      let status: number;
      let description: string;
      if (error instanceof Open311Error) {
        status = error.status;
        description = error.message;
      } else {
        const problem: ProblemError = toProblem(error);
        status = problem.status;
        description = problem.invalidParams?.length ? problem.invalidParams.map((p) => `${p.name}: ${p.reason}`).join('; ') : problem.message;
        if (status >= 500) request.log.error({ err: error }, 'open311 request failed');
      }
      reply.status(status).type('application/json; charset=utf-8').send([{ code: status, description }]);
    });

    open311.get('/open311/v2/services.json', {
      config: { public: true },
      schema: { tags: ['open311'], summary: 'GeoReport v2 service list: the third-level case categories', querystring: Type.Object({ jurisdiction_id: Type.Optional(Type.String()) }) },
    }, async () => [...service.categories.values()]
      .filter(isPublicService)
      .map((category) => {
        const group = service.categories.get(category.parentCode ?? '');
        return {
          service_code: category.code, service_name: category.nameEn, description: `${category.nameZh} ${category.nameEn}`,
          metadata: false, type: 'realtime', keywords: [category.nameZh, category.code.split('.').at(-1)].join(','), group: group?.nameEn ?? '',
        };
      }));

    open311.post('/open311/v2/requests.json', {
      config: { public: true }, // authenticated by api_key below, as GeoReport clients send it
      schema: { tags: ['open311'], summary: 'GeoReport v2: create a service request (form-encoded or JSON; api_key required)', body: PostRequest },
    }, async (request, reply) => {
      const body = request.body as Record<string, string | number | undefined>;
      const query = request.query as Record<string, string | undefined>;
      const principal = await reporterPrincipal(request, (body.api_key as string | undefined) ?? query.api_key, auth);
      const hasPoint = body.lat !== undefined && body.long !== undefined;
      if (!hasPoint && !body.address_string && !body.address_id) throw new Open311Error(400, 'a location is required: lat and long, address_string or address_id');
      if ((body.lat === undefined) !== (body.long === undefined)) throw new Open311Error(400, 'lat and long come together');
      const serviceCode = String(body.service_code);
      const category = service.categories.get(serviceCode);
      if (!isPublicService(category)) throw new Open311Error(400, `service_code ${serviceCode} is not a service of this jurisdiction`);
      const description = String(body.description ?? '').trim();
      const media = body.media_url ? String(body.media_url) : null;
      if (media && !/^https?:\/\/\S+$/.test(media)) throw new Open311Error(400, 'media_url must be an http(s) URL');
      const name = [body.first_name, body.last_name].filter(Boolean).join(' ');
      const reportedAt = body.requested_datetime ? Date.parse(String(body.requested_datetime)) : undefined;
      if (reportedAt !== undefined) {
        if (Number.isNaN(reportedAt)) throw new Open311Error(400, 'requested_datetime is not a date-time');
        if (reportedAt > service.ctx.clock.now() + CLOCK_SKEW_MS) throw new Open311Error(400, 'requested_datetime is in the future');
        if (reportedAt < EARLIEST_REQUEST) throw new Open311Error(400, 'requested_datetime is before 2000-01-01');
      }
      const record = await service.create({
        title: (description.split('\n')[0] || category.nameEn).slice(0, 120),
        description, category: category.code, source: 'open311', sourceRef: body.account_id ? String(body.account_id) : null,
        org: body.org_code ? String(body.org_code) : undefined,
        address: (body.address_string as string | undefined) ?? (body.address_id as string | undefined) ?? null,
        lat: hasPoint ? Number(body.lat) : null, lon: hasPoint ? Number(body.long) : null,
        reporter: { name: name || undefined, email: body.email as string | undefined, phone: body.phone as string | undefined, deviceId: body.device_id as string | undefined, accountId: body.account_id as string | undefined },
        mediaUrls: media ? [media] : [], reportedAt,
      }, principal).catch((error: unknown) => {
        if (error instanceof CasesError) throw new Open311Error(error.status === 403 ? 403 : 400, error.message);
        throw error;
      });
      reply.status(201);
      return [{ service_request_id: String(record.id), service_notice: null, account_id: body.account_id ?? null }];
    });

    open311.get('/open311/v2/requests/:id.json', {
      config: { public: true },
      schema: { tags: ['open311'], summary: 'GeoReport v2: one service request', params: Type.Object({ id: Type.String({ pattern: '^\\d{1,9}$' }) }) },
    }, async (request) => {
      const id = Number((request.params as { id: string }).id);
      const record = await store.caseById(service.ctx.db, id);
      if (!record || !PUBLIC_SOURCES.includes(record.source)) throw new Open311Error(404, `service request ${id} not found`);
      return [toServiceRequest(record, service, await lastNotes(service, id))];
    });

    open311.get('/open311/v2/requests.json', {
      config: { public: true },
      schema: { tags: ['open311'], summary: 'GeoReport v2: service requests (by default the last 90 days, at most 1000)', querystring: ListRequests },
    }, async (request) => {
      const query = request.query as Record<string, string | undefined>;
      const ids = query.service_request_id?.split(',').map(Number);
      const tooLarge = ids?.find((id) => id > MAX_ROW_ID);
      if (tooLarge !== undefined) throw new Open311Error(400, `service_request_id ${tooLarge} is out of range (at most ${MAX_ROW_ID})`);
      const end = query.end_date ? new Date(query.end_date) : undefined;
      const start = query.start_date ? new Date(query.start_date) : ids ? undefined : new Date((end?.getTime() ?? service.ctx.clock.now()) - 90 * 86_400_000);
      if (start && end && start > end) throw new Open311Error(400, 'start_date is after end_date');
      const root = await service.rootActor();
      const states = query.status === 'closed' ? CLOSED : query.status === 'open' ? ['reported', 'filed', 'dispatched', 'returned', 'in_progress', 'handled', 'verified'] : undefined;
      const results = [];
      for (const source of PUBLIC_SOURCES) {
        const { items } = await store.listCases(service.ctx.db, {
          orgPath: root.orgPath, ids, source, states, categoryPrefix: query.service_code, reportedFrom: start, reportedTo: end, limit: 1000, offset: 0,
        });
        results.push(...items);
      }
      results.sort((a, b) => b.reportedAt.localeCompare(a.reportedAt) || b.id - a.id);
      return results.slice(0, 1000).map((record) => toServiceRequest(record, service, null));
    });
  });
}

