import type { ReactNode } from 'react';
import { useAuth } from '../auth/AuthProvider';
import { useMe } from '../auth/MeProvider';
import { useI18n } from '../i18n/I18nProvider';
import type { MessageKey } from '../i18n/messages';
import { Link, useRouter } from '../routing/router';
import { LanguageSwitch } from './LanguageSwitch';
import { useToasts } from './Toasts';

const NAV: { to: string; label: MessageKey }[] = [
  { to: '/', label: 'nav.overview' },
  { to: '/prompts', label: 'nav.prompts' },
  { to: '/preview', label: 'nav.preview' },
  { to: '/conversations', label: 'nav.conversations' },
  { to: '/jobs', label: 'nav.jobs' },
  { to: '/integrations', label: 'nav.integrations' },
  { to: '/audit', label: 'nav.audit' },
];

/** Header with navigation, language and sign-out around every signed-in page. */
export function Layout({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const { token, signOut } = useAuth();
  const { path } = useRouter();
  const toasts = useToasts();
  const { me } = useMe();

  const isCurrent = (to: string) => (to === '/' ? path === '/' : path === to || path.startsWith(`${to}/`));

  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <header className="topbar">
        <span className="brand">{t('app.title')}</span>
        <nav aria-label={t('nav.label')}>
          <ul>
            {NAV.map((item) => (
              <li key={item.to}>
                <Link to={item.to} aria-current={isCurrent(item.to) ? 'page' : undefined}>
                  {t(item.label)}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="topbar-tools">
          <LanguageSwitch />
          {me && (
            <span className="whoami" data-testid="whoami">
              {t('me.signedInAs', { name: me.name, role: t(me.role === 'editor' ? 'role.editor' : 'role.viewer') })}
            </span>
          )}
          {token && (
            <button
              type="button"
              onClick={() => {
                signOut();
                toasts.show('success', t('auth.signedOut'));
              }}
            >
              {t('auth.signOut')}
            </button>
          )}
        </div>
      </header>
      {children}
    </>
  );
}
