import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import { useI18n } from '../i18n/I18nProvider';

export type ToastKind = 'success' | 'error' | 'warning';

interface Toast {
  id: number;
  kind: ToastKind;
  text: string;
  traceId?: string;
}

interface ToastApi {
  show: (kind: ToastKind, text: string, traceId?: string) => void;
}

const ToastContext = createContext<ToastApi | null>(null);

// Errors stay longer: the admin may need to copy the trace id.
const LIFETIME_MS: Record<ToastKind, number> = { success: 4000, warning: 6000, error: 15000 };

export function ToastProvider({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);

  const dismiss = useCallback((id: number) => {
    setToasts((list) => list.filter((toast) => toast.id !== id));
  }, []);

  const show = useCallback(
    (kind: ToastKind, text: string, traceId?: string) => {
      const id = nextId.current++;
      // Keep only the newest few so toasts never bury the page.
      setToasts((list) => [...list.slice(-3), { id, kind, text, traceId }]);
      window.setTimeout(() => dismiss(id), LIFETIME_MS[kind]);
    },
    [dismiss],
  );

  const api = useMemo(() => ({ show }), [show]);

  return (
    <ToastContext.Provider value={api}>
      {children}
      <section className="toasts" aria-label={t('toast.region')}>
        {toasts.map((toast) => (
          <div
            key={toast.id}
            className={`toast toast-${toast.kind}`}
            role={toast.kind === 'error' ? 'alert' : 'status'}
            data-testid={`toast-${toast.kind}`}
          >
            <div className="toast-body">
              <p>{toast.text}</p>
              {toast.traceId && (
                <p className="trace-id">
                  {t('common.traceId', { id: '' })}
                  <code>{toast.traceId}</code>
                </p>
              )}
            </div>
            <button type="button" className="icon-button" aria-label={t('toast.dismiss')} onClick={() => dismiss(toast.id)}>
              ×
            </button>
          </div>
        ))}
      </section>
    </ToastContext.Provider>
  );
}

export function useToasts(): ToastApi {
  const api = useContext(ToastContext);
  if (!api) throw new Error('useToasts outside ToastProvider');
  return api;
}
