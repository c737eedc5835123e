// The dispatch dialog: the rules' decision and the classifier's top 3 departments with their confidence
// (GET /api/v1/cases/:id/suggestions), one click to take a suggestion, or any department by hand.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { localName } from '../../app/i18n';
import { useFormatTime } from '../ops/common';
import { casesQueries } from './queries';
import { errorText, useNames } from './common';
import type { CaseRecord } from './types';

interface Props {
  record: CaseRecord;
  busy: boolean;
  onDispatch(department: string): void;
  onClose(): void;
}

export function DispatchDialog({ record, busy, onDispatch, onClose }: Props) {
  const { t, i18n } = useTranslation();
  const formatTime = useFormatTime();
  const names = useNames();
  const dialog = useRef<HTMLDialogElement>(null);
  const suggestions = useQuery(casesQueries.suggestions(record.id, record.version));
  const [department, setDepartment] = useState('');
  // A modal <dialog> keeps focus inside and closes on Escape; focus goes back to the opener afterwards
  // (also when the dialog goes away after a dispatch, which the browser would not do by itself). The
  // cleanup must not close() the dialog: that fires `close`, which unmounts it, and React's development
  // mode runs every effect's cleanup once right after mounting.
  useEffect(() => {
    const element = dialog.current;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (element && !element.open) element.showModal();
    return () => {
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  useEffect(() => {
    const data = suggestions.data;
    if (data && !department) setDepartment(data.rule?.department ?? data.classifier[0]?.department ?? '');
  }, [suggestions.data]); // eslint-disable-line react-hooks/exhaustive-deps

  const name = (item: { department: string; nameZh: string | null; nameEn: string | null }) =>
    (i18n.language === 'en' ? item.nameEn : item.nameZh) ?? item.department;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (department) onDispatch(department);
  };
  const data = suggestions.data;
  return (
    <dialog ref={dialog} className="dispatch-dialog" aria-labelledby="dispatch-title" onClose={onClose}>
      <form onSubmit={submit}>
        <h2 id="dispatch-title">{t('cases.dispatchTitle', { id: record.id })}</h2>
        <p className="dispatch-case">{record.title}</p>
        {suggestions.error && <p className="error" role="alert">{errorText(suggestions.error)}</p>}
        {suggestions.isPending && <p aria-busy="true">{t('common.loading')}</p>}
        {data && (
          <>
            <section aria-labelledby="dispatch-rule">
              <h3 id="dispatch-rule">{t('cases.ruleDecision')}</h3>
              {data.rule ? (
                <p className="suggestion" data-testid="rule-decision">
                  <strong>{name(data.rule)}</strong>
                  <span className="muted"> · {t('cases.handlerOrg')}: {names.org(data.rule.handlerOrg)}{data.rule.queue ? ` · ${t('cases.queue')}: ${data.rule.queue}` : ''}
                    {' · '}{data.rule.ruleId === null ? t('cases.ruleDefault') : t('cases.ruleId', { id: data.rule.ruleId })}</span>
                  <button type="button" onClick={() => setDepartment(data.rule!.department)} aria-pressed={department === data.rule.department}>
                    {t('cases.useSuggestion', { name: name(data.rule) })}
                  </button>
                </p>
              ) : <p className="muted">{t('cases.ruleNone')}</p>}
            </section>
            <section aria-labelledby="dispatch-classifier">
              <h3 id="dispatch-classifier">{t('cases.classifierTitle')}</h3>
              {data.classifier.length === 0 ? <p className="muted">{t('cases.classifierNone')}</p> : (
                <ol className="suggestions" data-testid="classifier-suggestions">
                  {data.classifier.map((item) => (
                    <li key={item.department} className="suggestion">
                      <strong>{name(item)}</strong>
                      <meter min={0} max={1} value={item.confidence} aria-hidden="true" />
                      <span>{t('cases.confidence', { value: `${(item.confidence * 100).toFixed(1)}%` })}</span>
                      <button type="button" onClick={() => setDepartment(item.department)} aria-pressed={department === item.department}>
                        {t('cases.useSuggestion', { name: name(item) })}
                      </button>
                    </li>
                  ))}
                </ol>
              )}
              {data.model && <p className="muted small">{t('cases.modelInfo', { time: formatTime(data.model.trainedAt), samples: data.model.samples })}</p>}
            </section>
          </>
        )}
        <div className="dispatch-choice">
          <label htmlFor="dispatch-department">{t('cases.chosenDepartment')}</label>
          <select id="dispatch-department" value={department} onChange={(event) => setDepartment(event.target.value)} required>
            <option value="">—</option>
            {names.departments.map((item) => <option key={item.code} value={item.code}>{localName(item, i18n.language)}</option>)}
          </select>
        </div>
        <div className="dialog-buttons">
          <button type="submit" className="primary" disabled={!department || busy}>{t('cases.actions.dispatch')}</button>
          <button type="button" onClick={() => dialog.current?.close()}>{t('cases.cancel')}</button>
        </div>
      </form>
    </dialog>
  );
}
