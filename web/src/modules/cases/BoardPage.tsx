// The dispatcher's board (/ops/cases/board, 调度看板): the cases waiting for someone to act, in lanes by
// what they wait for (to file, to dispatch, returned, not yet accepted, overdue, to verify), each lane
// counted whole, the most pressing cards first. A card shows what the case is, where, how urgent, how long
// it has been open and how long is left; a case waiting for a department opens the dispatch dialog in one
// click. Filters live in the URL; the board follows case changes live.
import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { useQueryParams } from '../../app/query-params';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../app/api';
import { localName } from '../../app/i18n';
import { useSession } from '../../app/session';
import { Loading, orgChain } from '../ops/common';
import { casesQueries } from './queries';
import { useCasesLive } from './live';
import { CategoryOptions, errorText, LiveStatus, StateBadge, useDuration, useNames } from './common';
import { DispatchDialog } from './DispatchDialog';
import type { Board, BoardLane, CaseRecord } from './types';
import './cases.css';

/** Which worklist filter shows a lane's cases beyond the cards on the board. */
const LANE_LIST_QUERY: Record<BoardLane, string> = {
  reported: 'state=reported', filed: 'state=filed', returned: 'state=returned', dispatched: 'state=dispatched',
  overdue: 'overdue=true', handled: 'state=handled',
};

/** Cards shown per lane; the lane still counts all its cases and links to the rest in the worklist. */
const CARDS_PER_LANE = 20;

/** What the last dispatch came to, kept as a message key and its values so that it follows a change of language. */
type Feedback = { kind: 'done' | 'conflict' | 'error'; key: string; id?: number; department?: string | null; detail?: string } | null;

/** The current time, moving every half minute: the countdowns on the cards follow it. */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

export function BoardPage() {
  const { t, i18n } = useTranslation();
  const [params, changeParams] = useQueryParams();
  const names = useNames();
  const live = useCasesLive();
  const session = useSession();
  const client = useQueryClient();
  const org = params.get('org') ?? '';
  const category = params.get('category') ?? '';
  const board = useQuery(casesQueries.board({ org: org || undefined, category: category || undefined, limit: CARDS_PER_LANE }));
  const [dispatching, setDispatching] = useState<CaseRecord | null>(null);
  const [feedback, setFeedback] = useState<Feedback>(null);
  const districts = names.orgs.filter((unit) => unit.level === 'district');
  const canDispatch = session.can('cases:dispatch');

  const set = (key: string, value: string) => changeParams({ [key]: value });

  const dispatch = useMutation({
    mutationFn: ({ record, department }: { record: CaseRecord; department: string }) =>
      api<CaseRecord>(`/api/v1/cases/${record.id}/transitions`, { method: 'POST', body: { action: 'dispatch', version: record.version, department } }),
    onSuccess: (updated) => {
      setDispatching(null);
      setFeedback({ kind: 'done', key: 'cases.dispatched', id: updated.id, department: updated.department });
    },
    onError: (error) => {
      setDispatching(null);
      setFeedback(error instanceof ApiError && error.status === 409
        ? { kind: 'conflict', key: 'cases.boardConflict', detail: errorText(error) }
        : { kind: 'error', key: 'common.error', detail: errorText(error) });
    },
    onSettled: () => client.invalidateQueries({ queryKey: ['cases'] }),
  });

  return (
    <>
      <h1>
        {t('cases.board')}{' '}
        <Link className="heading-link" to="/ops/cases">{t('cases.worklistLink')}</Link>{' '}
        <Link className="heading-link" to="/ops/cases/stats">{t('cases.stats')}</Link>
      </h1>
      <p className="muted board-intro">{t('cases.boardIntro')} <LiveStatus state={live} /></p>
      <form className="filters" aria-label={t('ops.filters')} onSubmit={(event) => event.preventDefault()}>
        <label htmlFor="board-org">{t('cases.district')}</label>
        <select id="board-org" value={org} onChange={(event) => set('org', event.target.value)}>
          <option value="">{t('common.all')}</option>
          {districts.map((unit) => <option key={unit.code} value={unit.code}>{localName(unit, i18n.language)}</option>)}
        </select>
        <label htmlFor="board-category">{t('cases.category')}</label>
        <select id="board-category" value={category} onChange={(event) => set('category', event.target.value)}>
          <option value="">{t('common.all')}</option>
          <CategoryOptions />
        </select>
        {(org || category) && <button type="button" onClick={() => changeParams({ org: null, category: null })}>{t('cases.clearFilters')}</button>}
      </form>
      {feedback && (
        <p className={`case-feedback case-feedback-${feedback.kind}`} role={feedback.kind === 'done' ? 'status' : 'alert'} data-testid="board-feedback">
          {t(feedback.key, { id: feedback.id, department: names.department(feedback.department), message: feedback.detail })}
          {feedback.kind === 'conflict' && ` ${feedback.detail}`}
        </p>
      )}
      <Loading query={board}>
        {board.data && (
          <Lanes board={board.data} busy={board.isPlaceholderData} names={names} filterQuery={params.toString()} onDispatch={canDispatch ? (record) => { setFeedback(null); setDispatching(record); } : undefined} />
        )}
      </Loading>
      {dispatching && (
        <DispatchDialog record={dispatching} busy={dispatch.isPending} onClose={() => setDispatching(null)}
          onDispatch={(department) => dispatch.mutate({ record: dispatching, department })} />
      )}
    </>
  );
}

