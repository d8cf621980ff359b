import { ApiError } from '../api/client';
import { useI18n } from '../i18n/I18nProvider';

/** A form's error next to its fields (they point here with aria-describedby), with the trace id. */
export function FormError({ id, error }: { id: string; error: unknown }) {
  const { t } = useI18n();
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div id={id} className="field-error" role="alert" data-testid="form-error">
      <p>{message}</p>
      {error instanceof ApiError && (
        <p className="trace-id">
          {t('common.traceId', { id: '' })}
          <code>{error.traceId}</code>
        </p>
      )}
    </div>
  );
}
