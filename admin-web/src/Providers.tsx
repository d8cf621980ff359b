import type { ReactNode } from 'react';
import { AuthProvider } from './auth/AuthProvider';
import { I18nProvider } from './i18n/I18nProvider';
import { RouterProvider } from './routing/router';
import { ToastProvider } from './ui/Toasts';

/** Every context the app needs, in one place so tests render the same tree. */
export function Providers({ children }: { children: ReactNode }) {
  return (
    <I18nProvider>
      <RouterProvider>
        <AuthProvider>
          <ToastProvider>{children}</ToastProvider>
        </AuthProvider>
      </RouterProvider>
    </I18nProvider>
  );
}
