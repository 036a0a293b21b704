import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { CHANNEL_POLICIES } from '@cancelflow/domain/channel-policies';
import type { Cancellation, CancellationStarted, Eligibility, OrderDetail, ShipmentRecorded } from '../api/index.ts';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { workflowUrl } from '../config.ts';
import { useConsole } from '../context.tsx';
import { formatMoney, formatTime, humanize } from '../format.ts';
import { useResource } from '../hooks/useResource.ts';
import { CreateCancellationDialog } from './CreateCancellationDialog.tsx';
import { CreateShipmentDialog } from './CreateShipmentDialog.tsx';
import { Timeline } from './Timeline.tsx';

interface OrderScreen {
  order: OrderDetail;
  eligibility: Eligibility;
}

/** Still moving: a cancellation IN_PROGRESS, or just CANCELLED with the customer's email still to go. */
export const isSettling = (c: Cancellation, now = Date.now()): boolean =>
  c.status === 'IN_PROGRESS' ||
  (c.status === 'CANCELLED' &&
    !c.steps.some((s) => s.step === 'CUSTOMER_NOTIFIED') &&
    c.completedAt !== undefined &&
    now - Date.parse(c.completedAt) < 60_000);

export const hasRunningCancellation = (order: OrderDetail): boolean => order.cancellations.some((c) => isSettling(c));

/** Changes whenever a cancellation moves: the payments and emails reload then. */
const progressStamp = (order: OrderDetail): string =>
  order.cancellations.map((c) => `${c.id}:${c.status}:${c.refundStatus ?? ''}:${c.steps.length}`).join('|');

