// Headway regularity as vital signs: every minute the figures of the last hour (headways.ts over the stop
// passings the tracker reported) go into the public transport indicators of the vitals catalogue, for the
// city and for each district whose outline holds stops, so that the vitals rules raise alerts on
// bunching, big gaps and irregular service like on any other indicator.
import type { Db } from '../../platform/db/types.js';
import type { Logger } from '../../platform/logger.js';
import type { Clock } from '../../platform/clock.js';
import type { OrgUnit } from '../../platform/auth/service.js';
import type { VitalsService } from '../vitals/service.js';
import { combineRows, DEFAULT_HEADWAY_OPTIONS, routeHeadways, type HeadwayFigures, type Observation, type RouteHeadways, type StopPass } from './headways.js';
import { gapsOpenNow, headwayInputs, LOOK_BACK_SECONDS, seenRuns, tripsDelivered, type PassingRecorder, type TripsDelivered } from './network.js';
import type { TransitService } from './service.js';
import type { FeedRuntime } from './feed-runtime.js';

/** Which vital-sign indicator receives which figure (codes of the catalogue's public transport category). */
export const HEADWAY_INDICATORS = {
  /** Percent of headways neither bunched nor a big gap. */
  adherence: 'PUBLIC_TRANSPORT.BUS_HEADWAY_ADHERENCE',
  cv: 'PUBLIC_TRANSPORT.BUS_HEADWAY_CV',
  /** Minutes. */
  excessWait: 'PUBLIC_TRANSPORT.BUS_EXCESS_WAIT',
  bunching: 'PUBLIC_TRANSPORT.BUS_BUNCHING_EVENTS',
  gaps: 'PUBLIC_TRANSPORT.BUS_BIG_GAPS',
  /** Percent of route directions whose CV is over IRREGULAR_CV. */
  irregularRoutes: 'PUBLIC_TRANSPORT.BUS_IRREGULAR_ROUTES',
  /** Percent of the trips due to leave their first stop in the hour (up to ten minutes ago) that a bus was seen on. */
  tripsDelivered: 'PUBLIC_TRANSPORT.BUS_TRIPS_DELIVERED',
  /** Stops where a gap is open now: over 1.5 scheduled headways since the last bus, a bus due meanwhile (open-gaps.ts). */
  stopsWaiting: 'PUBLIC_TRANSPORT.BUS_STOPS_WAITING',
} as const;

/** The headway figures of a place, the share of its trips due that ran (null: none due), and its stops waiting now. */
export type PlaceFigures = HeadwayFigures & { tripsDelivered: number | null; stopsWaiting: number };

const deliveredShare = (trips: TripsDelivered | undefined) => (trips && trips.due > 0 ? (100 * trips.seen) / trips.due : null);

const WINDOW_SECONDS = 3600;
/**
 * Observed for less than this since the first start, the hour's figures say more about the start than
 * about the buses (only short headways have both buses seen): no figure, rather than a misleading one.
 */
export const MIN_OBSERVED_SECONDS = 1800;
/** The bunching and gap counts are events in the last hour: before an hour is observed they would undercount. */
const COUNTS_OBSERVED_SECONDS = WINDOW_SECONDS;

type Ring = Array<[number, number]>;
interface DistrictOutline { code: string; polygons: Ring[][] }

