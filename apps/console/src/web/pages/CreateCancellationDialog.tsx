import { useEffect, useId, useState, type FormEvent } from 'react';
import { CANCELLATION_REASONS, REFUND_METHODS, type CancellationReason, type RefundMethod } from '@cancelflow/domain/cancellation';
import { CHANNEL_POLICIES } from '@cancelflow/domain/channel-policies';
import type { CancellationStarted, CreateCancellationBody, Eligibility, OrderDetail, RefundPreview } from '../api/index.ts';
import { Dialog } from '../components/Dialog.tsx';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { useConsole } from '../context.tsx';
import { formatMoney, humanize } from '../format.ts';

/** FILL_OR_KILL cancellations are made by the system when a line ships in part, never by hand. */
export const MERCHANT_REASONS = CANCELLATION_REASONS.filter((r): r is Exclude<CancellationReason, 'FILL_OR_KILL'> => r !== 'FILL_OR_KILL');

interface Props {
  open: boolean;
  order: OrderDetail;
  eligibility: Eligibility;
  onClose(): void;
  onCreated(started: CancellationStarted): void;
}

interface LineChoice {
  selected: boolean;
  quantity: string;
}

/** Offers only what the eligibility endpoint allows: the cancellable quantity, whole lines where the channel says so. */
export function CreateCancellationDialog({ open, order, eligibility, onClose, onCreated }: Props) {
  return (
    <Dialog open={open} title={`Cancel items of order ${order.channelOrderNo}`} onClose={onClose}>
      <CancellationForm order={order} eligibility={eligibility} onClose={onClose} onCreated={onCreated} />
    </Dialog>
  );
}

