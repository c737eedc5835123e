// The cases module: wires the service, its routes, the alert intake and the periodic jobs (escalation of
// overdue cases, statistics into the vital signs) into the app.
import { createJobs } from '../../platform/jobs.js';
import type { FastifyInstance } from 'fastify';
import type { VitalsService } from '../vitals/service.js';
import { CASE_SUBJECT, CasesService, type CasesContext } from './service.js';
import type { CaseRecord } from './types.js';
import { AlertIntake } from './alert-intake.js';
import { CaseStatistics } from './statistics.js';
import { registerCaseRoutes } from './routes.js';
import { registerOpen311Routes } from './open311.js';
import { CaseStreamHub } from './stream.js';
import { registerCaseStreamRoute } from './stream-route.js';

export interface CasesModule {
  service: CasesService;
  alerts: AlertIntake;
  statistics: CaseStatistics;
  stream: CaseStreamHub;
}

export async function registerCases(
  app: FastifyInstance,
  ctx: CasesContext & { vitals: VitalsService; backgroundJobs: boolean },
): Promise<CasesModule> {
  const service = new CasesService(ctx);
  await service.load();
  const alerts = new AlertIntake(service, ctx.db, ctx.logger);
  await alerts.load();
  alerts.subscribe(ctx.bus);
  const statistics = new CaseStatistics(ctx.db, ctx.clock, ctx.config.timezone, ctx.logger);

  const stream = new CaseStreamHub(() => ctx.clock.now());
  const unsubscribe = ctx.bus.subscribe<{ action: string; case: CaseRecord }>(CASE_SUBJECT, (event) => stream.publish(event.action, event.case));

  registerCaseRoutes(app, service, alerts, statistics, () => ctx.vitals.categories.map((category) => category.code));
  registerCaseStreamRoute(app, stream);
  await registerOpen311Routes(app, service, ctx.auth);
  // Open streams would keep the server from closing: end them first; clients reconnect elsewhere.
  app.addHook('preClose', async () => {
    unsubscribe();
    stream.closeAll();
  });
  app.addHook('onClose', async () => {
    alerts.close();
    await alerts.idle();
  });

  if (ctx.backgroundJobs) {
    const jobs = createJobs(ctx.logger);
    const every = jobs.every;
    every(60_000, () => service.escalateOverdue(), 'cases-escalation');
    // The first figures go out shortly after start, not five minutes in: the hotline indicators would
    // show no data until then.
    every(300_000, () => statistics.push(ctx.vitals), 'cases-statistics', 10_000);
    app.addHook('onClose', async () => {
      jobs.stop();
    });
  }
  return { service, alerts, statistics, stream };
}
