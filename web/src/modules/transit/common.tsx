// Pieces the passenger pages share: their frame (skip link, title, language and large-text switches),
// the feed they are in, route names, how a delay and an arrival time are said, and what an unknown stop
// or route says.
import { useEffect, useMemo, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Preferences } from '../../app/Preferences';
import { ApiError, query } from '../../app/api';
import { dateFormat } from '../../app/format';
import { transitQueries } from './queries';
import type { StreamState } from './stream';
import type { Arrival, NextBus, ServiceAlert, TranslatedText } from './types';
import './transit.css';

/**
 * `?feed=` when the city runs several feeds; carried on every link between the passenger pages. `found`
 * is the feed the server found the page's stop or route in, for an address that names none (a printed
 * link or QR code made before a second feed came): the page then links within that feed.
 */
export function useFeed(found?: string): { feed: string | undefined; withFeed: (path: string) => string } {
  const [params] = useSearchParams();
  const feed = params.get('feed') || found || undefined;
  return { feed, withFeed: (path) => `${path}${query({ feed })}` };
}

/**
 * Route id → short name (an operator's route ids are often not what the bus shows), from `feed`'s
 * routes; ids until the feed is known (route ids are only unique within a feed).
 */
export function useRouteNames(feed: string | undefined): { routeName: (routeId: string) => string; known: boolean } {
  const routes = useQuery({ ...transitQueries.routes(feed), enabled: feed !== undefined });
  const routeName = useMemo(() => {
    const names = new Map((routes.data?.items ?? []).map((route) => [route.id, route.shortName || route.id]));
    return (routeId: string) => names.get(routeId) ?? routeId;
  }, [routes.data]);
  // Known once answered, or once it failed: ids are what there is to say then.
  return { routeName, known: routes.isSuccess || routes.isError };
}

export function PassengerLayout({ children, stream, feed }: { children: ReactNode; stream?: StreamState; feed?: string }) {
  const { t } = useTranslation();
  const { withFeed } = useFeed(feed);
  return (
    <div className="go">
      <a className="skip-link" href="#main">{t('app.skip')}</a>
      <header className="go-header">
        <Link to={withFeed('/go')} className="go-brand"><span className="brand-mark" aria-hidden="true" />{t('transit.title')}</Link>
        {stream && <StreamBadge state={stream} />}
        <Preferences />
      </header>
      <main id="main" className="go-main" tabIndex={-1}>{children}</main>
    </div>
  );
}

export function StreamBadge({ state }: { state: StreamState }) {
  const { t } = useTranslation();
  const text = state === 'live' ? t('transit.streamLive') : state === 'down' ? t('transit.streamDown') : t('transit.streamConnecting');
  return <span className={`go-stream stream-${state}`} data-stream={state}><span className="stream-dot" aria-hidden="true" />{text}</span>;
}

/** Late enough to stand out on the stop page and the display. */
const LATE_SECONDS = 120;

/** A live bus's lateness as the stop page and the stop display both show it: "8 min late", "On time". */
export function Lateness({ seconds, className = '' }: { seconds: number; className?: string }) {
  const delayText = useDelayText();
  return <span className={`delay ${seconds >= LATE_SECONDS ? 'is-late' : ''} ${className}`}>{delayText(seconds)}</span>;
}

/**
 * How late a live arrival is, as the rows show it. A bus still standing at its first stop is on time
 * unless it is expected to leave late: its time may be announced a little early (so that nobody misses
 * it), but the bus is not early, and "1 min early" beside a bus that has not moved reads as if it were.
 */
export function ArrivalLateness({ arrival, className = '' }: { arrival: Pick<Arrival, 'delaySeconds' | 'waitingAtFirstStop'>; className?: string }) {
  return <Lateness seconds={arrival.waitingAtFirstStop ? Math.max(0, arrival.delaySeconds) : arrival.delaySeconds} className={className} />;
}

