import { ProblemError, type InvalidParam } from '../../platform/errors.js';

export enum CasesErrorCode {
  InvalidCase = 'cases.invalid_case',
  CaseNotFound = 'cases.case_not_found',
  InvalidTransition = 'cases.invalid_transition',
  VersionConflict = 'cases.version_conflict',
  NotYourDepartment = 'cases.not_your_department',
  Forbidden = 'cases.forbidden',
  OutOfScope = 'cases.out_of_scope',
  UnknownCategory = 'cases.unknown_category',
  UnknownDepartment = 'cases.unknown_department',
  UnknownOrg = 'cases.unknown_org',
  InvalidConfiguration = 'cases.invalid_configuration',
  RuleNotFound = 'cases.rule_not_found',
  RuleConflict = 'cases.rule_conflict',
  /** A deadline that cannot be computed from the configuration (a category or the calendar is broken). */
  NoDeadline = 'cases.no_deadline',
  NoModel = 'cases.no_model',
}

const STATUS: Record<CasesErrorCode, number> = {
  [CasesErrorCode.InvalidCase]: 400,
  [CasesErrorCode.CaseNotFound]: 404,
  [CasesErrorCode.InvalidTransition]: 409,
  [CasesErrorCode.VersionConflict]: 409,
  [CasesErrorCode.NotYourDepartment]: 403,
  [CasesErrorCode.Forbidden]: 403,
  [CasesErrorCode.OutOfScope]: 403,
  [CasesErrorCode.UnknownCategory]: 400,
  [CasesErrorCode.UnknownDepartment]: 400,
  [CasesErrorCode.UnknownOrg]: 400,
  [CasesErrorCode.InvalidConfiguration]: 400,
  [CasesErrorCode.RuleNotFound]: 404,
  [CasesErrorCode.RuleConflict]: 409,
  // The request is fine; the configuration it meets is not: 409, as for a state that forbids the action.
  [CasesErrorCode.NoDeadline]: 409,
  [CasesErrorCode.NoModel]: 409,
};

export class CasesError extends ProblemError {
  constructor(code: CasesErrorCode, detail: string, invalidParams?: InvalidParam[], extra?: Record<string, unknown>) {
    super(STATUS[code], code, code.replace('cases.', '').replace(/_/g, ' '), detail, invalidParams, extra);
  }
}
