// Arrival prediction accuracy as a vital sign: every minute, the share of the last hour's announcements
// that the buses proved right (accuracy/live.ts, over every feed) goes to the public transport indicators,
// for the city and for each district (by where the stop lies), where the vitals rules alert when it
// falls below the target like on any other indicator.
import { PREDICTION_ACCURACY_MIN_JUDGED } from '@citypulse/contracts';
import type { VitalsService } from '../vitals/service.js';
import type { TransitService } from './service.js';

export const PREDICTION_INDICATORS = {
  /** Percent of announcements within the window of their horizon (the accuracy yardstick). */
  accuracy: 'PUBLIC_TRANSPORT.BUS_ARRIVAL_PREDICTION_ACCURACY',
} as const;

/** Fewer judged announcements than this in the hour is no figure (a handful of buses would swing it). */
export const MIN_JUDGED = PREDICTION_ACCURACY_MIN_JUDGED;
const WINDOW_SECONDS = 3600;

/** The city's share of the last hour and each district's, where enough was judged. */
export function accuracyFigures(transit: TransitService, now: number): { city: Figure | null; districts: Map<string, Figure> } {
  const city = { count: 0, within: 0 };
  const byDistrict = new Map<string, { count: number; within: number }>();
  for (const feedId of transit.feedIds()) {
    const accuracy = transit.runtime(feedId).accuracy;
    const summary = accuracy.summary(now, WINDOW_SECONDS);
    city.count += summary.count;
    city.within += (summary.inWindow ?? 0) * summary.count;
    for (const [code, figure] of accuracy.byPlace(now, WINDOW_SECONDS)) {
      let sum = byDistrict.get(code);
      if (!sum) byDistrict.set(code, sum = { count: 0, within: 0 });
      sum.count += figure.count;
      sum.within += (figure.inWindow ?? 0) * figure.count;
    }
  }
  const figure = (sum: { count: number; within: number }) => (sum.count >= MIN_JUDGED ? { count: sum.count, inWindow: sum.within / sum.count } : null);
  const districts = new Map<string, Figure>();
  for (const [code, sum] of byDistrict) { const value = figure(sum); if (value) districts.set(code, value); }
  return { city: figure(city), districts };
}

interface Figure { count: number; inWindow: number }

/** Ingests the city's figure and the districts'; answers how many observations were stored. */
export async function pushPredictionAccuracy(vitals: VitalsService, transit: TransitService, nowMs: number): Promise<number> {
  const root = vitals.org(vitals.rootOrgCode());
  const indicator = vitals.indicator(PREDICTION_INDICATORS.accuracy);
  if (!root || !indicator) return 0;
  const { city, districts } = accuracyFigures(transit, Math.floor(nowMs / 1000));
  const items: { indicator: string; org: string; ts: number; value: number }[] = [];
  const add = (code: string, figure: Figure | null) => {
    const org = vitals.org(code);
    if (figure && org && indicator.orgLevels.includes(org.level)) items.push({ indicator: indicator.code, org: code, ts: nowMs, value: Number((figure.inWindow * 100).toFixed(2)) });
  };
  add(root.code, city);
  for (const [code, figure] of districts) add(code, figure);
  if (items.length === 0) return 0;
  return (await vitals.ingest(items, { orgCode: root.code })).stored;
}
