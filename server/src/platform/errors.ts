// Errors as RFC 9457 problem details. Every module throws a subclass of ProblemError with a stable code;
// the HTTP layer maps them (and Fastify's own validation errors) to application/problem+json in one place.
// See: https://www.rfc-editor.org/rfc/rfc9457

export interface InvalidParam {
  /** The offending field, as a JSON pointer-ish path (`/items/3/value`) or a parameter name. */
  name: string;
  reason: string;
}

export class ProblemError extends Error {
  constructor(
    readonly status: number,
    /** Stable machine-readable code, e.g. `validation`, `not_found`; becomes the `type` URI. */
    readonly code: string,
    readonly title: string,
    detail?: string,
    readonly invalidParams?: InvalidParam[],
    readonly extra?: Record<string, unknown>,
  ) {
    super(detail ?? title);
    this.name = 'ProblemError';
  }
}

export const badRequest = (detail: string, invalidParams?: InvalidParam[]) =>
  new ProblemError(400, 'validation', 'Invalid request', detail, invalidParams);
export const unauthorized = (detail = 'A valid bearer token is required') =>
  new ProblemError(401, 'unauthorized', 'Unauthorized', detail);
export const forbidden = (detail: string) => new ProblemError(403, 'forbidden', 'Forbidden', detail);
export const notFound = (detail: string) => new ProblemError(404, 'not_found', 'Not found', detail);
export const conflict = (detail: string) => new ProblemError(409, 'conflict', 'Conflict', detail);

export const PROBLEM_TYPE_BASE = 'https://citypulse.dev/problems/';

export function problemBody(error: ProblemError, instance?: string): Record<string, unknown> {
  const body: Record<string, unknown> = {
    type: PROBLEM_TYPE_BASE + error.code,
    title: error.title,
    status: error.status,
    detail: error.message,
    code: error.code,
  };
  if (instance) body.instance = instance;
  if (error.invalidParams && error.invalidParams.length > 0) body['invalid-params'] = error.invalidParams;
  if (error.extra) Object.assign(body, error.extra);
  return body;
}
