// /board/:stopId — the stop display (电子站牌) on a screen at the stop: the stop's name, the clock, and the
// next buses in very large type, sized from the screen so that nothing scrolls at any size. Arrivals are
// public, so a display needs no token; `?lang=en`, `?large=1` and `?feed=` configure it by its URL.
import { useEffect, useLayoutEffect, useRef, useState, type CSSProperties, type RefObject } from 'react';
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
  // No answer (the network down, the server failing): the display says so in red and keeps asking (every
  // 15 s); what went wrong is for the console, not for the people at the stop.
  const failed = !unknown && arrivals.isError;
  const stream = failed ? 'down' : arrivals.isSuccess ? arrivals.stream : 'connecting';
  useEffect(() => {
    if (failed) console.warn('stop display: arrivals unavailable', arrivals.error);
  }, [failed, arrivals.error]);
  const fit = useRowsThatFit(data?.arrivals.slice(0, ROWS).map((arrival) => `${arrival.tripId}:${arrival.stopSequence}`).join() ?? '');

  useEffect(() => {
    if (data) document.title = t('transit.board.title', { stop: data.stop.name });
    else if (unknown) document.title = `${t('transit.board.notFoundTitle')} · ${t('transit.board.heading')}`;
    else document.title = t('transit.board.heading');
  }, [data, unknown, t]);

  // Until the stop is known, its number is no name to show as one: the heading says what the screen is.
  const name = data?.stop.name;
  return (
    <div className="board" data-stream={unknown ? undefined : stream}>
      <header className="board-header">
        <h1 className={`board-stop ${name ? (isLongName(name) ? 'is-long' : '') : 'is-generic'}`}>{name ?? t('transit.board.heading')}</h1>
        {!unknown && <StreamBadge state={stream} />}
        <div className="board-clock" aria-label={t('transit.board.clock')}>
          <span className="board-time">{clockText(now)}</span>
          <span className="board-date">{dateText(now)}</span>
        </div>
      </header>
      <main className="board-body">
        {data && !unknown && <ServiceAlerts alerts={data.alerts} compact />}
        {!unknown && <h2 className="board-next">{t('transit.board.next')}</h2>}
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
        ) : failed && !data ? (
          <p className="board-message" role="alert" data-testid="unavailable">{t('transit.board.unavailable')}</p>
        ) : !data ? (
          <p className="board-message" aria-busy="true">{t('common.loading')}</p>
        ) : data.arrivals.length === 0 ? (
          <div className="board-message">
            <p>{t('transit.board.noService')}</p>
            {routesKnown && <p className="board-hint" data-testid="next-bus">{nextBusText(data.next, now)}</p>}
          </div>
        ) : (
          <ol className="board-rows" ref={fit.ref} style={{ '--board-rows': fit.rows } as CSSProperties}>
            {data.arrivals.slice(0, fit.rows).map((arrival) => {
              const minutes = minutesUntil(arrival.predictedArrival, now);
              return (
                <li key={`${arrival.tripId}:${arrival.stopSequence}`} className={`board-row ${arrival.live ? 'is-live' : 'is-scheduled'}`} data-trip={arrival.tripId} data-predicted={arrival.predictedArrival}>
                  <span className="board-route"><span className="sr-only">{t('transit.lineLabel')} </span>{routeName(arrival.routeId)}</span>
                  <span className="board-dest">
                    <span className={`board-headsign ${arrival.terminates ? 'is-terminates' : 'is-towards'}`}>{arrival.terminates ? t('transit.stop.terminates') : <><span className="board-towards">{t('transit.stop.headsign')}</span> {arrival.headsign}</>}</span>
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

/**
 * A name too long for the heading's line at full size (about 13 Chinese characters, 24 Latin letters, in
 * landscape), set smaller: a Chinese character counts one, a Latin letter or digit about half.
 */
const isLongName = (name: string) => [...name].reduce((width, char) => width + (/[\u2e80-\uffff]/.test(char) ? 1 : 0.55), 0) > 13;

/**
 * How many of the rows the screen has room for: all of them, unless long destinations or a long name
 * made the rows taller than the screen; then the last buses are left out, whole, rather than any row
 * being cut (the rows are soonest first). Measured before the screen is painted, again when the buses
 * (`key`) or the screen's size change, and on every tick (a minute count growing a digit).
 */
function useRowsThatFit(key: string): { ref: RefObject<HTMLOListElement | null>; rows: number } {
  const ref = useRef<HTMLOListElement>(null);
  const [size, setSize] = useState(() => `${innerWidth}x${innerHeight}`);
  const [fit, setFit] = useState({ key: '', rows: ROWS });
  const measured = `${key}|${size}`;
  const rows = fit.key === measured ? fit.rows : ROWS;
  useEffect(() => {
    const resized = () => setSize(`${innerWidth}x${innerHeight}`);
    addEventListener('resize', resized);
    // The first paint may be in a fallback font, a little narrower or wider.
    void document.fonts?.ready.then(() => setSize(`${innerWidth}x${innerHeight}:fonts`));
    return () => removeEventListener('resize', resized);
  }, []);
  useLayoutEffect(() => {
    const list = ref.current;
    if (!list) return;
    // The last row's box, not the list's scrollHeight: the big digits' glyph boxes may stand out of their
    // row's padding a little without anything being cut.
    const last = list.lastElementChild?.getBoundingClientRect().bottom ?? 0;
    if (last > list.getBoundingClientRect().bottom + 1 && rows > 1) setFit({ key: measured, rows: rows - 1 });
    else if (fit.key !== measured) setFit({ key: measured, rows });
  });
  return { ref, rows };
}
