import { useCallback, useEffect, useState } from 'react';
import { deletePrompt, listPrompts, updatePrompt } from '../api/endpoints';
import type { Prompt, PromptListItem } from '../api/types';
import { useErrorReporter } from '../api/useErrorReporter';
import { useAuth } from '../auth/AuthProvider';
import { useMe } from '../auth/MeProvider';
import { useI18n } from '../i18n/I18nProvider';
import { Link } from '../routing/router';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { formatTime } from '../ui/formatTime';
import { Spinner } from '../ui/Spinner';
import { useToasts } from '../ui/Toasts';

export function PromptList() {
  const { t, language } = useI18n();
  const { canWrite } = useMe();
  const { token } = useAuth();
  const toasts = useToasts();
  const report = useErrorReporter();
  const [prompts, setPrompts] = useState<PromptListItem[] | null>(null);
  const [busyId, setBusyId] = useState<number | null>(null);
  const [toDelete, setToDelete] = useState<Prompt | null>(null);

  const load = useCallback(async () => {
    try {
      const { data } = await listPrompts(token);
      setPrompts(data);
    } catch (error) {
      setPrompts((old) => old ?? []);
      report(t('prompts.loadFailed'), error);
    }
  }, [token, report, t]);

  useEffect(() => {
    void load();
  }, [load]);

  async function toggle(prompt: Prompt) {
    setBusyId(prompt.id);
    try {
      const { data } = await updatePrompt(token, prompt.id, { enabled: !prompt.enabled });
      setPrompts((list) => list?.map((p) => (p.id === data.id ? { ...data, usage_count: p.usage_count } : p)) ?? null);
      toasts.show('success', t(data.enabled ? 'prompts.nowEnabled' : 'prompts.nowDisabled', { title: data.title }));
    } catch (error) {
      report(t('prompts.saveFailed'), error);
    } finally {
      setBusyId(null);
    }
  }

  async function confirmDelete() {
    const prompt = toDelete;
    setToDelete(null);
    if (!prompt) return;
    setBusyId(prompt.id);
    try {
      await deletePrompt(token, prompt.id);
      setPrompts((list) => list?.filter((p) => p.id !== prompt.id) ?? null);
      toasts.show('success', t('prompts.deleted', { title: prompt.title }));
    } catch (error) {
      report(t('prompts.deleteFailed'), error);
    } finally {
      setBusyId(null);
    }
  }

  return (
    <main id="main">
      <div className="row between">
        <h1>{t('prompts.title')}</h1>
        {canWrite && (
          <Link to="/prompts/new" className="button primary">
            {t('prompts.add')}
          </Link>
        )}
      </div>

      {prompts === null && <Spinner />}
      {prompts?.length === 0 && <p className="empty">{t('prompts.empty')}</p>}

      {prompts && prompts.length > 0 && (
        <table className="prompt-table">
          <thead>
            <tr>
              <th scope="col">{t('prompts.colTitle')}</th>
              <th scope="col">{t('prompts.colEnabled')}</th>
              <th scope="col">{t('prompts.colVersion')}</th>
              <th scope="col">{t('prompts.colUpdated')}</th>
              <th scope="col">{t('prompts.colUsage')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('prompts.colActions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {prompts.map((prompt) => (
              <tr key={prompt.id} data-testid={`prompt-row-${prompt.id}`}>
                <td data-label={t('prompts.colTitle')}>
                  <Link to={`/prompts/${prompt.id}`} aria-label={t('prompts.editLabel', { title: prompt.title })}>
                    {prompt.title}
                  </Link>
                </td>
                <td data-label={t('prompts.colEnabled')}>
                  <span className={prompt.enabled ? 'badge on' : 'badge off'}>
                    {prompt.enabled ? t('prompts.enabled') : t('prompts.disabled')}
                  </span>
                </td>
                <td data-label={t('prompts.colVersion')}>{prompt.version}</td>
                <td data-label={t('prompts.colUpdated')}>
                  <time dateTime={prompt.updated_at}>{formatTime(prompt.updated_at, language)}</time>
                </td>
                <td data-label={t('prompts.colUsage')} data-testid="usage-count">
                  {prompt.usage_count}
                </td>
                <td className="actions">
                  {canWrite && (
                  <>
                  <button
                    type="button"
                    disabled={busyId === prompt.id}
                    aria-label={t('prompts.toggleLabel', {
                      action: prompt.enabled ? t('prompts.disable') : t('prompts.enable'),
                      title: prompt.title,
                    })}
                    onClick={() => void toggle(prompt)}
                  >
                    {prompt.enabled ? t('prompts.disable') : t('prompts.enable')}
                  </button>
                  <button
                    type="button"
                    className="danger"
                    disabled={busyId === prompt.id}
                    aria-label={t('prompts.deleteLabel', { title: prompt.title })}
                    onClick={() => setToDelete(prompt)}
                  >
                    {t('prompts.delete')}
                  </button>
                  </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {toDelete && (
        <ConfirmDialog
          message={t('prompts.confirmDelete', { title: toDelete.title })}
          confirmLabel={t('prompts.delete')}
          danger
          onConfirm={() => void confirmDelete()}
          onCancel={() => setToDelete(null)}
        />
      )}
    </main>
  );
}
