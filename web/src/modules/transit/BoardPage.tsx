// /board/:stopId — the stop display (电子站牌) on a screen at the stop: the stop's name, the clock, and the
// next buses in very large type, sized from the screen so that nothing scrolls at any size. Arrivals are
// public, so a display needs no token; `?lang=en`, `?large=1` and `?feed=` configure it by its URL.
import { useEffect } from 'react';
import { useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { StreamBadge, useClockText, useDateText, useDelayText, useFeed, useRouteNames } from './common';
import { minutesUntil, useNow, useStopArrivals } from './stream';

const ROWS = 6;

export function BoardPage() {
  const { t } = useTranslation();
  const { stopId = '' } = useParams();
  const { feed } = useFeed();
  const arrivals = useStopArrivals(stopId, feed, ROWS);
  const routeName = useRouteNames(feed);
  const delayText = useDelayText();
  const now = useNow(1000);
  const data = arrivals.data;
  const clockText = useClockText(data?.stop.timeZone);
  const dateText = useDateText(data?.stop.timeZone);

  useEffect(() => {
    if (data) document.title = t('transit.board.title', { stop: data.stop.name });
  }, [data, t]);

  return (
    <div className="board" data-stream={arrivals.stream}>
      <header className="board-header">
        <h1 className="board-stop">{data?.stop.name ?? stopId}</h1>
        <StreamBadge state={arrivals.isSuccess ? arrivals.stream : 'connecting'} />
        <div className="board-clock" aria-label={t('transit.board.clock')}>
          <span className="board-time">{clockText(now)}</span>
          <span className="board-date">{dateText(now)}</span>
        </div>
      </header>
      <main className="board-body">
        <h2 className="board-next">{t('transit.board.next')}</h2>
        {arrivals.error ? (
          <p className="board-message" role="alert">{t('common.error', { message: arrivals.error.message })}</p>
        ) : !data ? (
          <p className="board-message" aria-busy="true">{t('common.loading')}</p>
        ) : data.arrivals.length === 0 ? (
          <p className="board-message">{t('transit.board.noService')}</p>
        ) : (
          <ol className="board-rows">
            {data.arrivals.slice(0, ROWS).map((arrival) => {
              const minutes = minutesUntil(arrival.predictedArrival, now);
              return (
                <li key={`${arrival.tripId}:${arrival.stopSequence}`} className={`board-row ${arrival.live ? 'is-live' : 'is-scheduled'}`} data-trip={arrival.tripId} data-predicted={arrival.predictedArrival}>
                  <span className="board-route"><span className="sr-only">{t('transit.lineLabel')} </span>{routeName(arrival.routeId)}</span>
                  <span className="board-headsign"><span className="board-towards">{t('transit.stop.headsign')}</span> {arrival.headsign}</span>
                  <span className="board-kind">
                    <span className={`kind kind-${arrival.live ? 'live' : 'scheduled'}`}><span aria-hidden="true">{arrival.live ? '◉ ' : '◷ '}</span>{arrival.live ? t('transit.live') : t('transit.scheduled')}</span>
                    {arrival.live && Math.abs(arrival.delaySeconds) >= 60 && <span className="board-delay">{delayText(arrival.delaySeconds)}</span>}
                  </span>
                  <span className="board-minutes">
                    {minutes === 0 ? <strong className="board-due">{t('transit.board.due')}</strong> : <><strong>{minutes}</strong><small>{t('transit.board.minutes')}</small></>}
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
