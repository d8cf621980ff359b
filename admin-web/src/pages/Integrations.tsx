import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';
import {
  createIntegration,
  deleteIntegration,
  listIntegrations,
  parseAllowlist,
  rotateIntegration,
  updateIntegrationAllowlist,
  type Integration,
  type IntegrationWithSecret,
} from '../api/integrations';
import { useErrorReporter } from '../api/useErrorReporter';
import { useAuth } from '../auth/AuthProvider';
import { useMe } from '../auth/MeProvider';
import { useI18n } from '../i18n/I18nProvider';
import { Dialog } from '../ui/Dialog';
import { formatTime } from '../ui/formatTime';
import { Spinner } from '../ui/Spinner';
import { useToasts } from '../ui/Toasts';
import { FormError } from './IntegrationsFormError';
import { SecretPanel, type ShownSecret } from './IntegrationsSecret';

type Pending = { kind: 'rotate' | 'delete' | 'edit'; integration: Integration };

/** Webhook integrations: list, create, rotate, edit the callback allowlist, delete. */
export function Integrations() {
  const { t, language } = useI18n();
  const { canWrite } = useMe();
  const { token } = useAuth();
  const toasts = useToasts();
  const report = useErrorReporter();
  const [integrations, setIntegrations] = useState<Integration[] | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  // The secret lives in this state only: never stored, so a reload cannot show it again.
  const [secret, setSecret] = useState<ShownSecret | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);

  const [name, setName] = useState('');
  const [allowlist, setAllowlist] = useState('');
  const [createError, setCreateError] = useState<unknown>(null);
  const [editText, setEditText] = useState('');
  const [editError, setEditError] = useState<unknown>(null);
  const editRef = useRef<HTMLTextAreaElement>(null);
  const ids = useId();

  const load = useCallback(async () => {
    try {
      const { data } = await listIntegrations(token);
      setIntegrations(data);
    } catch (error) {
      setIntegrations((old) => old ?? []);
      report(t('integrations.loadFailed'), error);
    }
  }, [token, report, t]);

  useEffect(() => {
    void load();
  }, [load]);

  // A form shows its own error (with the trace id) next to its fields; a toast on top would cover
  // the row actions. A 401 still goes to the reporter, which signs out.
  const reportUnlessInline = (what: string, error: unknown) => {
    if (error instanceof ApiError && error.status === 401) report(what, error);
  };

  const upsert = (item: Integration) =>
    setIntegrations((list) => {
      const rest = (list ?? []).filter((i) => i.name !== item.name);
      return [...rest, stripSecret(item)].sort((a, b) => a.name.localeCompare(b.name));
    });

  async function onCreate(event: FormEvent) {
    event.preventDefault();
    setCreateError(null);
    const trimmed = name.trim();
    if (!trimmed) {
      setCreateError(new Error(t('integrations.nameRequired')));
      return;
    }
    setBusy('#create');
    try {
      const { data } = await createIntegration(token, trimmed, parseAllowlist(allowlist));
      upsert(data);
      setSecret(shown(data, 'created'));
      setName('');
      setAllowlist('');
      toasts.show('success', t('integrations.created', { name: data.name }));
    } catch (error) {
      setCreateError(error);
      reportUnlessInline(t('integrations.createFailed'), error);
    } finally {
      setBusy(null);
    }
  }

  // The confirmation stays open (busy) until the call ends: then focus goes back to the opener,
  // or to the heading when the deleted row took it away.
  async function onRotate(integration: Integration) {
    setBusy(integration.name);
    try {
      const { data } = await rotateIntegration(token, integration.name);
      upsert(data);
      setSecret(shown(data, 'rotated'));
      toasts.show('success', t('integrations.rotated', { name: data.name }));
    } catch (error) {
      report(t('integrations.rotateFailed'), error);
    } finally {
      setBusy(null);
      setPending(null);
    }
  }

  async function onDelete(integration: Integration) {
    setBusy(integration.name);
    try {
      await deleteIntegration(token, integration.name);
      setIntegrations((list) => list?.filter((i) => i.name !== integration.name) ?? null);
      if (secret?.name === integration.name) setSecret(null);
      toasts.show('success', t('integrations.deleted', { name: integration.name }));
    } catch (error) {
      report(t('integrations.deleteFailed'), error);
    } finally {
      setBusy(null);
      setPending(null);
    }
  }

  async function onSaveAllowlist(event: FormEvent, integration: Integration) {
    event.preventDefault();
    setEditError(null);
    setBusy(integration.name);
    try {
      const { data } = await updateIntegrationAllowlist(token, integration.name, parseAllowlist(editText));
      upsert(data);
      setPending(null);
      toasts.show('success', t('integrations.allowlistSaved', { name: data.name }));
    } catch (error) {
      setEditError(error);
      reportUnlessInline(t('integrations.saveFailed'), error);
    } finally {
      setBusy(null);
    }
  }

  function startEdit(integration: Integration) {
    setEditText(integration.callback_allowlist.join('\n'));
    setEditError(null);
    setPending({ kind: 'edit', integration });
  }

  const createErrorId = `${ids}-create-error`;
  const editErrorId = `${ids}-edit-error`;

  return (
    <main id="main">
      <h1 tabIndex={-1}>{t('integrations.title')}</h1>
      <p className="hint">{t('integrations.intro')}</p>

      {secret && <SecretPanel secret={secret} onDone={() => setSecret(null)} />}

      {canWrite && (
      <form className="card" onSubmit={(e) => void onCreate(e)} noValidate aria-labelledby={`${ids}-create`}>
        <h2 id={`${ids}-create`}>{t('integrations.createTitle')}</h2>
        <label htmlFor={`${ids}-name`}>{t('integrations.name')}</label>
        <input
          id={`${ids}-name`}
          value={name}
          autoComplete="off"
          spellCheck={false}
          aria-invalid={createError ? true : undefined}
          aria-describedby={`${ids}-name-hint${createError ? ` ${createErrorId}` : ''}`}
          onChange={(e) => setName(e.target.value)}
        />
        <p id={`${ids}-name-hint`} className="hint">
          {t('integrations.nameHint')}
        </p>
        <label htmlFor={`${ids}-allowlist`}>{t('integrations.allowlist')}</label>
        <textarea
          id={`${ids}-allowlist`}
          rows={3}
          value={allowlist}
          spellCheck={false}
          aria-describedby={`${ids}-allowlist-hint`}
          onChange={(e) => setAllowlist(e.target.value)}
        />
        <p id={`${ids}-allowlist-hint`} className="hint">
          {t('integrations.allowlistHint')}
        </p>
        {createError !== null && <FormError id={createErrorId} error={createError} />}
        <div className="row">
          <button type="submit" className="primary" disabled={busy === '#create'}>
            {busy === '#create' ? t('common.saving') : t('integrations.create')}
          </button>
        </div>
      </form>
      )}

      <h2>{t('integrations.listTitle')}</h2>
      {integrations === null && <Spinner />}
      {integrations?.length === 0 && <p className="empty">{t('integrations.empty')}</p>}
      {integrations && integrations.length > 0 && (
        <table className="prompt-table integrations-table">
          <thead>
            <tr>
              <th scope="col">{t('integrations.colName')}</th>
              <th scope="col">{t('integrations.colUrl')}</th>
              <th scope="col">{t('integrations.colAllowlist')}</th>
              <th scope="col">{t('integrations.colCreated')}</th>
              <th scope="col">{t('integrations.colRotated')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('integrations.colActions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {integrations.map((item) => (
              <tr key={item.name} data-testid={`integration-row-${item.name}`}>
                <td data-label={t('integrations.colName')}>{item.name}</td>
                <td data-label={t('integrations.colUrl')}>
                  <code>{item.webhook_url}</code>
                </td>
                <td data-label={t('integrations.colAllowlist')} data-testid="allowlist">
                  {item.callback_allowlist.length ? item.callback_allowlist.join(', ') : t('integrations.allowlistNone')}
                </td>
                <td data-label={t('integrations.colCreated')}>
                  <time dateTime={item.created_at}>{formatTime(item.created_at, language)}</time>
                </td>
                <td data-label={t('integrations.colRotated')}>
                  {item.rotated_at ? (
                    <time dateTime={item.rotated_at}>{formatTime(item.rotated_at, language)}</time>
                  ) : (
                    t('integrations.neverRotated')
                  )}
                  {item.previous_secret_expires_at && (
                    <p className="hint">
                      {t('integrations.oldSecretUntil', {
                        time: formatTime(item.previous_secret_expires_at, language),
                      })}
                    </p>
                  )}
                </td>
                <td className="actions">
                  {canWrite && (
                  <>
                  <button
                    type="button"
                    disabled={busy === item.name}
                    aria-label={t('integrations.editLabel', { name: item.name })}
                    onClick={() => startEdit(item)}
                  >
                    {t('integrations.edit')}
                  </button>
                  <button
                    type="button"
                    disabled={busy === item.name}
                    aria-label={t('integrations.rotateLabel', { name: item.name })}
                    onClick={() => setPending({ kind: 'rotate', integration: item })}
                  >
                    {t('integrations.rotate')}
                  </button>
                  <button
                    type="button"
                    className="danger"
                    disabled={busy === item.name}
                    aria-label={t('integrations.deleteLabel', { name: item.name })}
                    onClick={() => setPending({ kind: 'delete', integration: item })}
                  >
                    {t('integrations.delete')}
                  </button>
                  </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {pending && pending.kind !== 'edit' && (
        <Dialog role="alertdialog" labelledBy={`${ids}-confirm`} onClose={() => setPending(null)}>
          <p id={`${ids}-confirm`}>
            {pending.kind === 'delete'
              ? t('integrations.confirmDelete', { name: pending.integration.name })
              : t('integrations.confirmRotate', { name: pending.integration.name })}
          </p>
          <div className="row end">
            <button type="button" onClick={() => setPending(null)}>
              {t('common.cancel')}
            </button>
            <button
              type="button"
              className={pending.kind === 'delete' ? 'danger' : 'primary'}
              disabled={busy === pending.integration.name}
              onClick={() => void (pending.kind === 'delete' ? onDelete : onRotate)(pending.integration)}
            >
              {pending.kind === 'delete' ? t('integrations.delete') : t('integrations.rotate')}
            </button>
          </div>
        </Dialog>
      )}

      {pending?.kind === 'edit' && (
        <Dialog labelledBy={`${ids}-edit-title`} initialFocus={editRef} onClose={() => setPending(null)}>
          <form onSubmit={(e) => void onSaveAllowlist(e, pending.integration)} noValidate>
            <h2 id={`${ids}-edit-title`}>{t('integrations.editTitle', { name: pending.integration.name })}</h2>
            <label htmlFor={`${ids}-edit`}>{t('integrations.allowlist')}</label>
            <textarea
              id={`${ids}-edit`}
              ref={editRef}
              rows={4}
              value={editText}
              spellCheck={false}
              aria-invalid={editError ? true : undefined}
              aria-describedby={`${ids}-edit-hint${editError ? ` ${editErrorId}` : ''}`}
              onChange={(e) => setEditText(e.target.value)}
            />
            <p id={`${ids}-edit-hint`} className="hint">
              {t('integrations.allowlistHint')}
            </p>
            {editError !== null && <FormError id={editErrorId} error={editError} />}
            <div className="row end">
              <button type="button" onClick={() => setPending(null)}>
                {t('common.cancel')}
              </button>
              <button type="submit" className="primary" disabled={busy === pending.integration.name}>
                {t('integrations.save')}
              </button>
            </div>
          </form>
        </Dialog>
      )}
    </main>
  );
}

function shown(data: IntegrationWithSecret, kind: ShownSecret['kind']): ShownSecret {
  return { name: data.name, secret: data.secret, kind, previousExpiresAt: data.previous_secret_expires_at };
}

// The list never holds a secret, whatever the answer carried.
function stripSecret(item: Integration | IntegrationWithSecret): Integration {
  const { secret: _secret, ...rest } = item as IntegrationWithSecret;
  return rest;
}
