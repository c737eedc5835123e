// Service alerts (GTFS-Realtime Alert): what an operator tells passengers beyond times (a detour, a stop
// closed, a line not running), read from the messages it pushes or we poll, kept per source, and picked
// out for a stop (those naming the stop, its station or bays, a route or trip calling there, or the
// agency) or for a route (the route, its trips, or a stop it calls at).
import type { ServiceAlert, TranslatedText } from '@citypulse/contracts';
import type { Timetable, Trip } from '../gtfs/timetable.js';
import type { FeedMessageObject } from './feed-message.js';

/** What one informed_entity names; its fields all hold together (route 15 at stop X), an absent one is any. */
export interface AlertSelector {
  agencyId: string | null;
  routeId: string | null;
  routeType: number | null;
  tripId: string | null;
  stopId: string | null;
}

export interface HeldAlert extends ServiceAlert {
  selectors: AlertSelector[];
}

/** The alerts of one source (a polled URL, pushes), as its latest message carrying alerts gave them. */
export interface AlertSource {
  receivedAt: number;
  /** When `receivedAt` was last written to the database (undefined: never). */
  savedAt?: number;
  alerts: HeldAlert[];
}

/**
 * Alerts from a source not heard from in an hour are no longer shown: the source has stopped, and what it
 * said may well be over. (A source that is still there restates its alerts in every message.)
 */
export const ALERT_SOURCE_SECONDS = 3600;

type EntityObject = NonNullable<FeedMessageObject['entity']>[number];
type AlertObject = NonNullable<EntityObject['alert']>;

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value : null);

function translated(value: AlertObject['headerText']): TranslatedText[] {
  const out: TranslatedText[] = [];
  for (const translation of value?.translation ?? []) {
    const words = text(translation.text);
    if (words) out.push({ text: words, language: text(translation.language) });
  }
  return out;
}

const seconds = (value: unknown): number | null => {
  const number = Number(value);
  return value === undefined || value === null || !Number.isFinite(number) || number <= 0 ? null : number;
};

/**
 * The alerts of a message, and how many were unusable: without a header text or without any entity they
 * inform about (both required by the spec), or with an empty informed_entity (which would name everything);
 * and the ids of the entities it deletes (is_deleted, which a DIFFERENTIAL message uses).
 */
