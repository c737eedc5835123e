// buildApp(config, deps): the platform plugins plus one line per module. Everything it needs comes in as
// arguments, so every test builds its own app on its own database.
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Config } from './platform/config.js';
import type { Db } from './platform/db/types.js';
import { createLocalBus, type EventBus } from './platform/bus.js';
import { systemClock, type Clock } from './platform/clock.js';
import { createLogger, type Logger } from './platform/logger.js';
import { AuthService } from './platform/auth/service.js';
import { authRoutes } from './platform/auth/routes.js';
import { registerAuthHook } from './platform/http/auth-hook.js';
import { clientErrorAsProblem, frameworkErrorAsProblem, MAX_PARAM_LENGTH, registerProblemHandling } from './platform/http/problems.js';
import { registerUnfitValueCheck } from './platform/http/unfit-values.js';
import AjvCompiler from '@fastify/ajv-compiler';
import { createMetrics, registerHttpMetrics } from './platform/http/metrics.js';
import { registerVitals, type VitalsModule } from './modules/vitals/index.js';
import { registerCases, type CasesModule } from './modules/cases/index.js';
import { registerTransit, type TransitModule } from './modules/transit/index.js';
import { orgGeometryRoutes } from './platform/auth/geometry-routes.js';
import { registerWebApp } from './platform/http/web.js';

export interface AppDeps {
  db: Db;
  bus?: EventBus;
  clock?: Clock;
  logger?: Logger;
  /** Background timers (rule ticks, rollups, retention) can be switched off for deterministic tests. */
  backgroundJobs?: boolean;
}

export interface App {
  http: FastifyInstance;
  auth: AuthService;
  vitals: VitalsModule;
  cases: CasesModule;
  transit: TransitModule;
  bus: EventBus;
  db: Db;
}

/**
 * Schema validation, coercing query, path and header parameters (which arrive as text: "?limit=20",
 * a repeated "?route=1&route=2" as an array) but not JSON bodies, whose types are the client's to get
 * right: coerced, `{"title": 123}` became a case titled "123" and `{"version": "1"}` passed as a number.
 */
function validatorsByPart() {
  const factory = AjvCompiler();
  const options = { removeAdditional: false, allErrors: true } as const;
  return (externalSchemas: unknown, ajvOptions: unknown) => {
    const settings = (coerceTypes: 'array' | false) => ({ ...(ajvOptions as object), customOptions: { ...options, coerceTypes } });
    const coercing = factory(externalSchemas as Parameters<typeof factory>[0], settings('array'));
    const strict = factory(externalSchemas as Parameters<typeof factory>[0], settings(false));
    // GeoReport v2 is a form-encoded protocol: its bodies are text (lat=31.23) like a query.
    return (route: Parameters<typeof coercing>[0]) => (route.httpPart === 'body' && !(route.url ?? '').startsWith('/open311/') ? strict : coercing)(route);
  };
}

/** Trusts the `hops` proxies nearest to this server (X-Forwarded-For read from the right). */
const trustHops = (hops: number) => (_address: string, hop: number) => hop < hops;

export async function buildApp(config: Config, deps: AppDeps): Promise<App> {
  const logger = deps.logger ?? createLogger(config.logLevel);
  const bus = deps.bus ?? createLocalBus((error, subject) => logger.error({ err: error, subject }, 'event handler failed'));
  const clock = deps.clock ?? systemClock;
  const db = deps.db;

  const http = Fastify({
    loggerInstance: logger,
    bodyLimit: config.bodyLimitBytes,
    // A number of hops, as a function: Fastify takes one at run time but its types do not say so.
    trustProxy: typeof config.trustProxy === 'number' ? trustHops(config.trustProxy) : config.trustProxy,
    // One line per request at tens of thousands of observations a second is noise; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    schemaController: { compilersFactory: { buildValidator: validatorsByPart() } },
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    clientErrorHandler: clientErrorAsProblem,
    frameworkErrors: frameworkErrorAsProblem,
  }) as unknown as FastifyInstance; // pino's Logger is a FastifyBaseLogger; the generic does not see it
  registerProblemHandling(http);
  registerUnfitValueCheck(http);
  await http.register(swagger, {
    openapi: {
      info: { title: 'CityPulse API', version: '0.1.0', description: "The city's vital signs, operations and services." },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await http.register(swaggerUi, { routePrefix: '/docs' });
  await http.register(rateLimit, { global: false });

  const auth = new AuthService(db);
  registerAuthHook(http, auth);
  const metrics = createMetrics();
  registerHttpMetrics(http, metrics);

  http.get('/healthz', { config: { public: true }, schema: { tags: ['platform'], summary: 'Liveness and database check' } }, async (_request, reply) => {
    try {
      await db.query('select 1');
      return { status: 'ok', database: db.kind };
    } catch (error) {
      reply.status(503);
      return { status: 'unavailable', database: db.kind, detail: (error as Error).message };
    }
  });

  // What the pages need to know of the city before they draw anything: the time zone its clocks show.
  http.get('/api/v1/city', { config: { public: true }, schema: { tags: ['platform'], summary: 'The city: its time zone (IANA), in which the pages show times' } }, async () => ({ timeZone: config.timezone }));

  await authRoutes(http, auth);
  const vitals = await registerVitals(http, { db, bus, clock, logger, config, auth, metrics, backgroundJobs: deps.backgroundJobs ?? true });
  const cases = await registerCases(http, { db, bus, clock, logger, config, auth, vitals: vitals.service, backgroundJobs: deps.backgroundJobs ?? true });
  const transit = await registerTransit(http, { db, clock, logger, config, metrics, vitals: vitals.service, backgroundJobs: deps.backgroundJobs ?? true });
  await orgGeometryRoutes(http, db);
  await registerWebApp(http);

  return { http, auth, vitals, cases, transit, bus, db };
}