export function OrderDetailPage() {
  const { orderId = '' } = useParams();
  const { api, config, session } = useConsole();
  // Shipments and the shop's retrieval are integrations' calls (the warehouse, the shop): SERVICE tokens.
  const isIntegration = session?.role === 'SERVICE';
  const [dialogOpen, setDialogOpen] = useState(false);
  const [started, setStarted] = useState<CancellationStarted>();
  const [actionError, setActionError] = useState<Error>();
  const [acknowledging, setAcknowledging] = useState(false);
  const [shipmentOpen, setShipmentOpen] = useState(false);
  const [shipped, setShipped] = useState<ShipmentRecorded>();

  const screen = useResource<OrderScreen>(
    `order:${orderId}`,
    async () => {
      const [order, eligibility] = await Promise.all([api.orders.get(orderId), api.orders.eligibility(orderId)]);
      return { order, eligibility };
    },
    // Follow running cancellations until they finish, without reloading the page.
    { pollWhile: (s) => hasRunningCancellation(s.order) },
  );
  const running = screen.data ? hasRunningCancellation(screen.data.order) : false;

  if (screen.loading && !screen.data) return <p role="status">Loading the order…</p>;
  if (!screen.data) return <ErrorMessage error={screen.error} title="The order cannot be shown" />;
  const { order, eligibility } = screen.data;
  const policy = CHANNEL_POLICIES[order.channel];
  const anyCancellable = eligibility.merchant.allowed && eligibility.lines.some((l) => l.cancellableQuantity > 0);
  const whyNotCancellable = !eligibility.merchant.allowed
    ? eligibility.merchant.reason
    : anyCancellable
      ? undefined
      : 'no line has anything left to cancel';

  const acknowledge = async () => {
    setAcknowledging(true);
    setActionError(undefined);
    try {
      await api.orders.acknowledge(order.id);
      await screen.reload();
    } catch (e) {
      setActionError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setAcknowledging(false);
    }
  };

  return (
    <article aria-labelledby="order-title">
      <p>
        <Link to="/orders">← Orders</Link>
      </p>
      <h1 id="order-title">
        Order {order.channelOrderNo} <StatusBadge status={order.status} />
        {order.cancellationRequested ? <span className="badge badge-bad">Cancellation requested</span> : null}
      </h1>
      <dl className="facts">
        <dt>Channel</dt>
        <dd>
          {policy?.label ?? order.channel}
          {order.thirdPartyManaged ? ' (third-party managed: not synced back)' : ''}
        </dd>
        <dt>Placed</dt>
        <dd>{formatTime(order.placedAt)}</dd>
        <dt>Retrieved by the shop</dt>
        <dd>{order.acknowledged ? 'Yes' : 'Not yet'}</dd>
        {order.customer ? (
          <>
            <dt>Customer</dt>
            <dd>
              {order.customer.name} &lt;{order.customer.email}&gt;
            </dd>
          </>
        ) : null}
        {order.money && order.money.discount > 0 ? (
          <>
            <dt>Discounts</dt>
            <dd>
              {formatMoney(order.money.discount, order.currency)}
              {order.money.discounts.some((d) => d.description) ? ` (${order.money.discounts.flatMap((d) => d.description ?? []).join(', ')})` : ''}
            </dd>
          </>
        ) : null}
        {order.money && order.money.shipping.amount > 0 ? (
          <>
            <dt>Shipping</dt>
            <dd>{formatMoney(order.money.shipping.amount, order.currency)}</dd>
          </>
        ) : null}
        <dt>Total</dt>
        <dd>{formatMoney(order.total, order.currency)}</dd>
        {order.money ? (
          <>
            <dt>VAT included</dt>
            <dd>{formatMoney(order.money.vat, order.currency)}</dd>
          </>
        ) : null}
        <dt>Merchant</dt>
        <dd>{order.merchantId}</dd>
      </dl>

      <div className="actions">
        <button type="button" onClick={() => setDialogOpen(true)} disabled={!anyCancellable} aria-describedby="why-not">
          Create cancellation
        </button>
        {order.status === 'NEW' && isIntegration ? (
          <button type="button" className="secondary" onClick={acknowledge} disabled={acknowledging}>
            {acknowledging ? 'Acknowledging…' : 'Acknowledge (shop retrieved it)'}
          </button>
        ) : null}
        <button
          type="button"
          className="secondary"
          onClick={() => setShipmentOpen(true)}
          disabled={!isIntegration || running || order.lines.every((l) => l.shippedQuantity >= l.quantity)}
          aria-describedby={isIntegration ? undefined : 'why-no-shipment'}
        >
          Create shipment
        </button>
      </div>
      {!isIntegration ? (
        <p id="why-no-shipment" className="hint">
          Shipments are recorded by the warehouse (sign in with a SERVICE token to record one by hand).
        </p>
      ) : null}
      {whyNotCancellable ? (
        <p id="why-not" className="hint">
          Cannot cancel: {whyNotCancellable}
        </p>
      ) : null}
      {running ? (
        <p role="status" className="notice">
          A cancellation is in progress; this page follows it live.
        </p>
      ) : null}
      {started ? (
        <p role="status" className="notice">
          Cancellation started. <Link to={`/cancellations/${started.cancellationId}`}>Follow it</Link> or{' '}
          <a href={workflowUrl(config, started.workflowId)} target="_blank" rel="noreferrer">
            open it in Temporal
          </a>
          .
        </p>
      ) : null}
      {shipped ? (
        <p role="status" className="notice">
          Shipment recorded.
          {shipped.cancelledButShippedId ? (
            <>
              {' '}
              Cancelled items shipped: <Link to={`/cancelled-but-shipped/${shipped.cancelledButShippedId}`}>follow the chain</Link>.
            </>
          ) : null}
          {shipped.fillOrKillCancellationId ? (
            <>
              {' '}
              The rest of the line is cancelled (fill or kill): <Link to={`/cancellations/${shipped.fillOrKillCancellationId}`}>its cancellation</Link>.
            </>
          ) : null}
        </p>
      ) : null}
      {order.cancellationRequested ? (
        <p className="notice">
          The customer asked to cancel: <Link to={`/cancellation-requests?orderId=${order.id}`}>answer in the requests queue</Link>.
        </p>
      ) : null}
      <ErrorMessage error={actionError} />
      <ErrorMessage error={screen.error} title="Could not refresh" />

      <section aria-labelledby="lines-title">
        <h2 id="lines-title">Lines</h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Line</th>
                <th scope="col">SKU</th>
                <th scope="col" className="num">
                  Unit price
                </th>
                <th scope="col" className="num">
                  Ordered
                </th>
                <th scope="col" className="num">
                  Shipped
                </th>
                <th scope="col" className="num">
                  Cancelled
                </th>
                <th scope="col" className="num">
                  Returned
                </th>
                <th scope="col" className="num">
                  Open
                </th>
                <th scope="col">Can be cancelled now</th>
              </tr>
            </thead>
            <tbody>
              {order.lines.map((line) => {
                const e = eligibility.lines.find((l) => l.lineId === line.id);
                return (
                  <tr key={line.id}>
                    <td>{line.lineNo}</td>
                    <td>{line.sku}</td>
                    <td className="num">{formatMoney(line.unitPrice, order.currency)}</td>
                    <td className="num">{line.quantity}</td>
                    <td className="num">{line.shippedQuantity}</td>
                    <td className="num">{line.cancelledQuantity}</td>
                    <td className="num">{line.returnedQuantity}</td>
                    <td className="num">{line.openQuantity}</td>
                    <td>
                      {e ? `${e.cancellableQuantity}${e.wholeLineOnly && e.cancellableQuantity > 0 ? ' (whole line)' : ''}` : '—'}
                      {e && e.notCancellable.length > 0 ? <div className="hint">{e.notCancellable.join('; ')}</div> : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="cancellations-title">
        <h2 id="cancellations-title">Cancellations</h2>
        {order.cancellations.length === 0 ? (
          <p>None.</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Number</th>
                  <th scope="col">Status</th>
                  <th scope="col">Refund</th>
                  <th scope="col">Reason</th>
                  <th scope="col" className="num">
                    Amount
                  </th>
                  <th scope="col">Created</th>
                  <th scope="col">Workflow</th>
                </tr>
              </thead>
              <tbody>
                {order.cancellations.map((c) => (
                  <tr key={c.id}>
                    <td>
                      <Link to={`/cancellations/${c.id}`}>{c.merchantCancellationNumber}</Link>
                    </td>
                    <td>
                      <StatusBadge status={c.status} />
                    </td>
                    <td>
                      {humanize(c.refundMethod)}
                      {c.refundStatus ? (
                        <>
                          {' '}
                          <StatusBadge status={c.refundStatus} />
                        </>
                      ) : null}
                    </td>
                    <td>{humanize(c.reason)}</td>
                    <td className="num">{formatMoney(c.amount, c.currency)}</td>
                    <td>{formatTime(c.createdAt)}</td>
                    <td>
                      <a href={workflowUrl(config, c.workflowId)} target="_blank" rel="noreferrer">
                        Open in Temporal<span className="visually-hidden"> (opens in a new tab)</span>
                      </a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {order.cancelledButShipped && order.cancelledButShipped.length > 0 ? (
        <section aria-labelledby="cbs-title">
          <h2 id="cbs-title">Shipped after cancellation</h2>
          <ul>
            {order.cancelledButShipped.map((c) => (
              <li key={c.id}>
                <Link to={`/cancelled-but-shipped/${c.id}`}>Chain {c.id.slice(0, 8)}</Link> <StatusBadge status={c.status} />{' '}
                {formatMoney(c.amount, c.currency)} to rebill
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="timeline-title">
        <h2 id="timeline-title">Timeline</h2>
        <Timeline events={order.timeline} cancellations={order.cancellations} />
      </section>

      <PaymentsSection orderId={order.id} version={progressStamp(order)} live={running} />
      <EmailsSection orderId={order.id} version={progressStamp(order)} live={running} />

      <CreateShipmentDialog
        open={shipmentOpen}
        order={order}
        onClose={() => setShipmentOpen(false)}
        onRecorded={(recorded) => {
          setShipmentOpen(false);
          setShipped(recorded);
          void screen.reload();
        }}
      />
      <CreateCancellationDialog
        open={dialogOpen}
        order={order}
        eligibility={eligibility}
        onClose={() => setDialogOpen(false)}
        onCreated={(s) => {
          setDialogOpen(false);
          setStarted(s);
          void screen.reload();
        }}
      />
    </article>
  );
}

/** live: a cancellation is moving, so money and emails are polled too (they change between steps). */
function PaymentsSection({ orderId, version, live }: { orderId: string; version: string; live: boolean }) {
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

function EmailsSection({ orderId, version, live }: { orderId: string; version: string; live: boolean }) {
  const { api } = useConsole();
  const emails = useResource(`emails:${orderId}`, () => api.notifications.emailsForOrder(orderId), { pollWhile: () => live });
  useReloadOn(version, emails.reload);
  return (
    <section aria-labelledby="emails-title">
      <h2 id="emails-title">Emails</h2>
      <ErrorMessage error={emails.error} title="Emails cannot be shown" />
      {emails.data ? (
        emails.data.items.length === 0 ? (
          <p className="hint">No emails sent for this order.</p>
        ) : (
          <ul>
            {emails.data.items.map((e) => (
              <li key={e.id}>
                <details>
                  <summary>
                    {formatTime(e.sentAt ?? e.createdAt)} · {e.subject} → {e.to} <StatusBadge status={e.status} />
                  </summary>
                  <pre className="email">{e.text}</pre>
                </details>
              </li>
            ))}
          </ul>
        )
      ) : null}
    </section>
  );
}

/** Reload when `version` changes after the first render. */
function useReloadOn(version: string, reload: () => Promise<void>): void {
  const [seen, setSeen] = useState(version);
  useEffect(() => {
    if (version === seen) return;
    setSeen(version);
    void reload();
  }, [version, seen, reload]);
}
