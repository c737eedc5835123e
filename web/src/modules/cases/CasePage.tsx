// One case (/ops/cases/:id): its details, the timeline of everything that happened to it, where it is on
// the district map, and the actions possible now. Every action carries the version shown: if someone
// changed the case meanwhile the server answers 409, the page says so plainly and reloads the case. The
// page follows changes of the case live, so a conflict needs two people acting within the same moment.
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../app/api';
import { localName } from '../../app/i18n';
import { useSession } from '../../app/session';
import { Loading, useFormatTime } from '../ops/common';
import { casesQueries } from './queries';
import { DeadlineCell, errorText, LiveStatus, StateBadge, useNames } from './common';
import { useCasesLive } from './live';
import { CaseMap } from './CaseMap';
import { DispatchDialog } from './DispatchDialog';
import { ACTION_PERMISSION, NEEDS_REASON, PRIORITIES, type CaseAction, type CaseRecord, type CaseTimeline } from './types';
import './cases.css';

export function CasePage() {
  const { t } = useTranslation();
  const id = Number(useParams().id);
  const one = useQuery({ ...casesQueries.one(id), enabled: Number.isInteger(id) && id > 0 });
  // What others do to this case (a department accepting it, a dispatcher closing it) shows up at once.
  const live = useCasesLive();
  return (
    <>
      <div className="case-page-top">
        <nav className="breadcrumb" aria-label={t('ops.breadcrumb')}>
          <ol><li><Link to="/ops/cases">{t('cases.title')}</Link></li><li aria-current="page">#{id}</li></ol>
        </nav>
        <LiveStatus state={live} />
      </div>
      <Loading query={one}>{one.data && <CaseView record={one.data} />}</Loading>
    </>
  );
}

