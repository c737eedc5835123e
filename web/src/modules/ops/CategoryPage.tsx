// Drill-down by category: the category's indicators in an org unit, with their latest value and status;
// the org can be changed to compare districts.
import { Link, useParams, useSearchParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { localName } from '../../app/i18n';
import { unitLabel } from '../../app/units';
import { vitalsQueries } from '../vitals/queries';
import { formatNumber, Loading, OrgSelect, StatusBadge, useFormatTime } from './common';

export function CategoryPage() {
  const { category = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const org = params.get('org') ?? undefined;
  const { t, i18n } = useTranslation();
  const formatTime = useFormatTime();
  const orgs = useQuery(vitalsQueries.orgs());
  const categories = useQuery(vitalsQueries.categories());
  const snapshot = useQuery({ ...vitalsQueries.snapshot(org, category), refetchInterval: 10_000 });
  const info = categories.data?.items.find((item) => item.code === category);
  const root = orgs.data?.items.find((unit) => unit.level === 'city');
  const orgUnit = orgs.data?.items.find((unit) => unit.code === (org ?? root?.code));

  return (
    <>
      <nav aria-label={t('ops.breadcrumb')} className="breadcrumb">
        <ol>
          <li><Link to="/ops">{t('ops.overview')}</Link></li>
          {org && <li><Link to={`/ops/orgs/${org}`}>{localName(orgUnit, i18n.language)}</Link></li>}
          <li><span aria-current="page">{localName(info, i18n.language)}</span></li>
        </ol>
      </nav>
      <h1>{t('ops.indicatorsIn', { category: localName(info, i18n.language), org: localName(orgUnit, i18n.language) })}</h1>
      <div className="filters">
        <OrgSelect id="category-org" label={t('common.org')} orgs={orgs.data?.items ?? []} value={org ?? root?.code ?? ''}
          onChange={(code) => setParams(code === root?.code ? {} : { org: code })} />
      </div>
      <Loading query={snapshot}>
        <table className="data-table">
          <caption className="sr-only">{t('ops.indicatorsIn', { category: localName(info, i18n.language), org: localName(orgUnit, i18n.language) })}</caption>
          <thead>
            <tr><th scope="col">{t('ops.name')}</th><th scope="col">{t('common.value')}</th><th scope="col">{t('common.unit')}</th><th scope="col">{t('common.status')}</th><th scope="col">{t('common.time')}</th></tr>
          </thead>
          <tbody>
            {(snapshot.data?.items ?? []).map((item) => (
              <tr key={item.indicator} className={`row-${item.status}`}>
                <th scope="row"><Link to={`/ops/indicators/${encodeURIComponent(item.indicator)}${org ? `?org=${org}` : ''}`}>{i18n.language === 'en' ? item.nameEn : item.nameZh}</Link></th>
                <td className="num">{formatNumber(item.value)}</td>
                <td>{unitLabel(item.unit, i18n.language)}</td>
                <td><StatusBadge status={item.status} /></td>
                <td>{formatTime(item.ts)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Loading>
    </>
  );
}
