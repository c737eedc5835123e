// The indicator catalogue: search by Chinese or English name or code, filter by category, page through.
// The search and filters live in the URL, so a search can be shared and the back button works.
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useQueryParams } from '../../app/query-params';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { localName } from '../../app/i18n';
import { unitLabel } from '../../app/units';
import { vitalsQueries } from '../vitals/queries';
import { Loading, useFormatFrequency } from './common';

const PAGE = 50;

export function CataloguePage() {
  const { t, i18n } = useTranslation();
  const formatFrequency = useFormatFrequency();
  const [params, changeParams] = useQueryParams();
  const q = params.get('q') ?? '';
  const category = params.get('category') ?? '';
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  const [text, setText] = useState(q);
  const categories = useQuery(vitalsQueries.categories());
  const indicators = useQuery(vitalsQueries.indicators({ q: q || undefined, category: category || undefined, limit: PAGE, offset: (page - 1) * PAGE }));
  const total = indicators.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE));
  const categoryName = new Map((categories.data?.items ?? []).map((item) => [item.code, localName(item, i18n.language)]));

  const update = (changes: Record<string, string>) => changeParams(changes);
  // Search as the user types, a moment after they stop.
  useEffect(() => {
    if (text === q) return;
    const timer = setTimeout(() => update({ q: text.trim(), page: '' }), 250);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [text]);

  return (
    <>
      <h1>{t('ops.catalogue')}</h1>
      <form className="filters" role="search" onSubmit={(event) => { event.preventDefault(); update({ q: text.trim(), page: '' }); }}>
        <label htmlFor="catalogue-q">{t('common.search')}</label>
        <input id="catalogue-q" type="search" value={text} onChange={(event) => setText(event.target.value)} placeholder={t('ops.searchPlaceholder')} size={32} />
        <label htmlFor="catalogue-category">{t('ops.categoryFilter')}</label>
        <select id="catalogue-category" value={category} onChange={(event) => update({ category: event.target.value, page: '' })}>
          <option value="">{t('common.all')}</option>
          {(categories.data?.items ?? []).map((item) => <option key={item.code} value={item.code}>{localName(item, i18n.language)}</option>)}
        </select>
        <span className="filters-total" role="status">{t('common.total', { count: total })}</span>
      </form>
      <Loading query={indicators}>
        <table className="data-table" data-testid="catalogue">
          <thead>
            <tr><th scope="col">{t('ops.name')}</th><th scope="col">{t('ops.code')}</th><th scope="col">{t('common.category')}</th><th scope="col">{t('common.unit')}</th><th scope="col">{t('ops.frequency')}</th></tr>
          </thead>
          <tbody>
            {(indicators.data?.items ?? []).map((item) => (
              <tr key={item.code}>
                <th scope="row">
                  <Link to={`/ops/indicators/${encodeURIComponent(item.code)}`}>{localName(item, i18n.language)}</Link>
                  <span className="secondary-name" lang={i18n.language === 'en' ? 'zh-CN' : 'en'}>{i18n.language === 'en' ? item.nameZh : item.nameEn}</span>
                </th>
                <td><code>{item.code}</code></td>
                <td>{categoryName.get(item.category) ?? item.category}</td>
                <td>{unitLabel(item.unit, i18n.language)}</td>
                <td>{formatFrequency(item.frequencySeconds)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <nav className="pager" aria-label={t('common.page', { page, pages })}>
          <button type="button" disabled={page <= 1} onClick={() => update({ page: String(page - 1) })}>{t('common.previous')}</button>
          <span>{t('common.page', { page, pages })}</span>
          <button type="button" disabled={page >= pages} onClick={() => update({ page: String(page + 1) })}>{t('common.next')}</button>
        </nav>
      </Loading>
    </>
  );
}
