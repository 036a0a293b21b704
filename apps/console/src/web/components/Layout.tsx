import { NavLink, Outlet } from 'react-router';
import { useConsole } from '../context.tsx';
import { humanize } from '../format.ts';

/** The staff console's frame: skip link, navigation, who is signed in. */
export function Layout() {
  const { session, signOut } = useConsole();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">CancelFlow</span>
        <nav aria-label="Main">
          <NavLink to="/orders">Orders</NavLink>
          <NavLink to="/cancellation-requests">Cancellation requests</NavLink>
          <NavLink to="/cancelled-but-shipped">Cancelled but shipped</NavLink>
          {session?.role === 'MERCHANT' || session?.role === 'SUPPORT' ? (
            <NavLink to="/bulk-cancellations">Bulk cancellation</NavLink>
          ) : null}
          {session?.role === 'SUPPORT' ? <NavLink to="/overdue-waits">Overdue waits</NavLink> : null}
          {session?.role === 'MERCHANT' || session?.role === 'SUPPORT' ? <NavLink to="/api-keys">API keys</NavLink> : null}
          {session?.role === 'MERCHANT' || session?.role === 'SUPPORT' ? <NavLink to="/webhooks">Webhooks</NavLink> : null}
        </nav>
        {session ? (
          <div className="who">
            <span>
              {session.staffId} · {humanize(session.role)}
              {session.merchantId ? ` · merchant ${session.merchantId}` : ''}
              {session.token ? '' : ' (no token)'}
            </span>
            <button type="button" className="secondary" onClick={() => signOut()}>
              Sign out
            </button>
          </div>
        ) : null}
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
