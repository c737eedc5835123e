// The demo city's buses inside `serve`: the generated bus network of 海城 is imported as feed "haicheng"
// when it is not there yet, and the bus simulator (transit/demo/simulator.ts) drives every scheduled bus
// in real time, its positions going through the same ingest path as an operator's GTFS-Realtime (in
// process, no token needed), so the passenger pages, the stop boards and the headway monitor show live
// buses as soon as the server is up.
import { createHash } from 'node:crypto';
import type { App } from '../app.js';
import type { Logger } from '../platform/logger.js';
import { zipFiles } from '../modules/transit/gtfs/zip-writer.js';
import { demoNetworkFeed } from '../modules/transit/demo/network.js';
import { BusSimulator } from '../modules/transit/demo/simulator.js';
import type { Timetable } from '../modules/transit/gtfs/timetable.js';
import { HEADWAY_INDICATORS } from '../modules/transit/headway-vitals.js';
import { PREDICTION_INDICATORS } from '../modules/transit/prediction-vitals.js';
import { demoCatalogue } from '../modules/vitals/catalogue/index.js';

export const DEMO_BUS_FEED = 'haicheng';
const REPORT_EVERY_SECONDS = 10;
/** How the demo network's import is named (with its fingerprint after it): any other name is an operator's import. */
const DEMO_SOURCE = 'demo bus network';

export class DemoBuses {
  private timer: NodeJS.Timeout | null = null;
  private simulator: BusSimulator | null = null;
  /** Reports sent, and the last ingest report (for the log). */
  ticks = 0;

  constructor(private readonly app: App, private readonly log: Logger, private readonly now: () => number = () => Date.now()) {}

  /**
   * Imports the demo network unless it is loaded as this version generates it (answers whether it
   * imported), and adds the bus headway and prediction accuracy indicators to a demo catalogue seeded
   * before they existed.
   */
  async prepare(): Promise<boolean> {
    const transit = this.app.transit.service;
    const vitals = this.app.vitals.service;
    const codes = new Set<string>([...Object.values(HEADWAY_INDICATORS), ...Object.values(PREDICTION_INDICATORS)]);
    const missing = demoCatalogue().filter((definition) => codes.has(definition.code) && !vitals.indicator(definition.code));
    if (missing.length > 0) {
      await vitals.importIndicators(missing);
      this.log.info({ indicators: missing.map((definition) => definition.code) }, 'bus indicators added to the catalogue');
    }
    let imported = false;
    const network = demoNetworkFeed();
    // The network is imported under a name that fingerprints it: a demo database from an earlier version
    // (an earlier network: no night service, other stop names, no bay numbers…) gets the one this version
    // generates, keeping what was learned and recorded; an unchanged one is not imported again.
    const source = `${DEMO_SOURCE} ${createHash('sha256').update(JSON.stringify(network)).digest('hex').slice(0, 16)}`;
    const stored = (await transit.listFeeds()).find((feed) => feed.id === DEMO_BUS_FEED);
    if (stored && !stored.source.startsWith(DEMO_SOURCE)) {
      // An operator imported a network of their own under the demo's id: it is theirs, never replaced.
      this.log.info({ feed: DEMO_BUS_FEED, source: stored.source }, 'demo bus network not imported: the feed holds a network imported by an operator, which the demo buses drive');
    } else if (stored?.source !== source) {
      const { counts } = await transit.importFeed(DEMO_BUS_FEED, zipFiles(network), source);
      this.log.info({ feed: DEMO_BUS_FEED, counts }, stored ? 'demo bus network updated' : 'demo bus network imported');
      imported = true;
    }
    // The demo city's passenger pages stay on its buses when another feed is imported beside them.
    transit.defaultFeed ??= DEMO_BUS_FEED;
    // The demo city's buses report the stop they stand at or head to, as AVL systems with door sensors do.
    this.drive(transit.runtime(DEMO_BUS_FEED).timetable);
    return imported;
  }

  private drive(timetable: Timetable): BusSimulator {
    this.simulator = new BusSimulator(timetable, { seed: 1, stopReports: true });
    return this.simulator;
  }

  /**
   * Positions of every bus on the road now, through the ingest path; answers the ingest report, or null
   * when the demo feed has been removed (an operator replacing the demo with the city's own network):
   * there are no demo buses to move then. A feed imported again under the demo's id is driven as it is.
   */
  async report() {
    if (!this.simulator) throw new Error('DemoBuses.prepare() first');
    const transit = this.app.transit.service;
    if (!transit.feedIds().includes(DEMO_BUS_FEED)) return null;
    const timetable = transit.runtime(DEMO_BUS_FEED).timetable;
    // An operator may have imported another network as the demo feed: the buses drive the one stored.
    const simulator = timetable === this.simulator.timetable ? this.simulator : this.drive(timetable);
    const message = simulator.feedMessageAt(Math.floor(this.now() / 1000));
    const result = await transit.ingestRealtime(DEMO_BUS_FEED, message, 'demo');
    this.ticks++;
    return result;
  }

  start(): void {
    const tick = async () => {
      try {
        const result = await this.report();
        if (result === null) {
          this.log.info({ feed: DEMO_BUS_FEED }, 'demo buses stopped: their feed was removed (it is imported again at the next start with the demo; --no-simulate keeps it out)');
          this.stop();
          return;
        }
        if (this.ticks === 1 || this.ticks % 360 === 0) this.log.info({ feed: DEMO_BUS_FEED, ...result }, 'demo buses reporting');
      } catch (error) {
        this.log.error({ err: error }, 'demo buses: a report failed');
      }
    };
    void tick();
    this.timer = setInterval(() => void tick(), REPORT_EVERY_SECONDS * 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
