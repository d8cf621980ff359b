import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { getMe, type Me } from '../api/audit';
import { useAuth } from './AuthProvider';

// The answer of GET /api/me, kept for the tab's session (next to the token) so that a reload
// shows the same controls at once; it is asked again on every start and token change.
export const ME_STORAGE_KEY = 'storybot.admin.me';

interface MeValue {
  me: Me | null; // null until GET /api/me answered
  /** Only an editor may write; until the role is known, nothing that writes is shown. */
  canWrite: boolean;
}

const MeContext = createContext<MeValue>({ me: null, canWrite: false });

/** Asks the server who the signed-in admin is (GET /api/me) each time the token changes. */
export function MeProvider({ children }: { children: ReactNode }) {
  const { token } = useAuth();
  const [me, setMe] = useState<Me | null>(() => (token ? readCached() : null));

  useEffect(() => {
    if (!token) {
      setMe(null);
      writeCached(null);
      return;
    }
    let live = true;
    getMe(token)
      .then(({ data }) => {
        if (!live) return;
        setMe(data);
        writeCached(data);
      })
      .catch(() => {
        // Unknown again: write controls hide; the pages report their own errors.
        if (live) setMe(null);
      });
    return () => {
      live = false;
    };
  }, [token]);

  return <MeContext.Provider value={{ me, canWrite: me?.role === 'editor' }}>{children}</MeContext.Provider>;
}

export function useMe(): MeValue {
  return useContext(MeContext);
}

function readCached(): Me | null {
  try {
    const text = sessionStorage.getItem(ME_STORAGE_KEY);
    const value = text ? (JSON.parse(text) as Me) : null;
    return value && (value.role === 'editor' || value.role === 'viewer') ? value : null;
  } catch {
    return null;
  }
}

function writeCached(me: Me | null): void {
  try {
    if (me) sessionStorage.setItem(ME_STORAGE_KEY, JSON.stringify(me));
    else sessionStorage.removeItem(ME_STORAGE_KEY);
  } catch {
    /* memory only */
  }
}
