/**
 * A small history router for the console's paths under /console (the server answers index.html
 * for every /console/<path> outside api/, so deep links and reloads work).
 */
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent, type ReactNode } from 'react';
import { CONSOLE_BASE } from '../../api-contract.ts';

const NAVIGATE = 'console:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATE, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATE, onChange);
  };
}

/** The path inside the console ('/' for /console/), plus the query string. */
function snapshot(): string {
  const { pathname, search } = window.location;
  const inside = pathname.startsWith(CONSOLE_BASE) ? pathname.slice(CONSOLE_BASE.length) : pathname;
  return (inside || '/') + search;
}

export function href(to: string): string {
  return CONSOLE_BASE + (to.startsWith('/') ? to : `/${to}`);
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const url = href(to);
  if (options.replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  window.dispatchEvent(new Event(NAVIGATE));
  window.scrollTo(0, 0);
}

export interface Route {
  path: string;
  /** Decoded path segments: '/trails/view/x' is ['trails', 'view', 'x']. */
  segments: string[];
  query: URLSearchParams;
}

export function useRoute(): Route {
  const current = useSyncExternalStore(subscribe, snapshot);
  const [path = '/', search = ''] = current.split('?');
  const segments = path.split('/').filter(Boolean).map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  return { path, segments, query: new URLSearchParams(search) };
}

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & { to: string; children: ReactNode };

export function Link({ to, children, onClick, ...rest }: LinkProps) {
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <a href={href(to)} onClick={handle} {...rest}>
      {children}
    </a>
  );
}
