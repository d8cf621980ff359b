import { useEffect, useRef } from 'react';
import { useI18n } from '../i18n/I18nProvider';
import { useRouter } from '../routing/router';

/**
 * On every page change (a new path, signing in or out) the document title becomes the page's
 * heading and focus moves to that heading, so screen-reader and keyboard users land on the new
 * page; a language change only retitles. The heading is made focusable (tabindex -1) for it.
 */
export function usePageAnnouncer(signedIn: boolean) {
  const { path } = useRouter();
  const { t, language } = useI18n();
  const page = `${signedIn ? 'in' : 'out'}:${path}`;
  const shown = useRef<string | null>(null);

  useEffect(() => {
    const heading = document.querySelector<HTMLElement>('#main h1');
    const appTitle = t('app.title');
    document.title = heading?.textContent ? `${heading.textContent} · ${appTitle}` : appTitle;
    if (!heading) return;
    heading.tabIndex = -1;
    const first = shown.current === null;
    if (shown.current !== page) {
      shown.current = page;
      // The first page of a visit keeps the browser's own start (and the skip link).
      if (!first) heading.focus();
    }
  }, [page, language, t]);
}
