/**
 * Sign-in: with an access key pair (optionally a session token) or as an IAM user with a
 * password. The server records each attempt as a ConsoleLogin event.
 */
import { useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { SessionInfo, SignInRequest } from '../../api-contract.ts';
import { signIn } from '../api/client.ts';
import { toApiError, type ApiError } from '../api/errors.ts';
import { ErrorAlert, Notice } from '../shell/error-alert.tsx';

type Method = SignInRequest['method'];

const TABS: { method: Method; label: string }[] = [
  { method: 'access-key', label: 'Access key' },
  { method: 'password', label: 'IAM user' },
];

export function SignInPage({ onSignedIn, notice }: { onSignedIn: (s: SessionInfo) => void; notice?: string | null }) {
  const [method, setMethod] = useState<Method>('access-key');
  const [accessKeyId, setAccessKeyId] = useState('');
  const [secretAccessKey, setSecretAccessKey] = useState('');
  const [sessionToken, setSessionToken] = useState('');
  const [accountId, setAccountId] = useState('');
  const [userName, setUserName] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const tabRefs = useRef<(HTMLButtonElement | null)[]>([]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const request: SignInRequest = method === 'access-key'
      ? { method, accessKeyId: accessKeyId.trim(), secretAccessKey, ...(sessionToken.trim() ? { sessionToken: sessionToken.trim() } : {}) }
      : { method, accountId: accountId.trim(), userName: userName.trim(), password };
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await signIn(request));
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  };

  const onTabKey = (e: KeyboardEvent, index: number) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft' && e.key !== 'Home' && e.key !== 'End') return;
    e.preventDefault();
    const next = e.key === 'Home' ? 0 : e.key === 'End' ? TABS.length - 1 : (index + (e.key === 'ArrowRight' ? 1 : -1) + TABS.length) % TABS.length;
    setMethod(TABS[next]!.method);
    tabRefs.current[next]?.focus();
  };

  return (
    <main className="sign-in" id="main">
      <div className="sign-in-card">
        <h1>
          <span className="brand-mark" aria-hidden="true">HT</span> Sign in to HealthTrail
        </h1>
        {notice ? <Notice kind="warning">{notice}</Notice> : null}
        <div role="tablist" aria-label="Sign-in method" className="tabs">
          {TABS.map((tab, i) => (
            <button
              key={tab.method}
              ref={(el) => {
                tabRefs.current[i] = el;
              }}
              type="button"
              role="tab"
              id={`tab-${tab.method}`}
              aria-selected={method === tab.method}
              aria-controls={`panel-${tab.method}`}
              tabIndex={method === tab.method ? 0 : -1}
              className="tab"
              onClick={() => setMethod(tab.method)}
              onKeyDown={(e) => onTabKey(e, i)}
            >
              {tab.label}
            </button>
          ))}
        </div>
        <form onSubmit={submit} role="tabpanel" id={`panel-${method}`} aria-labelledby={`tab-${method}`} className="stack">
          {method === 'access-key' ? (
            <>
              <div className="field">
                <label htmlFor="access-key-id">Access key ID</label>
                <input id="access-key-id" name="accessKeyId" autoComplete="username" spellCheck={false} required
                  value={accessKeyId} onChange={(e) => setAccessKeyId(e.target.value)} />
              </div>
              <div className="field">
                <label htmlFor="secret-access-key">Secret access key</label>
                <input id="secret-access-key" name="secretAccessKey" type="password" autoComplete="current-password" required
                  value={secretAccessKey} onChange={(e) => setSecretAccessKey(e.target.value)} />
              </div>
              <div className="field">
                <label htmlFor="session-token">Session token <span className="muted">(optional, for temporary credentials)</span></label>
                <textarea id="session-token" name="sessionToken" rows={2} spellCheck={false}
                  value={sessionToken} onChange={(e) => setSessionToken(e.target.value)} />
              </div>
            </>
          ) : (
            <>
              <div className="field">
                <label htmlFor="account-id">Account ID</label>
                <input id="account-id" name="accountId" inputMode="numeric" pattern="\d{12}" title="12 digits" required
                  autoComplete="organization" value={accountId} onChange={(e) => setAccountId(e.target.value)} />
              </div>
              <div className="field">
                <label htmlFor="user-name">IAM user name</label>
                <input id="user-name" name="userName" autoComplete="username" required spellCheck={false}
                  value={userName} onChange={(e) => setUserName(e.target.value)} />
              </div>
              <div className="field">
                <label htmlFor="password">Password</label>
                <input id="password" name="password" type="password" autoComplete="current-password" required
                  value={password} onChange={(e) => setPassword(e.target.value)} />
              </div>
            </>
          )}
          <ErrorAlert error={error} title="Sign-in failed" />
          <button type="submit" className="button primary" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </div>
    </main>
  );
}
