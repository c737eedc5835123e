// A table of alerts with their actions; used by the alert list and an indicator's alert history.
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { Alert, OrgUnit } from '../vitals/types';
import { localName } from '../../app/i18n';
import { AlertActions } from './AlertActions';
import { formatNumber, StatusBadge, useFormatTime } from './common';

export function AlertTable({ alerts, orgs, caption }: { alerts: Alert[]; orgs: Map<string, OrgUnit>; caption: string }) {
  const { t, i18n } = useTranslation();
  const formatTime = useFormatTime();
  if (alerts.length === 0) return <p>{t('common.none')}</p>;
  return (
    <table className="data-table" data-testid="alerts">
      <caption className="sr-only">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t('ops.severity')}</th><th scope="col">{t('ops.name')}</th><th scope="col">{t('common.org')}</th><th scope="col">{t('common.value')}</th>
          <th scope="col">{t('ops.state')}</th><th scope="col">{t('ops.startedAt')}</th><th scope="col">{t('ops.actions')}</th>
        </tr>
      </thead>
      <tbody>
        {alerts.map((alert) => (
          <tr key={alert.id} data-alert={alert.id}>
            <td><StatusBadge status={alert.severity} /></td>
            <th scope="row">
              <Link to={`/ops/indicators/${encodeURIComponent(alert.indicator)}?org=${alert.org}`}>{i18n.language === 'en' ? alert.indicatorNameEn : alert.indicatorNameZh}</Link>
              <span className="secondary-name" lang="en">{alert.message}</span>
            </th>
            <td>{localName(orgs.get(alert.org), i18n.language) || alert.org}</td>
            <td className="num">{formatNumber(alert.value)}</td>
            <td>
              {t(`ops.states.${alert.state}`)}
              {alert.acknowledgedAt && <span className="secondary-name">{t('ops.acknowledgedBy', { who: alert.acknowledgedBy ?? '' })}</span>}
              {alert.silencedUntil && new Date(alert.silencedUntil) > new Date() && <span className="secondary-name">{t('ops.silenced', { time: formatTime(alert.silencedUntil) })}</span>}
            </td>
            <td>{formatTime(alert.startedAt)}</td>
            <td><AlertActions alert={alert} /></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
