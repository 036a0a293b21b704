import { useId, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { REFUND_METHODS, type RefundMethod } from '@cancelflow/domain/cancellation';
import type { CancellationRequest, CancellationRequestStatus } from '../api/index.ts';
import { Dialog } from '../components/Dialog.tsx';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { Table, type Column } from '../components/Table.tsx';
import { useConsole } from '../context.tsx';
import { formatTime, humanize } from '../format.ts';
import { useResource } from '../hooks/useResource.ts';

const STATUSES: CancellationRequestStatus[] = ['REQUESTED', 'ACCEPTED', 'AUTO_ACCEPTED', 'REJECTED', 'WITHDRAWN'];
const QUEUE_REFRESH_MS = 5_000;

/** Customers' and marketplaces' requests waiting for the merchant: Proceed, then accept or reject. */
export function CancellationRequestsPage() {
  const { api } = useConsole();
  const [params, setParams] = useSearchParams();
  const status = (params.get('status') ?? 'REQUESTED') as CancellationRequestStatus | '';
  const orderId = params.get('orderId') ?? '';
  const [proceeding, setProceeding] = useState<CancellationRequest>();
  const [done, setDone] = useState<string>();
  const statusId = useId();

  const requests = useResource(
    `requests:${status}:${orderId}`,
    () => api.orders.listRequests({ status, ...(orderId ? { orderId } : {}), limit: 100 }),
    {
      pollWhile: () => true,
      intervalMs: QUEUE_REFRESH_MS,
    },
  );
  const items = requests.data?.items ?? [];

  const columns: Column<CancellationRequest>[] = [
    { header: 'Asked', cell: (r) => formatTime(r.createdAt) },
    { header: 'Order', cell: (r) => <Link to={`/orders/${r.orderId}`}>Open order</Link> },
    { header: 'From', cell: (r) => humanize(r.source) },
    { header: 'Lines', cell: (r) => r.lines.map((l) => `${l.quantity} × ${l.sku ?? `line ${l.lineNo ?? '?'}`}`).join(', ') },
    {
      header: 'Reason',
      cell: (r) => (
        <>
          {humanize(r.reason)}
          {r.comment ? <div className="hint">“{r.comment}”</div> : null}
        </>
      ),
    },
    {
      header: 'Status',
      cell: (r) => (
        <>
          <StatusBadge status={r.status} />
          {r.decidedBy ? <div className="hint">by {r.decidedBy}</div> : null}
          {r.rejectionReason ? <div className="hint">{r.rejectionReason}</div> : null}
          {r.cancellationId ? (
            <div>
              <Link to={`/cancellations/${r.cancellationId}`}>Its cancellation</Link>
            </div>
          ) : null}
        </>
      ),
    },
    {
      header: 'Action',
      cell: (r) =>
        r.status === 'REQUESTED' ? (
          <button type="button" onClick={() => setProceeding(r)} aria-label={`Proceed with the request of ${formatTime(r.createdAt)}`}>
            Proceed
          </button>
        ) : null,
    },
  ];
  return (
    <section aria-labelledby="requests-title">
      <h1 id="requests-title">Cancellation requests</h1>
      <div className="filters">
        <div>
          <label htmlFor={statusId}>Status</label>
          <select
            id={statusId}
            value={status}
            onChange={(e) => {
              const next = new URLSearchParams(params);
              next.set('status', e.target.value);
              setParams(next);
            }}
          >
            <option value="">Any status</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s === 'REQUESTED' ? 'Waiting for the merchant' : humanize(s)}
              </option>
            ))}
          </select>
        </div>
      </div>
      {orderId ? (
        <p className="hint">
          Requests of one order only. <Link to={`/cancellation-requests${status ? `?status=${status}` : ''}`}>Show every order's</Link>
        </p>
      ) : null}
      {done ? (
        <p role="status" className="notice">
          {done}
        </p>
      ) : null}
      <ErrorMessage error={requests.error} title="The requests cannot be shown" />
      {requests.loading && !requests.data ? <p role="status">Loading requests…</p> : null}
      {requests.data && items.length === 0 ? <p className="hint">No requests{status === 'REQUESTED' ? ' are waiting' : ''}.</p> : null}
      {items.length > 0 ? (
        <Table caption="Cancellation requests, the longest waiting first" columns={columns} rows={items} rowKey={(r) => r.id} />
      ) : null}
      <Dialog open={proceeding !== undefined} title="Answer the cancellation request" onClose={() => setProceeding(undefined)}>
        {proceeding ? (
          <AnswerForm
            request={proceeding}
            onClose={() => setProceeding(undefined)}
            onAnswered={(message) => {
              setProceeding(undefined);
              setDone(message);
              void requests.reload();
            }}
          />
        ) : null}
      </Dialog>
    </section>
  );
}

