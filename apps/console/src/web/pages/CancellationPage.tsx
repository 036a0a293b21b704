import { useId, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { DISPUTE_RESOLUTIONS, type Cancellation, type DisputeResolution } from '../api/index.ts';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { StepList } from '../components/StepList.tsx';
import { workflowUrl } from '../config.ts';
import { useConsole } from '../context.tsx';
import { formatMoney, formatTime, humanize } from '../format.ts';
import { useResource } from '../hooks/useResource.ts';
import { canRetryRefund } from '../session.ts';
import { UndoSection } from './UndoSection.tsx';

/**
 * Whether support can retry the refund now: only when the refund failed and the process waits for
 * support, never while a step is pending.
 */
export function retryState(c: Cancellation): { allowed: boolean; why?: string } {
  if (c.status !== 'IN_PROGRESS') return { allowed: false, why: `the cancellation is ${humanize(c.status).toLowerCase()}` };
  const failed = c.live ? c.live.phase === 'REFUND_FAILED' : c.refundStatus === 'FAILED';
  if (!failed) return { allowed: false, why: 'a step is still pending: the refund has not failed' };
  return { allowed: true };
}

export function CancellationPage() {
  const { cancellationId = '' } = useParams();
  const { api, config, session } = useConsole();
  const cancellation = useResource(`cancellation:${cancellationId}`, () => api.orders.getCancellation(cancellationId), {
    pollWhile: (c) => c.status === 'IN_PROGRESS',
  });
  const refund = useResource(
    `refund:${cancellationId}:${cancellation.data?.orderId ?? ''}`,
    async () => {
      const orderId = cancellation.data?.orderId;
      if (!orderId) return undefined;
      const payments = await api.payments.forOrder(orderId);
      return payments?.refunds.find((r) => r.cancellationId === cancellationId);
    },
    { pollWhile: () => cancellation.data?.status === 'IN_PROGRESS' },
  );

  if (cancellation.loading && !cancellation.data) return <p role="status">Loading the cancellation…</p>;
  if (!cancellation.data) return <ErrorMessage error={cancellation.error} title="The cancellation cannot be shown" />;
  const c = cancellation.data;
  const retry = retryState(c);

  return (
    <article aria-labelledby="cancellation-title">
      <p>
        <Link to={`/orders/${c.orderId}`}>← The order</Link>
      </p>
      <h1 id="cancellation-title">
        Cancellation {c.merchantCancellationNumber} <StatusBadge status={c.status} />
      </h1>
      {c.status === 'IN_PROGRESS' ? (
        <p role="status" className="notice">
          In progress{c.live ? `: ${humanize(c.live.phase).toLowerCase()}` : ''}. This page follows it live.
        </p>
      ) : null}
      <ErrorMessage error={cancellation.error} title="Could not refresh" />
      <dl className="facts">
        <dt>Reason</dt>
        <dd>{humanize(c.reason)}</dd>
        {c.comment ? (
          <>
            <dt>Comment</dt>
            <dd>{c.comment}</dd>
          </>
        ) : null}
        <dt>Initiated by</dt>
        <dd>{humanize(c.initiator)}</dd>
        <dt>Amount</dt>
        <dd>{formatMoney(c.amount, c.currency)}</dd>
        <dt>Refund method</dt>
        <dd>{humanize(c.refundMethod)}</dd>
        <dt>Refund</dt>
        <dd>
          {c.refundStatus ? <StatusBadge status={c.refundStatus} /> : 'not requested yet'}
          {c.refundFailureReason ? <span className="hint"> {c.refundFailureReason}</span> : null}
          {c.live && c.live.refundAttempt > 0 ? <span className="hint"> (attempt {c.live.refundAttempt})</span> : null}
        </dd>
        <dt>Restock</dt>
        <dd>{c.restock ? 'Yes' : 'No'}</dd>
        <dt>Created</dt>
        <dd>{formatTime(c.createdAt)}</dd>
        {c.completedAt ? (
          <>
            <dt>Completed</dt>
            <dd>{formatTime(c.completedAt)}</dd>
          </>
        ) : null}
        <dt>Workflow</dt>
        <dd>
          <a href={workflowUrl(config, c.workflowId)} target="_blank" rel="noreferrer">
            {c.workflowId}
            <span className="visually-hidden"> (opens in Temporal in a new tab)</span>
          </a>
        </dd>
      </dl>

      {canRetryRefund(session) ? (
        <RetryRefund cancellation={c} allowed={retry.allowed} why={retry.why} onDone={cancellation.reload} />
      ) : c.refundStatus === 'FAILED' ? (
        <p className="hint">The refund failed: support staff can retry it.</p>
      ) : null}

      <UndoSection cancellation={c} />

      <section aria-labelledby="c-lines-title">
        <h2 id="c-lines-title">Lines</h2>
        <ul>
          {c.lines.map((l) => (
            <li key={l.lineId}>
              {l.quantity} × line {l.lineNo ?? '?'} {l.sku ? `(${l.sku})` : ''}
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="steps-title">
        <h2 id="steps-title">Steps</h2>
        {c.steps.length === 0 ? <p>No step recorded yet.</p> : <StepList steps={c.steps} />}
      </section>

      {refund.data ? (
        <section aria-labelledby="refund-title">
          <h2 id="refund-title">Refund at the payment service</h2>
          <p>
            {formatMoney(refund.data.amount, refund.data.currency)} <StatusBadge status={refund.data.status} /> · attempt{' '}
            {refund.data.attempt}
            {refund.data.failureReason ? <span className="hint"> {refund.data.failureReason}</span> : null}
          </p>
          <ul>
            {refund.data.parts.map((p) => (
              <li key={p.id}>
                {humanize(p.channel)} {formatMoney(p.amount, refund.data!.currency)} <StatusBadge status={p.status} />
                {p.failureReason ? <span className="hint"> {p.failureReason}</span> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <ErrorMessage error={refund.error} title="The refund cannot be shown" />

      {c.dispute ? <DisputeSection cancellation={c} onDone={cancellation.reload} /> : null}
    </article>
  );
}

function RetryRefund({
  cancellation,
  allowed,
  why,
  onDone,
}: {
  cancellation: Cancellation;
  allowed: boolean;
  why: string | undefined;
  onDone(): Promise<void>;
}) {
  const { api, session } = useConsole();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const [done, setDone] = useState<string>();
  const noteId = useId();
  const whyId = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      const result = await api.orders.retryRefund(cancellation.id, {
        staffId: session?.staffId ?? 'support',
        ...(note.trim() ? { note: note.trim() } : {}),
      });
      setDone(`Refund retried (attempt ${result.attempt}).`);
      setNote('');
      await onDone();
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="retry-title" className="card">
      <h2 id="retry-title">Retry the refund</h2>
      <form onSubmit={submit}>
        <label htmlFor={noteId}>Note (optional)</label>
        <input id={noteId} value={note} maxLength={1000} onChange={(e) => setNote(e.target.value)} disabled={!allowed || busy} />
        <div className="actions">
          <button type="submit" disabled={!allowed || busy} aria-describedby={allowed ? undefined : whyId}>
            {busy ? 'Retrying…' : 'Retry refund'}
          </button>
        </div>
        {!allowed && why ? (
          <p id={whyId} className="hint">
            Not now: {why}.
          </p>
        ) : null}
        {done ? (
          <p role="status" className="notice">
            {done}
          </p>
        ) : null}
        <ErrorMessage error={error} title="The refund was not retried" />
      </form>
    </section>
  );
}

function DisputeSection({ cancellation, onDone }: { cancellation: Cancellation; onDone(): Promise<void> }) {
  const { api, session } = useConsole();
  const dispute = cancellation.dispute!;
  const [resolution, setResolution] = useState<DisputeResolution>('BUYER_REFUNDED_BY_MARKETPLACE');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const resolutionId = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api.orders.closeDispute(dispute.id, { resolution });
      await onDone();
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="dispute-title">
      <h2 id="dispute-title">Marketplace dispute</h2>
      <p>
        <StatusBadge status={dispute.status} /> opened {formatTime(dispute.openedAt)}
        {dispute.closedAt ? `, closed ${formatTime(dispute.closedAt)}` : ''}
        {dispute.resolution ? ` (${humanize(dispute.resolution)})` : ''}
      </p>
      {dispute.status === 'OPEN' && session?.role === 'SUPPORT' ? (
        <form onSubmit={submit} className="card">
          <p className="hint">Record that the marketplace closed the dispute; the cancellation then goes on.</p>
          <label htmlFor={resolutionId}>Resolution</label>
          <select id={resolutionId} value={resolution} onChange={(e) => setResolution(e.target.value as DisputeResolution)}>
            {DISPUTE_RESOLUTIONS.map((r) => (
              <option key={r} value={r}>
                {humanize(r)}
              </option>
            ))}
          </select>
          <div className="actions">
            <button type="submit" disabled={busy}>
              {busy ? 'Closing…' : 'Close the dispute'}
            </button>
          </div>
          <ErrorMessage error={error} title="The dispute was not closed" />
        </form>
      ) : null}
    </section>
  );
}
