// /ops/transit — the headway monitor: per route and direction, how evenly buses actually came over the
// last period against the timetable (mean headways, coefficient of variation, excess wait time) and how
// often they bunched or left big gaps; above it, how right the arrival predictions were in the same period
// (checked as the buses passed the stops) against the 97% goal, with each route's share in the table.
// A table: the figures are the text; refreshed every 30 s.
import { Link } from 'react-router';
import { useQueryParams } from '../../app/query-params';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, query } from '../../app/api';
import { formatShare } from '../../app/format';
import { Loading, useFormatClock, useFormatTime } from '../ops/common';
import { transitQueries } from './queries';
import type { HeadwayRow, PredictionAccuracy } from './types';
import { IRREGULAR_HEADWAY_CV, PREDICTION_ACCURACY_MIN_JUDGED, type FeedNotice, type FeedSummary, type ServicePeriod } from '@citypulse/contracts';
import './transit.css';

const WINDOWS = [30, 60, 120, 180];

const minutes = (seconds: number | null) => (seconds === null ? '—' : (seconds / 60).toFixed(1));

export function HeadwaysPage() {
  const { t } = useTranslation();
  const formatTime = useFormatTime();
  const formatClock = useFormatClock();
  const [params, changeParams] = useQueryParams();
  const window = WINDOWS.includes(Number(params.get('window'))) ? Number(params.get('window')) : 60;
  const feeds = useQuery({ queryKey: ['transit', 'feeds'], queryFn: () => api<{ items: FeedSummary[] }>('/api/v1/transit/feeds') });
  // The city's default network (the one its passenger pages show) first, not the first by name.
  const networks = useQuery(transitQueries.networks());
  const feedIds = (feeds.data?.items ?? []).map((item) => item.id);
  const preferred = networks.data?.default && feedIds.includes(networks.data.default) ? networks.data.default : feedIds[0];
  const feed = params.get('feed') || (feedIds.length > 1 ? preferred : undefined);
  const ready = feeds.isSuccess && !networks.isPending;
  const headways = useQuery({ ...transitQueries.headways(feed, window * 60), enabled: ready });
  const accuracy = useQuery({ ...transitQueries.accuracy(feed, window * 60), enabled: ready });
  const shown = feeds.data?.items.find((item) => item.id === (feed ?? feedIds[0]));
  const routeAccuracy = new Map((accuracy.data?.routes ?? []).map((route) => [route.routeId, route]));
  const goal = accuracy.data?.goal ?? 0.97;

  const update = (key: string, value: string) => changeParams({ [key]: value });

  return (
    <>
      <h1>{t('transit.ops.title')}</h1>
      <form className="filters" onSubmit={(event) => event.preventDefault()}>
        {feedIds.length > 1 && (
          <>
            <label htmlFor="headway-feed">GTFS</label>
            <select id="headway-feed" value={feed} onChange={(event) => update('feed', event.target.value)}>
              {feedIds.map((id) => <option key={id} value={id}>{id}</option>)}
            </select>
          </>
        )}
        <label htmlFor="headway-window">{t('transit.ops.window')}</label>
        <select id="headway-window" value={window} onChange={(event) => update('window', event.target.value)}>
          {WINDOWS.map((value) => <option key={value} value={value}>{t('transit.ops.windowOption', { minutes: value })}</option>)}
        </select>
        {headways.data && (
          <span className="filters-total" role="status">
            {t('transit.ops.passings', { count: headways.data.passings })} · {t('transit.ops.observedSince', { time: formatTime(headways.data.from * 1000) })}
          </span>
        )}
      </form>
      {shown && <ServicePeriodNotice period={shown.service} />}
      {headways.data && headways.data.to - headways.data.from < window * 60 - 60 && (
        // Just after a start only short headways have both buses observed: say the figures read low.
        <p className="hint" data-testid="headways-partial">{observedMinutes(headways.data) === 0 ? t('transit.ops.partialUnderMinute') : t('transit.ops.partial', { minutes: observedMinutes(headways.data) })}</p>
      )}
      {headways.data && headways.data.breaks.length > 0 && (
        <p className="hint" data-testid="headways-breaks">
          {t('transit.ops.breaks', { list: headways.data.breaks.map((gap) => `${formatTime(gap.from * 1000)}–${gap.to - gap.from < 86_400 ? formatClock(gap.to * 1000) : formatTime(gap.to * 1000)}`).join(t('transit.ops.listSeparator')) })}
        </p>
      )}
      {accuracy.data && <AccuracySummary accuracy={accuracy.data} />}
      <FeedNotices notices={shown?.notices ?? []} feed={feed} />
      <Loading query={feeds.isSuccess ? headways : feeds}>
        {headways.data && headways.data.items.every((row) => row.headways === 0) && (
          // Passings but no headway yet: a headway needs two buses of a route passing the same stop.
          <p className="go-empty">{headways.data.passings > 0 ? t(headways.data.breaks.length ? 'transit.ops.noHeadwaysBreaks' : 'transit.ops.noHeadways', { count: headways.data.passings }) : t('transit.ops.none')}</p>
        )}
        {headways.data && headways.data.items.length > 0 && (
          // The table scrolls sideways on its own when the window is narrow; the page and its header do not.
          <div className="headway-scroll" role="region" aria-label={t('transit.ops.tableLabel')} tabIndex={0}>
            <table className="data-table headway-table" data-testid="headways">
              <caption className="sr-only">{t('transit.ops.caption')}</caption>
              <thead>
                <tr>
                  <ColumnHeading text={t('transit.ops.route')} />
                  <ColumnHeading text={t('transit.ops.direction')} />
                  <ColumnHeading className="num" text={t('transit.ops.liveVehicles')} />
                  <ColumnHeading className="num" text={t('transit.ops.trips')} />
                  <ColumnHeading className="num" text={t('transit.ops.stops')} />
                  <ColumnHeading className="num" text={t('transit.ops.headways')} />
                  <ColumnHeading className="num" text={t('transit.ops.actual')} />
                  <ColumnHeading className="num" text={t('transit.ops.scheduled')} />
                  <ColumnHeading className="num" text={t('transit.ops.cv')} />
                  <ColumnHeading className="num" text={t('transit.ops.ewt')} />
                  <ColumnHeading className="num" text={t('transit.ops.bunching')} />
                  <ColumnHeading className="num" text={t('transit.ops.gaps')} />
                  <ColumnHeading text={t('transit.ops.openGaps')} />
                  <ColumnHeading className="num" text={t('transit.ops.accuracy')} />
                </tr>
              </thead>
              <tbody>
                {(headways.data?.items ?? []).map((row, index, rows) => (
                  <Row key={`${row.routeId}:${row.directionId}`} row={row} feed={feed} accuracy={routeAccuracy.get(row.routeId) ?? null} goal={goal} accuracyRows={accuracyRows(rows, index)} />
                ))}
              </tbody>
            </table>
          </div>
        )}
        {headways.data && headways.data.items.length > 0 && <p className="secondary-name">{t('transit.ops.openGapsHint')}</p>}
      </Loading>
    </>
  );
}