interface AnswerProps {
  request: CancellationRequest;
  onClose(): void;
  onAnswered(message: string): void;
}

/** Accept (refund method, restock: the cancellation starts) or reject (a reason for the customer). */
export function AnswerForm({ request, onClose, onAnswered }: AnswerProps) {
  const { api, session } = useConsole();
  const [decision, setDecision] = useState<'accept' | 'reject'>('accept');
  const [refundMethod, setRefundMethod] = useState<RefundMethod>('ORIGINAL_PAYMENT');
  const [restock, setRestock] = useState(true);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const [problem, setProblem] = useState<string>();
  const ids = { refund: useId(), restock: useId(), reason: useId(), accept: useId(), reject: useId() };
  const staffId = session?.staffId ?? 'staff';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (decision === 'reject' && !reason.trim()) {
      setProblem('tell the customer why: the reason goes into their email');
      return;
    }
    setProblem(undefined);
    setError(undefined);
    setBusy(true);
    try {
      if (decision === 'accept') {
        const accepted = await api.orders.acceptRequest(request.id, { staffId, refundMethod, restock });
        onAnswered(`Accepted: the cancellation ${accepted.cancellationId ? 'has started' : 'starts now'}.`);
      } else {
        await api.orders.rejectRequest(request.id, { staffId, reason: reason.trim() });
        onAnswered('Rejected: the customer is told why.');
      }
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate aria-busy={busy}>
      <p>
        {humanize(request.source)} asks to cancel {request.lines.map((l) => `${l.quantity} × ${l.sku ?? 'item'}`).join(', ')}:{' '}
        {humanize(request.reason).toLowerCase()}
        {request.comment ? ` (“${request.comment}”)` : ''}.
      </p>
      <fieldset>
        <legend>Decision</legend>
        <div className="check">
          <input type="radio" id={ids.accept} name="decision" checked={decision === 'accept'} onChange={() => setDecision('accept')} />
          <label htmlFor={ids.accept}>Accept: cancel and refund</label>
        </div>
        <div className="check">
          <input type="radio" id={ids.reject} name="decision" checked={decision === 'reject'} onChange={() => setDecision('reject')} />
          <label htmlFor={ids.reject}>Reject</label>
        </div>
      </fieldset>
      {decision === 'accept' ? (
        <>
          <label htmlFor={ids.refund}>Refund method</label>
          <select id={ids.refund} value={refundMethod} onChange={(e) => setRefundMethod(e.target.value as RefundMethod)}>
            {REFUND_METHODS.map((m) => (
              <option key={m} value={m}>
                {humanize(m)}
              </option>
            ))}
          </select>
          <div className="check">
            <input id={ids.restock} type="checkbox" checked={restock} onChange={(e) => setRestock(e.target.checked)} />
            <label htmlFor={ids.restock}>Put the cancelled items back in stock</label>
          </div>
        </>
      ) : (
        <>
          <label htmlFor={ids.reason}>Reason for the customer</label>
          <textarea id={ids.reason} value={reason} rows={3} maxLength={1000} onChange={(e) => setReason(e.target.value)} />
        </>
      )}
      {problem ? (
        <p role="alert" className="error">
          {problem}
        </p>
      ) : null}
      <ErrorMessage error={error} title="The request was not answered" />
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Sending…' : decision === 'accept' ? 'Accept request' : 'Reject request'}
        </button>
        <button type="button" className="secondary" onClick={onClose}>
          Close
        </button>
      </div>
    </form>
  );
}
