// One place that turns every error into application/problem+json, so clients see the same shape from
// every route: our ProblemErrors, Fastify's schema validation, bad JSON, oversized bodies, rate limits.
import http from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ProblemError, problemBody, type InvalidParam } from '../errors.js';

type Issue = NonNullable<FastifyError['validation']>[number];

/**
 * A union of literals (TypeBox's Type.Union of Type.Literal) is an anyOf of consts: Ajv reports each
 * const it did not equal, then the anyOf ("must be equal to constant; must be equal to constant; must
 * match a schema in anyOf"). Said as one choice instead: "must be one of protobuf, json".
 */
function mergeChoices(issues: Issue[]): Issue[] {
  const choices = new Map<string, unknown[]>();
  for (const issue of issues) {
    if (issue.keyword !== 'const') continue;
    const list = choices.get(issue.instancePath) ?? [];
    list.push((issue.params as { allowedValue?: unknown }).allowedValue);
    choices.set(issue.instancePath, list);
  }
  const merged: Issue[] = [];
  for (const issue of issues) {
    const values = choices.get(issue.instancePath);
    const choice = values && issues.some((other) => other.instancePath === issue.instancePath && other.keyword === 'anyOf');
    if (choice && issue.keyword === 'const') continue;
    merged.push(choice && issue.keyword === 'anyOf' ? { ...issue, message: `must be one of ${values.map((value) => String(value)).join(', ')}` } : issue);
  }
  return merged;
}

type Schema = { properties?: Record<string, Schema>; items?: Schema };

/** The names an object in a route's schema takes, found by the failing value's path: "feed, window". */
function knownNames(schema: Schema | undefined, instancePath: string): string[] {
  let node = schema;
  for (const step of instancePath.split('/').filter(Boolean)) {
    node = node?.properties?.[step] ?? node?.items;
  }
  return Object.keys(node?.properties ?? {});
}

/**
 * Ajv's "must NOT have additional properties" reads as if the value were wrong; the name is what is wrong,
 * usually a typo or a parameter of another endpoint. Say so, with the names this place takes.
 */
function unknownNameReason(context: string, known: string[]): string {
  const what = context === 'body' ? 'field' : 'parameter';
  if (known.length === 0) return `not a ${what} this takes`;
  const shown = known.length > 12 ? `${known.slice(0, 12).join(', ')}, …` : known.join(', ');
  return `not a ${what} this takes (it takes ${shown})`;
}

function validationParams(error: FastifyError, routeSchema?: Record<string, unknown>): InvalidParam[] {
  const context = error.validationContext ?? 'body';
  return mergeChoices(error.validation ?? []).map((issue) => {
    const params = issue.params as Record<string, unknown> | undefined;
    let pointer = issue.instancePath || '';
    let reason = issue.message ?? 'invalid';
    if (params && typeof params.missingProperty === 'string') pointer = `${pointer}/${params.missingProperty}`;
    if (params && typeof params.additionalProperty === 'string') {
      const schema = (routeSchema?.[context] ?? (context === 'querystring' ? routeSchema?.query : undefined)) as Schema | undefined;
      reason = unknownNameReason(context, knownNames(schema, issue.instancePath));
      pointer = `${pointer}/${params.additionalProperty}`;
    }
    // Body fields are named by JSON pointer (/items/0/value), query and path parameters by their name.
    const name = context === 'body' ? pointer || 'body' : pointer.replace(/^\//, '') || context;
    return { name, reason };
  });
}

/** "16 MiB", "512 KiB", "1500 bytes": a limit as people read it. */
export function byteSize(bytes: number): string {
  for (const [unit, size] of [['GiB', 2 ** 30], ['MiB', 2 ** 20], ['KiB', 2 ** 10]] as const) {
    if (bytes >= size && bytes % (size / 16) === 0) return `${bytes / size} ${unit}`;
  }
  return `${bytes} bytes`;
}

/**
 * `bodyLimit`: the limit of the route the request was for, told in a 413 so that a client knows what fits;
 * `routeSchema`: its schema, to name what a request with an unknown parameter or field could have said.
 */
export function toProblem(error: unknown, bodyLimit?: number, routeSchema?: Record<string, unknown>): ProblemError {
  if (error instanceof ProblemError) return error;
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const params = validationParams(fastifyError, routeSchema);
    return new ProblemError(400, 'validation', 'Invalid request', params.map((p) => `${p.name}: ${p.reason}`).join('; '), params);
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return bodyLimit === undefined
        ? new ProblemError(413, 'payload_too_large', 'Payload too large', 'the request body is larger than this server accepts', [{ name: 'body', reason: 'too large' }])
        : new ProblemError(413, 'payload_too_large', 'Payload too large', `the request body is larger than the ${byteSize(bodyLimit)} this server accepts`, [{ name: 'body', reason: `over ${bodyLimit} bytes` }], { limitBytes: bodyLimit });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ProblemError(415, 'unsupported_media_type', 'Unsupported media type', fastifyError.message, [{ name: 'content-type', reason: 'unsupported' }]);
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new ProblemError(414, 'uri_too_long', 'URI too long', `a path parameter is longer than the ${MAX_PARAM_LENGTH} characters this server reads`, [{ name: 'url', reason: `a path segment over ${MAX_PARAM_LENGTH} characters` }]);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new ProblemError(400, 'malformed_body', 'Malformed body', fastifyError.message, [{ name: 'body', reason: 'not valid JSON' }]);
  }
  if (fastifyError instanceof SyntaxError || (fastifyError.statusCode === 400 && /JSON/i.test(fastifyError.message))) {
    return new ProblemError(400, 'malformed_body', 'Malformed body', fastifyError.message, [{ name: 'body', reason: 'not valid JSON' }]);
  }
  if (fastifyError.statusCode === 429) {
    return new ProblemError(429, 'rate_limited', 'Too many requests', fastifyError.message);
  }
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new ProblemError(fastifyError.statusCode, 'bad_request', 'Bad request', fastifyError.message);
  }
  return new ProblemError(500, 'internal', 'Internal server error', 'an unexpected error occurred; it has been logged');
}

