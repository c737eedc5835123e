// CSV import/export of the indicator catalogue.
//
// Format: a header row naming the IndicatorDefinition fields (any order, all
// required), then one indicator per row. `orgLevels` is joined with `|`;
// null numbers are empty cells. Line numbers in errors are physical lines of
// the file: line 1 is the header, the first data row is line 2.

import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { IndicatorDefinition } from '../types.js';
import { DEFINITION_FIELDS, NULLABLE_FIELDS, validateDefinition } from './validate.js';

export interface CatalogueImportError {
  /** CSV: physical line (1 = header). JSON: 1-based array index (0 = the document). */
  line: number;
  field: string;
  reason: string;
}

export interface CatalogueImport {
  definitions: IndicatorDefinition[];
  errors: CatalogueImportError[];
}

export const ORG_LEVEL_SEPARATOR = '|';

const NUMERIC_FIELDS: ReadonlySet<string> = new Set(['frequencySeconds', ...NULLABLE_FIELDS]);

/** A decimal number, optionally signed, with optional exponent. Nothing else. */
const STRICT_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

export function catalogueToCsv(defs: IndicatorDefinition[]): string {
  const rows = defs.map((d) =>
    DEFINITION_FIELDS.map((field) => {
      const v = d[field];
      if (v === null || v === undefined) return '';
      if (Array.isArray(v)) return v.join(ORG_LEVEL_SEPARATOR);
      return String(v);
    }),
  );
  return stringify(rows, { header: true, columns: [...DEFINITION_FIELDS] });
}

/** Parses one numeric cell strictly. Empty is null where nullable. */
function parseNumberCell(field: string, cell: string): { value?: number | null; reason?: string } {
  const t = cell.trim();
  if (t === '') {
    return NULLABLE_FIELDS.has(field) ? { value: null } : { reason: `${field} is required` };
  }
  if (!STRICT_NUMBER.test(t)) return { reason: `${field} "${cell}" is not a number` };
  const n = Number(t);
  if (!Number.isFinite(n)) return { reason: `${field} "${cell}" is out of range` };
  return { value: n };
}

function countNewlines(values: Record<string, string>): number {
  let n = 0;
  for (const v of Object.values(values)) {
    if (typeof v === 'string') for (const ch of v) if (ch === '\n') n++;
  }
  return n;
}

interface ParsedRow {
  record: Record<string, string>;
  info: { lines: number; columns?: { name: string }[] | boolean; error?: { code?: string; message?: string } };
}

function readHeader(text: string): string[] {
  const rows = parse(text, { bom: true, to_line: 1, relax_column_count: true }) as string[][];
  return rows[0] ?? [];
}

export function parseCatalogueCsv(
  text: string,
  knownCategories: Set<string>,
  knownDepartments?: Set<string>,
): CatalogueImport {
  const errors: CatalogueImportError[] = [];
  const definitions: IndicatorDefinition[] = [];

  let rows: ParsedRow[];
  try {
    rows = parse(text, {
      columns: true,
      info: true,
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
    }) as unknown as ParsedRow[];
  } catch (err) {
    const e = err as { lines?: number; message?: string };
    return {
      definitions,
      errors: [{ line: typeof e.lines === 'number' ? e.lines : 1, field: 'record', reason: `malformed CSV: ${e.message ?? String(err)}` }],
    };
  }

  // Header checks.
  let header: string[];
  const first = rows[0];
  if (first && Array.isArray(first.info.columns)) {
    header = first.info.columns.map((c) => c.name);
  } else {
    try {
      header = readHeader(text);
    } catch {
      header = [];
    }
  }
  const known: ReadonlySet<string> = new Set(DEFINITION_FIELDS);
  const seenColumns = new Set<string>();
  for (const name of header) {
    if (!known.has(name)) errors.push({ line: 1, field: name, reason: `unknown column "${name}"` });
    else if (seenColumns.has(name)) errors.push({ line: 1, field: name, reason: `column "${name}" appears twice` });
    seenColumns.add(name);
  }
  const missing = DEFINITION_FIELDS.filter((f) => !seenColumns.has(f));
  for (const field of missing) {
    errors.push({ line: 1, field, reason: `missing required column "${field}"` });
  }
  if (missing.length > 0) return { definitions, errors };

  // Rows.
  const firstLineOfCode = new Map<string, number>();
  for (const { record, info } of rows) {
    const line = info.lines - countNewlines(record);
    if (info.error) {
      errors.push({ line, field: 'record', reason: `wrong number of cells: ${info.error.message ?? 'column count differs from header'}` });
      continue;
    }

    const rowErrors: CatalogueImportError[] = [];
    const failedFields = new Set<string>();
    const candidate: Record<string, unknown> = {};
    for (const field of DEFINITION_FIELDS) {
      const cell = record[field] ?? '';
      if (NUMERIC_FIELDS.has(field)) {
        const { value, reason } = parseNumberCell(field, cell);
        if (reason !== undefined) {
          rowErrors.push({ line, field, reason });
          failedFields.add(field);
        } else candidate[field] = value;
      } else if (field === 'orgLevels') {
        candidate[field] = cell.trim() === '' ? [] : cell.split(ORG_LEVEL_SEPARATOR).map((s) => s.trim());
      } else {
        candidate[field] = cell;
      }
    }

    const { definition, errors: fieldErrors } = validateDefinition(candidate, knownCategories, knownDepartments);
    for (const e of fieldErrors) {
      // A cell that could not be read has been reported already.
      if (!failedFields.has(e.field)) rowErrors.push({ line, field: e.field, reason: e.reason });
    }

    const code = record.code ?? '';
    if (code !== '') {
      const earlier = firstLineOfCode.get(code);
      if (earlier !== undefined) {
        rowErrors.push({ line, field: 'code', reason: `duplicate code "${code}" (first defined on line ${earlier})` });
      } else {
        firstLineOfCode.set(code, line);
      }
    }

    if (rowErrors.length > 0) errors.push(...rowErrors);
    else if (definition) definitions.push(definition);
  }

  return { definitions, errors };
}
