import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { discardJob, isGivenUp, JOB_STATES, listJobs, retryJob, type Job, type JobState } from '../api/jobs';
import { useErrorReporter } from '../api/useErrorReporter';
import { useAuth } from '../auth/AuthProvider';
import { useMe } from '../auth/MeProvider';
import { useI18n } from '../i18n/I18nProvider';
import type { MessageKey } from '../i18n/messages';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { formatTime } from '../ui/formatTime';
import { Spinner } from '../ui/Spinner';
import { useToasts } from '../ui/Toasts';

const STATE_LABELS: Record<JobState, MessageKey> = {
  waiting: 'jobs.state.waiting',
  retrying: 'jobs.state.retrying',
  dead: 'jobs.state.dead',
  failed: 'jobs.state.failed',
};

/** Jobs waiting, retrying, dead-lettered or failed (GET /api/jobs); retry or discard the given-up ones. */
export function Jobs() {
  const { t, language } = useI18n();
  const { canWrite } = useMe();
  const { token } = useAuth();
  const toasts = useToasts();
  const report = useErrorReporter();
  const [filter, setFilter] = useState<JobState | ''>('');
  const [jobs, setJobs] = useState<Job[] | null>(null);
  const [busyId, setBusyId] = useState<number | null>(null);
  const [toDiscard, setToDiscard] = useState<Job | null>(null);
  const opener = useRef<HTMLButtonElement | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  const load = useCallback(
    async (state: JobState | '') => {
      setJobs(null);
      try {
        const { data } = await listJobs(token, state);
        setJobs(data);
      } catch (error) {
        setJobs([]);
        report(t('jobs.loadFailed'), error);
      }
    },
    [token, report, t],
  );

  useEffect(() => {
    void load('');
    // First load only; the form reloads with the chosen state.
  }, [token]);

  // Back to the control that opened the dialog; to the heading when its row is gone.
  function restoreFocus() {
    const button = opener.current;
    opener.current = null;
    window.setTimeout(() => {
      if (button && button.isConnected) button.focus();
      else heading.current?.focus();
    }, 0);
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    void load(filter);
  }

  async function retry(job: Job) {
    setBusyId(job.id);
    try {
      await retryJob(token, job.id);
      toasts.show('success', t('jobs.retried', { id: String(job.id) }));
      await load(filter);
    } catch (error) {
      report(t('jobs.retryFailed', { id: String(job.id) }), error);
    } finally {
      setBusyId(null);
    }
  }

  async function confirmDiscard() {
    const job = toDiscard;
    setToDiscard(null);
    if (!job) return;
    setBusyId(job.id);
    try {
      await discardJob(token, job.id);
      setJobs((list) => list?.filter((j) => j.id !== job.id) ?? null);
      toasts.show('success', t('jobs.discarded', { id: String(job.id) }));
    } catch (error) {
      report(t('jobs.discardFailed', { id: String(job.id) }), error);
    } finally {
      setBusyId(null);
      restoreFocus();
    }
  }

  return (
    <main id="main">
      <h1 ref={heading} tabIndex={-1}>
        {t('jobs.title')}
      </h1>
      <p className="hint">{t('jobs.intro')}</p>
      <form className="card filters" onSubmit={onSubmit} aria-label={t('jobs.title')}>
        <div>
          <label htmlFor="jobs-state">{t('jobs.state')}</label>
          <select id="jobs-state" value={filter} onChange={(e) => setFilter(e.target.value as JobState | '')}>
            <option value="">{t('jobs.allStates')}</option>
            {JOB_STATES.map((state) => (
              <option key={state} value={state}>
                {t(STATE_LABELS[state])}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">{t('jobs.refresh')}</button>
      </form>

      {jobs === null && <Spinner />}
      {jobs?.length === 0 && <p className="empty">{t('jobs.empty')}</p>}
      {jobs && jobs.length > 0 && (
        <table className="prompt-table">
          <thead>
            <tr>
              <th scope="col">{t('jobs.colId')}</th>
              <th scope="col">{t('jobs.colState')}</th>
              <th scope="col">{t('jobs.colChannel')}</th>
              <th scope="col">{t('jobs.colChat')}</th>
              <th scope="col">{t('jobs.colAttempts')}</th>
              <th scope="col">{t('jobs.colError')}</th>
              <th scope="col">{t('jobs.colTrace')}</th>
              <th scope="col">{t('jobs.colUpdated')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('jobs.colActions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((job) => (
              <tr key={job.id} data-testid={`job-row-${job.id}`}>
                <td data-label={t('jobs.colId')}>{job.id}</td>
                <td data-label={t('jobs.colState')}>
                  <span className={isGivenUp(job) ? 'badge off' : 'badge'} style={{ whiteSpace: 'nowrap' }}>{t(STATE_LABELS[job.state])}</span>
                </td>
                <td data-label={t('jobs.colChannel')}>{job.channel}</td>
                <td data-label={t('jobs.colChat')}>{job.chat_id}</td>
                <td data-label={t('jobs.colAttempts')}>{job.attempts}</td>
                <td data-label={t('jobs.colError')}>{job.last_error ?? t('jobs.noError')}</td>
                <td data-label={t('jobs.colTrace')}>
                  <code>{job.trace_id}</code>
                </td>
                <td data-label={t('jobs.colUpdated')}>
                  <time dateTime={job.updated_at}>{formatTime(job.updated_at, language)}</time>
                </td>
                <td className="actions">
                  {canWrite && isGivenUp(job) && (
                    <>
                      <button
                        type="button"
                        className="primary"
                        disabled={busyId === job.id}
                        aria-label={t('jobs.retryLabel', { id: String(job.id) })}
                        onClick={() => void retry(job)}
                      >
                        {t('jobs.retry')}
                      </button>
                      <button
                        type="button"
                        className="danger"
                        disabled={busyId === job.id}
                        aria-label={t('jobs.discardLabel', { id: String(job.id) })}
                        onClick={(event) => {
                          opener.current = event.currentTarget;
                          setToDiscard(job);
                        }}
                      >
                        {t('jobs.discard')}
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {toDiscard && (
        <ConfirmDialog
          message={t('jobs.confirmDiscard', { id: String(toDiscard.id), chat: toDiscard.chat_id })}
          confirmLabel={t('jobs.discard')}
          danger
          onConfirm={() => void confirmDiscard()}
          onCancel={() => {
            setToDiscard(null);
            restoreFocus();
          }}
        />
      )}
    </main>
  );
}
