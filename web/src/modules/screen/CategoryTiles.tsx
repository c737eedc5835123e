// The 32 categories as tiles grouped by the three arrows: score, worst status and how many indicators
// are in warning or critical. A tile's colour is its worst status, so one critical indicator shows.
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { localName } from '../../app/i18n';
import { worstOf, type Arrow, type Category, type Health, type IndicatorStatus, type Snapshot } from '../vitals/types';

const ARROWS: Arrow[] = ['economy', 'life', 'governance'];

interface TileState {
  status: IndicatorStatus;
  critical: number;
  warning: number;
}

export function CategoryTiles({ categories, health, snapshot }: { categories: Category[]; health?: Health; snapshot?: Snapshot }) {
  const { t, i18n } = useTranslation();
  const states = useMemo(() => {
    const byCategory = new Map<string, IndicatorStatus[]>();
    for (const item of snapshot?.items ?? []) {
      const list = byCategory.get(item.category);
      if (list) list.push(item.status);
      else byCategory.set(item.category, [item.status]);
    }
    const result = new Map<string, TileState>();
    for (const [code, statuses] of byCategory) {
      result.set(code, { status: worstOf(statuses), critical: statuses.filter((s) => s === 'critical').length, warning: statuses.filter((s) => s === 'warning').length });
    }
    return result;
  }, [snapshot]);
  const scores = useMemo(() => new Map((health?.categories ?? []).map((category) => [category.code, category.score])), [health]);
  const few = categories.length <= 12;

  return (
    <div className={`panel tiles-panel ${few ? 'few' : ''}`}>
      <h2 className="panel-title">{t('screen.categories')}</h2>
      <div className="arrows">
        {ARROWS.map((arrow) => {
          const inArrow = categories.filter((category) => category.arrow === arrow);
          if (inArrow.length === 0) return null;
          return (
            <section key={arrow} className={`arrow arrow-${arrow}`} style={{ flexGrow: Math.ceil(inArrow.length / 4) }} aria-label={t(`arrow.${arrow}`)}>
              <h3 className="arrow-title">{t(`arrow.${arrow}`)}</h3>
              <ul className="tiles">
                {inArrow.map((category) => {
                  const state = states.get(category.code) ?? { status: 'no-data' as IndicatorStatus, critical: 0, warning: 0 };
                  const score = scores.get(category.code);
                  const name = localName(category, i18n.language);
                  // Rounded down: a category with one critical indicator must not read a perfect 100.
                  const shown = score === null || score === undefined ? '—' : Math.floor(score).toString();
                  return (
                    <li key={category.code} className={`tile status-${state.status}`} data-category={category.code} data-status={state.status}
                      aria-label={t('screen.tileLabel', { name, score: shown, status: t(`status.${state.status}`) })}>
                      <span className="tile-name">{name}</span>
                      <span className="tile-score">{shown}</span>
                      <span className="tile-status">
                        {state.critical + state.warning > 0
                          ? [state.critical > 0 && t('screen.countCritical', { count: state.critical }), state.warning > 0 && t('screen.countWarning', { count: state.warning })].filter(Boolean).join(' · ')
                          : t(`status.${state.status}`)}
                      </span>
                    </li>
                  );
                })}
              </ul>
            </section>
          );
        })}
      </div>
    </div>
  );
}
