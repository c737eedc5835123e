import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { principalOf } from '../../platform/http/auth-hook.js';
import type { VitalsService } from './service.js';
import { VitalsError, VitalsErrorCode } from './errors.js';
import { parseRange } from './time.js';

const MAX_POINTS = 10_000;

export function registerQueryRoutes(app: FastifyInstance, vitals: VitalsService): void {
  app.get('/api/v1/vitals/snapshot', {
    config: { permission: 'vitals:read' },
    schema: {
      tags: ['vitals'],
      summary: 'Latest value and status of every indicator for an org subtree',
      querystring: Type.Object({ org: Type.Optional(Type.String()), category: Type.Optional(Type.String()) }),
    },
  }, async (request) => {
    const { org, category } = request.query as { org?: string; category?: string };
    const scope = vitals.scopedOrg(principalOf(request), org);
    const items = vitals.snapshot(scope, category);
    return { org: scope.code, at: new Date().toISOString(), items };
  });

  app.get('/api/v1/vitals/indicators/:code/series', {
    config: { permission: 'vitals:read' },
    schema: {
      tags: ['vitals'],
      summary: 'History of an indicator at an org unit, downsampled to the step asked',
      params: Type.Object({ code: Type.String() }),
      querystring: Type.Object({
        from: Type.Optional(Type.String({ description: 'RFC 3339 with an offset or epoch ms, 1970-9999; default 24 h before to' })),
        to: Type.Optional(Type.String({ description: 'RFC 3339 with an offset or epoch ms, 1970-9999; default now' })),
        step: Type.Optional(Type.Integer({ minimum: 1, maximum: 31_536_000, description: 'Seconds; default chosen for about 300 points' })),
        org: Type.Optional(Type.String()),
      }),
    },
  }, async (request) => {
    const { code } = request.params as { code: string };
    const query = request.query as { from?: string; to?: string; step?: number; org?: string };
    const { from, to } = parseRange(query, Date.now());
    const span = (to.getTime() - from.getTime()) / 1000;
    const step = query.step ?? Math.max(1, Math.ceil(span / 300));
    if (span / step > MAX_POINTS) {
      throw new VitalsError(VitalsErrorCode.InvalidQuery, `the range holds more than ${MAX_POINTS} steps; use a larger step`, [{ name: 'step', reason: `at least ${Math.ceil(span / MAX_POINTS)} for this range` }]);
    }
    const org = vitals.scopedOrg(principalOf(request), query.org);
    return vitals.series({ indicator: code, org, from, to, stepSeconds: step });
  });

  app.get('/api/v1/vitals/health', {
    config: { permission: 'vitals:read' },
    schema: { tags: ['vitals'], summary: 'The city health check (体检): 0-100 for the org and each category', querystring: Type.Object({ org: Type.Optional(Type.String()) }) },
  }, async (request) => {
    const { org } = request.query as { org?: string };
    return vitals.health(vitals.scopedOrg(principalOf(request), org));
  });

  app.get('/api/v1/vitals/health/history', {
    config: { permission: 'vitals:read' },
    schema: {
      tags: ['vitals'],
      summary: 'Health score history: one point a minute, or the lowest score of each step when the range holds more than 1,440 minutes',
      querystring: Type.Object({
        org: Type.Optional(Type.String()),
        from: Type.Optional(Type.String({ description: 'RFC 3339 with an offset or epoch ms, 1970-9999; default 24 h before to' })),
        to: Type.Optional(Type.String({ description: 'RFC 3339 with an offset or epoch ms, 1970-9999; default now' })),
      }),
    },
  }, async (request) => {
    const query = request.query as { org?: string; from?: string; to?: string };
    const { from, to } = parseRange(query, Date.now());
    const org = vitals.scopedOrg(principalOf(request), query.org);
    return { org: org.code, ...(await vitals.healthHistory(org, from, to)) };
  });
}
