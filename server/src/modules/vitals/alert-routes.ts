import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { RowId } from '../../platform/http/row-id.js';
import { principalOf } from '../../platform/http/auth-hook.js';
import type { VitalsService } from './service.js';
import { alertGroups, alertHistory, listAlerts } from './alert-store.js';
import type { Db } from '../../platform/db/types.js';
import { MAX_SILENCE_MINUTES, silenceEnd } from './time.js';

const AlertQuery = Type.Object({
  state: Type.Optional(Type.Union([Type.Literal('firing'), Type.Literal('resolved')])),
  severity: Type.Optional(Type.Union([Type.Literal('warning'), Type.Literal('critical')])),
  category: Type.Optional(Type.String()),
  indicator: Type.Optional(Type.String()),
  group: Type.Optional(Type.String()),
  acknowledged: Type.Optional(Type.Boolean()),
  org: Type.Optional(Type.String()),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
}, { additionalProperties: false });

const strip = <T extends { orgPath: string }>({ orgPath: _orgPath, ...rest }: T) => rest;

export function registerAlertRoutes(app: FastifyInstance, vitals: VitalsService, db: Db): void {
  app.get('/api/v1/vitals/alerts', {
    config: { permission: 'vitals:read' },
    schema: { tags: ['alerts'], summary: 'Alerts in the caller\'s subtree, firing first', querystring: AlertQuery },
  }, async (request) => {
    const query = request.query as { state?: 'firing' | 'resolved'; severity?: 'warning' | 'critical'; category?: string; indicator?: string; group?: string; acknowledged?: boolean; org?: string; limit: number; offset: number };
    const org = vitals.scopedOrg(principalOf(request), query.org);
    const result = await listAlerts(db, { ...query, groupKey: query.group, orgPath: org.path });
    return { items: result.items.map(strip), total: result.total };
  });

  app.get('/api/v1/vitals/alerts/groups', {
    config: { permission: 'vitals:read' },
    schema: { tags: ['alerts'], summary: 'Firing alerts grouped by category and district', querystring: Type.Object({ org: Type.Optional(Type.String()) }) },
  }, async (request) => {
    const org = vitals.scopedOrg(principalOf(request), (request.query as { org?: string }).org);
    return { items: await alertGroups(db, org.path) };
  });

  app.get('/api/v1/vitals/alerts/:id', {
    config: { permission: 'vitals:read' },
    schema: { tags: ['alerts'], summary: 'One alert with its history', params: Type.Object({ id: RowId() }) },
  }, async (request) => {
    const { id } = request.params as { id: number };
    const alert = await vitals.alerts.get(id, principalOf(request).orgPath);
    return { ...strip(alert), history: await alertHistory(db, id) };
  });

  app.post('/api/v1/vitals/alerts/:id/acknowledge', {
    config: { permission: 'alerts:handle' },
    schema: {
      tags: ['alerts'],
      summary: 'Acknowledge an alert (idempotent: the first acknowledgement is kept)',
      params: Type.Object({ id: RowId() }),
      body: Type.Object({ note: Type.Optional(Type.String({ maxLength: 1000 })) }, { additionalProperties: false }),
    },
    // The body may be left out: a POST without one (no content type: `curl -X POST`) arrives as
    // undefined, which the validator would refuse as not an object; it is read as {}.
    preValidation: async (request) => {
      if (request.body === undefined) request.body = {};
    },
  }, async (request) => {
    const principal = principalOf(request);
    const { id } = request.params as { id: number };
    const note = (request.body as { note?: string }).note ?? null;
    return strip(await vitals.alerts.acknowledge(id, principal.orgPath, principal.name, note));
  });

  app.post('/api/v1/vitals/alerts/:id/silence', {
    config: { permission: 'alerts:handle' },
    schema: {
      tags: ['alerts'],
      summary: 'Silence an alert for a period (it stays recorded; notifications stop; a re-fire within the period stays silenced)',
      params: Type.Object({ id: RowId() }),
      body: Type.Object({
        minutes: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_SILENCE_MINUTES })),
        until: Type.Optional(Type.String({ description: `RFC 3339 date-time with an offset, in the future, at most ${MAX_SILENCE_MINUTES / 1440} days ahead` })),
        note: Type.Optional(Type.String({ maxLength: 1000 })),
      }, { additionalProperties: false }),
    },
  }, async (request) => {
    const principal = principalOf(request);
    const { id } = request.params as { id: number };
    const body = request.body as { minutes?: number; until?: string; note?: string };
    const until = silenceEnd(body, Date.now());
    return strip(await vitals.alerts.silence(id, principal.orgPath, principal.name, until, body.note ?? null));
  });
}
