// The transit module: wires the service and its routes into the app, and runs its background jobs: saving
// what the engines learned, writing and pruning the stop passings and the live accuracy's minutes,
// headways and prediction accuracy into the vital signs, and polling the configured realtime URLs.
import { createJobs } from '../../platform/jobs.js';
import type { FastifyInstance } from 'fastify';
import { Counter, type Registry } from 'prom-client';
import type { Config } from '../../platform/config.js';
import type { VitalsService } from '../vitals/service.js';
import { TransitService, type TransitContext } from './service.js';
import { registerTransitRoutes } from './routes.js';
import { registerStopStreamRoute } from './stream-route.js';
import { registerNetworkRoutes } from './network-routes.js';
import { registerPollRoutes } from './poll-routes.js';
import { HeadwayHistory } from './headway-history.js';
import { AccuracyHistory } from './accuracy-history.js';
import { HeadwayVitals } from './headway-vitals.js';
import { pushPredictionAccuracy } from './prediction-vitals.js';
import { RealtimePoller } from './realtime/poller.js';
import { loadPollSources } from './realtime/poll-source-store.js';

export interface TransitModule {
  service: TransitService;
  history: HeadwayHistory;
  accuracyHistory: AccuracyHistory;
  headwayVitals: HeadwayVitals;
  poller: RealtimePoller;
}

const SAVE_EVERY_MS = 600_000;
const FLUSH_PASSINGS_EVERY_MS = 10_000;
const HEADWAY_VITALS_EVERY_MS = 60_000;
const PRUNE_EVERY_MS = 3_600_000;
const ACCURACY_SAVE_EVERY_MS = 60_000;
const POLL_TIMEOUT_MS = 10_000;

export async function registerTransit(
  app: FastifyInstance,
  ctx: TransitContext & { config: Config; metrics: Registry; vitals: VitalsService; backgroundJobs: boolean },
): Promise<TransitModule> {
  const service = new TransitService(ctx);
  service.defaultFeed = ctx.config.transitDefaultFeed;
  service.maxFeedBytes = ctx.config.transitMaxFeedBytes;
  await service.load();
  const history = new HeadwayHistory({ ...ctx, retentionDays: ctx.config.transitHistoryDays }, service);
  await history.restore(service.feedIds());
  const accuracyHistory = new AccuracyHistory(ctx, service);
  await accuracyHistory.restore(service.feedIds());
  service.changes.on('feedDeleted', (feedId: string) => {
    history.forgetFeed(feedId).catch((error) => ctx.logger.error({ err: error, feed: feedId }, 'deleting stop passings failed'));
    accuracyHistory.forgetFeed(feedId).catch((error) => ctx.logger.error({ err: error, feed: feedId }, 'deleting the live prediction accuracy failed'));
  });
  const headwayVitals = new HeadwayVitals(ctx, service, history.recorder);
  await headwayVitals.districts();

  const polls = new Counter({ name: 'citypulse_transit_realtime_polls_total', help: 'Polls of realtime feed URLs, by feed and outcome', labelNames: ['feed', 'outcome'], registers: [ctx.metrics] });
  const poller = new RealtimePoller(
    { clock: ctx.clock, logger: ctx.logger, timeoutMs: POLL_TIMEOUT_MS, maxBytes: ctx.config.bodyLimitBytes },
    // Each URL is a source of its own: its alerts replace only what it said before.
    async (feedId, body, sourceId) => ({ ...(await service.ingestRealtime(feedId, body, `poll:${sourceId}`)) }),
    (source, ok) => polls.inc({ feed: source.feedId, outcome: ok ? 'ok' : 'failed' }),
  );
  ctx.config.transitRealtimeSources.forEach((source, i) => poller.add({ id: `config-${i + 1}`, ...source, intervalSeconds: ctx.config.transitPollSeconds, origin: 'config' }));
  for (const source of await loadPollSources(ctx.db)) poller.add(source);

  // Its own scope, so that the zip and protobuf body parsers apply to these routes only.
  await app.register(async (scope) => {
    registerTransitRoutes(scope, service, () => ctx.clock.now(), (feedId) => poller.list(feedId));
    registerStopStreamRoute(scope, service, { maxStreams: ctx.config.transitMaxStreams, maxPerClient: ctx.config.transitMaxStreamsPerClient, metrics: ctx.metrics });
    registerNetworkRoutes(scope, service, history, () => ctx.clock.now());
    registerPollRoutes(scope, ctx.db, service, poller, ctx.config.transitPollSeconds);
  });

  if (ctx.backgroundJobs) {
    const jobs = createJobs(ctx.logger);
    const every = jobs.every;
    every(SAVE_EVERY_MS, () => service.saveModels(), 'transit-models');
    every(FLUSH_PASSINGS_EVERY_MS, () => history.flush(), 'transit-passings');
    every(PRUNE_EVERY_MS, () => history.prune(), 'transit-passings-retention');
    every(ACCURACY_SAVE_EVERY_MS, () => accuracyHistory.save(), 'transit-accuracy-minutes');
    every(PRUNE_EVERY_MS, () => accuracyHistory.prune(), 'transit-accuracy-retention');
    every(HEADWAY_VITALS_EVERY_MS, () => headwayVitals.push(ctx.vitals), 'transit-headway-vitals');
    every(HEADWAY_VITALS_EVERY_MS, () => pushPredictionAccuracy(ctx.vitals, service, ctx.clock.now()), 'transit-prediction-accuracy');
    poller.start();
    app.addHook('onClose', async () => {
      poller.stop();
      jobs.stop();
      await history.flush();
      await accuracyHistory.save(true);
      await service.saveModels().catch((error) => ctx.logger.error({ err: error }, 'saving transit models failed'));
    });
  } else {
    app.addHook('onClose', async () => { await history.flush(); await accuracyHistory.save(true); });
  }
  return { service, history, accuracyHistory, headwayVitals, poller };
}
