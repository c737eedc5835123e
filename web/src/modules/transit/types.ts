// What the transit API answers (see server/src/modules/transit: routes.ts, network-routes.ts).
import type { RouteSummary } from '@citypulse/contracts';

export type { Arrival, NextBus, ServiceAlert, TranslatedText, DiagramDirection, DiagramVehicle, GapStatus, PredictionAccuracy, RouteDiagram, RouteSummary, StopArrivals, TransitNetworks } from '@citypulse/contracts';

/**
 * A stop found by name, or near a place (then `distance`, metres); `towards`: where the buses leaving it
 * go (tells the two kerbs of a place apart).
 */
export interface StopFound { id: string; name: string; distance?: number; routes: RouteSummary[]; towards: string[] }

export interface HeadwayRow {
  routeId: string;
  directionId: number;
  route: RouteSummary;
  headsign: string;
  stops: number;
  headways: number;
  meanHeadway: number | null;
  scheduledMeanHeadway: number | null;
  cv: number | null;
  actualWait: number | null;
  scheduledWait: number | null;
  excessWait: number | null;
  bunching: number;
  gaps: number;
  liveVehicles: number;
  /** Trips due to have left their first stop in the period (ten minutes' grace), and how many of them a bus was seen on. */
  tripsDue: number;
  tripsSeen: number;
  /** Stops where the wait since the last bus is over `gapMultiple` scheduled headways now, and the longest. */
  openGaps: number;
  longestOpenGap: OpenGap | null;
}

/** A stop waiting now: `waited` seconds since `lastPassed` (null: no bus seen since observation began, at least that long). */
export interface OpenGap { stopId: string; stopName: string; lastPassed: number | null; waited: number; scheduledHeadway: number }

export interface Headways {
  feed: string;
  from: number;
  to: number;
  observedSince: number;
  /** When no position came (the server down, or the feed silent 10 minutes or more): headways across them are left out. */
  breaks: Array<{ from: number; to: number }>;
  passings: number;
  bunchingShare: number;
  gapMultiple: number;
  items: HeadwayRow[];
}
