// The alert list: filter by state, severity, category, acknowledgement and area; acknowledge and silence.
import { useMemo } from 'react';
import { useQueryParams } from '../../app/query-params';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { localName } from '../../app/i18n';
import { vitalsQueries } from '../vitals/queries';
import { AlertTable } from './AlertTable';
import { Loading, OrgSelect } from './common';

const PAGE = 50;

export function AlertsPage() {
  const { t, i18n } = useTranslation();
  const [params, changeParams] = useQueryParams();
  const state = params.get('state') ?? 'firing';
  const severity = params.get('severity') ?? '';
  const category = params.get('category') ?? '';
  const acknowledged = params.get('acknowledged') ?? '';
  const org = params.get('org') ?? '';
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  const orgs = useQuery(vitalsQueries.orgs());
  const categories = useQuery(vitalsQueries.categories());
  const alerts = useQuery(vitalsQueries.alerts({
    state: state || undefined, severity: severity || undefined, category: category || undefined,
    acknowledged: acknowledged === '' ? undefined : acknowledged === 'true', org: org || undefined, limit: PAGE, offset: (page - 1) * PAGE,
  }));
  const orgMap = useMemo(() => new Map((orgs.data?.items ?? []).map((unit) => [unit.code, unit])), [orgs.data]);
  const root = orgs.data?.items.find((unit) => unit.level === 'city');
  const total = alerts.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE));
  const set = (key: string, value: string) => changeParams({ [key]: value, page: null });

  return (
    <>
      <h1>{t('ops.alerts')}</h1>
      <form className="filters" aria-label={t('ops.filters')} onSubmit={(event) => event.preventDefault()}>
        <label htmlFor="alert-state">{t('ops.state')}</label>
        <select id="alert-state" value={state} onChange={(event) => set('state', event.target.value)}>
          <option value="firing">{t('ops.states.firing')}</option>
          <option value="resolved">{t('ops.states.resolved')}</option>
          <option value="">{t('common.all')}</option>
        </select>
        <label htmlFor="alert-severity">{t('ops.severity')}</label>
        <select id="alert-severity" value={severity} onChange={(event) => set('severity', event.target.value)}>
          <option value="">{t('common.all')}</option>
          <option value="critical">{t('severity.critical')}</option>
          <option value="warning">{t('severity.warning')}</option>
        </select>
        <label htmlFor="alert-category">{t('common.category')}</label>
        <select id="alert-category" value={category} onChange={(event) => set('category', event.target.value)}>
          <option value="">{t('common.all')}</option>
          {(categories.data?.items ?? []).map((item) => <option key={item.code} value={item.code}>{localName(item, i18n.language)}</option>)}
        </select>
        <label htmlFor="alert-ack">{t('ops.acknowledged')}</label>
        <select id="alert-ack" value={acknowledged} onChange={(event) => set('acknowledged', event.target.value)}>
          <option value="">{t('common.all')}</option>
          <option value="false">{t('ops.unacknowledged')}</option>
          <option value="true">{t('ops.acknowledged')}</option>
        </select>
        <OrgSelect id="alert-org" label={t('common.org')} orgs={orgs.data?.items ?? []} value={org || root?.code || ''} onChange={(code) => set('org', code === root?.code ? '' : code)} />
        <span className="filters-total" role="status">{t('common.total', { count: total })}</span>
      </form>
      <Loading query={alerts}>
        <AlertTable alerts={alerts.data?.items ?? []} orgs={orgMap} caption={t('ops.alerts')} />
        <nav className="pager" aria-label={t('common.page', { page, pages })}>
          <button type="button" disabled={page <= 1} onClick={() => changeParams({ page: String(page - 1) }, {})}>{t('common.previous')}</button>
          <span>{t('common.page', { page, pages })}</span>
          <button type="button" disabled={page >= pages} onClick={() => changeParams({ page: String(page + 1) }, {})}>{t('common.next')}</button>
        </nav>
      </Loading>
    </>
  );
}