/**
 * Whether the bus takes a wheelchair, as the feed says (its trip's wheelchair_accessible): the sign and
 * words for yes, plain words for no (a wheelchair user needs both), nothing when the feed does not say.
 * `iconOnly`: the display at the stop shows the sign alone, its words for screen readers.
 */
export function Wheelchair({ accessible, iconOnly = false, className = '' }: { accessible: boolean | null; iconOnly?: boolean; className?: string }) {
  const { t } = useTranslation();
  if (accessible === null || (iconOnly && !accessible)) return null;
  if (!accessible) return <span className={`wheelchair is-no ${className}`}>{t('transit.wheelchairNo')}</span>;
  return (
    <span className={`wheelchair is-yes ${className}`} title={t('transit.wheelchair')}>
      <span aria-hidden="true">♿</span>{iconOnly ? <span className="sr-only">{t('transit.wheelchair')}</span> : ` ${t('transit.wheelchair')}`}
    </span>
  );
}

/** A distance as a person would say it: to 10 m, and to 50 m beyond 200 m (a phone's fix, or a bus's, is no closer). */
export const roundedMetres = (metres: number) => (metres < 200 ? Math.max(10, Math.round(metres / 10) * 10) : Math.round(metres / 50) * 50);

/**
 * Where a tracked bus is, as stop boards say it: "还有 3 站 · 1.2 公里", "在本站候发" while it waits here to
 * leave its first stop, "正在上下客" while its operator reports it standing here on the way (stopsAway 0 both).
 * Nothing for arrivals no tracked bus runs. The distance (along the route, from the bus's last fix)
 * only where asked: as `roundedMetres`, in km from 1 km; the display at the stop keeps to the stops.
 */
export function Whereabouts({ arrival, distance = false, className = '' }: { arrival: Where; distance?: boolean; className?: string }) {
  const text = useWhereaboutsText()(arrival, distance);
  return text === null ? null : <span className={`whereabouts ${className}`}>{text}</span>;
}

type Where = Pick<Arrival, 'stopsAway' | 'metresAway' | 'waitingAtFirstStop'>;

/**
 * The platform or bay to board at, worth saying on a row when the board is a station's (its bays differ
 * from row to row); on a bay's own board the page says it once.
 */
export const boardsAt = (arrival: Arrival, boardStopId: string): arrival is Arrival & { platform: string } =>
  arrival.platform !== null && arrival.stopId !== boardStopId;

/** A tracked bus standing at this stop on its way (its operator says so): "已到站" rather than minutes. */
export const isHere = (arrival: Where) => arrival.stopsAway === 0 && !arrival.waitingAtFirstStop;

/** The words of `Whereabouts`, null where no tracked bus runs the arrival (also for the live region). */
export function useWhereaboutsText(): (arrival: Where, distance?: boolean) => string | null {
  const { t } = useTranslation();
  return ({ stopsAway, metresAway, waitingAtFirstStop }, distance = false) => {
    if (stopsAway === null || stopsAway === undefined) return null;
    // Here now: waiting to leave the first stop, or standing at this stop on the way (its operator says so).
    if (stopsAway === 0) return t(waitingAtFirstStop ? 'transit.atStop' : 'transit.atStopNow');
    const parts = [t('transit.away', { count: stopsAway })];
    if (distance && metresAway !== null && metresAway !== undefined) {
      const metres = roundedMetres(metresAway);
      parts.push(metres >= 1000 ? t('transit.awayKm', { km: (metresAway / 1000).toFixed(1) }) : t('transit.awayMetres', { metres }));
    }
    // Two buses at the terminal are as many stops away; which leaves first is what tells them apart. The
    // stops first: where the line is short of room, the end gives way.
    if (waitingAtFirstStop) parts.push(t('transit.waitingAtStart'));
    return parts.join(' · ');
  };
}

