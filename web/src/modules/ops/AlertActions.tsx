// Acknowledge and silence, for roles that may handle alerts. Silencing asks for how long (and a note).
import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import { useSession } from '../../app/session';
import type { Alert } from '../vitals/types';

const DURATIONS = [15, 60, 240, 1440];

export function AlertActions({ alert }: { alert: Alert }) {
  const { t } = useTranslation();
  const session = useSession();
  const client = useQueryClient();
  const [silencing, setSilencing] = useState(false);
  const [minutes, setMinutes] = useState(60);
  const [note, setNote] = useState('');
  const done = () => client.invalidateQueries({ queryKey: ['alerts'] });
  const acknowledge = useMutation({ mutationFn: () => api(`/api/v1/vitals/alerts/${alert.id}/acknowledge`, { method: 'POST', body: {} }), onSuccess: done });
  const silence = useMutation({
    mutationFn: () => api(`/api/v1/vitals/alerts/${alert.id}/silence`, { method: 'POST', body: note ? { minutes, note } : { minutes } }),
    onSuccess: () => { setSilencing(false); setNote(''); return done(); },
  });
  if (!session.can('alerts:handle')) return <span className="muted">{t('ops.noPermission')}</span>;
  const failure = acknowledge.error ?? silence.error;
  const name = alert.indicatorNameZh;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    silence.mutate();
  };
  return (
    <div className="alert-actions">
      {!alert.acknowledgedAt && (
        <button type="button" onClick={() => acknowledge.mutate()} disabled={acknowledge.isPending} aria-label={`${t('ops.acknowledge')} ${name}`}>{t('ops.acknowledge')}</button>
      )}
      {alert.state === 'firing' && !silencing && (
        <button type="button" onClick={() => setSilencing(true)} aria-label={`${t('ops.silence')} ${name}`}>{t('ops.silence')}</button>
      )}
      {silencing && (
        <form className="silence-form" onSubmit={submit}>
          <label htmlFor={`silence-${alert.id}`}>{t('ops.silenceFor')}</label>
          <select id={`silence-${alert.id}`} value={minutes} onChange={(event) => setMinutes(Number(event.target.value))} autoFocus>
            {DURATIONS.map((value) => <option key={value} value={value}>{value < 60 ? t('common.minutes', { count: value }) : t('common.hours', { count: value / 60 })}</option>)}
          </select>
          <label htmlFor={`silence-note-${alert.id}`}>{t('ops.note')}</label>
          <input id={`silence-note-${alert.id}`} value={note} maxLength={1000} onChange={(event) => setNote(event.target.value)} />
          <button type="submit" className="primary" disabled={silence.isPending}>{t('ops.confirmSilence')}</button>
          <button type="button" onClick={() => setSilencing(false)}>{t('common.cancel')}</button>
        </form>
      )}
      {failure && <span className="error" role="alert">{t('common.error', { message: (failure as Error).message })}</span>}
    </div>
  );
}
