// The transit module: wires the service and its routes into the app, and saves what the engines learn.
import type { FastifyInstance } from 'fastify';
import { TransitService, type TransitContext } from './service.js';
import { registerTransitRoutes } from './routes.js';
import { registerStopStreamRoute } from './stream-route.js';
import { registerNetworkRoutes } from './network-routes.js';

export interface TransitModule {
  service: TransitService;
}

const SAVE_EVERY_MS = 600_000;

export async function registerTransit(app: FastifyInstance, ctx: TransitContext & { backgroundJobs: boolean }): Promise<TransitModule> {
  const service = new TransitService(ctx);
  await service.load();
  // Its own scope, so that the zip and protobuf body parsers apply to these routes only.
  await app.register(async (scope) => {
    registerTransitRoutes(scope, service, () => ctx.clock.now());
    registerStopStreamRoute(scope, service);
    registerNetworkRoutes(scope, service, () => ctx.clock.now());
  });
  if (ctx.backgroundJobs) {
    const save = () => service.saveModels().catch((error) => ctx.logger.error({ err: error }, 'saving transit models failed'));
    const timer = setInterval(save, SAVE_EVERY_MS).unref();
    app.addHook('onClose', async () => {
      clearInterval(timer);
      await save();
    });
  }
  return { service };
}