interface LanesProps {
  board: Board;
  /** The previous filter's answer is shown while the new one loads. */
  busy: boolean;
  names: ReturnType<typeof useNames>;
  filterQuery: string;
  onDispatch?: (record: CaseRecord) => void;
}

function Lanes({ board, busy, names, filterQuery, onDispatch }: LanesProps) {
  const { t } = useTranslation();
  const now = useNow();
  return (
    <div className="board" data-testid="board" aria-busy={busy}>
      {board.lanes.map((lane) => {
        const title = t(`cases.lanes.${lane.lane}`);
        const more = lane.total - lane.items.length;
        return (
          <section key={lane.lane} className={`board-lane board-lane-${lane.lane}`} aria-labelledby={`lane-${lane.lane}`} data-lane={lane.lane}>
            <h2 id={`lane-${lane.lane}`} className="board-lane-title" aria-label={t('cases.laneLabel', { lane: title, count: lane.total })}>
              <span>{title}</span>
              <span className="lane-count" data-testid="lane-count">{lane.total}</span>
            </h2>
            {lane.items.length === 0 ? <p className="muted lane-empty">{t('cases.laneEmpty')}</p> : (
              <ol className="board-cards">
                {lane.items.map((record) => (
                  <li key={record.id}>
                    <BoardCard record={record} lane={lane.lane} names={names} now={now} onDispatch={onDispatch} />
                  </li>
                ))}
              </ol>
            )}
            {more > 0 && (
              <Link className="lane-more" to={`/ops/cases?${[LANE_LIST_QUERY[lane.lane], filterQuery].filter(Boolean).join('&')}`}>
                {t('cases.laneMore', { count: more })}
              </Link>
            )}
          </section>
        );
      })}
    </div>
  );
}

function BoardCard({ record, lane, names, now, onDispatch }: { record: CaseRecord; lane: BoardLane; names: ReturnType<typeof useNames>; now: number; onDispatch?: (record: CaseRecord) => void }) {
  const { t } = useTranslation();
  const duration = useDuration();
  const district = useMemo(() => orgChain(names.orgs, record.org).find((unit) => unit.level === 'district')?.code ?? record.org, [names.orgs, record.org]);
  const left = record.deadlineAt ? Date.parse(record.deadlineAt) - now : null;
  const late = record.overdue || (left !== null && left < 0);
  const titleId = `card-${record.id}-title`;
  return (
    <article className={`board-card${late ? ' board-card-late' : ''} priority-edge-${record.priority}`} aria-labelledby={titleId} data-case={record.id}>
      <h3 id={titleId} className="board-card-title">
        <Link to={`/ops/cases/${record.id}`}>{record.title}</Link>
      </h3>
      <p className="board-card-meta">
        <span className="code-tag">#{record.id}</span>
        <span className={`priority priority-${record.priority}`}>{t('cases.priority')}: {t(`cases.priorities.${record.priority}`)}</span>
        {lane === 'overdue' && <StateBadge state={record.state} />}
        {record.escalationLevel > 0 && <span className="badge badge-warning">{t('cases.escalated', { level: record.escalationLevel })}</span>}
      </p>
      <p className="board-card-meta">
        {record.category && <span>{names.category(record.category)}</span>}
        <span>{names.org(district)}</span>
        {record.department && <span>{names.department(record.department)}</span>}
      </p>
      <p className="board-card-time">
        <span>{t('cases.age', { value: duration(now - Date.parse(record.reportedAt)) })}</span>
        {left === null ? <span className="muted">{t('cases.noDeadline')}</span>
          : late ? <strong className="badge badge-critical countdown">{t('cases.overdueBy', { value: duration(left) })}</strong>
          : <span className="countdown">{t('cases.dueIn', { value: duration(left) })}</span>}
      </p>
      {onDispatch && (record.state === 'filed' || record.state === 'returned') && (
        <button type="button" className="primary board-card-action" onClick={() => onDispatch(record)} aria-describedby={titleId}>
          {t('cases.actions.dispatch')}
        </button>
      )}
    </article>
  );
}
