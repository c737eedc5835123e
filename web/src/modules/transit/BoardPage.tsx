// /board/:stopId — the stop display (电子站牌) on a screen at the stop: the stop's name, the clock, and the
// next buses in very large type, sized from the screen so that nothing scrolls at any size. Arrivals are
// public, so a display needs no token; `?lang=en`, `?large=1` and `?feed=` configure it by its URL.
import { useEffect } from 'react';
import { useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { boardsAt, feedProblem, isHere, ServiceAlerts, Wheelchair, isUnknownPlace, ArrivalLateness, StreamBadge, Whereabouts, useClockText, useDateText, useFeed, useFeedProblemText, useNextBusText, useRouteNames } from './common';
import { isDueUntracked, minutesUntil, useNow, useStopArrivals } from './stream';

const ROWS = 6;

export function BoardPage() {
  const { t } = useTranslation();
  const { stopId = '' } = useParams();
  const asked = useFeed().feed;
  const arrivals = useStopArrivals(stopId, asked, ROWS);
  const data = arrivals.data;
  // Without `?feed=` the server finds the stop's feed: the route names are that feed's.
  const { feed } = useFeed(data?.feed);
  const { routeName, known: routesKnown } = useRouteNames(feed);
  const now = useNow();
  const clockText = useClockText(data?.stop.timeZone);
  const dateText = useDateText(data?.stop.timeZone);
  const nextBusText = useNextBusText(data?.stop.timeZone, routeName);
  // A display set to a stop that does not exist would otherwise wait to connect for ever.
  const problem = feedProblem(arrivals.error);
  const problemText = useFeedProblemText();
  const unknown = isUnknownPlace(arrivals.error) || problem !== null;

  useEffect(() => {
    if (data) document.title = t('transit.board.title', { stop: data.stop.name });
  }, [data, t]);

  return (
    <div className="board" data-stream={unknown ? undefined : arrivals.stream}>
      <header className="board-header">
        <h1 className="board-stop">{data?.stop.name ?? stopId}</h1>
        {!unknown && <StreamBadge state={arrivals.isSuccess ? arrivals.stream : 'connecting'} />}
        <div className="board-clock" aria-label={t('transit.board.clock')}>
          <span className="board-time">{clockText(now)}</span>
          <span className="board-date">{dateText(now)}</span>
        </div>
      </header>
      <main className="board-body">
        {data && !unknown && <ServiceAlerts alerts={data.alerts} compact />}
        <h2 className="board-next">{t('transit.board.next')}</h2>
        {problem ? (
          <div className="board-message board-not-found" role="alert" data-testid="feed-problem">
            <p>{problemText(problem, asked)}</p>
            <p className="board-hint">{t('transit.board.networkHint')}</p>
          </div>
        ) : unknown ? (
          <div className="board-message board-not-found" role="alert" data-testid="not-found">
            <p>{t('transit.board.notFound', { id: stopId })}</p>
            <p className="board-hint">{t('transit.board.notFoundHint')}</p>
          </div>
        ) : arrivals.error ? (
          <p className="board-message" role="alert">{t('common.error', { message: arrivals.error.message })}</p>
        ) : !data ? (
          <p className="board-message" aria-busy="true">{t('common.loading')}</p>
        ) : data.arrivals.length === 0 ? (
          <div className="board-message">
            <p>{t('transit.board.noService')}</p>
            {routesKnown && <p className="board-hint" data-testid="next-bus">{nextBusText(data.next, now)}</p>}
          </div>
        ) : (
          <ol className="board-rows">
            {data.arrivals.slice(0, ROWS).map((arrival) => {
              const minutes = minutesUntil(arrival.predictedArrival, now);
              return (
                <li key={`${arrival.tripId}:${arrival.stopSequence}`} className={`board-row ${arrival.live ? 'is-live' : 'is-scheduled'}`} data-trip={arrival.tripId} data-predicted={arrival.predictedArrival}>
                  <span className="board-route"><span className="sr-only">{t('transit.lineLabel')} </span>{routeName(arrival.routeId)}</span>
                  <span className="board-dest">
                    <span className="board-headsign">{arrival.terminates ? t('transit.stop.terminates') : <><span className="board-towards">{t('transit.stop.headsign')}</span> {arrival.headsign}</>}</span>
                    {boardsAt(arrival, data.stop.id) && <span className="board-platform">{t('transit.platform', { code: arrival.platform })}</span>}
                    <Wheelchair accessible={arrival.wheelchairAccessible} iconOnly className="board-wheelchair" />
                    {/* A bus here says so where the minutes stand; the row has no room to say it twice. */}
                    {!isHere(arrival) && <Whereabouts arrival={arrival} className="board-where" />}
                  </span>
                  <span className="board-kind">
                    <span className={`kind kind-${arrival.live ? 'live' : 'scheduled'}`}><span aria-hidden="true">{arrival.live ? '◉ ' : '◷ '}</span>{arrival.live ? t('transit.live') : t('transit.scheduled')}</span>
                    {arrival.live && <ArrivalLateness arrival={arrival} className="board-delay" />}
                  </span>
                  <span className="board-minutes">
                    {isHere(arrival) ? <strong className="board-due">{t('transit.here')}</strong>
                      : isDueUntracked(arrival, now) ? <strong className="board-scheduled-time">{clockText(arrival.predictedArrival * 1000)}</strong>
                      : minutes === 0 ? <strong className="board-due">{t('transit.board.due')}</strong> : <><strong>{minutes}</strong><small>{t('transit.board.minutes')}</small></>}
                  </span>
                </li>
              );
            })}
          </ol>
        )}
      </main>
    </div>
  );
}
