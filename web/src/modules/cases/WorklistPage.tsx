// The case worklist (/ops/cases): the cases in the caller's org scope, searched and filtered by state,
// category, priority, deadline, department and district, paged; several can be selected and moved by one
// action, all or nothing (POST /api/v1/cases/bulk), with the input the action needs. Filters live in the
// URL so a list can be shared. Department staff see their own department's cases unless they ask for all
// (`department=all`); the list follows case changes live.
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useQueryParams } from '../../app/query-params';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../app/api';
import { localName } from '../../app/i18n';
import { useSession } from '../../app/session';
import { Loading, useFormatTime } from '../ops/common';
import { casesQueries } from './queries';
import { useCasesLive } from './live';
import { ACTION_FROM, CategoryOptions, DeadlineCell, errorText, LiveStatus, OPEN_STATES, StateBadge, useNames } from './common';
import { ACTION_PERMISSION, CASE_STATES, NEEDS_REASON, PRIORITIES, type CaseAction, type CaseRecord } from './types';
import './cases.css';

const PAGE = 25;
const BULK_ACTIONS: CaseAction[] = ['file', 'decline', 'dispatch', 'accept', 'return', 'handle', 'verify', 'reopen', 'close', 'evaluate'];
/** The department filter's value for "every department", chosen by department staff over their own. */
const ALL_DEPARTMENTS = 'all';

export function WorklistPage() {
  const { t, i18n } = useTranslation();
  const [params, changeParams] = useQueryParams();
  const names = useNames();
  const formatTime = useFormatTime();
  const session = useSession();
  const live = useCasesLive();
  const myDepartment = session.me?.departmentCode ?? null;
  const q = params.get('q') ?? '';
  const state = params.get('state') ?? 'open';
  const category = params.get('category') ?? '';
  const priority = params.get('priority') ?? '';
  const overdue = params.get('overdue') ?? '';
  const departmentParam = params.get('department');
  const department = departmentParam === null ? myDepartment ?? '' : departmentParam === ALL_DEPARTMENTS ? '' : departmentParam;
  const onlyMine = !!myDepartment && department === myDepartment;
  const org = params.get('org') ?? '';
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  const [search, setSearch] = useState(q);
  useEffect(() => setSearch(q), [q]);

  const list = useQuery({ ...casesQueries.list({
    q: q || undefined, state: state === 'open' ? OPEN_STATES.join(',') : state || undefined, category: category || undefined,
    priority: priority || undefined, overdue: overdue === '' ? undefined : overdue === 'true', department: department || undefined,
    org: org || undefined, order: 'reported_desc', limit: PAGE, offset: (page - 1) * PAGE,
  }), enabled: session.me !== undefined }); // the default filter depends on who is signed in
  const items = useMemo(() => list.data?.items ?? [], [list.data]);
  const total = list.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE));
  const districts = names.orgs.filter((unit) => unit.level === 'district');

  const set = (key: string, value: string) => changeParams({ [key]: value, page: null });
  const goPage = (value: number) => changeParams({ page: String(value) }, {});
  const submitSearch = (event: FormEvent) => {
    event.preventDefault();
    set('q', search.trim());
  };

  return (
    <>
      <h1>
        {t('cases.title')}{' '}
        <Link className="heading-link" to="/ops/cases/board">{t('cases.board')}</Link>{' '}
        <Link className="heading-link" to="/ops/cases/stats">{t('cases.stats')}</Link>
      </h1>
      {myDepartment && (
        <p className="filters" data-testid="my-department">
          {onlyMine ? (
            <span className="my-department">
              {t('cases.myDepartmentFilter', { name: names.department(myDepartment) })}
              <button type="button" aria-label={t('cases.removeMyDepartment')} title={t('cases.removeMyDepartment')} onClick={() => set('department', ALL_DEPARTMENTS)}>×</button>
            </span>
          ) : (
            <button type="button" onClick={() => set('department', '')}>{t('cases.showMyDepartment')}</button>
          )}
        </p>
      )}
      <form className="filters" role="search" aria-label={t('cases.search')} onSubmit={submitSearch}>
        <label htmlFor="case-q">{t('cases.search')}</label>
        <input id="case-q" type="search" value={search} placeholder={t('cases.searchPlaceholder')} maxLength={200} onChange={(event) => setSearch(event.target.value)} />
        <button type="submit">{t('cases.search')}</button>
      </form>
      <form className="filters" aria-label={t('ops.filters')} onSubmit={(event) => event.preventDefault()}>
        <label htmlFor="case-state">{t('cases.state')}</label>
        <select id="case-state" value={state} onChange={(event) => set('state', event.target.value === 'open' ? '' : event.target.value || 'all')}>
          <option value="open">{t('cases.openStates')}</option>
          <option value="all">{t('common.all')}</option>
          {CASE_STATES.map((value) => <option key={value} value={value}>{t(`cases.states.${value}`)}</option>)}
        </select>
        <label htmlFor="case-category">{t('cases.category')}</label>
        <select id="case-category" value={category} onChange={(event) => set('category', event.target.value)}>
          <option value="">{t('common.all')}</option>
          <CategoryOptions />
        </select>
        <label htmlFor="case-priority">{t('cases.priority')}</label>
        <select id="case-priority" value={priority} onChange={(event) => set('priority', event.target.value)}>
          <option value="">{t('common.all')}</option>
          {PRIORITIES.map((value) => <option key={value} value={value}>{t(`cases.priorities.${value}`)}</option>)}
        </select>
        <label htmlFor="case-overdue">{t('cases.overdue')}</label>
        <select id="case-overdue" value={overdue} onChange={(event) => set('overdue', event.target.value)}>
          <option value="">{t('common.all')}</option>
          <option value="true">{t('cases.overdueOnly')}</option>
          <option value="false">{t('cases.notOverdue')}</option>
        </select>
        <label htmlFor="case-department">{t('cases.department')}</label>
        <select id="case-department" value={department} onChange={(event) => set('department', event.target.value || (myDepartment ? ALL_DEPARTMENTS : ''))}>
          <option value="">{t('common.all')}</option>
          {names.departments.map((item) => <option key={item.code} value={item.code}>{localName(item, i18n.language)}</option>)}
        </select>
        <label htmlFor="case-org">{t('cases.district')}</label>
        <select id="case-org" value={org} onChange={(event) => set('org', event.target.value)}>
          <option value="">{t('common.all')}</option>
          {districts.map((unit) => <option key={unit.code} value={unit.code}>{localName(unit, i18n.language)}</option>)}
        </select>
        <span className="filters-total" role="status">{t('common.total', { count: total })}</span>
        <LiveStatus state={live} />
      </form>
      <Loading query={list}>
        <CaseTable key={`${params.toString()}`} items={items} names={names} formatTime={formatTime} />
        <nav className="pager" aria-label={t('common.page', { page, pages })}>
          <button type="button" disabled={page <= 1} onClick={() => goPage(page - 1)}>{t('common.previous')}</button>
          <span>{t('common.page', { page, pages })}</span>
          <button type="button" disabled={page >= pages} onClick={() => goPage(page + 1)}>{t('common.next')}</button>
        </nav>
      </Loading>
    </>
  );
}

