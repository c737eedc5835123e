// /go/stops/:id — a stop's arrival board for passengers: the next buses with their route, where they are
// going, minutes to arrival, live or timetable, and how late. Large and plain for older people; a polite
// live region tells screen-reader users when the next bus changes or becomes due. Live from the stop's
// stream.
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { boardsAt, feedProblem, isHere, isUnknownPlace, ArrivalLateness, LoadingOrError, PassengerLayout, useClockText, useFeed, useNextBusText, useRouteNames, useWhereaboutsText, ServiceAlerts, Whereabouts, Wheelchair } from './common';
import { isDue, isDueUntracked, minutesUntil, useNow, useStopArrivals } from './stream';
import type { Arrival } from './types';

const LIMIT = 8;

export function StopPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const asked = useFeed().feed;
  const arrivals = useStopArrivals(id, asked, LIMIT);
  const data = arrivals.data;
  // Without `?feed=` the server finds the stop's feed: route names and links are that feed's.
  const { feed, withFeed } = useFeed(data?.feed);
  const routes = useRouteNames(feed);
  const routeName = routes.routeName;
  const now = useNow();
  const clockText = useClockText(data?.stop.timeZone);
  const nextBusText = useNextBusText(data?.stop.timeZone, routeName);
  // Held back until the route names are in, as the announcement is: not "R1路" first, then "1路".
  const nextBus = routes.known && data && data.arrivals.length === 0 ? nextBusText(data.next, now) : '';
  const announcement = useAnnouncement(routes.known ? data?.arrivals : undefined, now, routeName, clockText, data?.stop.id, nextBus);

  useEffect(() => {
    if (data) document.title = t('transit.stop.title', { stop: data.stop.name });
  }, [data, t]);
  // The header's badge: red while no answer comes (the list asks again every 15 s meanwhile); none for a
  // stop or network that does not exist.
  const stream = isUnknownPlace(arrivals.error) || feedProblem(arrivals.error) ? undefined
    : arrivals.isError ? 'down' : arrivals.isSuccess ? arrivals.stream : undefined;

  return (
    <PassengerLayout stream={stream} feed={feed}>
      <LoadingOrError query={arrivals} notFound={{ title: t('transit.stop.notFoundTitle'), text: t('transit.stop.notFound', { id }) }} unavailable={t('transit.stop.unavailable')}>
        {data && (
          <>
            <h1 className="stop-name">{data.stop.name}</h1>
            <p className="stop-meta">
              <span>{t('transit.stop.stopId', { id: data.stop.id })}</span>
              {data.stop.platform && <span data-testid="stop-platform">{t('transit.platform', { code: data.stop.platform })}</span>}
              {data.stop.wheelchairBoarding !== null && (
                <span data-testid="stop-wheelchair">{data.stop.wheelchairBoarding ? <><span aria-hidden="true">♿ </span>{t('transit.stopWheelchair')}</> : t('transit.stopWheelchairNo')}</span>
              )}
              <Link to={withFeed(`/board/${encodeURIComponent(data.stop.id)}`)}>{t('transit.stop.board')}</Link>
              {data.stop.station && (
                <Link to={withFeed(`/go/stops/${encodeURIComponent(data.stop.station.id)}`)} data-testid="station-link">{t('transit.stop.station', { station: data.stop.station.name })}</Link>
              )}
              <Link to={withFeed('/go')}>{t('transit.stop.back')}</Link>
            </p>
            <p className="sr-only" aria-live="polite" aria-atomic="true" data-testid="announcement">{announcement}</p>
            <ServiceAlerts alerts={data.alerts} />
            {data.arrivals.length === 0 ? (
              <div className="go-empty">
                <p>{t('transit.stop.none')}</p>
                {nextBus && <p className="next-bus" data-testid="next-bus">{nextBus}</p>}
              </div>
            ) : (
              <ol className="arrival-list" aria-label={t('transit.stop.caption')}>
                {data.arrivals.map((arrival) => {
                  const minutes = minutesUntil(arrival.predictedArrival, now);
                  const untracked = isDueUntracked(arrival, now);
                  return (
                    <li key={`${arrival.tripId}:${arrival.stopSequence}`} className={`arrival ${arrival.live ? 'is-live' : 'is-scheduled'}`} data-trip={arrival.tripId} data-predicted={arrival.predictedArrival}>
                      <Link className="arrival-route" to={withFeed(`/go/routes/${encodeURIComponent(arrival.routeId)}`)} aria-label={t('transit.line', { name: routeName(arrival.routeId) })}>
                        {routeName(arrival.routeId)}
                      </Link>
                      <span className="arrival-headsign">
                        {arrival.terminates ? t('transit.stop.terminates') : <><span className="label">{t('transit.stop.headsign')} </span>{arrival.headsign}</>}
                        {/* A station's board gathers its bays: each bus says which one it calls at. */}
                        {boardsAt(arrival, data.stop.id) && <span className="arrival-platform">{t('transit.platform', { code: arrival.platform })}</span>}
                      </span>
                      <span className="arrival-when">
                        {isHere(arrival) ? <strong className="arrival-due">{t('transit.here')}</strong>
                          : untracked ? <strong className="arrival-minutes arrival-scheduled-time">{clockText(arrival.predictedArrival * 1000)}</strong>
                          : minutes === 0 ? <strong className="arrival-due">{t('transit.due')}</strong> : <><strong className="arrival-minutes">{minutes}</strong> {t('transit.minuteUnit')}</>}
                        {!untracked && <span className="arrival-clock">{clockText(arrival.predictedArrival * 1000)}</span>}
                      </span>
                      <span className="arrival-status">
                        <span className={`kind kind-${arrival.live ? 'live' : 'scheduled'}`} title={arrival.live ? t('transit.liveLong') : t('transit.scheduledLong')}>
                          <span aria-hidden="true">{arrival.live ? '◉ ' : '◷ '}</span>{arrival.live ? t('transit.live') : t('transit.scheduled')}
                        </span>
                        {arrival.live && <ArrivalLateness arrival={arrival} />}
                        <Whereabouts arrival={arrival} distance />
                        <Wheelchair accessible={arrival.wheelchairAccessible} />
                      </span>
                    </li>
                  );
                })}
              </ol>
            )}
            {arrivals.updatedAt && <p className="go-updated">{t('transit.stop.updated', { time: clockText(arrivals.updatedAt, true) })}</p>}
          </>
        )}
      </LoadingOrError>
    </PassengerLayout>
  );
}

