import type { ReactNode } from 'react';
import { AuthProvider } from './auth/AuthProvider';
import { MeProvider } from './auth/MeProvider';
import { I18nProvider } from './i18n/I18nProvider';
import { RouterProvider } from './routing/router';
import { ToastProvider } from './ui/Toasts';

/** Every context the app needs, in one place so tests render the same tree. */
export function Providers({ children }: { children: ReactNode }) {
  return (
    <I18nProvider>
      <RouterProvider>
        <AuthProvider>
          <MeProvider>
            <ToastProvider>{children}</ToastProvider>
          </MeProvider>
        </AuthProvider>
      </RouterProvider>
    </I18nProvider>
  );
}
