import { useCallback } from 'react';
import { useAuth } from '../auth/AuthProvider';
import { useI18n } from '../i18n/I18nProvider';
import { useToasts } from '../ui/Toasts';
import { ApiError } from './client';

/**
 * Turns a failed call into an error toast with its trace id.
 * A 401 means the token stopped working: sign out so the admin can sign in again.
 */
export function useErrorReporter(): (what: string, error: unknown) => void {
  const { t } = useI18n();
  const toasts = useToasts();
  const { signOut } = useAuth();

  return useCallback(
    (what, error) => {
      if (error instanceof ApiError) {
        if (error.status === 401) {
          toasts.show('error', t('auth.expired'), error.traceId);
          signOut();
          return;
        }
        const message = error.status === 0 ? t('common.networkError', { detail: error.message }) : error.message;
        toasts.show('error', t('common.requestFailed', { what, message }), error.traceId);
        return;
      }
      toasts.show('error', t('common.requestFailed', { what, message: String(error) }));
    },
    [t, toasts, signOut],
  );
}