function CancellationForm({ order, eligibility, onClose, onCreated }: Omit<Props, 'open'>) {
  const { api } = useConsole();
  const cancellable = eligibility.lines.filter((l) => l.cancellableQuantity > 0);
  const blocked = eligibility.lines.filter((l) => l.cancellableQuantity === 0);
  const [choices, setChoices] = useState<Record<string, LineChoice>>(() =>
    Object.fromEntries(cancellable.map((l) => [l.lineId, { selected: false, quantity: String(l.cancellableQuantity) }])),
  );
  const [reason, setReason] = useState<CreateCancellationBody['reason'] | ''>('');
  const [comment, setComment] = useState('');
  const [number, setNumber] = useState('');
  const [refundMethod, setRefundMethod] = useState<RefundMethod>('ORIGINAL_PAYMENT');
  const [restock, setRestock] = useState(false);
  const [problems, setProblems] = useState<string[]>([]);
  const [error, setError] = useState<Error>();
  const [submitting, setSubmitting] = useState(false);
  const baseId = useId();
  const policy = CHANNEL_POLICIES[eligibility.channel];

  const unitPrice = (lineId: string) => order.lines.find((l) => l.id === lineId)?.unitPrice ?? 0;
  const chosen = cancellable
    .filter((l) => choices[l.lineId]?.selected)
    .map((l) => ({ line: l, quantity: Number(choices[l.lineId]?.quantity) }));
  const amount = chosen.reduce((n, c) => n + (Number.isInteger(c.quantity) ? c.quantity * unitPrice(c.line.lineId) : 0), 0);
  const requested = chosen
    .filter((c) => Number.isInteger(c.quantity) && c.quantity >= 1 && c.quantity <= c.line.cancellableQuantity)
    .map((c) => ({ lineId: c.line.lineId, quantity: c.line.wholeLineOnly ? c.line.cancellableQuantity : c.quantity }));
  const preview = useRefundPreview(order.id, requested);

  const setChoice = (lineId: string, change: Partial<LineChoice>) =>
    setChoices((current) => ({ ...current, [lineId]: { ...current[lineId]!, ...change } }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: string[] = [];
    if (chosen.length === 0) found.push('choose at least one line to cancel');
    for (const c of chosen) {
      const max = c.line.cancellableQuantity;
      if (!Number.isInteger(c.quantity) || c.quantity < 1 || c.quantity > max) {
        found.push(`line ${c.line.lineNo} (${c.line.sku}): the quantity must be a whole number from 1 to ${max}`);
      }
    }
    if (!reason) found.push('choose a reason');
    if (!number.trim()) found.push('give the merchant cancellation number');
    setProblems(found);
    setError(undefined);
    if (found.length > 0 || !reason) return;
    setSubmitting(true);
    try {
      const started = await api.orders.createCancellation(order.id, {
        lines: chosen.map((c) => ({ lineId: c.line.lineId, quantity: c.line.wholeLineOnly ? c.line.cancellableQuantity : c.quantity })),
        reason,
        ...(comment.trim() ? { comment: comment.trim() } : {}),
        merchantCancellationNumber: number.trim(),
        refundMethod,
        restock,
      });
      onCreated(started);
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate aria-busy={submitting}>
      <fieldset>
        <legend>Lines to cancel</legend>
        {cancellable.length === 0 ? <p>No line can be cancelled now.</p> : null}
        {cancellable.map((line) => {
          const choice = choices[line.lineId]!;
          const checkId = `${baseId}-line-${line.lineId}`;
          const qtyId = `${checkId}-qty`;
          return (
            <div key={line.lineId} className="line-choice">
              <input
                type="checkbox"
                id={checkId}
                checked={choice.selected}
                onChange={(e) => setChoice(line.lineId, { selected: e.target.checked })}
              />
              <label htmlFor={checkId}>
                Line {line.lineNo} · {line.sku} ({line.cancellableQuantity} of {line.quantity} can be cancelled)
              </label>
              {line.wholeLineOnly ? (
                <span className="hint">whole line only: {policy?.label ?? eligibility.channel} cancels whole lines</span>
              ) : (
                <span className="qty">
                  <label htmlFor={qtyId}>Quantity for line {line.lineNo}</label>
                  <input
                    id={qtyId}
                    type="number"
                    inputMode="numeric"
                    min={1}
                    max={line.cancellableQuantity}
                    step={1}
                    value={choice.quantity}
                    disabled={!choice.selected}
                    onChange={(e) => setChoice(line.lineId, { quantity: e.target.value })}
                  />
                </span>
              )}
            </div>
          );
        })}
        {blocked.length > 0 ? (
          <div className="hint">
            <p>Not offered:</p>
            <ul>
              {blocked.map((line) => (
                <li key={line.lineId}>
                  Line {line.lineNo} · {line.sku}: {line.notCancellable.join('; ') || 'nothing left to cancel'}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </fieldset>

      <label htmlFor={`${baseId}-reason`}>Reason</label>
      <select
        id={`${baseId}-reason`}
        value={reason}
        required
        onChange={(e) => setReason(e.target.value as CreateCancellationBody['reason'] | '')}
      >
        <option value="">Choose a reason</option>
        {MERCHANT_REASONS.map((r) => (
          <option key={r} value={r}>
            {humanize(r)}
          </option>
        ))}
      </select>

      <label htmlFor={`${baseId}-number`}>Merchant cancellation number</label>
      <input id={`${baseId}-number`} value={number} required maxLength={64} onChange={(e) => setNumber(e.target.value)} />

      <label htmlFor={`${baseId}-refund`}>Refund method</label>
      <select id={`${baseId}-refund`} value={refundMethod} onChange={(e) => setRefundMethod(e.target.value as RefundMethod)}>
        {REFUND_METHODS.map((m) => (
          <option key={m} value={m}>
            {humanize(m)}
          </option>
        ))}
      </select>

      <div className="check">
        <input id={`${baseId}-restock`} type="checkbox" checked={restock} onChange={(e) => setRestock(e.target.checked)} />
        <label htmlFor={`${baseId}-restock`}>Put the cancelled items back in stock</label>
      </div>

      <label htmlFor={`${baseId}-comment`}>Comment (optional)</label>
      <textarea id={`${baseId}-comment`} value={comment} maxLength={1000} rows={3} onChange={(e) => setComment(e.target.value)} />

      <p className="hint" aria-live="polite">
        Worth {formatMoney(amount, order.currency)} before discounts
      </p>
      <RefundPreviewNote preview={preview} currency={order.currency} />

      {problems.length > 0 ? (
        <div role="alert" className="error">
          <ul>
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <ErrorMessage error={error} title="The cancellation was not created" />

      <div className="actions">
        <button type="submit" disabled={submitting}>
          {submitting ? 'Creating…' : 'Create cancellation'}
        </button>
        <button type="button" className="secondary" onClick={onClose}>
          Close
        </button>
      </div>
    </form>
  );
}

type PreviewState =
  | { state: 'none' }
  | { state: 'loading' }
  | { state: 'ready'; preview: RefundPreview }
  | { state: 'failed'; message: string };

/** What the order service says the chosen lines would refund (its rule, with discounts, shipping and earlier cancellations). */
function useRefundPreview(orderId: string, requested: readonly { lineId: string; quantity: number }[]): PreviewState {
  const { api } = useConsole();
  const key = requested.map((r) => `${r.lineId}:${r.quantity}`).join(',');
  const [state, setState] = useState<PreviewState>({ state: 'none' });
  useEffect(() => {
    if (key === '') {
      setState({ state: 'none' });
      return;
    }
    const abort = new AbortController();
    setState({ state: 'loading' });
    const lines = key.split(',').map((entry) => {
      const [lineId = '', quantity = '0'] = entry.split(':');
      return { lineId, quantity: Number(quantity) };
    });
    api.orders.eligibility(orderId, lines, abort.signal).then(
      (answer) => {
        if (!abort.signal.aborted) setState(answer.refundPreview ? { state: 'ready', preview: answer.refundPreview } : { state: 'none' });
      },
      (error: unknown) => {
        if (!abort.signal.aborted) setState({ state: 'failed', message: error instanceof Error ? error.message : String(error) });
      },
    );
    return () => abort.abort();
  }, [api, orderId, key]);
  return state;
}

function RefundPreviewNote({ preview, currency }: { preview: PreviewState; currency: string }) {
  if (preview.state === 'none') return null;
  if (preview.state === 'loading') return <p className="hint">Working out the refund…</p>;
  if (preview.state === 'failed') return <p className="hint">No refund preview: {preview.message}</p>;
  const p = preview.preview;
  return (
    <div className="refund-preview" aria-live="polite">
      <p>
        Refunds <strong>{formatMoney(p.amount, p.currency || currency)}</strong>, VAT {formatMoney(p.vat, p.currency || currency)} included
      </p>
      <ul className="hint">
        {p.lines.map((l) => (
          <li key={l.lineId}>
            Line {l.lineNo} · {l.sku} × {l.quantity}: {formatMoney(l.amount, p.currency || currency)} (VAT{' '}
            {formatMoney(l.vat, p.currency || currency)})
          </li>
        ))}
        {p.shipping.amount > 0 ? (
          <li>
            Shipping: {formatMoney(p.shipping.amount, p.currency || currency)} (VAT {formatMoney(p.shipping.vat, p.currency || currency)}),
            with the last open item
          </li>
        ) : null}
      </ul>
    </div>
  );
}