/** "8 min late", "1 min early", "On time" (within half a minute either way). */
export function useDelayText(): (seconds: number) => string {
  const { t } = useTranslation();
  return (seconds) => {
    const minutes = Math.round(Math.abs(seconds) / 60);
    if (minutes === 0) return t('transit.onTime');
    return seconds > 0 ? t('transit.late', { count: minutes }) : t('transit.early', { count: minutes });
  };
}

/** Until the arrivals say the feed's zone, the city's (the formatter's default). */
const zoneOf = (timeZone: string | undefined) => (timeZone ? { timeZone } : {});

/**
 * Clock times at a stop, in the feed's time zone (`timeZone`, from the arrivals): a visitor's phone set to
 * another zone, or a display left on UTC, still shows the times on the stop's own clock.
 */
export function useClockText(timeZone: string | undefined): (epochMs: number, seconds?: boolean) => string {
  const { i18n } = useTranslation();
  return (epochMs, seconds = false) => dateFormat(i18n.language, { ...zoneOf(timeZone), hour: '2-digit', minute: '2-digit', ...(seconds ? { second: '2-digit' } : {}) }).format(epochMs);
}

/** The date at a stop (weekday, day and month), in the feed's time zone. */
export function useDateText(timeZone: string | undefined): (epochMs: number) => string {
  const { i18n } = useTranslation();
  return (epochMs) => dateFormat(i18n.language, { ...zoneOf(timeZone), month: 'long', day: 'numeric', weekday: 'long' }).format(epochMs);
}

/**
 * When the next bus comes, where none comes within the hour: "下一班：1路，开往滨江，明天 06:05", in the stop's
 * time zone; what to say when none is timetabled at all (a feed past its last day).
 */
export function useNextBusText(timeZone: string | undefined, routeName: (routeId: string) => string): (next: NextBus | null, nowMs: number) => string {
  const { t } = useTranslation();
  const clockText = useClockText(timeZone);
  const dateText = useDateText(timeZone);
  // The stop's calendar day of a moment, as a number of days: Intl gives the date there, Date.UTC counts it.
  const day = (epochMs: number) => {
    const parts = Object.fromEntries(dateFormat('en-US', { ...zoneOf(timeZone), year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(epochMs).map((part) => [part.type, part.value]));
    return Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day)) / 86_400_000;
  };
  return (next, nowMs) => {
    if (!next) return t('transit.noneAhead');
    const at = next.scheduledArrival * 1000;
    const days = day(at) - day(nowMs);
    const time = clockText(at);
    const when = days <= 0 ? t('transit.nextToday', { time }) : days === 1 ? t('transit.nextTomorrow', { time }) : t('transit.nextLater', { date: dateText(at), time });
    return t('transit.nextBus', { route: t('transit.line', { name: routeName(next.routeId) }), headsign: next.headsign, when });
  };
}

/**
 * What is wrong with the network (feed) the address names: there is none by that name (`unknown`), or the
 * city runs several and the address names none (`required`).
 */
export function feedProblem(error: Error | null): 'unknown' | 'required' | null {
  if (!(error instanceof ApiError)) return null;
  return error.code === 'transit.unknown_feed' ? 'unknown' : error.code === 'transit.feed_required' ? 'required' : null;
}

/** What a page says for a feedProblem, in its language. */
export function useFeedProblemText(): (problem: 'unknown' | 'required', feedId: string | undefined) => string {
  const { t } = useTranslation();
  return (problem, feedId) => (problem === 'unknown' ? t('transit.network.unknown', { id: feedId ?? '' }) : t('transit.network.required'));
}

/** The server does not know the stop or route asked for: a mistyped, old or cut-off link. */
export const isUnknownPlace = (error: Error | null) =>
  error instanceof ApiError && (error.code === 'transit.unknown_stop' || error.code === 'transit.unknown_route');