/**
 * A column heading with its unit or detail, "实际间隔（分钟）", "Trips (seen/due)": the words kept together and
 * the parenthesis on a line of its own, so that a narrow column never breaks "站数" or "串车" in two.
 */
function ColumnHeading({ text, className }: { text: string; className?: string }) {
  const match = /^(.+?)\s*([（(].*)$/.exec(text);
  return (
    <th scope="col" className={`column-heading ${className ?? ''}`}>
      {match ? <>{match[1]}<span className="column-unit">{match[2]}</span></> : text}
    </th>
  );
}

const observedMinutes = (period: { from: number; to: number }) => Math.floor((period.to - period.from) / 60);

/** Below the goal, on enough announcements to say so (a few minutes after a start, a handful decide the share). */
const belowGoal = (share: { count: number; inWindow: number | null }, goal: number) =>
  share.inWindow !== null && share.inWindow < goal && share.count >= PREDICTION_ACCURACY_MIN_JUDGED;

/** The period's accuracy against the goal, and by horizon; the flag is in words as well as in colour. */
function AccuracySummary({ accuracy }: { accuracy: PredictionAccuracy }) {
  const { t } = useTranslation();
  const below = belowGoal(accuracy, accuracy.goal);
  const tooFew = accuracy.count < PREDICTION_ACCURACY_MIN_JUDGED;
  return (
    <section className="accuracy-summary" aria-labelledby="accuracy-title" data-testid="prediction-accuracy">
      <h2 id="accuracy-title">{t('transit.ops.accuracyTitle')}</h2>
      {accuracy.count === 0 ? (
        <p className="go-empty">{t('transit.ops.accuracyNone')}</p>
      ) : (
        <dl>
          <div className={`accuracy-headline ${below ? 'cell-warning' : ''}`}>
            <dt>{t('transit.ops.accuracy')}</dt>
            <dd>
              <strong>{formatShare(accuracy.inWindow)}</strong> {t('transit.ops.accuracyGoal', { goal: formatShare(accuracy.goal) })}
              {below && <span className="cell-flag"> {t('transit.ops.belowGoal')}</span>}
              {tooFew && <span className="secondary-name" data-testid="accuracy-too-few"> {t('transit.ops.accuracyTooFew', { count: PREDICTION_ACCURACY_MIN_JUDGED })}</span>}
            </dd>
          </div>
          {accuracy.buckets.map((bucket) => (
            <div key={bucket.label}>
              <dt>{`${bucket.from / 60}-${bucket.to / 60} ${t('transit.minuteUnit')}`}</dt>
              <dd>{formatShare(bucket.inWindow)}</dd>
            </div>
          ))}
          <div>
            <dt className="sr-only">{t('transit.ops.accuracyJudged', { count: accuracy.count })}</dt>
            <dd>{t('transit.ops.accuracyJudged', { count: accuracy.count })}</dd>
          </div>
        </dl>
      )}
      <p className="secondary-name">{t('transit.ops.accuracyHint')}</p>
    </section>
  );
}

/**
 * A feed not in force today (past its last service day, not yet begun, or with no service day at all): no
 * bus runs by it, and the operator must read that before wondering why the figures below stay empty. Also
 * its last week, as GTFS validators warn; which warning is the server's (`service.warning`).
 */
function ServicePeriodNotice({ period }: { period: ServicePeriod | null }) {
  const { t } = useTranslation();
  const text = (() => {
    if (!period) return t('transit.ops.serviceNone');
    switch (period.warning) {
      case 'ended': return t('transit.ops.serviceEnded', { from: period.from, until: period.until, count: -period.daysLeft });
      case 'not-yet': return t('transit.ops.serviceNotYet', { from: period.from, count: period.startsIn });
      case 'last-day': return t('transit.ops.serviceLastDay', { until: period.until });
      case 'ending': return t('transit.ops.serviceEnding', { until: period.until, count: period.daysLeft });
      default: return null;
    }
  })();
  return text && <p className="service-period" data-testid="service-period">{text}</p>;
}

/**
 * What the feed's import found valid but doubtful (stops out of order, off their shape, timed too fast): it explains a
 * route whose predictions trail the others, and tells the operator what to put right in its GTFS.
 */
function FeedNotices({ notices, feed }: { notices: FeedNotice[]; feed: string | undefined }) {
  const { t } = useTranslation();
  if (!notices.length) return null;
  return (
    <details className="feed-notices" data-testid="feed-notices">
      <summary>{t('transit.ops.notices', { count: notices.length })}</summary>
      <ul>
        {notices.map((notice) => (
          <li key={`${notice.code}:${notice.tripId}`} data-route={notice.routeId}>
            <Link to={`/go/routes/${encodeURIComponent(notice.routeId)}${query({ feed })}`}>{t('transit.line', { name: notice.routeShortName || notice.routeId })}</Link>
            {t('transit.ops.noticeColon')}{t(`transit.ops.noticeKinds.${notice.code}`, { count: notice.trips, trips: notice.trips, stops: notice.stops, file: notice.file, line: notice.line })}
          </li>
        ))}
      </ul>
    </details>
  );
}

/**
 * The accuracy is judged per route, not per direction: its cell spans the route's rows (they come
 * together, sorted by route), so a direction with no bus seen does not seem to have a figure of its own.
 * 0: the row above covers it.
 */
function accuracyRows(rows: HeadwayRow[], index: number): number {
  const routeId = rows[index]!.routeId;
  if (index > 0 && rows[index - 1]!.routeId === routeId) return 0;
  let count = 1;
  while (rows[index + count]?.routeId === routeId) count++;
  return count;
}

function Row({ row, feed, accuracy, goal, accuracyRows: span }: { row: HeadwayRow; feed: string | undefined; accuracy: { count: number; inWindow: number | null } | null; goal: number; accuracyRows: number }) {
  const { t } = useTranslation();
  const irregular = row.cv !== null && row.cv > IRREGULAR_HEADWAY_CV;
  // Buses due in the period (the timetable has a headway), none seen passing a stop and none on the road:
  // the line may not be running, or its buses not reporting.
  const noneLive = row.liveVehicles === 0 && row.headways === 0 && row.scheduledMeanHeadway !== null;
  // Trips that should have left ten minutes ago or more with no bus seen on them: not run, or not reporting.
  const missing = row.tripsDue - row.tripsSeen;
  return (
    <tr data-route={row.routeId} data-direction={row.directionId}>
      <th scope="row">
        <Link to={`/go/routes/${encodeURIComponent(row.routeId)}${query({ feed })}`}>{t('transit.line', { name: row.route.shortName || row.routeId })}</Link>
        {row.route.longName && <span className="secondary-name">{row.route.longName}</span>}
      </th>
      <td>{row.headsign ? t('transit.route.direction', { headsign: row.headsign }) : row.directionId}</td>
      <td className={`num ${noneLive ? 'cell-warning' : ''}`}>{row.liveVehicles}{noneLive && <span className="cell-flag"> {t('transit.ops.noneLive')}</span>}</td>
      <td className={`num ${missing > 0 ? 'cell-warning' : ''}`} data-testid="trips">
        {row.tripsDue === 0 ? '—' : `${row.tripsSeen}/${row.tripsDue}`}
        {missing > 0 && <span className="cell-flag"> {t('transit.ops.tripsMissing', { count: missing })}</span>}
      </td>
      <td className="num">{row.stops}</td>
      <td className="num">{row.headways}</td>
      <td className="num">{minutes(row.meanHeadway)}</td>
      <td className="num">{minutes(row.scheduledMeanHeadway)}</td>
      <td className={`num ${irregular ? 'cell-warning' : ''}`}>{row.cv === null ? '—' : row.cv.toFixed(2)}{irregular && <span className="cell-flag"> {t('transit.ops.irregular')}</span>}</td>
      <td className={`num ${row.excessWait !== null && row.excessWait > 120 ? 'cell-warning' : ''}`}>{minutes(row.excessWait)}</td>
      <td className={`num ${row.bunching > 0 ? 'cell-critical' : ''}`}>{row.bunching}</td>
      <td className={`num ${row.gaps > 0 ? 'cell-warning' : ''}`}>{row.gaps}</td>
      <td className={row.openGaps > 0 ? 'cell-warning' : ''} data-testid="open-gaps">
        {row.longestOpenGap ? (
          // The stop links to its arrivals: when the next bus is coming there.
          <Link to={`/go/stops/${encodeURIComponent(row.longestOpenGap.stopId)}${query({ feed })}`}>
            {t('transit.ops.openGapsText', { count: row.openGaps, minutes: Math.floor(row.longestOpenGap.waited / 60), stop: row.longestOpenGap.stopName })}
          </Link>
        ) : t('transit.ops.openGapsNone')}
      </td>
      {span > 0 && <td rowSpan={span} className={`num route-accuracy ${accuracy && belowGoal(accuracy, goal) ? 'cell-warning' : ''}`} data-testid="route-accuracy">{formatShare(accuracy?.inWindow ?? null)}</td>}
    </tr>
  );
}
