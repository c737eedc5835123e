// /go — find a stop by name or number, or near where the passenger stands, or open a route. The search
// lives in the URL (?q=, or ?near=lat,lon), so it can be shared and the back button works.
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useQueryParams } from '../../app/query-params';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { LoadingOrError, PassengerLayout, roundedMetres, useFeed } from './common';
import { transitQueries } from './queries';
import type { StopFound, TransitNetworks } from './types';

/** Stops listed: enough to scroll through on a phone. The server says how many match in all. */
const SHOWN = 30;
/** A short walk to a stop, metres: about seven minutes. */
const NEAR_RADIUS = 600;

/** `?near=lat,lon` as a place, or null when absent or not two numbers on the globe. */
function placeOf(text: string | null): { lat: number; lon: number } | null {
  const [lat, lon] = (text ?? '').split(',').map(Number);
  if (lat === undefined || lon === undefined || !Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  return { lat, lon };
}

type Locating = 'idle' | 'locating' | 'denied' | 'unavailable';

export function SearchPage() {
  const { t } = useTranslation();
  const [params, changeParams] = useQueryParams();
  const { feed, withFeed } = useFeed();
  const q = params.get('q') ?? '';
  const place = placeOf(params.get('near'));
  const [text, setText] = useState(q);
  const [locating, setLocating] = useState<Locating>('idle');
  const networks = useQuery(transitQueries.networks());
  const networkList = networks.data?.items ?? [];
  // Several networks and none named or default: the passenger chooses one before anything is asked of it.
  // Asked at once, beside the networks (not after them): with one network or a default, the usual case,
  // the page does not wait a round trip longer.
  const choosing = networks.isSuccess && !feed && networks.data.default === null && networkList.length > 1;
  const stops = useQuery({ ...transitQueries.stops(q, feed, SHOWN), enabled: !choosing && q.length > 0 });
  const nearby = useQuery({ ...transitQueries.nearby(place ?? { lat: 0, lon: 0 }, NEAR_RADIUS, feed, SHOWN), enabled: !choosing && place !== null && q.length === 0 });
  const routes = useQuery({ ...transitQueries.routes(feed), enabled: !choosing });

  useEffect(() => {
    document.title = t('transit.search.title');
  }, [t]);

  const search = (value: string) => changeParams({ q: value, near: value ? null : params.get('near') });
  /** Asks the browser where the passenger is (it asks them first), then lists the stops near there. */
  const findNearby = () => {
    if (!('geolocation' in navigator)) { setLocating('unavailable'); return; }
    setLocating('locating');
    navigator.geolocation.getCurrentPosition(
      (position) => {
        setLocating('idle');
        setText('');
        changeParams({ q: null, near: `${position.coords.latitude.toFixed(5)},${position.coords.longitude.toFixed(5)}` }, { replace: false });
      },
      (error) => setLocating(error.code === error.PERMISSION_DENIED ? 'denied' : 'unavailable'),
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  };
  /** How many were found, and when not all are listed, how to find the rest. */
  const foundText = (total: number, shown: number) => {
    if (total === 0) return t('transit.search.none');
    return total > shown ? t('transit.search.foundMore', { count: total, shown }) : t('transit.search.found', { count: total });
  };
  // Search as the user types, a moment after they stop.
  useEffect(() => {
    if (text.trim() === q) return;
    const timer = setTimeout(() => search(text.trim()), 300);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [text]);

  return (
    <PassengerLayout>
      <h1>{t('transit.search.title')}</h1>
      {choosing ? <NetworkPicker networks={networkList} /> : (
        <>
          {networkList.length > 1 && (
            <form className="go-network" onSubmit={(event) => event.preventDefault()}>
              <label htmlFor="network">{t('transit.network.label')}</label>
              <select id="network" value={feed ?? networks.data?.default ?? ''} onChange={(event) => changeParams({ feed: event.target.value })}>
                {networkList.map((network) => <option key={network.id} value={network.id}>{networkName(network)}</option>)}
              </select>
            </form>
          )}
          {searchAndRoutes()}
        </>
      )}
    </PassengerLayout>
  );

  function stopList(items: StopFound[]) {
    return (
      <ul className="stop-results">
        {items.map((stop) => (
          <li key={stop.id}>
            <Link to={withFeed(`/go/stops/${encodeURIComponent(stop.id)}`)}>
              <span className="stop-result-name">{stop.name}</span>
              {stop.distance !== undefined && <span className="stop-result-distance">{t('transit.search.distance', { metres: roundedMetres(stop.distance) })}</span>}
              <span className="stop-result-id">{t('transit.stop.stopId', { id: stop.id })}</span>
              {stop.towards.length > 0 && <span className="stop-result-towards">{t('transit.search.towards', { places: stop.towards.join(t('transit.ops.listSeparator')) })}</span>}
            </Link>
            <span className="stop-result-routes">{stop.routes.map((route) => <span key={route.id} className="route-chip">{t('transit.line', { name: route.shortName || route.id })}</span>)}</span>
          </li>
        ))}
      </ul>
    );
  }

  // A plain function, not a component: as a component defined here it would be new on every render and
  // React would remount the search box (losing focus) on every keystroke.
  function searchAndRoutes() {
    return (
      <>
        <form className="go-search" role="search" onSubmit={(event) => { event.preventDefault(); search(text.trim()); }}>
          <label htmlFor="stop-q">{t('transit.search.label')}</label>
          <div className="go-search-row">
            <input id="stop-q" type="search" value={text} onChange={(event) => setText(event.target.value)} placeholder={t('transit.search.placeholder')} autoComplete="off" />
            <button type="submit" className="primary">{t('transit.search.submit')}</button>
          </div>
        </form>
        <div className="go-near">
          <button type="button" onClick={findNearby} disabled={locating === 'locating'} data-testid="near-me">{t('transit.search.nearMe')}</button>
          {locating !== 'idle' && (
            <p role="status" className={locating === 'locating' ? 'hint' : 'go-empty'} data-testid="near-status">
              {t(locating === 'locating' ? 'transit.search.locating' : locating === 'denied' ? 'transit.search.locationDenied' : 'transit.search.locationUnavailable')}
            </p>
          )}
        </div>
        {q && (
          <LoadingOrError query={stops}>
            <p role="status" data-testid="stops-found">{foundText(stops.data?.total ?? 0, stops.data?.items.length ?? 0)}</p>
            {stopList(stops.data?.items ?? [])}
          </LoadingOrError>
        )}
        {!q && place && (
          <section aria-labelledby="near-title">
            <h2 id="near-title">{t('transit.search.nearTitle')}</h2>
            <LoadingOrError query={nearby}>
              <p role="status" data-testid="stops-near">
                {nearby.data?.total ? t('transit.search.nearFound', { count: nearby.data.total, radius: NEAR_RADIUS }) : t('transit.search.nearNone', { radius: NEAR_RADIUS })}
              </p>
              {stopList(nearby.data?.items ?? [])}
            </LoadingOrError>
          </section>
        )}
        <h2>{t('transit.search.routes')}</h2>
        <p className="hint">{t('transit.search.routesHint')}</p>
        <LoadingOrError query={routes}>
          <ul className="route-grid">
            {(routes.data?.items ?? []).map((route) => (
              <li key={route.id}>
                <Link to={withFeed(`/go/routes/${encodeURIComponent(route.id)}`)}>
                  <strong>{t('transit.line', { name: route.shortName || route.id })}</strong>
                  {route.longName && <span>{route.longName}</span>}
                </Link>
              </li>
            ))}
          </ul>
        </LoadingOrError>
      </>
    );
  }
}


type Network = TransitNetworks['items'][number];
/** Who runs a network: its operators' names (its id when the feed names none). */
const operators = (network: Network) => network.agencies.join('、') || network.id;
/** A network by its operators, and its id when they do not tell it apart. */
const networkName = (network: Network) => (network.agencies.length ? `${operators(network)} (${network.id})` : network.id);

/** The networks as large links: the first thing asked when the city runs several and none is the default. */
function NetworkPicker({ networks }: { networks: Network[] }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="network-title" data-testid="network-picker">
      <h2 id="network-title">{t('transit.network.title')}</h2>
      <p className="hint">{t('transit.network.hint')}</p>
      <ul className="stop-results">
        {networks.map((network) => (
          <li key={network.id}>
            <Link to={`/go?feed=${encodeURIComponent(network.id)}`}>
              <span className="stop-result-name">{operators(network)}</span>
              <span className="stop-result-id">{network.id} · {t('transit.network.summary', { routes: network.routes, stops: network.stops })}</span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
