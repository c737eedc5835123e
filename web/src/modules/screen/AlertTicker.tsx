// The live alert ticker: the latest transitions first (fired, escalated, resolved ...), each with its
// severity, place and time. New entries are announced politely to screen readers.
import { useTranslation } from 'react-i18next';
import { localName } from '../../app/i18n';
import { dateFormat } from '../../app/format';
import type { OrgUnit } from '../vitals/types';
import type { TickerEntry } from './useScreenData';

export function AlertTicker({ entries, orgs }: { entries: TickerEntry[]; orgs: Map<string, OrgUnit> }) {
  const { t, i18n } = useTranslation();
  const clock = dateFormat(i18n.language, { hour: '2-digit', minute: '2-digit' });
  const firing = entries.filter((entry) => entry.alert.state === 'firing' && entry.transition !== 'resolved').length;
  return (
    <div className="panel ticker-panel">
      <h2 className="panel-title">
        {t('screen.alerts')}
        <span className={`panel-badge ${firing === 0 ? 'calm' : ''}`}>{t('screen.firing', { count: firing })}</span>
      </h2>
      {entries.length === 0 ? (
        <p className="ticker-empty">{t('screen.noAlerts')}</p>
      ) : (
        <ol className="ticker" aria-live="polite" aria-relevant="additions" data-testid="ticker">
          {entries.map((entry) => {
            const { alert } = entry;
            const resolved = entry.transition === 'resolved' || alert.state === 'resolved';
            return (
              <li key={`${alert.id}-${entry.transition}-${entry.at}`} className={`ticker-item severity-${alert.severity} ${resolved ? 'resolved' : ''}`} data-indicator={alert.indicator}>
                <span className="ticker-severity">{resolved ? t('transition.resolved') : t(`severity.${alert.severity}`)}</span>
                <span className="ticker-what">
                  <span className="ticker-name">{i18n.language === 'en' ? alert.indicatorNameEn : alert.indicatorNameZh}</span>
                  <span className="ticker-org">{localName(orgs.get(alert.org), i18n.language) || alert.org}</span>
                </span>
                <span className="ticker-value">{alert.value === null ? '' : formatValue(alert.value)}</span>
                <time className="ticker-time" dateTime={new Date(entry.at).toISOString()}>
                  {clock.format(entry.at)}
                </time>
              </li>
            );
          })}
        </ol>
      )}
    </div>
  );
}

export function formatValue(value: number): string {
  const abs = Math.abs(value);
  if (Number.isInteger(value) && abs < 1e6) return value.toLocaleString('en-US');
  if (abs >= 1e6) return value.toExponential(2);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}
