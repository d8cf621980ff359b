import { useEffect, useState, type FormEvent } from 'react';
import { listPrompts, previewStory } from '../api/endpoints';
import type { PreviewRequest, PreviewResult, Prompt } from '../api/types';
import { useErrorReporter } from '../api/useErrorReporter';
import { useAuth } from '../auth/AuthProvider';
import { useI18n } from '../i18n/I18nProvider';
import { Spinner } from '../ui/Spinner';
import { useToasts } from '../ui/Toasts';

export function Preview() {
  const { t } = useI18n();
  const { token } = useAuth();
  const toasts = useToasts();
  const report = useErrorReporter();
  const [prompts, setPrompts] = useState<Prompt[] | null>(null);
  const [promptId, setPromptId] = useState('');
  const [request, setRequest] = useState('');
  const [userName, setUserName] = useState('');
  const [writing, setWriting] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [result, setResult] = useState<PreviewResult | null>(null);

  useEffect(() => {
    listPrompts(token)
      .then(({ data }) => setPrompts(data))
      .catch((error) => {
        setPrompts([]);
        report(t('prompts.loadFailed'), error);
      });
    // Load once per token; a language switch must not reload the list.
  }, [token]);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!request.trim()) {
      setProblem(t('preview.emptyRequest'));
      toasts.show('warning', t('preview.emptyRequest'));
      return;
    }
    setProblem(null);
    setWriting(true);
    const body: PreviewRequest = { request: request.trim() };
    if (promptId) body.prompt_id = Number(promptId);
    if (userName.trim()) body.variables = { user_name: userName.trim() };
    try {
      const { data } = await previewStory(token, body);
      setResult(data);
      toasts.show('success', t('preview.done', { engine: data.engine }));
    } catch (error) {
      report(t('preview.failed'), error);
    } finally {
      setWriting(false);
    }
  }

  return (
    <main id="main">
      <h1>{t('preview.title')}</h1>
      <form className="card" onSubmit={onSubmit} noValidate aria-label={t('preview.title')}>
        <label htmlFor="preview-prompt">{t('preview.prompt')}</label>
        {prompts === null ? (
          <Spinner />
        ) : (
          <select id="preview-prompt" value={promptId} onChange={(e) => setPromptId(e.target.value)}>
            <option value="">{t('preview.anyPrompt')}</option>
            {prompts.map((prompt) => (
              <option key={prompt.id} value={String(prompt.id)}>
                #{prompt.id} {prompt.title}
                {prompt.enabled ? '' : ` (${t('prompts.disabled')})`}
              </option>
            ))}
          </select>
        )}

        <label htmlFor="preview-request">{t('preview.request')}</label>
        <textarea
          id="preview-request"
          rows={3}
          value={request}
          placeholder={t('preview.requestPlaceholder')}
          onChange={(e) => setRequest(e.target.value)}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? 'preview-problem' : undefined}
        />

        <label htmlFor="preview-user">{t('preview.userName')}</label>
        <input id="preview-user" value={userName} onChange={(e) => setUserName(e.target.value)} />

        {problem && (
          <p id="preview-problem" className="field-error" role="alert">
            {problem}
          </p>
        )}
        <button type="submit" className="primary" disabled={writing}>
          {writing ? t('preview.writing') : t('preview.submit')}
        </button>
      </form>

      {writing && <Spinner label={t('preview.writing')} />}
      {result && (
        <section className="card" aria-labelledby="story-title" data-testid="story">
          <h2 id="story-title">{t('preview.story')}</h2>
          <p className="hint" data-testid="story-engine">
            {t('preview.engine', { engine: result.engine })}
          </p>
          <div className="story-text">{result.story}</div>
        </section>
      )}
    </main>
  );
}
