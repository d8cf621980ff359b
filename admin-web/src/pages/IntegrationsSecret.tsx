import { useEffect, useId, useRef, useState } from 'react';
import { useI18n } from '../i18n/I18nProvider';
import { formatTime } from '../ui/formatTime';
import { useToasts } from '../ui/Toasts';

export interface ShownSecret {
  name: string;
  secret: string;
  kind: 'created' | 'rotated';
  previousExpiresAt: string | null;
}

/** The one time a secret is visible: copy it, read the warning, then dismiss it for good. */
export function SecretPanel({ secret, onDone }: { secret: ShownSecret; onDone: () => void }) {
  const { t, language } = useI18n();
  const toasts = useToasts();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const codeRef = useRef<HTMLElement>(null);
  const [copied, setCopied] = useState(false);
  const ids = useId();

  // A new secret takes the admin's attention (and a screen reader's) at once.
  useEffect(() => {
    setCopied(false);
    headingRef.current?.focus();
  }, [secret]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(secret.secret);
      setCopied(true);
      toasts.show('success', t('integrations.copied'));
    } catch {
      // No clipboard (plain http, old browser): select it so Ctrl+C works.
      const range = document.createRange();
      if (codeRef.current) range.selectNodeContents(codeRef.current);
      window.getSelection()?.removeAllRanges();
      window.getSelection()?.addRange(range);
      toasts.show('warning', t('integrations.copyManually'));
    }
  }

  return (
    <section className="notice secret-panel" aria-labelledby={`${ids}-title`} data-testid="secret-panel">
      <h2 id={`${ids}-title`} ref={headingRef} tabIndex={-1}>
        {secret.kind === 'created'
          ? t('integrations.secretTitleCreated', { name: secret.name })
          : t('integrations.secretTitleRotated', { name: secret.name })}
      </h2>
      <p>
        <strong id={`${ids}-warning`}>{t('integrations.secretWarning')}</strong>
      </p>
      <p>
        <code
          ref={codeRef}
          className="secret"
          style={{ overflowWrap: 'anywhere', userSelect: 'all' }}
          data-testid="integration-secret"
          aria-describedby={`${ids}-warning`}
        >
          {secret.secret}
        </code>
      </p>
      {secret.kind === 'rotated' && (
        <p data-testid="previous-expires">
          {secret.previousExpiresAt
            ? t('integrations.previousValidUntil', { time: formatTime(secret.previousExpiresAt, language) })
            : t('integrations.previousNotValid')}
        </p>
      )}
      <div className="row">
        <button type="button" className="primary" onClick={() => void copy()}>
          {copied ? t('integrations.copiedButton') : t('integrations.copy')}
        </button>
        <button type="button" onClick={onDone}>
          {t('integrations.secretDone')}
        </button>
      </div>
    </section>
  );
}
