import { useId, useState, type FormEvent } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useConsole } from '../context.tsx';
import { sessionFromToken, STAFF_ROLES, type StaffRole } from '../session.ts';

/** Paste a bearer token (the start command prints ready ones in development). */
export function SignInPage() {
  const { session, signIn, config, notice } = useConsole();
  const location = useLocation();
  const state = location.state as { from?: string } | null;
  const [token, setToken] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<StaffRole>('MERCHANT');
  const [error, setError] = useState<string>();
  const ids = { token: useId(), name: useId(), role: useId(), help: useId() };

  if (session) return <Navigate to={state?.from ?? '/orders'} replace />;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!token.trim()) {
      setError('paste a token to sign in');
      return;
    }
    try {
      signIn(sessionFromToken(token, name));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  const continueWithoutToken = () => {
    if (!name.trim()) {
      setError('give your name or staff id: it is recorded with what you do');
      return;
    }
    signIn({ token: null, role, staffId: name.trim() });
  };

  return (
    <main id="main" className="narrow">
      <h1>Sign in to CancelFlow</h1>
      {notice ? (
        <p role="status" className="notice">
          {notice}
        </p>
      ) : null}
      <form onSubmit={submit} noValidate>
        <label htmlFor={ids.token}>Token</label>
        <textarea
          id={ids.token}
          value={token}
          onChange={(e) => setToken(e.target.value)}
          rows={4}
          aria-describedby={ids.help}
          spellCheck={false}
          autoComplete="off"
        />
        <p id={ids.help} className="hint">
          A bearer token for your role (merchant or support). In development, <code>npm start</code> prints a ready token per role.
        </p>
        <label htmlFor={ids.name}>Your name or staff id (used when the token names nobody)</label>
        <input id={ids.name} value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" />
        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : null}
        <div className="actions">
          <button type="submit">Sign in</button>
        </div>
      </form>
      {config.allowUnauthenticated ? (
        <section aria-labelledby="no-token" className="card">
          <h2 id="no-token">Without a token</h2>
          <p className="hint">Only while the services do not check tokens yet. Pick the role whose screens you want to see.</p>
          <label htmlFor={ids.role}>Role</label>
          <select id={ids.role} value={role} onChange={(e) => setRole(e.target.value as StaffRole)}>
            {STAFF_ROLES.filter((r) => r !== 'SERVICE').map((r) => (
              <option key={r} value={r}>
                {r === 'MERCHANT' ? 'Merchant' : 'Support'}
              </option>
            ))}
          </select>
          <div className="actions">
            <button type="button" className="secondary" onClick={continueWithoutToken}>
              Continue without a token
            </button>
          </div>
        </section>
      ) : null}
    </main>
  );
}
