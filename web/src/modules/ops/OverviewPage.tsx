// Drill-down by district: the health of an org unit, the units below it (click to go down), and its
// categories (click to see the category's indicators there).
import { useMemo } from 'react';
import { Link, useParams } from 'react-router';
import { useQueries, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { localName } from '../../app/i18n';
import { scoreColour } from '../../charts/palette';
import { vitalsQueries } from '../vitals/queries';
import { Loading, orgChain } from './common';

const score = (value: number | null | undefined) => (value === null || value === undefined ? '—' : value.toFixed(1));

export function OverviewPage() {
  const { org } = useParams();
  const { t, i18n } = useTranslation();
  const orgs = useQuery(vitalsQueries.orgs());
  const categories = useQuery(vitalsQueries.categories());
  const all = orgs.data?.items ?? [];
  const chain = orgChain(all, org);
  const current = chain[chain.length - 1];
  const health = useQuery({ ...vitalsQueries.health(org), refetchInterval: 15_000 });
  const children = useMemo(() => all.filter((unit) => current && unit.parentCode === current.code), [all, current]);
  const childHealth = useQueries({ queries: children.map((child) => ({ ...vitalsQueries.health(child.code), refetchInterval: 30_000 })) });
  const categoryScores = new Map((health.data?.categories ?? []).map((category) => [category.code, category]));

  return (
    <Loading query={orgs}>
      <nav aria-label={t('ops.breadcrumb')} className="breadcrumb">
        <ol>
          {chain.map((unit, index) => (
            <li key={unit.code}>
              {index === chain.length - 1 ? <span aria-current="page">{localName(unit, i18n.language)}</span>
                : <Link to={unit.level === 'city' ? '/ops' : `/ops/orgs/${unit.code}`}>{localName(unit, i18n.language)}</Link>}
            </li>
          ))}
        </ol>
      </nav>
      <h1>
        {localName(current, i18n.language)}
        <span className="headline-score" style={{ color: scoreColour(health.data?.score) }} data-testid="org-score">{score(health.data?.score)}</span>
      </h1>

      {children.length > 0 && (
        <section aria-labelledby="children-title">
          <h2 id="children-title">{t('ops.districts')}</h2>
          <ul className="card-grid">
            {children.map((child, index) => {
              const value = childHealth[index]?.data?.score;
              return (
                <li key={child.code}>
                  <Link className="org-card" to={`/ops/orgs/${child.code}`} style={{ borderColor: scoreColour(value) }}>
                    <span className="org-card-name">{localName(child, i18n.language)}</span>
                    <span className="org-card-score" style={{ color: scoreColour(value) }}>{score(value)}</span>
                  </Link>
                </li>
              );
            })}
          </ul>
        </section>
      )}

      <section aria-labelledby="categories-title">
        <h2 id="categories-title">{t('ops.categories')}</h2>
        <Loading query={categories}>
          <table className="data-table">
            <thead>
              <tr><th scope="col">{t('common.category')}</th><th scope="col">{t('ops.score')}</th><th scope="col">{t('status.critical')}</th><th scope="col">{t('status.warning')}</th><th scope="col">{t('status.stale')}</th><th scope="col">{t('ops.indicators')}</th></tr>
            </thead>
            <tbody>
              {(categories.data?.items ?? []).map((category) => {
                const entry = categoryScores.get(category.code);
                return (
                  <tr key={category.code}>
                    <th scope="row"><Link to={`/ops/categories/${category.code}${org ? `?org=${org}` : ''}`}>{localName(category, i18n.language)}</Link></th>
                    <td style={{ color: scoreColour(entry?.score) }} className="num">{score(entry?.score)}</td>
                    <td className="num">{entry?.counts?.critical ?? '—'}</td>
                    <td className="num">{entry?.counts?.warning ?? '—'}</td>
                    <td className="num">{entry?.counts?.stale ?? '—'}</td>
                    <td className="num">{category.indicatorCount}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </Loading>
      </section>
    </Loading>
  );
}
