// Pieces the passenger pages share: their frame (skip link, title, language and large-text switches),
// the feed named in the URL, route names, and how a delay and an arrival time are said.
import { useMemo, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Preferences } from '../../app/Preferences';
import { query } from '../../app/api';
import { dateFormat } from '../../app/format';
import { transitQueries } from './queries';
import type { StreamState } from './stream';
import './transit.css';

/** `?feed=` when the city runs several feeds; carried on every link between the passenger pages. */
export function useFeed(): { feed: string | undefined; withFeed: (path: string) => string } {
  const [params] = useSearchParams();
  const feed = params.get('feed') || undefined;
  return { feed, withFeed: (path) => `${path}${query({ feed })}` };
}

/** Route id → short name (an operator's route ids are often not what the bus shows). */
export function useRouteNames(feed: string | undefined): (routeId: string) => string {
  const routes = useQuery(transitQueries.routes(feed));
  return useMemo(() => {
    const names = new Map((routes.data?.items ?? []).map((route) => [route.id, route.shortName || route.id]));
    return (routeId: string) => names.get(routeId) ?? routeId;
  }, [routes.data]);
}

export function PassengerLayout({ children, stream }: { children: ReactNode; stream?: StreamState }) {
  const { t } = useTranslation();
  const { withFeed } = useFeed();
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

export function LoadingOrError({ query: state, children }: { query: { isPending: boolean; error: Error | null }; children: ReactNode }) {
  const { t } = useTranslation();
  if (state.error) return <p className="go-error" role="alert">{t('common.error', { message: state.error.message })}</p>;
  if (state.isPending) return <p aria-busy="true">{t('common.loading')}</p>;
  return <>{children}</>;
}
