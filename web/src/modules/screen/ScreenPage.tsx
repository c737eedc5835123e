// /screen — the big screen (可视化大屏) for the operations centre's video wall. Configured by its URL:
//   ?token=T              sign the wall in with a read-only token (kept, then removed from the address bar)
//   ?district=huangpu     show one district instead of the whole city
//   ?categories=a,b,c     show only these categories' tiles and alerts
//   ?indicators=X.Y,...   the key indicators with sparklines
//   ?lang=en  ?large=1    language and large text
import { useEffect, useMemo, useState } from 'react';
import { Navigate } from 'react-router';
import { useQueryParams } from '../../app/query-params';
import { useTranslation } from 'react-i18next';
import { readToken, saveWallToken } from '../../app/token';
import { UNAUTHORIZED_EVENT } from '../../app/api';
import { localName } from '../../app/i18n';
import { useScreenData } from './useScreenData';
import { ScreenHeader } from './ScreenHeader';
import { HealthPanel } from './HealthPanel';
import { CategoryTiles } from './CategoryTiles';
import { AlertTicker } from './AlertTicker';
import { DistrictMap } from './DistrictMap';
import { KeyIndicators } from './KeyIndicators';
import './screen.css';

function list(value: string | null): string[] {
  return (value ?? '').split(',').map((item) => item.trim()).filter(Boolean);
}

export function ScreenPage() {
  const [params, changeParams] = useQueryParams();
  const urlToken = params.get('token');
  const [token, setToken] = useState<string | null>(() => {
    if (urlToken) saveWallToken(urlToken);
    return readToken();
  });
  const [rejected, setRejected] = useState(false);

  useEffect(() => {
    // The token has been kept; take it out of the address bar so it does not show on the wall or in history.
    if (urlToken) {
      changeParams({ token: null });
    }
    const onUnauthorized = () => {
      saveWallToken(null);
      setRejected(true);
      setToken(null);
    };
    window.addEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
    return () => {
      window.removeEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const district = params.get('district') ?? undefined;
  const categoryFilter = useMemo(() => list(params.get('categories')), [params]);
  const indicatorList = useMemo(() => list(params.get('indicators')), [params]);

  if (!token) {
    const back = `/screen${window.location.search.replace(/([?&])token=[^&]*&?/, '$1').replace(/[?&]$/, '')}`;
    return <Navigate to={`/login?next=${encodeURIComponent(back)}${rejected ? '&expired=1' : ''}`} replace />;
  }
  return <Screen token={token} district={district} categoryFilter={categoryFilter} indicatorList={indicatorList} />;
}

function Screen({ token, district, categoryFilter, indicatorList }: { token: string; district?: string; categoryFilter: string[]; indicatorList: string[] }) {
  const { t, i18n } = useTranslation();
  const data = useScreenData(token, district);
  const cityName = localName(data.scopeOrg, i18n.language);
  const shownCategories = useMemo(() => {
    const all = data.categories ?? [];
    return categoryFilter.length > 0 ? all.filter((category) => categoryFilter.includes(category.code)) : all;
  }, [data.categories, categoryFilter]);
  const ticker = categoryFilter.length > 0 ? data.ticker.filter((entry) => categoryFilter.includes(entry.alert.category)) : data.ticker;

  return (
    <div className="screen" data-stream={data.stream.state}>
      <ScreenHeader title={t('screen.title', { city: cityName })} stream={data.stream} dataAt={data.snapshot?.at} />
      <main className="screen-body" id="main">
        <h1 className="sr-only">{t('screen.title', { city: cityName })}</h1>
        <section className="screen-left" aria-label={t('screen.health')}>
          <HealthPanel health={data.health} history={data.history} />
          <KeyIndicators snapshot={data.snapshot} scope={district} requested={indicatorList} />
        </section>
        <section className="screen-centre">
          <DistrictMap geojson={data.geojson} scores={data.districtScores} districts={data.districts} selected={district} />
          <AlertTicker entries={ticker} orgs={data.orgs} />
        </section>
        <section className="screen-right" aria-label={t('screen.categories')}>
          <CategoryTiles categories={shownCategories} health={data.health} snapshot={data.snapshot} />
        </section>
      </main>
      {data.error && <p className="screen-error" role="alert">{t('common.error', { message: (data.error as Error).message })}</p>}
    </div>
  );
}