export function alertsOf(message: FeedMessageObject): { alerts: HeldAlert[]; invalid: number; deleted: string[] } {
  const alerts: HeldAlert[] = [];
  const deleted: string[] = [];
  let invalid = 0;
  for (const entity of message.entity ?? []) {
    const alert = entity.alert;
    if (entity.isDeleted) deleted.push(entity.id);
    if (!alert || entity.isDeleted) continue;
    const selectors: AlertSelector[] = [];
    let empty = false;
    for (const informed of alert.informedEntity ?? []) {
      const selector: AlertSelector = {
        agencyId: text(informed.agencyId), routeId: text(informed.routeId), routeType: typeof informed.routeType === 'number' ? informed.routeType : null,
        tripId: text(informed.trip?.tripId), stopId: text(informed.stopId),
      };
      if (Object.values(selector).every((value) => value === null)) empty = true;
      else selectors.push(selector);
    }
    const header = translated(alert.headerText);
    if (selectors.length === 0 || empty || header.length === 0) {
      invalid++;
      continue;
    }
    alerts.push({
      id: entity.id,
      cause: typeof alert.cause === 'string' ? alert.cause : null,
      effect: typeof alert.effect === 'string' ? alert.effect : null,
      header,
      description: translated(alert.descriptionText),
      // Only web links: a passenger page must not link whatever a feed says (javascript:, file:).
      url: translated(alert.url).filter((link) => /^https?:\/\//i.test(link.text)),
      activePeriods: (alert.activePeriod ?? []).map((period: { start?: unknown; end?: unknown }) => ({ start: seconds(period.start), end: seconds(period.end) })),
      selectors,
    });
  }
  return { alerts, invalid, deleted };
}

/**
 * A source's alerts after a message from it, or null when the message leaves them as they were. A message
 * with alerts states all of its source's alerts (GTFS-Realtime's full dataset): they replace what the
 * source said before. So does an empty message: its source has none left. A message of vehicles or trip
 * updates alone (`hasOthers`) leaves the alerts as they are (they often come from another URL). A
 * DIFFERENTIAL message states only what changed: its alerts are added or replace those of the same id,
 * those it deletes (is_deleted) go, and the rest stay.
 */
export function alertsAfter(before: readonly HeldAlert[], message: FeedMessageObject, taken: ReturnType<typeof alertsOf>, hasOthers: boolean): HeldAlert[] | null {
  if (message.header?.incrementality === 'DIFFERENTIAL') {
    const held = new Map(before.map((alert) => [alert.id, alert]));
    for (const id of taken.deleted) held.delete(id);
    for (const alert of taken.alerts) held.set(alert.id, alert);
    return [...held.values()];
  }
  return taken.alerts.length + taken.invalid > 0 || !hasOthers ? taken.alerts : null;
}

/** Whether the alert is in force at `now`: within one of its periods, or always when it gives none. */
export const activeAt = (alert: ServiceAlert, now: number) =>
  alert.activePeriods.length === 0 || alert.activePeriods.some((period) => (period.start ?? -Infinity) <= now && now < (period.end ?? Infinity));

/** What an alert may name to concern a stop (or a station's bays) or a route: the places, and the routes, route types, agencies and trips there. */
export interface AlertScope {
  places: Set<string>;
  routes: Set<string>;
  routeTypes: Set<number>;
  agencies: Set<string>;
  trips: Set<string>;
}

export function scopeOf(timetable: Timetable, stopId: string, served: string[]): AlertScope {
  const places = new Set([stopId, ...served]);
  const station = timetable.stops.get(stopId)?.parentStation;
  if (station) places.add(station);
  return scopeOfTrips(timetable, places, served.flatMap((id) => (timetable.tripsByStop.get(id) ?? []).map((call) => call.trip)));
}

/**
 * What a route's alerts are picked by: the route, its type, agency and trips, and every stop it calls at
 * (and their stations): "stop X closed" concerns those riding the line through X; "route 2 at stop X" does
 * not concern route 1.
 */
export function routeScopeOf(timetable: Timetable, routeId: string): AlertScope {
  const trips = timetable.tripsByRoute.get(routeId) ?? [];
  const places = new Set<string>();
  for (const stopId of new Set(trips.flatMap((trip) => trip.pattern.stopIds))) {
    places.add(stopId);
    const station = timetable.stops.get(stopId)?.parentStation;
    if (station) places.add(station);
  }
  return scopeOfTrips(timetable, places, trips);
}

function scopeOfTrips(timetable: Timetable, places: Set<string>, trips: Iterable<Trip>): AlertScope {
  const scope: AlertScope = { places, routes: new Set(), routeTypes: new Set(), agencies: new Set(), trips: new Set() };
  for (const trip of trips) {
    scope.trips.add(trip.id);
    if (scope.routes.has(trip.routeId)) continue;
    scope.routes.add(trip.routeId);
    const route = timetable.routes.get(trip.routeId);
    if (route) {
      scope.routeTypes.add(route.type);
      scope.agencies.add(route.agencyId);
    }
  }
  return scope;
}

const selects = (selector: AlertSelector, scope: AlertScope) =>
  (selector.stopId === null || scope.places.has(selector.stopId))
  && (selector.routeId === null || scope.routes.has(selector.routeId))
  && (selector.routeType === null || scope.routeTypes.has(selector.routeType))
  // A feed of one agency may leave routes' agency_id empty ('' here): they are that agency's.
  && (selector.agencyId === null || scope.agencies.has(selector.agencyId) || scope.agencies.has(''))
  && (selector.tripId === null || scope.trips.has(selector.tripId));

/**
 * Every alert in force at `now`, each once (by id), from sources still heard from: what our own alerts
 * feed republishes, and what a stop's alerts are picked from.
 */
export function alertsInForce(sources: Iterable<AlertSource>, now: number): HeldAlert[] {
  const out: HeldAlert[] = [];
  const seen = new Set<string>();
  for (const source of sources) {
    if (source.receivedAt < now - ALERT_SOURCE_SECONDS) continue;
    for (const alert of source.alerts) {
      if (seen.has(alert.id) || !activeAt(alert, now)) continue;
      seen.add(alert.id);
      out.push(alert);
    }
  }
  return out;
}

/** Of the alerts in force, those that concern the stop or route, as passengers are given them (without their selectors). */
export function alertsFor(inForce: readonly HeldAlert[], scope: AlertScope): ServiceAlert[] {
  return inForce.filter((alert) => alert.selectors.some((selector) => selects(selector, scope))).map(({ selectors: _, ...alert }) => alert);
}
