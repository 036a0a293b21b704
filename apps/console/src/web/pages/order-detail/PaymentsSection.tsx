import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { useConsole } from '../../context.tsx';
import { formatMoney, humanize } from '../../format.ts';
import { useReloadOn } from '../../hooks/useReloadOn.ts';
import { useResource } from '../../hooks/useResource.ts';

/** live: a cancellation is moving, so money is polled too (it changes between steps). */
export function PaymentsSection({ orderId, version, live }: { orderId: string; version: string; live: boolean }) {
  const { api } = useConsole();
  const payments = useResource(`payments:${orderId}`, () => api.payments.forOrder(orderId), { pollWhile: () => live });
  useReloadOn(version, payments.reload);
  return (
    <section aria-labelledby="payments-title">
      <h2 id="payments-title">Payments and refunds</h2>
      <ErrorMessage error={payments.error} title="Payments cannot be shown" />
      {payments.data === null ? <p className="hint">The payment service has recorded nothing for this order yet.</p> : null}
      {payments.data ? (
        <>
          <ul>
            {payments.data.payments.map((p) => (
              <li key={p.id}>
                {humanize(p.method)} {formatMoney(p.amount, p.currency)} <span className="hint">({p.reference})</span>
              </li>
            ))}
          </ul>
          {payments.data.refunds.length > 0 ? (
            <ul>
              {payments.data.refunds.map((r) => (
                <li key={r.id}>
                  Refund {formatMoney(r.amount, r.currency)} by {humanize(r.refundMethod)} <StatusBadge status={r.status} />
                  {r.failureReason ? <span className="hint"> {r.failureReason}</span> : null}
                </li>
              ))}
            </ul>
          ) : (
            <p className="hint">No refunds.</p>
          )}
        </>
      ) : null}
    </section>
  );
}
