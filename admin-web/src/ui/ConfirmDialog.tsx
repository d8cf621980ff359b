import { useEffect, useRef } from 'react';
import { useI18n } from '../i18n/I18nProvider';

interface Props {
  message: string;
  confirmLabel: string;
  danger?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

/** A small modal confirmation; Escape or Cancel closes it. */
export function ConfirmDialog({ message, confirmLabel, danger, onConfirm, onCancel }: Props) {
  const { t } = useI18n();
  const cancelRef = useRef<HTMLButtonElement>(null);

  // Focus the safe choice first.
  useEffect(() => cancelRef.current?.focus(), []);

  return (
    <div className="backdrop" onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
      <div className="dialog" role="alertdialog" aria-modal="true" aria-labelledby="confirm-message">
        <p id="confirm-message">{message}</p>
        <div className="row end">
          <button type="button" ref={cancelRef} onClick={onCancel}>
            {t('common.cancel')}
          </button>
          <button type="button" className={danger ? 'danger' : 'primary'} onClick={onConfirm}>
            {confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
