import { ProblemError, type InvalidParam } from '../../platform/errors.js';

export enum VitalsErrorCode {
  InvalidObservations = 'vitals.invalid_observations',
  UnknownIndicator = 'vitals.unknown_indicator',
  UnknownOrg = 'vitals.unknown_org',
  OutOfScope = 'vitals.out_of_scope',
  InvalidCatalogue = 'vitals.invalid_catalogue',
  InvalidQuery = 'vitals.invalid_query',
  AlertNotFound = 'vitals.alert_not_found',
  AlertConflict = 'vitals.alert_conflict',
}

const STATUS: Record<VitalsErrorCode, number> = {
  [VitalsErrorCode.InvalidObservations]: 400,
  [VitalsErrorCode.UnknownIndicator]: 404,
  [VitalsErrorCode.UnknownOrg]: 404,
  [VitalsErrorCode.OutOfScope]: 403,
  [VitalsErrorCode.InvalidCatalogue]: 400,
  [VitalsErrorCode.InvalidQuery]: 400,
  [VitalsErrorCode.AlertNotFound]: 404,
  [VitalsErrorCode.AlertConflict]: 409,
};

export class VitalsError extends ProblemError {
  constructor(code: VitalsErrorCode, detail: string, invalidParams?: InvalidParam[], extra?: Record<string, unknown>) {
    super(STATUS[code], code, code.replace('vitals.', '').replace(/_/g, ' '), detail, invalidParams, extra);
  }
}
