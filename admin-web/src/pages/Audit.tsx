import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { changedFields, listAudit, type AuditEntry } from '../api/audit';
import { useErrorReporter } from '../api/useErrorReporter';
import { useAuth } from '../auth/AuthProvider';
import { useI18n } from '../i18n/I18nProvider';
import { formatTime } from '../ui/formatTime';
import { Spinner } from '../ui/Spinner';

const PAGE = 50;

/** The audit trail of admin writes (GET /api/audit), newest first, with before/after of each change. */
export function Audit() {
  const { t, language } = useI18n();
  const { token } = useAuth();
  const report = useErrorReporter();
  const [actor, setActor] = useState('');
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [nextBefore, setNextBefore] = useState<number | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    document.title = `${t('audit.title')} · ${t('app.title')}`;
  }, [t]);

  const load = useCallback(
    async (who: string) => {
      setEntries(null);
      try {
        const { data } = await listAudit(token, { limit: PAGE, actor: who.trim() });
        setEntries(data.entries);
        setNextBefore(data.next_before);
      } catch (error) {
        setEntries([]);
        setNextBefore(null);
        report(t('audit.loadFailed'), error);
      }
    },
    [token, report, t],
  );

  useEffect(() => {
    void load('');
    // First load only; the form reloads with the chosen admin.
  }, [token]);

  async function loadMore() {
    if (nextBefore === null) return;
    setLoadingMore(true);
    try {
      const { data } = await listAudit(token, { limit: PAGE, before: nextBefore, actor: actor.trim() });
      setEntries((list) => [...(list ?? []), ...data.entries]);
      setNextBefore(data.next_before);
    } catch (error) {
      report(t('audit.loadFailed'), error);
    } finally {
      setLoadingMore(false);
    }
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    void load(actor);
  }

  return (
    <main id="main">
      <h1 ref={heading} tabIndex={-1}>
        {t('audit.title')}
      </h1>
      <p className="hint">{t('audit.intro')}</p>
      <form className="card filters" onSubmit={onSubmit} aria-label={t('audit.filter')}>
        <div>
          <label htmlFor="audit-actor">{t('audit.actor')}</label>
          <input id="audit-actor" value={actor} autoComplete="off" spellCheck={false} onChange={(e) => setActor(e.target.value)} />
        </div>
        <button type="submit">{t('audit.apply')}</button>
      </form>

      {entries === null && <Spinner />}
      {entries?.length === 0 && <p className="empty">{t('audit.empty')}</p>}
      {entries && entries.length > 0 && (
        <table className="prompt-table audit-table">
          <caption className="visually-hidden">{t('audit.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('audit.colWhen')}</th>
              <th scope="col">{t('audit.colWho')}</th>
              <th scope="col">{t('audit.colWhat')}</th>
              <th scope="col">{t('audit.colTarget')}</th>
              <th scope="col">{t('audit.colTrace')}</th>
              <th scope="col">{t('audit.colChanges')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.id} data-testid={`audit-row-${entry.id}`}>
                <td data-label={t('audit.colWhen')}>
                  <time dateTime={entry.at}>{formatTime(entry.at, language)}</time>
                </td>
                <td data-label={t('audit.colWho')}>
                  {entry.actor} <span className="badge">{t(entry.actor_role === 'editor' ? 'role.editor' : 'role.viewer')}</span>
                </td>
                <td data-label={t('audit.colWhat')}>
                  <strong>{entry.action}</strong>
                  <br />
                  <code>
                    {entry.method} {entry.route}
                  </code>
                </td>
                <td data-label={t('audit.colTarget')}>{entry.target || '—'}</td>
                <td data-label={t('audit.colTrace')}>
                  <code>{entry.trace_id}</code>
                </td>
                <td data-label={t('audit.colChanges')}>
                  <Changes entry={entry} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {nextBefore !== null && entries && entries.length > 0 && (
        <p>
          <button type="button" disabled={loadingMore} onClick={() => void loadMore()}>
            {loadingMore ? t('common.loading') : t('audit.older')}
          </button>
        </p>
      )}
    </main>
  );
}

/** Before and after as two code blocks, the changed fields named above them; folded by default. */
function Changes({ entry }: { entry: AuditEntry }) {
  const { t } = useI18n();
  if (!entry.before && !entry.after) return <>{t('audit.noDetails')}</>;
  const changed = changedFields(entry.before, entry.after);
  return (
    <details>
      <summary>{t('audit.showChanges', { id: String(entry.id) })}</summary>
      {entry.before && entry.after && (
        <p className="hint" data-testid="changed-fields">
          {t('audit.changedFields', { fields: changed.join(', ') || '—' })}
        </p>
      )}
      <div className="audit-diff">
        <figure>
          <figcaption>{t('audit.before')}</figcaption>
          <pre className="content" data-testid="audit-before">
            {entry.before ? JSON.stringify(entry.before, null, 2) : t('audit.none')}
          </pre>
        </figure>
        <figure>
          <figcaption>{t('audit.after')}</figcaption>
          <pre className="content" data-testid="audit-after">
            {entry.after ? JSON.stringify(entry.after, null, 2) : t('audit.none')}
          </pre>
        </figure>
      </div>
    </details>
  );
}
