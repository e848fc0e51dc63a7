/** The page frame: header (region picker, who is signed in, sign-out), navigation, content. */
import { useEffect, useRef, type ReactNode } from 'react';
import { useConsole } from './console-context.tsx';
import { Link, useRoute } from './router.tsx';

const NAV: { to: string; label: string; match: (segments: string[]) => boolean }[] = [
  { to: '/', label: 'Event history', match: (s) => s.length === 0 || s[0] === 'events' },
  { to: '/trails', label: 'Trails', match: (s) => s[0] === 'trails' },
  { to: '/healthlake', label: 'HealthLake', match: (s) => s[0] === 'healthlake' },
  { to: '/omics', label: 'Omics', match: (s) => s[0] === 'omics' },
];

export function Layout({ children }: { children: ReactNode }) {
  const { session, region, setRegion, signOut } = useConsole();
  const { segments, path } = useRoute();
  const first = useRef(true);
  // A new page moves focus to its content, so screen readers start there (not on the first load).
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [path]);
  const regions = session.regions.includes(region) ? session.regions : [region, ...session.regions];

  return (
    <div className="app">
      <a className="skip-link" href="#main">Skip to content</a>
      <header className="topbar">
        <Link to="/" className="brand">
          <span className="brand-mark" aria-hidden="true">HT</span> HealthTrail
        </Link>
        <div className="topbar-right">
          <div className="region-picker">
            <label htmlFor="region-picker">Region</label>
            <select id="region-picker" value={region} onChange={(e) => setRegion(e.target.value)}>
              {regions.map((r) => (
                <option key={r} value={r}>{r}</option>
              ))}
            </select>
          </div>
          <p className="whoami" title={session.principalArn}>
            <span className="visually-hidden">Signed in as </span>
            <strong data-testid="display-name">{session.displayName}</strong>
            <span className="muted"> @ {session.accountId}</span>
          </p>
          <button type="button" className="button" onClick={signOut}>Sign out</button>
        </div>
      </header>
      <div className="frame">
        <nav className="sidenav" aria-label="Console">
          <ul>
            {NAV.map((item) => {
              const current = item.match(segments);
              return (
                <li key={item.to}>
                  <Link to={item.to} aria-current={current ? 'page' : undefined} className={current ? 'active' : undefined}>
                    {item.label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <main id="main" className="content" tabIndex={-1}>
          {children}
        </main>
      </div>
    </div>
  );
}
