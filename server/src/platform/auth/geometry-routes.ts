// The outlines of org units as a GeoJSON FeatureCollection: the big screen draws its district map from
// the city's own data, so a wall works without online map tiles.
// See: https://www.rfc-editor.org/rfc/rfc7946
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Db } from '../db/types.js';
import { principalOf } from '../http/auth-hook.js';

const Query = Type.Object({
  level: Type.Optional(Type.Union([Type.Literal('city'), Type.Literal('district'), Type.Literal('street'), Type.Literal('committee')], { default: 'district' })),
  token: Type.Optional(Type.String()),
}, { additionalProperties: false });

interface OrgShape {
  code: string;
  parentCode: string | null;
  level: string;
  nameZh: string;
  nameEn: string;
  geometry: unknown;
}

export async function orgGeometryRoutes(app: FastifyInstance, db: Db): Promise<void> {
  app.get('/api/v1/orgs/geojson', {
    config: { permission: 'vitals:read' },
    schema: { tags: ['auth'], summary: "Outlines of the org units at one level of the caller's subtree (GeoJSON)", querystring: Query },
  }, async (request, reply) => {
    const principal = principalOf(request);
    const { level = 'district' } = request.query as { level?: string };
    const rows = await db.query<OrgShape>(
      `select code, parent_code as "parentCode", level, name_zh as "nameZh", name_en as "nameEn", geometry
         from org_unit where level = $1 and geometry is not null and starts_with(path, $2) order by path`,
      [level, principal.orgPath],
    );
    reply.type('application/geo+json');
    return {
      type: 'FeatureCollection',
      features: rows.map((row) => ({
        type: 'Feature',
        id: row.code,
        geometry: typeof row.geometry === 'string' ? JSON.parse(row.geometry) : row.geometry,
        properties: { code: row.code, parentCode: row.parentCode, level: row.level, nameZh: row.nameZh, nameEn: row.nameEn },
      })),
    };
  });
}