function CaseTable({ items, names, formatTime }: { items: CaseRecord[]; names: ReturnType<typeof useNames>; formatTime: ReturnType<typeof useFormatTime> }) {
  const { t } = useTranslation();
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const chosen = items.filter((item) => selected.has(item.id));
  const toggle = (id: number) => setSelected((current) => {
    const next = new Set(current);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return next;
  });
  const all = items.length > 0 && chosen.length === items.length;
  if (items.length === 0) return <p>{t('cases.none')}</p>;
  return (
    <>
      <BulkBar chosen={chosen} names={names} onDone={() => setSelected(new Set())} />
      <table className="data-table case-table" data-testid="cases">
        <caption className="sr-only">{t('cases.worklist')}</caption>
        <thead>
          <tr>
            <th scope="col" className="check-column">
              <input type="checkbox" aria-label={t('cases.selectAll')} checked={all}
                onChange={() => setSelected(all ? new Set() : new Set(items.map((item) => item.id)))} />
            </th>
            <th scope="col">{t('cases.id')}</th><th scope="col">{t('cases.caseTitle')}</th><th scope="col">{t('cases.state')}</th>
            <th scope="col">{t('cases.priority')}</th><th scope="col">{t('cases.category')}</th><th scope="col">{t('cases.department')}</th>
            <th scope="col">{t('cases.org')}</th><th scope="col">{t('cases.reportedAt')}</th><th scope="col">{t('cases.deadline')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.id} data-case={item.id} className={item.overdue ? 'row-critical' : undefined}>
              <td className="check-column"><input type="checkbox" aria-label={t('cases.selectCase', { id: item.id })} checked={selected.has(item.id)} onChange={() => toggle(item.id)} /></td>
              <td className="num">{item.id}</td>
              <th scope="row">
                <Link to={`/ops/cases/${item.id}`}>{item.title}</Link>
                {item.address && <span className="secondary-name">{item.address}</span>}
              </th>
              <td><StateBadge state={item.state} /></td>
              <td><span className={`priority priority-${item.priority}`}>{t(`cases.priorities.${item.priority}`)}</span></td>
              <td>{names.category(item.category)}</td>
              <td>{item.department ? names.department(item.department) : <span className="muted">{t('cases.noDepartment')}</span>}</td>
              <td>{names.org(item.org)}</td>
              <td>{formatTime(item.reportedAt)}</td>
              <td><DeadlineCell record={item} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** One action for the selected cases; the server applies it to all of them or to none. */
function BulkBar({ chosen, names, onDone }: { chosen: CaseRecord[]; names: ReturnType<typeof useNames>; onDone(): void }) {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const client = useQueryClient();
  const actions = BULK_ACTIONS.filter((action) => session.can(ACTION_PERMISSION[action]));
  const [action, setAction] = useState<CaseAction | ''>('');
  const [department, setDepartment] = useState('');
  const [category, setCategory] = useState('');
  const [reason, setReason] = useState('');
  const [report, setReport] = useState('');
  const [satisfaction, setSatisfaction] = useState(5);
  const [message, setMessage] = useState('');
  const bulk = useMutation({
    mutationFn: () => api<{ items: CaseRecord[] }>('/api/v1/cases/bulk', {
      method: 'POST',
      body: {
        action, items: chosen.map((item) => ({ id: item.id, version: item.version })),
        ...(action === 'dispatch' ? { department } : {}), ...(action === 'file' ? { category } : {}),
        ...(NEEDS_REASON.includes(action as CaseAction) ? { reason } : {}),
        ...(action === 'handle' ? { report } : {}), ...(action === 'evaluate' ? { satisfaction } : {}),
      },
    }),
    onSuccess: (answer) => {
      setMessage(t('cases.bulkDone', { count: answer.items.length, action: t(`cases.actions.${action}`) }));
      setReason('');
      setReport('');
      onDone();
    },
    onSettled: () => client.invalidateQueries({ queryKey: ['cases'] }),
  });
  if (actions.length === 0) return null;
  // Offer only actions every chosen case can take: the server would refuse the rest (all or nothing).
  const usable = (value: CaseAction) => chosen.length > 0 && chosen.every((item) => ACTION_FROM[value].includes(item.state));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setMessage('');
    bulk.mutate();
  };
  return (
    <form className="bulk-bar" aria-label={t('cases.bulkAction')} onSubmit={submit}>
      <span role="status">{t('cases.selected', { count: chosen.length })}</span>
      <label htmlFor="bulk-action">{t('cases.bulkAction')}</label>
      <select id="bulk-action" value={action} onChange={(event) => setAction(event.target.value as CaseAction)} disabled={chosen.length === 0}>
        <option value="">—</option>
        {actions.map((value) => <option key={value} value={value} disabled={!usable(value)}>{t(`cases.actions.${value}`)}</option>)}
      </select>
      {action === 'dispatch' && (
        <>
          <label htmlFor="bulk-department">{t('cases.chosenDepartment')}</label>
          <select id="bulk-department" value={department} onChange={(event) => setDepartment(event.target.value)} required>
            <option value="">—</option>
            {names.departments.map((item) => <option key={item.code} value={item.code}>{localName(item, i18n.language)}</option>)}
          </select>
        </>
      )}
      {action === 'file' && (
        <>
          <label htmlFor="bulk-category">{t('cases.category')}</label>
          <select id="bulk-category" value={category} onChange={(event) => setCategory(event.target.value)} required>
            <option value="">—</option>
            {names.categories.filter((item) => item.level === 3).map((item) => <option key={item.code} value={item.code}>{localName(item, i18n.language)}</option>)}
          </select>
        </>
      )}
      {NEEDS_REASON.includes(action as CaseAction) && (
        <>
          <label htmlFor="bulk-reason">{t('cases.reason')}</label>
          <input id="bulk-reason" value={reason} maxLength={2000} required onChange={(event) => setReason(event.target.value)} />
        </>
      )}
      {action === 'handle' && (
        <>
          <label htmlFor="bulk-report">{t('cases.report')}</label>
          <textarea id="bulk-report" value={report} maxLength={10000} required rows={2} aria-describedby="bulk-report-hint" onChange={(event) => setReport(event.target.value)} />
          <span id="bulk-report-hint" className="muted bulk-hint">{t('cases.bulkReportHint')}</span>
        </>
      )}
      {action === 'evaluate' && (
        <>
          <label htmlFor="bulk-satisfaction">{t('cases.satisfactionScore')}</label>
          <select id="bulk-satisfaction" value={satisfaction} onChange={(event) => setSatisfaction(Number(event.target.value))}>
            {[5, 4, 3, 2, 1].map((value) => <option key={value} value={value}>{value}</option>)}
          </select>
        </>
      )}
      <button type="submit" className="primary" disabled={!action || chosen.length === 0 || bulk.isPending}>{t('cases.bulkApply')}</button>
      <span className="muted bulk-hint">{t('cases.bulkHint')}</span>
      {bulk.error && (
        <p className="error" role="alert">
          {bulk.error instanceof ApiError && bulk.error.code === 'cases.version_conflict' ? `${t('cases.bulkConflict')} ` : ''}{errorText(bulk.error)}
        </p>
      )}
      {message && <p role="status" className="ok">{message}</p>}
    </form>
  );
}
