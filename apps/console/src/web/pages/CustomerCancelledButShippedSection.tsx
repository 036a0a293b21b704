import { useId, useState, type FormEvent } from 'react';
import type { SelfServiceCancelledButShipped } from '../api/index.ts';
import type { OrdersApi } from '../api/orders.ts';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { formatMoney, formatTime } from '../format.ts';

interface Props {
  cancelledButShippedList: readonly SelfServiceCancelledButShipped[];
  token: string;
  api: { orders: Pick<OrdersApi, 'selfService'> };
  onDone(): Promise<void>;
}

/**
 * Items that shipped though they were cancelled: what shipped, with which carrier and tracking
 * number, what the customer will be charged again, and their answer (keep and pay, or send back)
 * in their own words. The email about it carries no links, as marketplaces require; this page is
 * reached from the order's own self-service link.
 */
export function CustomerCancelledButShippedSection({ cancelledButShippedList, token, api, onDone }: Props) {
  if (cancelledButShippedList.length === 0) return null;
  return (
    <section aria-labelledby="shipped-after-cancel-title">
      <h2 id="shipped-after-cancel-title">Shipped although you cancelled</h2>
      <ul className="cards">
        {cancelledButShippedList.map((cancelledButShipped) => (
          <li key={cancelledButShipped.id} className="card">
            <CancelledButShippedCard cancelledButShipped={cancelledButShipped} token={token} api={api} onDone={onDone} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function CancelledButShippedCard({
  cancelledButShipped,
  token,
  api,
  onDone,
}: Omit<Props, 'cancelledButShippedList'> & { cancelledButShipped: SelfServiceCancelledButShipped }) {
  const ids = { title: useId(), choice: useId(), statement: useId() };
  const [accepted, setAccepted] = useState<boolean>();
  const [statement, setStatement] = useState('');
  const [problem, setProblem] = useState<string>();
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<boolean>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (accepted === undefined) return setProblem('choose whether you keep the items or send them back');
    if (statement.trim().length < 3) return setProblem('tell us in your own words what you decided');
    setProblem(undefined);
    setError(undefined);
    setBusy(true);
    try {
      await api.orders.selfService.acknowledge(cancelledButShipped.id, token, { accepted, statement: statement.trim() });
      setSent(accepted);
      await onDone();
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setBusy(false);
    }
  };

  const amount = formatMoney(cancelledButShipped.amount, cancelledButShipped.currency);
  const answered = sent ?? cancelledButShipped.acknowledgement?.accepted;
  return (
    <>
      <h3 id={ids.title}>{cancelledButShipped.lines.map((l) => `${l.quantity} × ${l.sku ?? 'item'}`).join(', ')}</h3>
      <p>
        These items shipped although they were cancelled
        {cancelledButShipped.carrier
          ? ` (${cancelledButShipped.carrier}, tracking number ${cancelledButShipped.trackingNumber ?? 'unknown'}${cancelledButShipped.shippedAt ? `, ${formatTime(cancelledButShipped.shippedAt)}` : ''})`
          : ''}
        . If you keep them, you will be charged <strong>{amount}</strong> again.
      </p>
      {answered !== undefined ? (
        <p role="status" className="notice">
          {answered
            ? `Thank you: you keep the items and will be charged ${amount} again.`
            : 'Thank you: you send the items back and will not be charged for them.'}
        </p>
      ) : cancelledButShipped.awaitingAcknowledgement ? (
        <form onSubmit={submit} noValidate aria-busy={busy} aria-labelledby={ids.title}>
          <fieldset>
            <legend>Do you keep the items?</legend>
            <div className="check">
              <input
                type="radio"
                id={`${ids.choice}-keep`}
                name={ids.choice}
                checked={accepted === true}
                onChange={() => setAccepted(true)}
              />
              <label htmlFor={`${ids.choice}-keep`}>Yes, I keep them and accept to be charged {amount} again</label>
            </div>
            <div className="check">
              <input
                type="radio"
                id={`${ids.choice}-return`}
                name={ids.choice}
                checked={accepted === false}
                onChange={() => setAccepted(false)}
              />
              <label htmlFor={`${ids.choice}-return`}>No, I send them back and will not be charged</label>
            </div>
          </fieldset>
          <label htmlFor={ids.statement}>In your own words</label>
          <textarea
            id={ids.statement}
            value={statement}
            rows={3}
            maxLength={5000}
            required
            onChange={(e) => setStatement(e.target.value)}
          />
          {problem ? (
            <p role="alert" className="error">
              {problem}
            </p>
          ) : null}
          <ErrorMessage error={error} title="Your answer was not sent" />
          <div className="actions">
            <button type="submit" disabled={busy}>
              {busy ? 'Sending…' : 'Send my answer'}
            </button>
          </div>
        </form>
      ) : (
        <p className="notice">We are handling this: nothing more is needed from you.</p>
      )}
    </>
  );
}
