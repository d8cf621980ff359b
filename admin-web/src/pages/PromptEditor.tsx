import { useEffect, useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';
import { createPrompt, deletePrompt, getPrompt, updatePrompt } from '../api/endpoints';
import type { NewPrompt, Prompt } from '../api/types';
import { useErrorReporter } from '../api/useErrorReporter';
import { useAuth } from '../auth/AuthProvider';
import { useMe } from '../auth/MeProvider';
import { useI18n } from '../i18n/I18nProvider';
import { Link, useRouter } from '../routing/router';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { Spinner } from '../ui/Spinner';
import { useToasts } from '../ui/Toasts';
import { TemplateInsight } from './TemplateInsight';
import { VersionHistory } from './VersionHistory';

const MAX_CONTENT = 8000; // http/openapi.yaml: content is 1–8,000 characters

/** Add (promptId null) or edit a prompt, with its version history. */
export function PromptEditor({ promptId }: { promptId: number | null }) {
  const { t } = useI18n();
  const { canWrite } = useMe();
  const { token } = useAuth();
  const { navigate } = useRouter();
  const toasts = useToasts();
  const report = useErrorReporter();

  const [prompt, setPrompt] = useState<Prompt | null>(null);
  const [loading, setLoading] = useState(promptId !== null);
  const [title, setTitle] = useState('');
  const [content, setContent] = useState('');
  const [enabled, setEnabled] = useState(true);
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [confirmingDelete, setConfirmingDelete] = useState(false);

  function fill(next: Prompt) {
    setPrompt(next);
    setTitle(next.title);
    setContent(next.content);
    setEnabled(next.enabled);
  }

  useEffect(() => {
    if (promptId === null) return;
    let cancelled = false;
    setLoading(true);
    getPrompt(token, promptId)
      .then(({ data }) => !cancelled && fill(data))
      .catch((error) => !cancelled && report(t('prompts.loadFailed'), error))
      .finally(() => !cancelled && setLoading(false));
    return () => {
      cancelled = true;
    };
    // Only a new id or token means a reload; t and report change with the language.
  }, [promptId, token]);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!content.trim()) {
      setProblem(t('editor.emptyContent'));
      toasts.show('warning', t('editor.emptyContent'));
      return;
    }
    const length = Array.from(content).length;
    if (length > MAX_CONTENT) {
      setProblem(t('editor.tooLong', { n: length }));
      toasts.show('warning', t('editor.tooLong', { n: length }));
      return;
    }
    setProblem(null);
    setSaving(true);
    // The server judges the template; its 400 names the position.
    const input: NewPrompt = { content, enabled };
    if (title.trim()) input.title = title.trim();
    try {
      if (prompt) {
        const { data } = await updatePrompt(token, prompt.id, input);
        fill(data);
        toasts.show('success', t('editor.saved', { title: data.title, version: data.version }));
      } else {
        const { data } = await createPrompt(token, input);
        toasts.show('success', t('editor.created', { title: data.title, version: data.version }));
        navigate(`/prompts/${data.id}`);
      }
    } catch (error) {
      if (error instanceof ApiError && error.status === 400) {
        setProblem(t('editor.serverError', { message: error.message }));
      }
      report(t('prompts.saveFailed'), error);
    } finally {
      setSaving(false);
    }
  }

  async function onDelete() {
    setConfirmingDelete(false);
    if (!prompt) return;
    setSaving(true);
    try {
      await deletePrompt(token, prompt.id);
      toasts.show('success', t('prompts.deleted', { title: prompt.title }));
      navigate('/prompts');
    } catch (error) {
      report(t('prompts.deleteFailed'), error);
      setSaving(false);
    }
  }

  const heading = promptId === null ? t('editor.newTitle') : t('editor.editTitle', { id: promptId });

  return (
    <main id="main">
      <p>
        <Link to="/prompts">← {t('editor.back')}</Link>
      </p>
      <h1>{heading}</h1>
      {loading && <Spinner />}
      {!loading && promptId !== null && !prompt && <p className="empty">{t('common.empty')}</p>}

      {!loading && (promptId === null || prompt) && (
        <>
          <form className="card" onSubmit={onSubmit} noValidate aria-label={heading}>
            {prompt && (
              <p className="hint" data-testid="current-version">
                {t('editor.currentVersion', { n: prompt.version })}
              </p>
            )}
            <label htmlFor="prompt-title">{t('editor.titleField')}</label>
            <input
              id="prompt-title"
              value={title}
              maxLength={200}
              onChange={(e) => setTitle(e.target.value)}
              aria-describedby="prompt-title-hint"
            />
            <p id="prompt-title-hint" className="hint">
              {t('editor.titleHint')}
            </p>

            <label htmlFor="prompt-content">{t('editor.content')}</label>
            <textarea
              id="prompt-content"
              rows={8}
              value={content}
              onChange={(e) => setContent(e.target.value)}
              aria-invalid={problem ? true : undefined}
              aria-describedby={`prompt-content-hint prompt-insight${problem ? ' prompt-problem' : ''}`}
            />
            <p id="prompt-content-hint" className="hint">
              {t('editor.contentHint')}
            </p>
            <TemplateInsight id="prompt-insight" content={content} />

            <label className="checkbox">
              <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
              {t('editor.enabled')}
            </label>

            {problem && (
              <p id="prompt-problem" className="field-error" role="alert" data-testid="editor-problem">
                {problem}
              </p>
            )}

            {!canWrite && <p className="hint">{t('me.readOnly')}</p>}
            {canWrite && (
            <div className="row">
              <button type="submit" className="primary" disabled={saving}>
                {saving ? t('common.saving') : prompt ? t('editor.save') : t('editor.create')}
              </button>
              {prompt && (
                <button type="button" className="danger" disabled={saving} onClick={() => setConfirmingDelete(true)}>
                  {t('prompts.delete')}
                </button>
              )}
            </div>
            )}
          </form>

          {prompt && <VersionHistory promptId={prompt.id} currentVersion={prompt.version} onRestored={fill} />}
        </>
      )}

      {confirmingDelete && prompt && (
        <ConfirmDialog
          message={t('prompts.confirmDelete', { title: prompt.title })}
          confirmLabel={t('prompts.delete')}
          danger
          onConfirm={() => void onDelete()}
          onCancel={() => setConfirmingDelete(false)}
        />
      )}
    </main>
  );
}
