// The console's frame: skip link, navigation, who is signed in, language and large-text switches. Alert
// lists refresh themselves from the live stream.
import { useCallback, useEffect, useRef } from 'react';
import { Link, Navigate, NavLink, Outlet, useLocation } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../app/session';
import { Preferences } from '../../app/Preferences';
import { useVitalsStream } from '../vitals/stream';
import './ops.css';

export function OpsLayout() {
  const { t } = useTranslation();
  const session = useSession();
  const location = useLocation();
  const client = useQueryClient();
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  // Alerts change in bursts: refresh once per burst rather than once per transition.
  const refreshAlerts = useCallback(() => {
    if (pending.current) return;
    pending.current = setTimeout(() => {
      pending.current = null;
      void client.invalidateQueries({ queryKey: ['alerts'] });
    }, 1000);
  }, [client]);
  useEffect(() => () => { if (pending.current) clearTimeout(pending.current); }, []);
  const stream = useVitalsStream(session.token, { alert: refreshAlerts, resync: refreshAlerts });

  if (!session.token) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;

  return (
    <div className="ops">
      <a className="skip-link" href="#main">{t('app.skip')}</a>
      <header className="ops-header">
        <Link to="/ops" className="ops-brand"><span className="brand-mark" aria-hidden="true" />{t('app.name')} · {t('ops.title')}</Link>
        <nav aria-label={t('ops.nav')}>
          <ul>
            <li><NavLink to="/ops" end>{t('ops.overview')}</NavLink></li>
            <li><NavLink to="/ops/catalogue">{t('ops.catalogue')}</NavLink></li>
            <li><NavLink to="/ops/alerts">{t('ops.alerts')}</NavLink></li>
            <li><NavLink to="/ops/transit">{t('transit.ops.nav')}</NavLink></li>
            {/* The board lives under /ops/cases but is its own entry: only one of the two is current. */}
            <li><NavLink to="/ops/cases" className={({ isActive }) => (isActive && !location.pathname.startsWith('/ops/cases/board') ? 'active' : undefined)}>{t('cases.nav')}</NavLink></li>
            <li><NavLink to="/ops/cases/board">{t('cases.board')}</NavLink></li>
            <li><a href="/screen">{t('ops.screen')}</a></li>
          </ul>
        </nav>
        {/* One group, so that on a narrow window it moves to the next line whole, never the logout button alone. */}
        <div className="ops-session">
          <span className={`ops-stream stream-${stream.state}`} role="status">
            <span className="stream-dot" aria-hidden="true" />
            {stream.state === 'live' ? t('screen.streamLive') : stream.state === 'down' ? t('screen.streamDown') : t('screen.streamConnecting')}
          </span>
          <Preferences />
          <span className="ops-user">{session.me?.name}</span>
          <button type="button" onClick={session.logout}>{t('common.logout')}</button>
        </div>
      </header>
      <main id="main" className="ops-main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
