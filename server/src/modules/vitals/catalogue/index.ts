// The indicator catalogue of the city's vital signs: 32 categories, the
// owning departments, and the demo set of indicator definitions, with
// validation and CSV/JSON import/export.

import type { IndicatorDefinition } from '../types.js';
import { casesOperationsIndicators } from './indicators/cases-operations.js';
import { economyFinanceIndicators } from './indicators/economy-finance.js';
import { economyMarketIndicators } from './indicators/economy-market.js';
import { governanceEnvironmentIndicators } from './indicators/governance-environment.js';
import { governanceSafetyIndicators } from './indicators/governance-safety.js';
import { governanceUrbanIndicators } from './indicators/governance-urban.js';
import { governanceUtilityIndicators } from './indicators/governance-utilities.js';
import { lifeCommunityIndicators } from './indicators/life-community.js';
import { lifeServicesIndicators } from './indicators/life-services.js';

export { categories, categoryCodes } from './categories.js';
export { departments, departmentCodes, type Department } from './departments.js';
export { validateDefinition, DEFINITION_FIELDS, CODE_PATTERN, type FieldError } from './validate.js';
export { catalogueToCsv, parseCatalogueCsv, type CatalogueImport, type CatalogueImportError } from './csv.js';
export { catalogueToJson, parseCatalogueJson } from './json.js';

const ALL: readonly IndicatorDefinition[] = [
  ...economyMarketIndicators,
  ...economyFinanceIndicators,
  ...lifeServicesIndicators,
  ...lifeCommunityIndicators,
  ...governanceSafetyIndicators,
  ...governanceEnvironmentIndicators,
  ...governanceUtilityIndicators,
  ...governanceUrbanIndicators,
  ...casesOperationsIndicators,
];

/** The full demo catalogue. Returns fresh copies, so callers may mutate them. */
export function demoCatalogue(): IndicatorDefinition[] {
  return ALL.map((d) => ({ ...d, orgLevels: [...d.orgLevels] }));
}
