import { createContext, useCallback, useContext, useEffect, useMemo, useState, type MouseEvent, type ReactNode } from 'react';

// Path routing under Vite's base ('/admin/'); storybot answers index.html for
// unknown paths below /admin/, so deep links and reloads work.
const BASE = import.meta.env.BASE_URL.replace(/\/+$/, '');

interface RouterValue {
  path: string; // without the base, always starting with '/'
  navigate: (path: string) => void;
}

const RouterContext = createContext<RouterValue | null>(null);

export function currentPath(): string {
  const { pathname } = window.location;
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  return rest.startsWith('/') ? rest : `/${rest}`;
}

export function hrefFor(path: string): string {
  return BASE + path;
}

export function RouterProvider({ children }: { children: ReactNode }) {
  const [path, setPath] = useState(currentPath);

  useEffect(() => {
    const onPop = () => setPath(currentPath());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  const navigate = useCallback((next: string) => {
    window.history.pushState(null, '', hrefFor(next));
    setPath(next);
    window.scrollTo?.(0, 0);
  }, []);

  const value = useMemo(() => ({ path, navigate }), [path, navigate]);
  return <RouterContext.Provider value={value}>{children}</RouterContext.Provider>;
}

export function useRouter(): RouterValue {
  const value = useContext(RouterContext);
  if (!value) throw new Error('useRouter outside RouterProvider');
  return value;
}

interface LinkProps {
  to: string;
  children: ReactNode;
  className?: string;
  'aria-label'?: string;
  'aria-current'?: 'page' | undefined;
}

/** An ordinary link (so open-in-new-tab works) that navigates in place on a plain click. */
export function Link({ to, children, ...rest }: LinkProps) {
  const { navigate } = useRouter();
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={hrefFor(to)} onClick={onClick} {...rest}>
      {children}
    </a>
  );
}