/** Ray casting: is the point inside the ring (lon, lat)? */
function inRing(ring: Ring, lon: number, lat: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if ((yi > lat) !== (yj > lat) && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

const inPolygon = (polygon: Ring[], lon: number, lat: number) => inRing(polygon[0]!, lon, lat) && !polygon.slice(1).some((hole) => inRing(hole, lon, lat));

export class HeadwayVitals {
  private outlines: DistrictOutline[] | null = null;
  /** Per timetable (a re-imported feed is a new one, its stops may have moved): each stop's district. */
  private readonly districtOfStop = new WeakMap<object, Map<string, string | null>>();
  private warned = false;

  constructor(
    private readonly ctx: { db: Db; clock: Clock; logger: Logger },
    private readonly transit: TransitService,
    private readonly recorder: PassingRecorder,
  ) {
    // The live prediction accuracy is split by the same districts, once their outlines are read.
    transit.placeOfStop = (feed, stopId) => (this.outlines ? this.district(feed, stopId, this.outlines) : null);
  }

  /** The districts' outlines (GeoJSON Polygon or MultiPolygon on their org units), read once. */
  async districts(): Promise<DistrictOutline[]> {
    if (this.outlines) return this.outlines;
    const rows = await this.ctx.db.query<{ code: string; geometry: unknown }>(`select code, geometry from org_unit where level = 'district' and geometry is not null order by path`);
    this.outlines = rows.flatMap(({ code, geometry }) => {
      const shape = (typeof geometry === 'string' ? JSON.parse(geometry) : geometry) as { type?: string; coordinates?: unknown };
      if (shape?.type === 'Polygon') return [{ code, polygons: [shape.coordinates as Ring[]] }];
      if (shape?.type === 'MultiPolygon') return [{ code, polygons: shape.coordinates as Ring[][] }];
      return [];
    });
    return this.outlines;
  }

  private district(feed: FeedRuntime, stopId: string, outlines: DistrictOutline[]): string | null {
    let known = this.districtOfStop.get(feed.timetable);
    if (!known) this.districtOfStop.set(feed.timetable, known = new Map());
    let code = known.get(stopId);
    if (code === undefined) {
      const stop = feed.timetable.stops.get(stopId);
      code = stop ? outlines.find((outline) => outline.polygons.some((polygon) => inPolygon(polygon, stop.lon, stop.lat)))?.code ?? null : null;
      known.set(stopId, code);
    }
    return code;
  }

  /**
   * The figures of the last hour for the city and for each district with stops, over every feed. Null for
   * the city when nothing ran and nothing was scheduled (no figure is better than a made-up zero).
   */
  async figures(): Promise<{ city: PlaceFigures | null; districts: Map<string, PlaceFigures>; wholeHour: boolean }> {
    const now = Math.floor(this.ctx.clock.now() / 1000);
    const outlines = await this.districts();
    const cityRows: RouteHeadways[] = [];
    // Trips due and seen, for the city and by the district of the stop they leave from.
    const tripsCity: TripsDelivered = { due: 0, seen: 0 };
    const tripsByDistrict = new Map<string, TripsDelivered>();
    let waitingCity = 0;
    const waitingByDistrict = new Map<string, number>();
    const byDistrict = new Map<string, { actual: StopPass[]; scheduled: StopPass[]; feed: FeedRuntime; observation: Observation }[]>();
    let anything = false;
    for (const feedId of this.transit.feedIds()) {
      const feed = this.transit.runtime(feedId);
      const from = Math.max(now - WINDOW_SECONDS, this.recorder.since);
      if (now - this.recorder.since < MIN_OBSERVED_SECONDS) continue;
      const inputs = headwayInputs(this.recorder.between(feed.id, from - LOOK_BACK_SECONDS, now), feed.timetable, from, now, {}, this.recorder.since);
      const { actual, scheduled, window } = inputs;
      const breaks = this.recorder.breaksBetween(feed.id, from - LOOK_BACK_SECONDS, now);
      if (actual.some((pass) => pass.time >= from) || scheduled.some((pass) => pass.time >= from)) anything = true;
      const seen = seenRuns(this.transit, feed, actual);
      const city = tripsDelivered(feed.timetable, seen, from, now, { groupOf: () => '', breaks }).get('');
      if (city) { tripsCity.due += city.due; tripsCity.seen += city.seen; }
      if (outlines.length) {
        for (const [code, trips] of tripsDelivered(feed.timetable, seen, from, now, { groupOf: (trip) => this.district(feed, trip.pattern.stopIds[0]!, outlines), breaks })) {
          const entry = tripsByDistrict.get(code) ?? { due: 0, seen: 0 };
          entry.due += trips.due;
          entry.seen += trips.seen;
          tripsByDistrict.set(code, entry);
        }
      }
      cityRows.push(...routeHeadways(actual, scheduled, DEFAULT_HEADWAY_OPTIONS, { breaks, ...window }));
      const waiting = gapsOpenNow(this.transit, feed, inputs, now, breaks);
      waitingCity += waiting.length;
      if (!outlines.length) continue;
      for (const gap of waiting) {
        const code = this.district(feed, gap.stopId, outlines);
        if (code) waitingByDistrict.set(code, (waitingByDistrict.get(code) ?? 0) + 1);
      }
      const split = new Map<string, { actual: StopPass[]; scheduled: StopPass[]; feed: FeedRuntime; observation: Observation }>();
      const part = (code: string) => {
        let entry = split.get(code);
        if (!entry) split.set(code, entry = { actual: [], scheduled: [], feed, observation: { breaks, ...window } });
        return entry;
      };
      for (const pass of actual) { const code = this.district(feed, pass.stopId, outlines); if (code) part(code).actual.push(pass); }
      for (const pass of scheduled) { const code = this.district(feed, pass.stopId, outlines); if (code) part(code).scheduled.push(pass); }
      for (const [code, entry] of split) {
        let list = byDistrict.get(code);
        if (!list) byDistrict.set(code, list = []);
        list.push(entry);
      }
    }
    const districts = new Map<string, PlaceFigures>();
    for (const [code, parts] of byDistrict) {
      const figures = combineRows(parts.flatMap((entry) => routeHeadways(entry.actual, entry.scheduled, DEFAULT_HEADWAY_OPTIONS, entry.observation)));
      districts.set(code, { ...figures, tripsDelivered: deliveredShare(tripsByDistrict.get(code)), stopsWaiting: waitingByDistrict.get(code) ?? 0 });
    }
    const wholeHour = now - this.recorder.since >= COUNTS_OBSERVED_SECONDS;
    if (!anything) return { city: null, districts: new Map(), wholeHour };
    return { city: { ...combineRows(cityRows), tripsDelivered: deliveredShare(tripsCity), stopsWaiting: waitingCity }, districts, wholeHour };
  }

  /** Computes the figures and ingests them into the vital signs; answers how many observations were stored. */
  async push(vitals: VitalsService): Promise<number> {
    if (this.transit.feedIds().length === 0 || vitals.orgUnits().length === 0) return 0;
    const missing = Object.values(HEADWAY_INDICATORS).filter((code) => !vitals.indicator(code));
    if (missing.length > 0 && !this.warned) {
      this.warned = true;
      this.ctx.logger.warn({ missing }, 'bus headways: the vitals catalogue lacks these indicators; they are not pushed');
    }
    const { city, districts, wholeHour } = await this.figures();
    const ts = this.ctx.clock.now();
    const items: { indicator: string; org: string; ts: number; value: number }[] = [];
    const add = (org: OrgUnit | undefined, figures: PlaceFigures) => {
      if (!org) return;
      const push = (indicator: string, value: number | null) => {
        if (value !== null && Number.isFinite(value) && vitals.indicator(indicator)?.orgLevels.includes(org.level)) items.push({ indicator, org: org.code, ts, value: Number(value.toFixed(3)) });
      };
      // Shares and averages hold from half an hour on; counts of an hour's events need the whole hour.
      if (wholeHour) {
        push(HEADWAY_INDICATORS.bunching, figures.bunching);
        push(HEADWAY_INDICATORS.gaps, figures.gaps);
      }
      push(HEADWAY_INDICATORS.adherence, figures.adherence);
      push(HEADWAY_INDICATORS.cv, figures.cv);
      push(HEADWAY_INDICATORS.excessWait, figures.excessWaitMinutes);
      push(HEADWAY_INDICATORS.irregularRoutes, figures.irregularRoutes);
      push(HEADWAY_INDICATORS.tripsDelivered, figures.tripsDelivered);
      push(HEADWAY_INDICATORS.stopsWaiting, figures.stopsWaiting);
    };
    const root = vitals.org(vitals.rootOrgCode());
    if (city) add(root, city);
    for (const [code, figures] of districts) add(vitals.org(code), figures);
    if (items.length === 0) return 0;
    return (await vitals.ingest(items, { orgCode: root!.code })).stored;
  }
}
