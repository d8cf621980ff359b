import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';
import { listPrompts } from '../api/endpoints';
import { useAuth } from '../auth/AuthProvider';
import { useI18n } from '../i18n/I18nProvider';
import { useToasts } from '../ui/Toasts';

/** Checks the token against GET /api/prompts before keeping it. */
export function SignIn() {
  const { t } = useI18n();
  const { signIn } = useAuth();
  const toasts = useToasts();
  const [token, setToken] = useState('');
  const [checking, setChecking] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const candidate = token.trim();
    if (!candidate) {
      setProblem(t('auth.empty'));
      toasts.show('warning', t('auth.empty'));
      return;
    }
    setChecking(true);
    setProblem(null);
    try {
      await listPrompts(candidate);
      toasts.show('success', t('auth.signedIn'));
      signIn(candidate);
    } catch (error) {
      const apiError = error instanceof ApiError ? error : null;
      const message =
        apiError?.status === 401
          ? t('auth.wrong')
          : apiError?.status === 0
            ? t('common.networkError', { detail: apiError.message })
            : t('common.requestFailed', { what: t('auth.title'), message: apiError?.message ?? String(error) });
      setProblem(message);
      toasts.show('error', message, apiError?.traceId);
      setChecking(false);
    }
  }

  return (
    <main id="main" className="sign-in">
      <h1>{t('app.title')}</h1>
      <form onSubmit={onSubmit} noValidate aria-labelledby="sign-in-title">
        <h2 id="sign-in-title">{t('auth.title')}</h2>
        <p className="hint">{t('auth.intro')}</p>
        <label htmlFor="admin-token">{t('auth.token')}</label>
        <input
          id="admin-token"
          type="password"
          autoComplete="current-password"
          value={token}
          onChange={(e) => setToken(e.target.value)}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? 'sign-in-problem' : undefined}
        />
        {problem && (
          <p id="sign-in-problem" className="field-error" role="alert">
            {problem}
          </p>
        )}
        <button type="submit" className="primary" disabled={checking}>
          {checking ? t('auth.checking') : t('auth.submit')}
        </button>
      </form>
    </main>
  );
}
