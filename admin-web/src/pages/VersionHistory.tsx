import { useCallback, useEffect, useState } from 'react';
import { listVersions, updatePrompt } from '../api/endpoints';
import type { Prompt, PromptVersion } from '../api/types';
import { useErrorReporter } from '../api/useErrorReporter';
import { useAuth } from '../auth/AuthProvider';
import { useMe } from '../auth/MeProvider';
import { useI18n } from '../i18n/I18nProvider';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { formatTime } from '../ui/formatTime';
import { Spinner } from '../ui/Spinner';
import { useToasts } from '../ui/Toasts';
import { VersionDiff } from './VersionDiff';

interface Props {
  promptId: number;
  currentVersion: number;
  onRestored: (prompt: Prompt) => void;
}

/**
 * Every saved version, a side-by-side diff of any two, and restore: restoring one saves its
 * content, title and state as a new version with the existing PUT /api/prompts/{id}.
 */
export function VersionHistory({ promptId, currentVersion, onRestored }: Props) {
  const { t, language } = useI18n();
  const { canWrite } = useMe();
  const { token } = useAuth();
  const toasts = useToasts();
  const report = useErrorReporter();
  const [versions, setVersions] = useState<PromptVersion[] | null>(null);
  const [toRestore, setToRestore] = useState<PromptVersion | null>(null);
  const [restoring, setRestoring] = useState(false);

  const load = useCallback(async () => {
    try {
      const { data } = await listVersions(token, promptId);
      setVersions(data);
    } catch (error) {
      setVersions((old) => old ?? []);
      report(t('versions.loadFailed'), error);
    }
  }, [token, promptId, report, t]);

  // Reload whenever the prompt gets a new version.
  useEffect(() => {
    void load();
  }, [load, currentVersion]);

  async function restore() {
    const version = toRestore;
    setToRestore(null);
    if (!version) return;
    setRestoring(true);
    try {
      const { data } = await updatePrompt(token, promptId, {
        content: version.content,
        title: version.title,
        enabled: version.enabled,
      });
      toasts.show('success', t('versions.restored', { n: version.version, version: data.version }));
      onRestored(data);
    } catch (error) {
      report(t('versions.restoreFailed'), error);
    } finally {
      setRestoring(false);
    }
  }

  return (
    <>
    {versions && versions.length > 1 && <VersionDiff key={versions[0].version} versions={versions} />}
    <section aria-labelledby="versions-title" className="card">
      <h2 id="versions-title">{t('versions.title')}</h2>
      {versions === null && <Spinner />}
      {versions?.length === 0 && <p className="empty">{t('versions.empty')}</p>}
      {versions && versions.length > 0 && (
        <ol className="versions">
          {versions.map((version) => (
            <li key={version.version} data-testid={`version-${version.version}`}>
              <div className="row between">
                <h3 className="small-heading">
                  {t('versions.version', { n: version.version })}
                  {version.version === currentVersion && <span className="badge on">{t('versions.current')}</span>}
                </h3>
                {canWrite && version.version !== currentVersion && (
                  <button
                    type="button"
                    disabled={restoring}
                    aria-label={t('versions.restoreLabel', { n: version.version })}
                    onClick={() => setToRestore(version)}
                  >
                    {t('versions.restore')}
                  </button>
                )}
              </div>
              <p className="hint">
                <time dateTime={version.created_at}>{formatTime(version.created_at, language)}</time>
                {' · '}
                {version.title}
                {' · '}
                {version.enabled ? t('prompts.enabled') : t('prompts.disabled')}
              </p>
              <pre className="content">{version.content}</pre>
            </li>
          ))}
        </ol>
      )}
      {toRestore && (
        <ConfirmDialog
          message={t('versions.confirmRestore', { n: toRestore.version })}
          confirmLabel={t('versions.restore')}
          onConfirm={() => void restore()}
          onCancel={() => setToRestore(null)}
        />
      )}
    </section>
    </>
  );
}
