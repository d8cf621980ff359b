import { useAuth } from './auth/AuthProvider';
import { useI18n } from './i18n/I18nProvider';
import { Audit } from './pages/Audit';
import { Conversations } from './pages/Conversations';
import { Jobs } from './pages/Jobs';
import { Integrations } from './pages/Integrations';
import { Overview } from './pages/Overview';
import { Preview } from './pages/Preview';
import { PromptEditor } from './pages/PromptEditor';
import { PromptList } from './pages/PromptList';
import { SignIn } from './pages/SignIn';
import { Transcript } from './pages/Transcript';
import { usePageAnnouncer } from './ui/usePageAnnouncer';
import { Link, useRouter } from './routing/router';
import { LanguageSwitch } from './ui/LanguageSwitch';
import { Layout } from './ui/Layout';

/** Signed out: the sign-in form. Signed in: the page for the current path. */
export function App() {
  const { token } = useAuth();
  usePageAnnouncer(Boolean(token));
  if (!token) {
    return (
      <>
        <header className="topbar">
          <span className="brand" />
          <div className="topbar-tools">
            <LanguageSwitch />
          </div>
        </header>
        <SignIn />
      </>
    );
  }
  return (
    <Layout>
      <Page />
    </Layout>
  );
}

function Page() {
  const { path } = useRouter();
  const { t } = useI18n();
  const clean = path.replace(/\/+$/, '') || '/';

  if (clean === '/' || clean === '/index.html') return <Overview />;
  if (clean === '/prompts') return <PromptList />;
  if (clean === '/prompts/new') return <PromptEditor key="new" promptId={null} />;
  const match = /^\/prompts\/(\d+)$/.exec(clean);
  if (match) return <PromptEditor key={match[1]} promptId={Number(match[1])} />;
  if (clean === '/preview') return <Preview />;
  if (clean === '/conversations') return <Conversations />;
  const conversation = /^\/conversations\/(\d+)$/.exec(clean);
  if (conversation) return <Transcript key={conversation[1]} conversationId={Number(conversation[1])} />;
  if (clean === '/jobs') return <Jobs />;
  if (clean === '/integrations') return <Integrations />;
  if (clean === '/audit') return <Audit />;
  return (
    <main id="main">
      <h1>{t('notFound.title')}</h1>
      <p>
        <Link to="/">{t('nav.overview')}</Link>
      </p>
    </main>
  );
}
