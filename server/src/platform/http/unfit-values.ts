// Values that pass every schema keyword but that the database or the arithmetic cannot take, refused
// for every route after validation, naming the field as validation does:
// - text holding a NUL character (PostgreSQL's text cannot store one: the insert failed with a 500), or
//   half of a surrogate pair (`\ud800` alone is not Unicode: jsonb and UTF-8 refuse it);
// - numbers that are not finite: the validator coerces "Infinity" and "1e400" in a query to Infinity,
//   and JSON.parse reads 1e400 in a body as Infinity, and neither `maximum` nor `type: integer` stops them;
// - values nested deeper than any request of ours is: JSON.parse reads 20,000 levels, which a walk would
//   follow until the stack ran out.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ProblemError, type InvalidParam } from '../errors.js';

const MAX_DEPTH = 64;

/** RFC 6901: "~" and "/" in a name are escaped in a JSON pointer. */
const pointerStep = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** String.prototype.isWellFormed (Node 20; not yet in TypeScript's ES2022 library): false for half a surrogate pair. */
const isWellFormed = (text: string) => (text as unknown as { isWellFormed(): boolean }).isWellFormed();

/** Parsed JSON, not a Buffer or a body a route reads itself (a FeedMessage's text, a zip). */
function isPlain(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** An unfit value found: why, and the pointer steps to it, innermost first (gathered on the way out). */
interface Found { reason: string; steps: string[] }

const textFault = (text: string): string | null =>
  text.indexOf('\0') !== -1 ? 'text cannot hold a NUL character' : isWellFormed(text) ? null : 'not Unicode text (half of a surrogate pair)';

/**
 * The first unfit value, depth first. Nothing is allocated while the values are fit, which is all but
 * always: every request body and every entity of a fleet's message (20,000 vehicles in about 10 ms) is
 * looked at, and the path is built only for the one value refused.
 */
function find(value: unknown, numbers: boolean, depth: number): Found | null {
  if (typeof value === 'string') {
    const reason = textFault(value);
    return reason ? { reason, steps: [] } : null;
  }
  if (typeof value === 'number') return numbers && !Number.isFinite(value) ? { reason: 'must be a finite number', steps: [] } : null;
  if (value === null || typeof value !== 'object') return null;
  if (depth >= MAX_DEPTH) return { reason: `nested more than ${MAX_DEPTH} levels deep`, steps: [] };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = find(value[i], numbers, depth + 1);
      if (found) return found.steps.push(String(i)), found;
    }
    return null;
  }
  if (!isPlain(value)) return null;
  for (const key in value) {
    if (textFault(key)) return { reason: 'a field name holds a NUL character or half of a surrogate pair', steps: [] };
    const found = find((value as Record<string, unknown>)[key], numbers, depth + 1);
    if (found) return found.steps.push(pointerStep(key)), found;
  }
  return null;
}

/**
 * The first unfit value in `value`, named `name` and below it by JSON pointer steps (a body, named '',
 * is "body" itself); or null. `numbers: false` looks at text alone, for a reader that judges its numbers
 * itself.
 */
export function unfitValue(value: unknown, name: string, { numbers = true } = {}): InvalidParam | null {
  const found = find(value, numbers, 0);
  if (!found) return null;
  const pointer = found.steps.reverse().map((step) => `/${step}`).join('');
  return { name: `${name}${pointer}` || 'body', reason: found.reason };
}

/** Query and path parameters by their name, body fields by JSON pointer (as validation names them). */
function unfitInRequest(request: FastifyRequest): InvalidParam | null {
  for (const part of [request.params, request.query] as unknown[]) {
    if (part && typeof part === 'object') {
      for (const [key, value] of Object.entries(part)) {
        const found = unfitValue(value, key);
        if (found) return found;
      }
    }
  }
  // Parsed JSON only: a body a route reads itself (a Buffer, a FeedMessage's text, text sent as
  // text/plain to a route that takes none) is the route's to judge, and to refuse by its type.
  const body = request.body;
  if (body === null || typeof body !== 'object' || (!Array.isArray(body) && !isPlain(body))) return null;
  return unfitValue(body, '');
}

export function registerUnfitValueCheck(app: FastifyInstance): void {
  app.addHook('preHandler', async (request) => {
    const found = unfitInRequest(request);
    if (found) throw new ProblemError(400, 'validation', 'Invalid request', `${found.name}: ${found.reason}`, [found]);
  });
}