/**
 * The page's content once its query has answered. An unknown stop or route says so in the passenger's
 * language, under a heading (`notFound`: the heading, the words, the way on, by default back to the
 * search), instead of the server's own (English) words; the tab says it too. A server or network failure
 * says `unavailable` (a page whose query refreshes itself says it is asking again), the cause only on the console; once
 * there is an answer it stays on the page while a refresh fails (the header's badge says the live updates
 * are down).
 */
export function LoadingOrError({ query: state, notFound, unavailable, children }: {
  query: { isPending: boolean; error: Error | null; data?: unknown };
  notFound?: { title: string; text: string; back?: string };
  unavailable?: string;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const { feed, withFeed } = useFeed();
  const problemText = useFeedProblemText();
  const unknown = notFound !== undefined && isUnknownPlace(state.error);
  const failed = state.error !== null && !unknown && feedProblem(state.error) === null;
  useEffect(() => {
    if (unknown) document.title = `${notFound.title} · ${t('transit.title')}`;
  }, [unknown, notFound?.title, t]);
  useEffect(() => {
    if (failed) console.warn('transit: request failed', state.error);
  }, [failed, state.error]);
  if (unknown) {
    return (
      <>
        <h1>{notFound.title}</h1>
        <div className="go-error go-not-found" role="alert" data-testid="not-found">
          <p>{notFound.text}</p>
          <Link to={withFeed('/go')}>{notFound.back ?? t('transit.stop.back')}</Link>
        </div>
      </>
    );
  }
  const problem = feedProblem(state.error);
  if (problem) {
    // The way on is the network picker at /go, which names no network.
    return (
      <div className="go-error go-not-found" role="alert" data-testid="feed-problem">
        <p>{problemText(problem, feed)}</p>
        <Link to="/go">{t('transit.network.choose')}</Link>
      </div>
    );
  }
  if (failed && state.data === undefined) return <p className="go-error" role="alert" data-testid="unavailable">{unavailable ?? t('transit.unavailable')}</p>;
  if (state.isPending) return <p aria-busy="true">{t('common.loading')}</p>;
  return <>{children}</>;
}

/**
 * The operator's text in the page's language: the translation in it ("zh" takes "zh-CN"), else the one in
 * no stated language (the feed's default), else the first given; null when there is none.
 */
export function inLanguage(texts: TranslatedText[], language: string): string | null {
  const base = language.toLowerCase().split('-')[0]!;
  const match = texts.find((text) => text.language?.toLowerCase().split('-')[0] === base) ?? texts.find((text) => text.language === null) ?? texts[0];
  return match?.text ?? null;
}

/**
 * The operator's service alerts for the stop or line (a detour, a stop closed): what the buses are about
 * to do differently, above the times or the diagram, in the page's language. `compact`: the headers alone, for the display.
 */
export function ServiceAlerts({ alerts, compact = false }: { alerts: ServiceAlert[]; compact?: boolean }) {
  const { t, i18n } = useTranslation();
  if (alerts.length === 0) return null;
  return (
    <section className={compact ? 'board-alerts' : 'service-alerts'} aria-label={t('transit.alerts.title')} data-testid="service-alerts">
      <ul>
        {alerts.map((alert) => {
          const header = inLanguage(alert.header, i18n.language);
          const description = compact ? null : inLanguage(alert.description, i18n.language);
          const url = compact ? null : inLanguage(alert.url, i18n.language);
          return (
            <li key={alert.id} className="service-alert" data-effect={alert.effect ?? undefined}>
              <span aria-hidden="true">⚠ </span>
              {/* The effects the locales have words for (OTHER_EFFECT and the like say nothing more than the header). */}
              {alert.effect && i18n.exists(`transit.alerts.effect.${alert.effect}`) && <span className="alert-effect">{t(`transit.alerts.effect.${alert.effect}`)}</span>}
              <strong className="alert-header">{header}</strong>
              {description && <span className="alert-description">{description}</span>}
              {url && <a className="alert-link" href={url} target="_blank" rel="noopener noreferrer">{t('transit.alerts.more')}</a>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