/**
 * What the live region says: the next bus, said again only when there is news — another bus is next, a
 * vehicle is now known to run it (live instead of the timetable), or it becomes due — and not as its
 * minutes count down or a new prediction moves them, which would have a screen reader speak every minute
 * about the same bus. Nothing is said until `arrivals` are given (the page holds them back until it has
 * the route names, so that the first words are the ones on the bus).
 */
function useAnnouncement(arrivals: Arrival[] | undefined, now: number, routeName: (id: string) => string, clockText: (ms: number) => string, stopId?: string, nextBus = ''): string {
  const { t } = useTranslation();
  const whereabouts = useWhereaboutsText();
  const [text, setText] = useState('');
  const first = arrivals?.[0];
  const due = first ? isDue(first.predictedArrival, now) : false;
  const news = !arrivals ? null : first ? [first.tripId, first.stopSequence, first.vehicleId ?? '', routeName(first.routeId), due].join('\u0000') : `none\u0000${nextBus}`;
  useEffect(() => {
    if (news === null) return;
    setText(first ? say(first, minutesUntil(first.predictedArrival, now)) : [t('transit.stop.announceNone'), nextBus].filter(Boolean).join(' '));
    // The minutes are said as they are when there is news; their changes alone are not news.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [news, t]);
  return text;

  /** "15路，开往临港中心，3 分钟后到站，还有 2 站，实时。" (where the bus is, as it was when there was news). */
  function say(bus: Arrival, minutes: number): string {
    const where = minutes === 0 ? null : whereabouts(bus);
    const when = isHere(bus) ? t('transit.stop.hereNow') : isDueUntracked(bus, now) ? t('transit.stop.dueScheduled', { time: clockText(bus.predictedArrival * 1000) })
      : minutes === 0 ? t('transit.stop.dueNow') : t('transit.stop.in', { count: minutes });
    const at = stopId !== undefined && boardsAt(bus, stopId);
    return t(bus.terminates ? 'transit.stop.announceTerminates' : at ? 'transit.stop.announceAt' : 'transit.stop.announce', {
      route: t('transit.line', { name: routeName(bus.routeId) }),
      headsign: bus.headsign,
      platform: at ? t('transit.platform', { code: bus.platform }) : '',
      when: where ? t('transit.stop.whenWhere', { when, where }) : when,
      kind: [bus.live ? t('transit.live') : t('transit.scheduled'), ...(bus.wheelchairAccessible === null ? [] : [t(bus.wheelchairAccessible ? 'transit.wheelchair' : 'transit.wheelchairNo')])].join(t('transit.stop.listSeparator')),
    });
  }
}
