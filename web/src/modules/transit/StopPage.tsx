// /go/stops/:id — a stop's arrival board for passengers: the next buses with their route, where they are
// going, minutes to arrival, live or timetable, and how late. Large and plain for older people; a polite
// live region tells screen-reader users when the next bus changes. Live from the stop's stream.
import { useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { LoadingOrError, PassengerLayout, useClockText, useDelayText, useFeed, useRouteNames } from './common';
import { minutesUntil, useNow, useStopArrivals } from './stream';
import type { Arrival } from './types';

const LIMIT = 8;

export function StopPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const { feed, withFeed } = useFeed();
  const arrivals = useStopArrivals(id, feed, LIMIT);
  const routeName = useRouteNames(feed);
  const delayText = useDelayText();
  const now = useNow(15_000);
  const data = arrivals.data;
  const clockText = useClockText(data?.stop.timeZone);
  const announcement = useAnnouncement(data?.arrivals, routeName);

  useEffect(() => {
    if (data) document.title = t('transit.stop.title', { stop: data.stop.name });
  }, [data, t]);

  return (
    <PassengerLayout stream={arrivals.isSuccess ? arrivals.stream : undefined}>
      <LoadingOrError query={arrivals}>
        {data && (
          <>
            <h1 className="stop-name">{data.stop.name}</h1>
            <p className="stop-meta">
              <span>{t('transit.stop.stopId', { id: data.stop.id })}</span>
              <Link to={withFeed(`/board/${encodeURIComponent(data.stop.id)}`)}>{t('transit.stop.board')}</Link>
              <Link to={withFeed('/go')}>{t('transit.stop.back')}</Link>
            </p>
            <p className="sr-only" aria-live="polite" aria-atomic="true" data-testid="announcement">{announcement}</p>
            {data.arrivals.length === 0 ? (
              <p className="go-empty">{t('transit.stop.none')}</p>
            ) : (
              <ol className="arrival-list" aria-label={t('transit.stop.caption')}>
                {data.arrivals.map((arrival) => {
                  const minutes = minutesUntil(arrival.predictedArrival, now);
                  return (
                    <li key={`${arrival.tripId}:${arrival.stopSequence}`} className={`arrival ${arrival.live ? 'is-live' : 'is-scheduled'}`} data-trip={arrival.tripId} data-predicted={arrival.predictedArrival}>
                      <Link className="arrival-route" to={withFeed(`/go/routes/${encodeURIComponent(arrival.routeId)}`)} aria-label={t('transit.line', { name: routeName(arrival.routeId) })}>
                        {routeName(arrival.routeId)}
                      </Link>
                      <span className="arrival-headsign"><span className="label">{t('transit.stop.headsign')} </span>{arrival.headsign}</span>
                      <span className="arrival-when">
                        {minutes === 0 ? <strong className="arrival-due">{t('transit.due')}</strong> : <><strong className="arrival-minutes">{minutes}</strong> {t('transit.minuteUnit')}</>}
                        <span className="arrival-clock">{clockText(arrival.predictedArrival * 1000)}</span>
                      </span>
                      <span className="arrival-status">
                        <span className={`kind kind-${arrival.live ? 'live' : 'scheduled'}`} title={arrival.live ? t('transit.liveLong') : t('transit.scheduledLong')}>
                          <span aria-hidden="true">{arrival.live ? '◉ ' : '◷ '}</span>{arrival.live ? t('transit.live') : t('transit.scheduled')}
                        </span>
                        {arrival.live && <span className={`delay ${arrival.delaySeconds >= 120 ? 'is-late' : ''}`}>{delayText(arrival.delaySeconds)}</span>}
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
 * What the live region says: the next bus, said again only when what is said changes (a new bus first, a
 * changed minute count after new data), not on every tick of the clock.
 */
function useAnnouncement(arrivals: Arrival[] | undefined, routeName: (id: string) => string): string {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const last = useRef('');
  useEffect(() => {
    if (!arrivals) return;
    const first = arrivals[0];
    let next = t('transit.stop.announceNone');
    if (first) {
      const minutes = minutesUntil(first.predictedArrival, Date.now());
      next = t('transit.stop.announce', {
        route: t('transit.line', { name: routeName(first.routeId) }),
        headsign: first.headsign,
        when: minutes === 0 ? t('transit.stop.dueNow') : t('transit.stop.in', { count: minutes }),
        kind: first.live ? t('transit.live') : t('transit.scheduled'),
      });
    }
    if (next !== last.current) {
      last.current = next;
      setText(next);
    }
  }, [arrivals, routeName, t]);
  return text;
}
