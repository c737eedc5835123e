// HTTP routes of the vital signs: thin — parse, call the service, answer.
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { principalOf } from '../../platform/http/auth-hook.js';
import type { IngestResult, VitalsService } from './service.js';
import { VitalsError, VitalsErrorCode } from './errors.js';
import { parseNdjson } from './ingest.js';
import { categoryCodes } from './catalogue/categories.js';
import { departmentCodes } from './catalogue/departments.js';
import { catalogueToCsv, parseCatalogueCsv } from './catalogue/csv.js';
import { catalogueToJson, parseCatalogueJson } from './catalogue/json.js';

const IndicatorQuery = Type.Object({
  category: Type.Optional(Type.String({ description: 'Category code' })),
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Search in the zh-CN and English names and the code' })),
  limit: Type.Integer({ minimum: 1, maximum: 10_000, default: 100 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
}, { additionalProperties: false });

export function registerCatalogueRoutes(app: FastifyInstance, vitals: VitalsService): void {
  app.get('/api/v1/vitals/categories', {
    config: { permission: 'vitals:read' },
    schema: { tags: ['vitals'], summary: 'The 32 categories of the vital signs' },
  }, async () => {
    const counts = new Map<string, number>();
    for (const indicator of vitals.indicators()) counts.set(indicator.category, (counts.get(indicator.category) ?? 0) + 1);
    return { items: vitals.categories.map((category) => ({ ...category, indicatorCount: counts.get(category.code) ?? 0 })) };
  });

  app.get('/api/v1/vitals/indicators', {
    config: { permission: 'vitals:read' },
    schema: { tags: ['vitals'], summary: 'The indicator catalogue, filtered and paged', querystring: IndicatorQuery },
  }, async (request) => {
    const { category, q, limit, offset } = request.query as { category?: string; q?: string; limit: number; offset: number };
    if (category && !vitals.categories.some((c) => c.code === category)) {
      throw new VitalsError(VitalsErrorCode.InvalidQuery, `unknown category ${category}`, [{ name: 'category', reason: 'unknown category' }]);
    }
    const needle = q?.trim().toLowerCase();
    const matches = vitals.indicators().filter((indicator) =>
      (!category || indicator.category === category) &&
      (!needle || indicator.nameZh.toLowerCase().includes(needle) || indicator.nameEn.toLowerCase().includes(needle) || indicator.code.toLowerCase().includes(needle)));
    return { items: matches.slice(offset, offset + limit).map(({ id: _id, ...definition }) => definition), total: matches.length };
  });

  app.get('/api/v1/vitals/indicators/:code', {
    config: { permission: 'vitals:read' },
    schema: { tags: ['vitals'], summary: 'One indicator definition', params: Type.Object({ code: Type.String() }) },
  }, async (request) => {
    const { code } = request.params as { code: string };
    const indicator = vitals.indicator(code);
    if (!indicator) throw new VitalsError(VitalsErrorCode.UnknownIndicator, `unknown indicator ${code}`, [{ name: 'code', reason: 'unknown indicator' }]);
    const { id: _id, ...definition } = indicator;
    return definition;
  });

  app.get('/api/v1/vitals/catalogue', {
    config: { permission: 'vitals:read' },
    schema: { tags: ['vitals'], summary: 'Export the catalogue as CSV or JSON', querystring: Type.Object({ format: Type.Union([Type.Literal('csv'), Type.Literal('json')], { default: 'json' }) }) },
  }, async (request, reply) => {
    const { format } = request.query as { format: 'csv' | 'json' };
    const definitions = vitals.indicators().map(({ id: _id, ...definition }) => definition);
    reply.header('content-disposition', `attachment; filename="citypulse-catalogue.${format}"`);
    if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(catalogueToCsv(definitions));
    return reply.type('application/json; charset=utf-8').send(catalogueToJson(definitions));
  });

  app.post('/api/v1/vitals/catalogue', {
    config: { permission: 'vitals:manage' },
    schema: { tags: ['vitals'], summary: 'Import indicators (text/csv or application/json): all valid or nothing changes; existing codes are updated. City-wide: needs a principal of the city root' },
  }, async (request) => {
    // Before the body is read: a district principal is refused whatever it sent.
    vitals.requireCityWide(principalOf(request), 'importing the catalogue');
    const body = request.body;
    const known = new Set([...categoryCodes, ...vitals.categories.map((c) => c.code)]);
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const parsed = (request.headers['content-type'] ?? '').startsWith('text/csv')
      ? parseCatalogueCsv(text, known, departmentCodes)
      : parseCatalogueJson(text, known, departmentCodes);
    if (parsed.errors.length > 0) {
      throw new VitalsError(
        VitalsErrorCode.InvalidCatalogue,
        `${parsed.errors.length} problem(s) in the catalogue; nothing was imported`,
        parsed.errors.slice(0, 200).map((error) => ({ name: `line ${error.line}/${error.field}`, reason: error.reason })),
      );
    }
    return vitals.importIndicators(parsed.definitions);
  });
}

export interface IngestCounters {
  accepted(result: IngestResult): void;
  rejected(): void;
}

export function registerIngestRoutes(app: FastifyInstance, vitals: VitalsService, counters: IngestCounters): void {
  app.post('/api/v1/vitals/observations', {
    config: { permission: 'vitals:ingest' },
    schema: {
      tags: ['vitals'],
      summary: 'Ingest observations: a JSON array or NDJSON of {indicator, org?, ts, value}',
      description: 'Idempotent on (indicator, org, ts). A batch is all-or-nothing: any invalid item rejects the whole batch with every bad item named (index and field). `ts` is an RFC 3339 timestamp with offset or epoch milliseconds; `org` defaults to the caller\'s org unit.',
    },
  }, async (request) => {
    try {
      const body = typeof request.body === 'string' ? parseNdjson(request.body) : request.body;
      const result = await vitals.ingest(body, principalOf(request));
      counters.accepted(result);
      return result;
    } catch (error) {
      if (error instanceof VitalsError) counters.rejected();
      throw error;
    }
  });
}
