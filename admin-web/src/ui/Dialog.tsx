import { useEffect, useRef, type ReactNode, type RefObject } from 'react';

interface Props {
  /** id of the element that names the dialog (its heading or message). */
  labelledBy: string;
  describedBy?: string;
  /** alertdialog for confirmations, dialog for forms. */
  role?: 'dialog' | 'alertdialog';
  /** Focused when the dialog opens; else its first focusable element. */
  initialFocus?: RefObject<HTMLElement | null>;
  onClose: () => void;
  children: ReactNode;
  testId?: string;
}

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * A modal: Tab and Shift+Tab stay inside while it is open, Escape closes it, and focus goes back
 * to the control that opened it (or to the page heading when that control is gone, e.g. the
 * row of a deleted item).
 */
export function Dialog({ labelledBy, describedBy, role = 'dialog', initialFocus, onClose, children, testId }: Props) {
  const boxRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const first = initialFocus?.current ?? boxRef.current?.querySelector<HTMLElement>(FOCUSABLE);
    (first ?? boxRef.current)?.focus();
    return () => {
      if (opener?.isConnected) {
        opener.focus();
      } else {
        document.querySelector<HTMLElement>('#main h1')?.focus();
      }
    };
    // Once per opening: the opener is whoever had focus then.
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  function onKeyDown(event: React.KeyboardEvent) {
    if (event.key === 'Escape') {
      event.stopPropagation();
      onClose();
      return;
    }
    if (event.key !== 'Tab' || !boxRef.current) return;
    const items = Array.from(boxRef.current.querySelectorAll<HTMLElement>(FOCUSABLE));
    if (items.length === 0) {
      event.preventDefault();
      return;
    }
    const first = items[0];
    const last = items[items.length - 1];
    const active = document.activeElement;
    if (event.shiftKey && (active === first || !boxRef.current.contains(active))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !boxRef.current.contains(active))) {
      event.preventDefault();
      first.focus();
    }
  }

  return (
    <div className="backdrop" onKeyDown={onKeyDown}>
      <div
        ref={boxRef}
        className="dialog"
        role={role}
        aria-modal="true"
        aria-labelledby={labelledBy}
        aria-describedby={describedBy}
        tabIndex={-1}
        data-testid={testId}
      >
        {children}
      </div>
    </div>
  );
}
