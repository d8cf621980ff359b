import { useI18n } from '../i18n/I18nProvider';

/** Calm state for endpoints a newer storybot will add (they answer 404 today). */
export function NotAvailable() {
  const { t } = useI18n();
  return (
    <div className="notice" role="status" data-testid="not-available">
      <strong>{t('common.notAvailable')}</strong>
      <p>{t('common.notAvailableHint')}</p>
    </div>
  );
}
