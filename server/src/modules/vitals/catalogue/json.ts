// JSON import/export of the indicator catalogue.
//
// Format: an array of IndicatorDefinition objects. In import errors, `line`
// is the 1-based index of the offending element in the array (the first
// element is 1); errors about the document as a whole (malformed JSON, not
// an array) use line 0 and field "body".

import type { IndicatorDefinition } from '../types.js';
import type { CatalogueImport, CatalogueImportError } from './csv.js';
import { DEFINITION_FIELDS, validateDefinition } from './validate.js';

export function catalogueToJson(defs: IndicatorDefinition[]): string {
  const ordered = defs.map((d) => {
    const o: Record<string, unknown> = {};
    for (const field of DEFINITION_FIELDS) o[field] = d[field];
    return o;
  });
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

export function parseCatalogueJson(
  text: string,
  knownCategories: Set<string>,
  knownDepartments?: Set<string>,
): CatalogueImport {
  const errors: CatalogueImportError[] = [];
  const definitions: IndicatorDefinition[] = [];

  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { definitions, errors: [{ line: 0, field: 'body', reason: `malformed JSON: ${(err as Error).message}` }] };
  }
  if (!Array.isArray(doc)) {
    return { definitions, errors: [{ line: 0, field: 'body', reason: 'the document must be an array of indicator definitions' }] };
  }

  const firstIndexOfCode = new Map<string, number>();
  doc.forEach((item: unknown, i) => {
    const line = i + 1;
    const { definition, errors: fieldErrors } = validateDefinition(item, knownCategories, knownDepartments);
    const rowErrors: CatalogueImportError[] = fieldErrors.map((e) => ({ line, ...e }));
    const code = typeof item === 'object' && item !== null ? (item as { code?: unknown }).code : undefined;
    if (typeof code === 'string' && code !== '') {
      const earlier = firstIndexOfCode.get(code);
      if (earlier !== undefined) {
        rowErrors.push({ line, field: 'code', reason: `duplicate code "${code}" (first defined at element ${earlier})` });
      } else {
        firstIndexOfCode.set(code, line);
      }
    }
    if (rowErrors.length > 0) errors.push(...rowErrors);
    else if (definition) definitions.push(definition);
  });

  return { definitions, errors };
}
