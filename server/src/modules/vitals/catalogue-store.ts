// SQL for the catalogue. The whole catalogue (about a thousand rows) is held in memory by the service;
// this is only read at start and written on import.
import type { Db } from '../../platform/db/types.js';
import type { Category, IndicatorDefinition } from './types.js';

export interface IndicatorRecord extends IndicatorDefinition {
  id: number;
}

const INDICATOR_COLUMNS = `id, code, category, name_zh as "nameZh", name_en as "nameEn", unit,
  frequency_seconds as "frequencySeconds", aggregation, department, org_levels as "orgLevels",
  normal_min as "normalMin", normal_max as "normalMax", direction,
  warning_low as "warningLow", warning_high as "warningHigh", critical_low as "criticalLow", critical_high as "criticalHigh",
  definition_zh as "definitionZh", definition_en as "definitionEn"`;

export async function loadCategories(db: Db): Promise<Category[]> {
  return db.query<Category>(
    `select code, arrow, name_zh as "nameZh", name_en as "nameEn", weight from vitals_category order by position`,
  );
}

export async function loadIndicators(db: Db): Promise<IndicatorRecord[]> {
  return db.query<IndicatorRecord>(`select ${INDICATOR_COLUMNS} from vitals_indicator order by code`);
}

export async function upsertCategories(db: Db, categories: Category[]): Promise<void> {
  await db.transaction(async (tx) => {
    for (const [position, category] of categories.entries()) {
      await tx.query(
        `insert into vitals_category (code, arrow, name_zh, name_en, weight, position) values ($1, $2, $3, $4, $5, $6)
         on conflict (code) do update set arrow = excluded.arrow, name_zh = excluded.name_zh, name_en = excluded.name_en,
           weight = excluded.weight, position = excluded.position`,
        [category.code, category.arrow, category.nameZh, category.nameEn, category.weight, position],
      );
    }
  });
}

/** Inserts new indicators and updates existing ones (by code), all in one transaction. */
export async function upsertIndicators(db: Db, definitions: IndicatorDefinition[]): Promise<{ inserted: number; updated: number }> {
  const columns = {
    code: [] as string[], category: [] as string[], nameZh: [] as string[], nameEn: [] as string[], unit: [] as string[],
    frequency: [] as number[], aggregation: [] as string[], department: [] as string[], orgLevels: [] as string[],
    normalMin: [] as (number | null)[], normalMax: [] as (number | null)[], direction: [] as string[],
    warningLow: [] as (number | null)[], warningHigh: [] as (number | null)[], criticalLow: [] as (number | null)[], criticalHigh: [] as (number | null)[],
    definitionZh: [] as string[], definitionEn: [] as string[],
  };
  for (const d of definitions) {
    columns.code.push(d.code); columns.category.push(d.category); columns.nameZh.push(d.nameZh); columns.nameEn.push(d.nameEn);
    columns.unit.push(d.unit); columns.frequency.push(d.frequencySeconds); columns.aggregation.push(d.aggregation);
    columns.department.push(d.department); columns.orgLevels.push(d.orgLevels.join(','));
    columns.normalMin.push(d.normalMin); columns.normalMax.push(d.normalMax); columns.direction.push(d.direction);
    columns.warningLow.push(d.warningLow); columns.warningHigh.push(d.warningHigh);
    columns.criticalLow.push(d.criticalLow); columns.criticalHigh.push(d.criticalHigh);
    columns.definitionZh.push(d.definitionZh); columns.definitionEn.push(d.definitionEn);
  }
  const rows = await db.query<{ inserted: boolean }>(
    `insert into vitals_indicator as i (code, category, name_zh, name_en, unit, frequency_seconds, aggregation, department, org_levels,
       normal_min, normal_max, direction, warning_low, warning_high, critical_low, critical_high, definition_zh, definition_en)
     select code, category, name_zh, name_en, unit, frequency_seconds, aggregation, department, string_to_array(org_levels, ','),
       normal_min, normal_max, direction, warning_low, warning_high, critical_low, critical_high, definition_zh, definition_en
     from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::text[], $9::text[],
       $10::float8[], $11::float8[], $12::text[], $13::float8[], $14::float8[], $15::float8[], $16::float8[], $17::text[], $18::text[])
       as t(code, category, name_zh, name_en, unit, frequency_seconds, aggregation, department, org_levels,
         normal_min, normal_max, direction, warning_low, warning_high, critical_low, critical_high, definition_zh, definition_en)
     on conflict (code) do update set category = excluded.category, name_zh = excluded.name_zh, name_en = excluded.name_en,
       unit = excluded.unit, frequency_seconds = excluded.frequency_seconds, aggregation = excluded.aggregation,
       department = excluded.department, org_levels = excluded.org_levels, normal_min = excluded.normal_min,
       normal_max = excluded.normal_max, direction = excluded.direction, warning_low = excluded.warning_low,
       warning_high = excluded.warning_high, critical_low = excluded.critical_low, critical_high = excluded.critical_high,
       definition_zh = excluded.definition_zh, definition_en = excluded.definition_en, updated_at = now()
     returning (xmax = 0) as inserted`,
    [columns.code, columns.category, columns.nameZh, columns.nameEn, columns.unit, columns.frequency, columns.aggregation,
      columns.department, columns.orgLevels, columns.normalMin, columns.normalMax, columns.direction, columns.warningLow,
      columns.warningHigh, columns.criticalLow, columns.criticalHigh, columns.definitionZh, columns.definitionEn],
  );
  const inserted = rows.filter((row) => row.inserted).length;
  return { inserted, updated: rows.length - inserted };
}
