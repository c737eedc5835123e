// Arrival prediction accuracy as a vital sign: every minute, the share of the last hour's announcements
// that the buses proved right (accuracy/live.ts, over every feed) goes to the city's public transport
// indicators, where the vitals rules alert when it falls below the target like on any other indicator.
import type { VitalsService } from '../vitals/service.js';
import type { TransitService } from './service.js';

export const PREDICTION_INDICATORS = {
  /** Percent of announcements within the window of their horizon (the accuracy yardstick). */
  accuracy: 'PUBLIC_TRANSPORT.BUS_ARRIVAL_PREDICTION_ACCURACY',
} as const;

/** Fewer judged announcements than this in the hour is no figure (a handful of buses would swing it). */
export const MIN_JUDGED = 100;
const WINDOW_SECONDS = 3600;

/** The city's share of the last hour, or null when too little was judged. */
export function cityAccuracy(transit: TransitService, now: number): { count: number; inWindow: number } | null {
  let count = 0, within = 0;
  for (const feedId of transit.feedIds()) {
    const summary = transit.runtime(feedId).accuracy.summary(now, WINDOW_SECONDS);
    count += summary.count;
    within += (summary.inWindow ?? 0) * summary.count;
  }
  return count >= MIN_JUDGED ? { count, inWindow: within / count } : null;
}

/** Ingests the city's figure; answers how many observations were stored. */
export async function pushPredictionAccuracy(vitals: VitalsService, transit: TransitService, nowMs: number): Promise<number> {
  const root = vitals.org(vitals.rootOrgCode());
  const indicator = vitals.indicator(PREDICTION_INDICATORS.accuracy);
  if (!root || !indicator) return 0;
  const figure = cityAccuracy(transit, Math.floor(nowMs / 1000));
  if (!figure) return 0;
  const item = { indicator: indicator.code, org: root.code, ts: nowMs, value: Number((figure.inWindow * 100).toFixed(2)) };
  return (await vitals.ingest([item], { orgCode: root.code })).stored;
}
