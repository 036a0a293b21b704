import { useCallback, useMemo, useRef, useState, type ReactNode } from 'react';
import { Navigate, Outlet, Route, Routes, useLocation, useNavigate } from 'react-router';
import { createApi, type Api } from './api/index.ts';
import { Layout } from './components/Layout.tsx';
import type { ConsoleConfig } from './config.ts';
import { ConsoleContext, useConsole, type ConsoleContextValue } from './context.tsx';
import { ApiKeysPage } from './pages/ApiKeysPage.tsx';
import { BulkCancellationJobPage, BulkCancellationStartPage } from './pages/BulkCancellationPage.tsx';
import { WebhooksPage } from './pages/WebhooksPage.tsx';
import { CancellationPage } from './pages/CancellationPage.tsx';
import { CancellationRequestsPage } from './pages/CancellationRequestsPage.tsx';
import { CancelledButShippedPage, CancelledButShippedListPage } from './pages/CancelledButShippedPages.tsx';
import { NotFoundPage } from './pages/ComingLaterPage.tsx';
import { CustomerOrderPage } from './pages/CustomerOrderPage.tsx';
import { OrderDetailPage } from './pages/order-detail/OrderDetailPage.tsx';
import { OrdersPage } from './pages/OrdersPage.tsx';
import { OverdueWaitsPage } from './pages/OverdueWaitsPage.tsx';
import { SignInPage } from './pages/SignInPage.tsx';
import { loadSession, saveSession, type Session } from './session.ts';

interface ProviderProps {
  config: ConsoleConfig;
  children: ReactNode;
  /** Tests give their own fetch; the browser uses its own. */
  fetch?: typeof fetch;
  initialSession?: Session | null;
}

export function ConsoleProvider({ config, children, fetch, initialSession }: ProviderProps) {
  const navigate = useNavigate();
  const [session, setSession] = useState<Session | null>(() => (initialSession === undefined ? loadSession() : initialSession));
  // Why the person was signed out, for the sign-in screen (router state would be overwritten by the redirect).
  const [notice, setNotice] = useState<string>();
  const tokenRef = useRef<string | null>(session?.token ?? null);
  tokenRef.current = session?.token ?? null;

  const signIn = useCallback((next: Session) => {
    saveSession(next);
    setNotice(undefined);
    setSession(next);
  }, []);
  const signOut = useCallback(
    (message?: string) => {
      saveSession(null);
      setNotice(message);
      setSession(null);
      navigate('/sign-in', { replace: true });
    },
    [navigate],
  );

  const apiFor = useCallback((token: string | null): Api => createApi({ token: () => token, ...(fetch ? { fetch } : {}) }), [fetch]);
  const api = useMemo(
    () =>
      createApi({
        token: () => tokenRef.current,
        onUnauthorized: (error) => signOut(`Please sign in again: ${error.message}`),
        ...(fetch ? { fetch } : {}),
      }),
    [fetch, signOut],
  );

  const value = useMemo<ConsoleContextValue>(
    () => ({ api, apiFor, config, session, notice, signIn, signOut }),
    [api, apiFor, config, session, notice, signIn, signOut],
  );
  return <ConsoleContext.Provider value={value}>{children}</ConsoleContext.Provider>;
}

function RequireSession() {
  const { session } = useConsole();
  const location = useLocation();
  if (!session) return <Navigate to="/sign-in" replace state={{ from: location.pathname + location.search }} />;
  return <Outlet />;
}

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/sign-in" element={<SignInPage />} />
      {/* The customer's page: no staff session, the order-scoped token from the email link. */}
      <Route path="/self-service" element={<CustomerOrderPage />} />
      <Route path="/self-service/orders/:orderId" element={<CustomerOrderPage />} />
      <Route element={<RequireSession />}>
        <Route element={<Layout />}>
          <Route index element={<Navigate to="/orders" replace />} />
          <Route path="/orders" element={<OrdersPage />} />
          <Route path="/orders/:orderId" element={<OrderDetailPage />} />
          <Route path="/cancellations/:cancellationId" element={<CancellationPage />} />
          <Route path="/cancellation-requests" element={<CancellationRequestsPage />} />
          <Route path="/cancelled-but-shipped" element={<CancelledButShippedListPage />} />
          <Route path="/cancelled-but-shipped/:cancelledButShippedId" element={<CancelledButShippedPage />} />
          <Route path="/overdue-waits" element={<OverdueWaitsPage />} />
          <Route path="/api-keys" element={<ApiKeysPage />} />
          <Route path="/bulk-cancellations" element={<BulkCancellationStartPage />} />
          <Route path="/bulk-cancellations/:jobId" element={<BulkCancellationJobPage />} />
          <Route path="/webhooks" element={<WebhooksPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Route>
    </Routes>
  );
}
