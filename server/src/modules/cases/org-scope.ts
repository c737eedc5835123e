// The one check of an org unit a request names (a case's place, a worklist or board filter, a handling
// unit, a dispatch rule's org): it must exist (400) and lie in the caller's subtree (403), so that a typo
// and a neighbour's district are each told for what they are.
import type { OrgUnit } from '../../platform/auth/service.js';
import { CasesError, CasesErrorCode } from './errors.js';

export function orgInScope(orgs: Map<string, OrgUnit>, orgPath: string, code: string, field: string): OrgUnit {
  const org = orgs.get(code);
  if (!org) throw new CasesError(CasesErrorCode.UnknownOrg, `unknown org unit ${code}`, [{ name: field, reason: 'unknown org unit' }]);
  if (!org.path.startsWith(orgPath)) throw new CasesError(CasesErrorCode.OutOfScope, `org unit ${code} is outside your org subtree`, [{ name: field, reason: 'outside your org subtree' }]);
  return org;
}
