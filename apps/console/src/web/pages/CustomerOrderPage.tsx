import { useId, useMemo, useState, type FormEvent } from 'react';
import { useParams, useSearchParams } from 'react-router';
import type { SelfServiceOrder } from '../api/index.ts';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { useConsole } from '../context.tsx';
import { formatMoney, formatTime, humanize } from '../format.ts';
import { useResource } from '../hooks/useResource.ts';
import { decodeToken } from '../session.ts';
import { MERCHANT_REASONS } from './CreateCancellationDialog.tsx';
import { CustomerCancelledButShippedSection } from './CustomerCancelledButShippedSection.tsx';

const CUSTOMER_TOKEN_KEY = 'cancelflow.customerToken';

/** The order-scoped token from the email link (?token=), kept for this tab so a reload still works. */
function useCustomerToken(): string | null {
  const [params] = useSearchParams();
  return useMemo(() => {
    const fromUrl = params.get('token');
    if (fromUrl) {
      sessionStorage.setItem(CUSTOMER_TOKEN_KEY, fromUrl);
      return fromUrl;
    }
    return sessionStorage.getItem(CUSTOMER_TOKEN_KEY);
  }, [params]);
}

/**
 * The customer's self-service page, reached from the signed link in the order email:
 * /self-service/orders/:orderId?token=… (or /self-service?token=… when the token names the order).
 */
export function CustomerOrderPage() {
  const { apiFor } = useConsole();
  const token = useCustomerToken();
  const params = useParams();
  const orderId = params.orderId ?? orderIdFromToken(token);
  const api = useMemo(() => apiFor(token), [apiFor, token]);

  const screen = useResource(
    `customer:${orderId ?? ''}:${token ?? ''}`,
    async () => {
      if (!orderId) throw new Error('this link names no order: open the link from your order email again');
      if (!token) throw new Error('this page needs the link from your order email (its token is missing)');
      return api.orders.selfService.get(orderId, token);
    },
    {
      pollWhile: (o) =>
        o.cancellationRequests.some((r) => r.status === 'REQUESTED') ||
        (o.status === 'IN_PROGRESS' && o.cancellationRequests.some((r) => r.status === 'ACCEPTED' || r.status === 'AUTO_ACCEPTED')),
      intervalMs: 3_000,
    },
  );

  return (
    <main id="main" className="customer">
      <h1>Your order</h1>
      {screen.loading && !screen.data ? <p role="status">Loading your order…</p> : null}
      <ErrorMessage error={screen.error} title="Your order cannot be shown" />
      {screen.data && token ? <CustomerOrder order={screen.data} token={token} api={api} onDone={screen.reload} /> : null}
    </main>
  );
}

function orderIdFromToken(token: string | null): string | undefined {
  if (!token) return undefined;
  try {
    const claims = decodeToken(token);
    return claims.orderId;
  } catch {
    return undefined;
  }
}

interface CustomerOrderProps {
  order: SelfServiceOrder;
  token: string;
  api: ReturnType<ReturnType<typeof useConsole>['apiFor']>;
  onDone(): Promise<void>;
}

const REQUEST_STATE: Record<string, string> = {
  REQUESTED: 'Waiting for the shop to answer.',
  ACCEPTED: 'Accepted: the items are cancelled and your refund is on its way.',
  AUTO_ACCEPTED: 'Accepted at once: the items are cancelled and your refund is on its way.',
  REJECTED: 'The shop could not cancel this.',
  WITHDRAWN: 'You withdrew this request.',
};

