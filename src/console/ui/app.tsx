/**
 * The console: the session (from the cookie, or sign-in), then the page for the current path.
 * Session expiry (any 401, or the session's expiresAt passing) returns to sign-in.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { SessionInfo } from '../api-contract.ts';
import { ConsoleApi, currentSession } from './api/client.ts';
import { toApiError, type ApiError } from './api/errors.ts';
import { EventDetailPage } from './event-history/event-detail-page.tsx';
import { EventHistoryPage } from './event-history/event-history-page.tsx';
import { EventHistoryProvider } from './event-history/history-store.tsx';
import { FhirBrowserPage } from './fhir-browser/fhir-browser-page.tsx';
import { ResourcePage } from './fhir-browser/resource-page.tsx';
import { DatastoreDetailPage } from './healthlake/datastore-detail-page.tsx';
import { DatastoresPage } from './healthlake/datastores-page.tsx';
import { OmicsRoutes } from './omics/omics-routes.tsx';
import { ConsoleContext, type ConsoleContextValue } from './shell/console-context.tsx';
import { ErrorAlert } from './shell/error-alert.tsx';
import { Layout } from './shell/layout.tsx';
import { Link, useRoute } from './shell/router.tsx';
import { SignInPage } from './sign-in/sign-in-page.tsx';
import { TrailDetailPage } from './trails/trail-detail-page.tsx';
import { TrailFormPage } from './trails/trail-form-page.tsx';
import { TrailsPage } from './trails/trails-page.tsx';

const REGION_KEY = 'healthtrail.console.region';

type SessionState = { kind: 'loading' } | { kind: 'signed-out'; notice: string | null } | { kind: 'signed-in'; session: SessionInfo };

export function App() {
  const [state, setState] = useState<SessionState>({ kind: 'loading' });
  const [startError, setStartError] = useState<ApiError | null>(null);

  useEffect(() => {
    currentSession().then(
      (session) => setState(session ? { kind: 'signed-in', session } : { kind: 'signed-out', notice: null }),
      (e: unknown) => {
        setStartError(toApiError(e));
        setState({ kind: 'signed-out', notice: null });
      },
    );
  }, []);

  const expire = useCallback(() => {
    setState((s) => (s.kind === 'signed-in' ? { kind: 'signed-out', notice: 'Your session has ended. Sign in again to continue.' } : s));
  }, []);

  if (state.kind === 'loading') {
    return <main id="main" className="loading-screen" aria-busy="true"><p>Loading HealthTrail console…</p></main>;
  }
  if (state.kind === 'signed-out') {
    return (
      <>
        {startError ? <ErrorAlert error={startError} title="The console could not reach the server" /> : null}
        <SignInPage notice={state.notice} onSignedIn={(session) => setState({ kind: 'signed-in', session })} />
      </>
    );
  }
  return (
    <SignedIn
      key={state.session.accessKeyId}
      session={state.session}
      onExpired={expire}
      onSignedOut={() => setState({ kind: 'signed-out', notice: 'You have signed out.' })}
    />
  );
}

function SignedIn({ session, onExpired, onSignedOut }: { session: SessionInfo; onExpired: () => void; onSignedOut: () => void }) {
  const api = useMemo(() => new ConsoleApi(session, onExpired), [session, onExpired]);
  const [region, setRegionState] = useState(() => {
    const saved = localStorage.getItem(REGION_KEY);
    return saved && session.regions.includes(saved) ? saved : session.region;
  });

  // The session's own deadline, even when no call is made.
  useEffect(() => {
    const left = new Date(session.expiresAt).getTime() - Date.now();
    if (Number.isNaN(left)) return;
    const timer = setTimeout(onExpired, Math.max(0, Math.min(left, 2 ** 31 - 1)));
    return () => clearTimeout(timer);
  }, [session.expiresAt, onExpired]);

  const value = useMemo<ConsoleContextValue>(() => ({
    api,
    session,
    region,
    setRegion: (r: string) => {
      setRegionState(r);
      try {
        localStorage.setItem(REGION_KEY, r);
      } catch {
        // Storage unavailable: the region lasts for this page only.
      }
    },
    signOut: () => {
      api.signOut().catch(() => undefined).finally(onSignedOut);
    },
  }), [api, session, region, onSignedOut]);

  return (
    <ConsoleContext.Provider value={value}>
      <EventHistoryProvider>
        <Layout>
          <Page />
        </Layout>
      </EventHistoryProvider>
    </ConsoleContext.Provider>
  );
}

function Page() {
  const { segments } = useRoute();
  const [first, second, third, fourth, fifth] = segments;
  switch (first) {
    case undefined:
      return <EventHistoryPage />;
    case 'events':
      return second ? <EventDetailPage eventId={second} /> : <EventHistoryPage />;
    case 'trails':
      if (second === undefined) return <TrailsPage />;
      if (second === 'new') return <TrailFormPage />;
      if (second === 'edit' && third) return <TrailFormPage trailArn={third} />;
      if (second === 'view' && third) return <TrailDetailPage trailArn={third} />;
      break;
    case 'healthlake':
      if (second === undefined) return <DatastoresPage />;
      if (third === undefined) return <DatastoreDetailPage datastoreId={second} />;
      if (third === 'fhir' && fourth && fifth) return <ResourcePage datastoreId={second} resourceType={fourth} id={fifth} />;
      if (third === 'fhir') return <FhirBrowserPage datastoreId={second} />;
      break;
    case 'omics':
      return <OmicsRoutes segments={segments.slice(1)} />;
  }
  return (
    <section>
      <h1>Page not found</h1>
      <p>There is no console page at this address. <Link to="/">Go to Event history</Link>.</p>
    </section>
  );
}