function CaseView({ record }: { record: CaseTimeline }) {
  const { t } = useTranslation();
  const names = useNames();
  const formatTime = useFormatTime();
  return (
    <>
      <h1>
        <span>{record.title}</span>
        <StateBadge state={record.state} />
        <span className="code-tag">#{record.id} · {t('cases.version')} {record.version}</span>
      </h1>
      <ActionPanel record={record} />
      <div className="two-columns">
        <section className="card" aria-labelledby="case-details">
          <h2 id="case-details">{t('cases.details')}</h2>
          <dl className="definition">
            {record.description && <><dt>{t('cases.description')}</dt><dd className="pre-wrap">{record.description}</dd></>}
            <dt>{t('cases.category')}</dt><dd>{names.category(record.category)}</dd>
            <dt>{t('cases.priority')}</dt><dd>{t(`cases.priorities.${record.priority}`)}</dd>
            <dt>{t('cases.source')}</dt><dd>{t(`cases.sources.${record.source}`, { defaultValue: record.source })}</dd>
            <dt>{t('cases.org')}</dt><dd>{names.org(record.org)}</dd>
            {record.address && <><dt>{t('cases.address')}</dt><dd>{record.address}</dd></>}
            <dt>{t('cases.department')}</dt><dd data-testid="case-department">{record.department ? names.department(record.department) : t('cases.noDepartment')}</dd>
            {record.handlerOrg && <><dt>{t('cases.handlerOrg')}</dt><dd>{names.org(record.handlerOrg)}</dd></>}
            {record.queue && <><dt>{t('cases.queue')}</dt><dd>{record.queue}</dd></>}
            <dt>{t('cases.reportedAt')}</dt><dd>{formatTime(record.reportedAt)}</dd>
            {record.filedAt && <><dt>{t('cases.filedAt')}</dt><dd>{formatTime(record.filedAt)}</dd></>}
            {record.dispatchedAt && <><dt>{t('cases.dispatchedAt')}</dt><dd>{formatTime(record.dispatchedAt)}</dd></>}
            <dt>{t('cases.deadline')}</dt><dd><DeadlineCell record={record} /></dd>
            {record.escalationLevel > 0 && <><dt>{t('cases.overdue')}</dt><dd>{t('cases.escalated', { level: record.escalationLevel })}</dd></>}
            {record.handledAt && <><dt>{t('cases.handledAt')}</dt><dd>{formatTime(record.handledAt)}</dd></>}
            {record.closedAt && <><dt>{t('cases.closedAt')}</dt><dd>{formatTime(record.closedAt)}</dd></>}
            {record.satisfaction !== null && <><dt>{t('cases.satisfaction')}</dt><dd>{record.satisfaction} / 5</dd></>}
            {record.mediaUrls.length > 0 && <><dt>{t('cases.media')}</dt><dd>{record.mediaUrls.map((url) => <a key={url} href={url} rel="noreferrer" target="_blank">{url}</a>)}</dd></>}
          </dl>
        </section>
        <section className="card" aria-labelledby="case-location">
          <h2 id="case-location">{t('cases.location')}</h2>
          <CaseMap record={record} />
        </section>
      </div>
      <section className="card" aria-labelledby="case-timeline">
        <h2 id="case-timeline">{t('cases.timeline')}</h2>
        <ol className="timeline" data-testid="timeline">
          {record.history.map((event) => (
            <li key={event.id}>
              <time dateTime={event.at}>{formatTime(event.at)}</time>
              <strong>{t(`cases.actions.${event.action}`, { defaultValue: event.action })}</strong>
              <span className="muted">
                {event.actor}
                {event.fromState && event.toState && event.fromState !== event.toState
                  ? ` · ${t('cases.from', { from: t(`cases.states.${event.fromState}`), to: t(`cases.states.${event.toState}`) })}` : ''}
              </span>
              {event.reason && <span className="timeline-reason">{t('cases.reason')}: {event.reason}</span>}
              <EventData data={event.data} names={names} />
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}

function EventData({ data, names }: { data: Record<string, unknown> | null; names: ReturnType<typeof useNames> }) {
  const { t } = useTranslation();
  if (!data) return null;
  const parts: string[] = [];
  if (typeof data.department === 'string') parts.push(`${t('cases.department')}: ${names.department(data.department)}`);
  if (typeof data.handlerOrg === 'string') parts.push(`${t('cases.handlerOrg')}: ${names.org(data.handlerOrg)}`);
  if (typeof data.category === 'string') parts.push(`${t('cases.category')}: ${names.category(data.category)}`);
  if (typeof data.report === 'string') parts.push(`${t('cases.report')}: ${data.report}`);
  if (typeof data.satisfaction === 'number') parts.push(`${t('cases.satisfaction')}: ${data.satisfaction} / 5`);
  return parts.length ? <span className="timeline-data">{parts.join(' · ')}</span> : null;
}

/** What the last action came to, kept as a message key so that it follows a change of language. */
type Feedback = { kind: 'conflict' | 'error' | 'done'; key: string; params: Record<string, string | number> } | null;

/** The actions the case allows now and the caller may take, each with the few fields it needs. */
function ActionPanel({ record }: { record: CaseTimeline }) {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const client = useQueryClient();
  const names = useNames();
  const [open, setOpen] = useState<CaseAction | null>(null);
  const [feedback, setFeedback] = useState<Feedback>(null);
  const [reason, setReason] = useState('');
  const [category, setCategory] = useState(record.category ?? '');
  const [priority, setPriority] = useState(record.priority);
  const [report, setReport] = useState('');
  const [photos, setPhotos] = useState('');
  const [satisfaction, setSatisfaction] = useState(5);
  const actions = record.allowedActions.filter((action) => session.can(ACTION_PERMISSION[action]));

  const move = useMutation({
    mutationFn: (body: Record<string, unknown> & { action: CaseAction }) =>
      api<CaseRecord>(`/api/v1/cases/${record.id}/transitions`, { method: 'POST', body: { ...body, version: record.version } }),
    onSuccess: (updated, body) => {
      setOpen(null);
      setReason('');
      setReport('');
      setFeedback({ kind: 'done', key: 'cases.done', params: { action: body.action, state: updated.state } });
    },
    onError: async (error) => {
      if (error instanceof ApiError && error.status === 409) {
        setOpen(null);
        // Reload first, so the message names the version and state the officer now sees.
        const fresh = await client.fetchQuery({ ...casesQueries.one(record.id), staleTime: 0 });
        setFeedback(error.code === 'cases.version_conflict'
          ? { kind: 'conflict', key: 'cases.conflict', params: { version: fresh.version, state: fresh.state } }
          : { kind: 'conflict', key: 'cases.invalid', params: { message: error.message } });
      } else setFeedback({ kind: 'error', key: 'common.error', params: { message: errorText(error) } });
    },
    onSettled: () => client.invalidateQueries({ queryKey: ['cases'] }),
  });

  const start = (action: CaseAction) => {
    setFeedback(null);
    if (['accept', 'verify', 'close'].includes(action)) move.mutate({ action });
    else setOpen(action);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!open) return;
    const body: Record<string, unknown> & { action: CaseAction } = { action: open };
    if (NEEDS_REASON.includes(open)) body.reason = reason;
    if (open === 'file') Object.assign(body, { category, priority });
    if (open === 'handle') Object.assign(body, { report, photos: photos.split('\n').map((line) => line.trim()).filter(Boolean) });
    if (open === 'evaluate') body.satisfaction = satisfaction;
    move.mutate(body);
  };

  return (
    <section className="case-actions" aria-labelledby="case-actions-title">
      <h2 id="case-actions-title" className="sr-only">{t('cases.actionsNow')}</h2>
      <div className="case-action-buttons">
        {actions.length === 0 && <span className="muted">{t('cases.noActions')}</span>}
        {actions.map((action) => (
          <button key={action} type="button" className={action === 'dispatch' || action === 'file' ? 'primary' : undefined}
            onClick={() => start(action)} disabled={move.isPending} aria-expanded={action === 'accept' || action === 'verify' || action === 'close' ? undefined : open === action}>
            {t(`cases.actions.${action}`)}
          </button>
        ))}
      </div>
      {feedback && (
        <p className={`case-feedback case-feedback-${feedback.kind}`} role={feedback.kind === 'done' ? 'status' : 'alert'} data-testid="case-feedback">
          {t(feedback.key, {
            ...feedback.params,
            ...(feedback.params.action ? { action: t(`cases.actions.${feedback.params.action}`) } : {}),
            ...(feedback.params.state ? { state: t(`cases.states.${feedback.params.state}`) } : {}),
          })}
        </p>
      )}
      {open === 'dispatch' && (
        <DispatchDialog record={record} busy={move.isPending} onClose={() => setOpen(null)} onDispatch={(department) => move.mutate({ action: 'dispatch', department })} />
      )}
      {open && open !== 'dispatch' && (
        <form className="card action-form" onSubmit={submit} aria-label={t(`cases.actions.${open}`)}>
          {open === 'file' && (
            <>
              <label htmlFor="file-category">{t('cases.category')}</label>
              <select id="file-category" value={category} onChange={(event) => setCategory(event.target.value)} required autoFocus>
                <option value="">—</option>
                {names.categories.filter((item) => item.level === 3).map((item) => <option key={item.code} value={item.code}>{localName(item, i18n.language)}</option>)}
              </select>
              <label htmlFor="file-priority">{t('cases.priority')}</label>
              <select id="file-priority" value={priority} onChange={(event) => setPriority(event.target.value as typeof priority)}>
                {PRIORITIES.map((value) => <option key={value} value={value}>{t(`cases.priorities.${value}`)}</option>)}
              </select>
            </>
          )}
          {NEEDS_REASON.includes(open) && (
            <>
              <label htmlFor="action-reason">{t('cases.reason')}</label>
              <textarea id="action-reason" value={reason} onChange={(event) => setReason(event.target.value)} required maxLength={2000} autoFocus />
            </>
          )}
          {open === 'handle' && (
            <>
              <label htmlFor="action-report">{t('cases.report')}</label>
              <textarea id="action-report" value={report} onChange={(event) => setReport(event.target.value)} required maxLength={10000} autoFocus />
              <label htmlFor="action-photos">{t('cases.photos')}</label>
              <textarea id="action-photos" value={photos} onChange={(event) => setPhotos(event.target.value)} rows={2} />
            </>
          )}
          {open === 'evaluate' && (
            <>
              <label htmlFor="action-satisfaction">{t('cases.satisfactionScore')}</label>
              <select id="action-satisfaction" value={satisfaction} onChange={(event) => setSatisfaction(Number(event.target.value))} autoFocus>
                {[5, 4, 3, 2, 1].map((value) => <option key={value} value={value}>{value}</option>)}
              </select>
            </>
          )}
          <div className="dialog-buttons">
            <button type="submit" className="primary" disabled={move.isPending}>{t('cases.confirm')}: {t(`cases.actions.${open}`)}</button>
            <button type="button" onClick={() => setOpen(null)}>{t('cases.cancel')}</button>
          </div>
        </form>
      )}
    </section>
  );
}
