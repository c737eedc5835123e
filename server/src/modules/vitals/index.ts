// The vitals module: wires the service, its routes and its background jobs into the app.
import { createJobs } from '../../platform/jobs.js';
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { VitalsContext } from './service.js';
import { VitalsService } from './service.js';
import { registerCatalogueRoutes, registerIngestRoutes } from './routes.js';
import { registerQueryRoutes } from './query-routes.js';
import { registerAlertRoutes } from './alert-routes.js';
import { registerStreamRoute } from './stream-route.js';

export interface VitalsModule {
  service: VitalsService;
}

export async function registerVitals(
  app: FastifyInstance,
  ctx: VitalsContext & { metrics: Registry; backgroundJobs: boolean },
): Promise<VitalsModule> {
  const service = new VitalsService(ctx);
  await service.load();
  await service.restore();

  for (const type of ['application/x-ndjson', 'text/csv']) {
    app.addContentTypeParser(type, { parseAs: 'string', bodyLimit: ctx.config.bodyLimitBytes }, (_request, body, done) => done(null, body));
  }
  registerCatalogueRoutes(app, service);
  const observations = new Counter({ name: 'citypulse_vitals_observations_total', help: 'Observations received, by outcome', labelNames: ['outcome'], registers: [ctx.metrics] });
  const rejected = new Counter({ name: 'citypulse_vitals_rejected_batches_total', help: 'Observation batches rejected as invalid', registers: [ctx.metrics] });
  registerIngestRoutes(app, service, {
    accepted: (result) => {
      observations.inc({ outcome: 'stored' }, result.stored);
      observations.inc({ outcome: 'duplicate' }, result.duplicates);
    },
    rejected: () => rejected.inc(),
  });
  registerQueryRoutes(app, service);
  registerAlertRoutes(app, service, ctx.db);
  registerStreamRoute(app, service);

  new Gauge({ name: 'citypulse_vitals_series', help: 'Series tracked by the rule engine', registers: [ctx.metrics], collect() { this.set(service.engine.stats().series); } });
  new Gauge({ name: 'citypulse_vitals_stream_clients', help: 'Connected live-stream clients', registers: [ctx.metrics], collect() { this.set(service.stream.clientCount); } });

  app.addHook('preClose', async () => service.stream.closeAll());

  if (ctx.backgroundJobs) {
    const jobs = createJobs(ctx.logger);
    const every = jobs.every;
    every(1_000, () => service.tick(), 'tick');
    every(5_000, () => service.recordHealth(false), 'health');
    every(5_000, () => service.foldRollups(), 'rollups');
    every(60_000, () => service.recordHealth(true), 'health-history');
    every(300_000, () => service.saveBaselines(), 'baselines');
    every(3_600_000, () => service.retention(), 'retention');
    app.addHook('onClose', async () => {
      jobs.stop();
      await service.foldRollups().catch(() => undefined);
      await service.saveBaselines().catch(() => undefined);
    });
  }
  return { service };
}
