// Title, stream state, data freshness and the wall clock (in the city's time zone).
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { switchLanguage } from '../../app/i18n';
import { dateFormat } from '../../app/format';
import type { StreamStatus } from '../vitals/stream';

function useNow(intervalMs: number): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export function ScreenHeader({ title, stream, dataAt }: { title: string; stream: StreamStatus; dataAt?: string }) {
  const { t, i18n } = useTranslation();
  const now = useNow(1000);
  const clock = dateFormat(i18n.language, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const time = clock.format(now);
  const date = dateFormat(i18n.language, { year: 'numeric', month: 'long', day: 'numeric', weekday: 'long' }).format(now);
  const freshest = Math.max(stream.lastEventAt() ?? 0, dataAt ? new Date(dataAt).getTime() : 0);
  const age = freshest ? Math.max(0, Math.round((now - freshest) / 1000)) : null;
  const freshnessTime = freshest ? clock.format(freshest) : '—';
  const stateLabel = stream.state === 'live' ? t('screen.streamLive') : stream.state === 'down' ? t('screen.streamDown') : t('screen.streamConnecting');

  return (
    <header className="screen-header">
      <div className="screen-brand">
        <span className="brand-mark" aria-hidden="true" />
        <span className="screen-title">{title}</span>
      </div>
      <div className={`stream-state stream-${stream.state}`} role="status" aria-live="polite" data-testid="stream-state">
        <span className="stream-dot" aria-hidden="true" />
        {stateLabel}
      </div>
      <div className="screen-freshness" data-testid="freshness">
        {t('screen.freshness', { time: freshnessTime })}
        {age !== null && <span className={age > 60 ? 'age stale' : 'age'}> · {t('screen.ago', { seconds: age })}</span>}
      </div>
      <div className="screen-clock">
        <time className="clock-time" dateTime={new Date(now).toISOString()}>{time}</time>
        <span className="clock-date">{date}</span>
      </div>
      <button type="button" className="screen-lang" onClick={switchLanguage} title={t('common.languageLabel')} lang={t('common.language') === 'English' ? 'en' : 'zh-CN'}>{t('common.language')}</button>
    </header>
  );
}