function CustomerOrder({ order, token, api, onDone }: CustomerOrderProps) {
  const eligibility = order.eligibility;
  const customer = eligibility.customer;
  const cancellable = eligibility.lines.filter((l) => l.cancellableQuantity > 0);
  const [selected, setSelected] = useState<Record<string, boolean>>({});
  const [reason, setReason] = useState('');
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const [problem, setProblem] = useState<string>();
  const [sent, setSent] = useState(false);
  const ids = { reason: useId(), comment: useId(), base: useId() };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const lines = cancellable.filter((l) => selected[l.lineId]).map((l) => ({ lineId: l.lineId, quantity: l.cancellableQuantity }));
    if (lines.length === 0) return setProblem('choose what you want to cancel');
    if (!reason) return setProblem('tell us why you want to cancel');
    setProblem(undefined);
    setBusy(true);
    setError(undefined);
    try {
      await api.orders.selfService.requestCancellation(order.id, token, {
        lines,
        reason,
        ...(comment.trim() ? { comment: comment.trim() } : {}),
      });
      setSent(true);
      await onDone();
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <p>
        Order {order.channelOrderNo} · placed {formatTime(order.placedAt)} · <StatusBadge status={order.status} />
      </p>
      <ul className="cards">
        {order.lines.map((line) => {
          const e = eligibility.lines.find((l) => l.lineId === line.id);
          return (
            <li key={line.id} className="card">
              <strong>{line.sku}</strong> · {line.quantity} × {formatMoney(line.unitPrice, order.currency)}
              <div className="hint">
                {line.shippedQuantity > 0 ? `${line.shippedQuantity} shipped. ` : ''}
                {line.cancelledQuantity > 0 ? `${line.cancelledQuantity} cancelled. ` : ''}
                {customer.allowed && e && e.cancellableQuantity > 0 ? `${e.cancellableQuantity} can still be cancelled. ` : ''}
                {e && e.notCancellable.length > 0 ? e.notCancellable.join('; ') : ''}
              </div>
            </li>
          );
        })}
      </ul>

      <section aria-labelledby="cancel-title">
        <h2 id="cancel-title">Cancel</h2>
        {!customer.allowed ? (
          <p className="notice">You cannot cancel this order yourself: {customer.reason}</p>
        ) : cancellable.length === 0 ? (
          <p className="notice">Nothing in this order can be cancelled any more.</p>
        ) : sent || order.cancellationRequests.some((r) => r.status === 'REQUESTED') ? (
          <p role="status" className="notice">
            We have your request. We will email you when the shop has answered.
          </p>
        ) : (
          <form onSubmit={submit} noValidate aria-busy={busy}>
            {customer.until ? <p className="hint">You can ask until {formatTime(customer.until)}.</p> : null}
            <fieldset>
              <legend>What do you want to cancel?</legend>
              {cancellable.map((line) => (
                <div key={line.lineId} className="check">
                  <input
                    type="checkbox"
                    id={`${ids.base}-${line.lineId}`}
                    checked={selected[line.lineId] ?? false}
                    onChange={(e) => setSelected((s) => ({ ...s, [line.lineId]: e.target.checked }))}
                  />
                  <label htmlFor={`${ids.base}-${line.lineId}`}>
                    {line.cancellableQuantity} × {line.sku}
                  </label>
                </div>
              ))}
            </fieldset>
            <label htmlFor={ids.reason}>Why?</label>
            <select id={ids.reason} value={reason} onChange={(e) => setReason(e.target.value)}>
              <option value="">Choose a reason</option>
              {MERCHANT_REASONS.filter((r) => r !== 'FRAUD_SUSPECTED' && r !== 'PRICING_ERROR').map((r) => (
                <option key={r} value={r}>
                  {humanize(r)}
                </option>
              ))}
            </select>
            <label htmlFor={ids.comment}>Anything else we should know? (optional)</label>
            <textarea id={ids.comment} value={comment} rows={3} maxLength={1000} onChange={(e) => setComment(e.target.value)} />
            {problem ? (
              <p role="alert" className="error">
                {problem}
              </p>
            ) : null}
            <ErrorMessage error={error} title="Your request was not sent" />
            <div className="actions">
              <button type="submit" disabled={busy}>
                {busy ? 'Sending…' : 'Request cancellation'}
              </button>
            </div>
          </form>
        )}
      </section>
      {order.cancellationRequests.length > 0 ? (
        <section aria-labelledby="requests-title">
          <h2 id="requests-title">Your requests</h2>
          <ul className="cards">
            {order.cancellationRequests.map((r) => (
              <li key={r.id} className="card">
                <StatusBadge status={r.status} /> asked {formatTime(r.createdAt)}
                <div>{REQUEST_STATE[r.status] ?? humanize(r.status)}</div>
                {r.rejectionReason ? <div className="hint">Why: {r.rejectionReason}</div> : null}
                {r.returnInstead ? <div className="hint">It has shipped: send it back as a return instead.</div> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <CustomerCancelledButShippedSection
        cancelledButShippedList={order.cancelledButShipped ?? []}
        token={token}
        api={api}
        onDone={onDone}
      />
    </>
  );
}
