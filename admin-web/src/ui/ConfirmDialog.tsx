import { useId, useRef } from 'react';
import { useI18n } from '../i18n/I18nProvider';
import { Dialog } from './Dialog';

interface Props {
  message: string;
  confirmLabel: string;
  danger?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

/**
 * A small modal confirmation on the focus-trapping Dialog: the safe choice has focus first,
 * Escape or Cancel closes it, and focus returns to the control that opened it.
 */
export function ConfirmDialog({ message, confirmLabel, danger, onConfirm, onCancel }: Props) {
  const { t } = useI18n();
  const cancelRef = useRef<HTMLButtonElement>(null);
  const messageId = useId();

  return (
    <Dialog labelledBy={messageId} role="alertdialog" initialFocus={cancelRef} onClose={onCancel} testId="confirm-dialog">
      <p id={messageId}>{message}</p>
      <div className="row end">
        <button type="button" ref={cancelRef} onClick={onCancel}>
          {t('common.cancel')}
        </button>
        <button type="button" className={danger ? 'danger' : 'primary'} onClick={onConfirm}>
          {confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