export function registerProblemHandling(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const problem = toProblem(error, request.routeOptions?.bodyLimit, request.routeOptions?.schema as Record<string, unknown> | undefined);
    // A 503 we chose (busy, too many streams) is the server protecting itself, not a fault: one line, no stack.
    if (problem.status === 503 && error instanceof ProblemError) request.log.warn({ code: problem.code }, problem.message);
    else if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    sendProblem(reply, problem, request.url);
  });
  app.setNotFoundHandler((request, reply) => {
    sendProblem(reply, new ProblemError(404, 'not_found', 'Not found', `no route ${request.method} ${request.url.split('?')[0]}`), request.url);
  });
}

/**
 * How long a path parameter may be (percent-encoded): Fastify's default of 100 left a stop whose GTFS id
 * is longer (the spec sets no limit, and a Chinese name as an id is nine characters a character encoded)
 * listed by the search but answering 414 on its own page.
 */
export const MAX_PARAM_LENGTH = 4096;
/** A problem's `instance` is the request's URL, up to this: an answer should not echo a 20 KB URL back. */
const MAX_INSTANCE_CHARS = 1024;

function sendProblem(reply: FastifyReply, problem: ProblemError, url: string): void {
  const instance = url.length > MAX_INSTANCE_CHARS ? url.split('?')[0]!.slice(0, MAX_INSTANCE_CHARS) : url;
  // A refusal that says when to come back (busy, too many streams) says it in the header clients read too.
  const retryAfter = problem.extra?.retryAfterSeconds;
  if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
  void reply.status(problem.status).type('application/problem+json').send(problemBody(problem, instance));
}

/**
 * Fastify's `frameworkErrors`: errors its router meets before any route or error handler runs, such as
 * a path whose percent-encoding does not decode (`/routes/x%ZZ`), which it would answer in its own JSON.
 */
export function frameworkErrorAsProblem(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const problem = error.code === 'FST_ERR_BAD_URL'
    ? new ProblemError(400, 'malformed_request', 'Malformed request', 'the URL path has a "%" not followed by two hex digits, or escapes that are not UTF-8', [{ name: 'url', reason: 'malformed percent-encoding' }])
    : toProblem(error);
  sendProblem(reply, problem, request.url);
}

/** A request that failed to parse gets a problem, by what the parser could not read. */
function clientProblem(error: NodeJS.ErrnoException): ProblemError {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new ProblemError(408, 'request_timeout', 'Request timeout', 'the request did not arrive in time');
    case 'HPE_HEADER_OVERFLOW':
      return new ProblemError(431, 'headers_too_large', 'Request headers too large', 'the request headers are larger than this server accepts', [{ name: 'headers', reason: 'too large' }]);
    case 'HPE_INVALID_URL':
      return new ProblemError(400, 'malformed_request', 'Malformed request', 'the URL has characters that must be percent-encoded (RFC 3986), such as spaces or non-ASCII text', [{ name: 'url', reason: 'characters not percent-encoded' }]);
    case 'HPE_INVALID_HEADER_TOKEN':
      return new ProblemError(400, 'malformed_request', 'Malformed request', 'a header has a character no header may contain', [{ name: 'headers', reason: 'invalid character' }]);
    default:
      return new ProblemError(400, 'malformed_request', 'Malformed request', 'the request is not valid HTTP/1.1');
  }
}

/**
 * Fastify's `clientErrorHandler`: a request the HTTP parser refuses never reaches a route, so Fastify
 * answers it itself, in its own JSON. This answers in problem+json like every other error, then closes
 * the connection (the parser cannot tell where the next request would start).
 */
export function clientErrorAsProblem(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const problem = clientProblem(error);
  const body = JSON.stringify(problemBody(problem));
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${problem.status} ${http.STATUS_CODES[problem.status]}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}
