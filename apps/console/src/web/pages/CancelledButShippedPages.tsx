import { useId, useState, type FormEvent } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import type { CancelledButShippedBody } from '../api/index.ts';
import { CANCELLED_BUT_SHIPPED_STATUSES } from '@cancelflow/domain/cancelled-but-shipped';
import { EmailList } from '../components/EmailList.tsx';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { StepList } from '../components/StepList.tsx';
import { Table, type Column } from '../components/Table.tsx';
import { workflowUrl } from '../config.ts';
import { useConsole } from '../context.tsx';
import { formatMoney, formatTime, humanize } from '../format.ts';
import { useResource } from '../hooks/useResource.ts';

const finished = (c: CancelledButShippedBody) => c.status === 'COMPLETED' || c.status === 'RETURN_REQUESTED';

const CANCELLED_BUT_SHIPPED_COLUMNS: Column<CancelledButShippedBody>[] = [
  { header: 'Cancelled but shipped', cell: (c) => <Link to={`/cancelled-but-shipped/${c.id}`}>Open {c.id.slice(0, 8)}</Link> },
  { header: 'Status', cell: (c) => <StatusBadge status={c.status} /> },
  { header: 'Items', cell: (c) => c.lines.map((l) => `${l.quantity} × ${l.sku ?? 'item'}`).join(', ') },
  { header: 'To rebill', numeric: true, cell: (c) => formatMoney(c.amount, c.currency) },
  { header: 'Started', cell: (c) => formatTime(c.createdAt) },
];

/** Items shipped after they were cancelled: one cancelled-but-shipped process per shipment, newest first. */
export function CancelledButShippedListPage() {
  const { api } = useConsole();
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? '';
  const statusId = useId();
  const cancelledButShippedList = useResource(
    `cancelled-but-shipped:${status}`,
    () => api.orders.listCancelledButShipped({ status, limit: 100 }),
    {
      pollWhile: () => true,
      intervalMs: 5_000,
    },
  );
  const items = cancelledButShippedList.data?.items ?? [];
  return (
    <section aria-labelledby="cancelled-but-shipped-title">
      <h1 id="cancelled-but-shipped-title">Cancelled but shipped</h1>
      <div className="filters">
        <div>
          <label htmlFor={statusId}>Status</label>
          <select id={statusId} value={status} onChange={(e) => setParams(e.target.value ? { status: e.target.value } : {})}>
            <option value="">Any status</option>
            {CANCELLED_BUT_SHIPPED_STATUSES.map((s) => (
              <option key={s} value={s}>
                {humanize(s)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <ErrorMessage error={cancelledButShippedList.error} title="The cancelled-but-shipped processes cannot be shown" />
      {cancelledButShippedList.loading && !cancelledButShippedList.data ? <p role="status">Loading…</p> : null}
      {cancelledButShippedList.data && items.length === 0 ? <p className="hint">Nothing was shipped after being cancelled.</p> : null}
      {items.length > 0 ? (
        <Table
          caption="Cancelled but shipped, the newest first"
          columns={CANCELLED_BUT_SHIPPED_COLUMNS}
          rows={items}
          rowKey={(c) => c.id}
        />
      ) : null}
    </section>
  );
}

/** One cancelled-but-shipped process: what shipped, the email thread, the customer's acknowledgement, rebill approval, credit memo. */
export function CancelledButShippedPage() {
  const { cancelledButShippedId = '' } = useParams();
  const { api, config, session } = useConsole();
  const cancelledButShipped = useResource(
    `cancelled-but-shipped:${cancelledButShippedId}`,
    () => api.orders.getCancelledButShipped(cancelledButShippedId),
    { pollWhile: (c) => !finished(c) },
  );
  const c = cancelledButShipped.data;
  const version = c ? `${c.status}:${c.steps.length}` : '';
  const emails = useResource(`cancelled-but-shipped-emails:${c?.orderId ?? ''}:${version}`, async () =>
    c ? api.notifications.emailsForOrder(c.orderId) : undefined,
  );
  const rebills = useResource(`rebills:${cancelledButShippedId}:${version}`, () =>
    api.payments.rebillsOfCancelledButShipped(cancelledButShippedId),
  );

  if (cancelledButShipped.loading && !c) return <p role="status">Loading the cancelled-but-shipped process…</p>;
  if (!c) return <ErrorMessage error={cancelledButShipped.error} title="The cancelled-but-shipped process cannot be shown" />;
  const creditMemo = c.steps.find((s) => s.step === 'CREDIT_MEMO_ISSUED');
  const waitingForApproval = c.status === 'AWAITING_REBILL_APPROVAL';
  const thread = (emails.data?.items ?? []).filter((e) =>
    /SHIPPED_AFTER|CANCELLED_BUT_SHIPPED|EMAIL_THREAD|REMINDER|REBILL|CREDIT/i.test(e.template),
  );

  return (
    <article aria-labelledby="cancelled-but-shipped-title">
      <p>
        <Link to={`/orders/${c.orderId}`}>← The order</Link> · <Link to="/cancelled-but-shipped">All cancelled-but-shipped processes</Link>
      </p>
      <h1 id="cancelled-but-shipped-title">
        Cancelled but shipped <StatusBadge status={c.status} />
      </h1>
      {!finished(c) ? (
        <p role="status" className="notice">
          {c.live ? `${humanize(c.live.phase)}. ` : ''}This page follows the cancelled-but-shipped process live.
        </p>
      ) : null}
      <ErrorMessage error={cancelledButShipped.error} title="Could not refresh" />
      <dl className="facts">
        <dt>Items</dt>
        <dd>{c.lines.map((l) => `${l.quantity} × ${l.sku ?? 'item'} at ${formatMoney(l.unitPrice, c.currency)}`).join(', ')}</dd>
        <dt>To rebill</dt>
        <dd>{formatMoney(c.amount, c.currency)}</dd>
        <dt>Customer's acknowledgement</dt>
        <dd>
          {c.acknowledgement
            ? `${c.acknowledgement.accepted ? 'Accepted: keeps the items and pays' : 'Refused: returns the items'} (${humanize(c.acknowledgement.via).toLowerCase()}, ${c.acknowledgement.by}): “${c.acknowledgement.evidence}”`
            : 'Not yet'}
        </dd>
        <dt>Rebill approved by</dt>
        <dd>{c.rebillApprovedBy ?? 'Nobody yet'}</dd>
        <dt>Rebill</dt>
        <dd>
          {rebills.data && rebills.data.items.length > 0
            ? rebills.data.items.map((r) => (
                <span key={r.id}>
                  {formatMoney(r.amount, r.currency)} <StatusBadge status={r.status} />{' '}
                </span>
              ))
            : 'None'}
        </dd>
        <dt>Credit memo</dt>
        <dd>
          {creditMemo ? (
            <>
              Issued {formatTime(creditMemo.at)}
              {creditMemo.detail ? <span className="hint"> ({creditMemo.detail})</span> : null}
            </>
          ) : (
            'Not issued'
          )}
        </dd>
        <dt>Workflow</dt>
        <dd>
          <a href={workflowUrl(config, c.workflowId)} target="_blank" rel="noreferrer">
            Open in Temporal<span className="visually-hidden"> (opens in a new tab)</span>
          </a>
        </dd>
      </dl>

      {c.status === 'AWAITING_ACKNOWLEDGEMENT' && (session?.role === 'SUPPORT' || session?.role === 'SERVICE') ? (
        <UndecidedReplies cancelledButShipped={c} />
      ) : null}
      {c.status === 'AWAITING_ACKNOWLEDGEMENT' ? <AcknowledgementForm cancelledButShipped={c} onDone={cancelledButShipped.reload} /> : null}
      {waitingForApproval ? (
        <ApproveRebill cancelledButShipped={c} canApprove={session?.role === 'SUPPORT'} onDone={cancelledButShipped.reload} />
      ) : null}

      <section aria-labelledby="steps-title">
        <h2 id="steps-title">Steps</h2>
        <StepList steps={c.steps} />
      </section>

      <section aria-labelledby="thread-title">
        <h2 id="thread-title">Email thread</h2>
        <ErrorMessage error={emails.error} title="The emails cannot be shown" />
        {thread.length === 0 ? <p className="hint">No emails yet.</p> : null}
        <EmailList emails={thread} />
      </section>
    </article>
  );
}

/**
 * Replies that came in for this order but do not count as the customer's word (another sender,
 * not threaded to our email, failed the relay's check): support reads them and, when they judge
 * one genuine, records the customer's answer below.
 */
function UndecidedReplies({ cancelledButShipped }: { cancelledButShipped: CancelledButShippedBody }) {
  const { api } = useConsole();
  const replies = useResource(
    `undecided-replies:${cancelledButShipped.orderId}`,
    () => api.notifications.undecidedReplies(cancelledButShipped.orderId),
    {
      pollWhile: () => true,
      intervalMs: 5_000,
    },
  );
  const items = replies.data?.items ?? [];
  if (!replies.error && items.length === 0) return null;
  return (
    <section aria-labelledby="undecided-title" className="card">
      <h2 id="undecided-title">Replies for support to judge</h2>
      <ErrorMessage error={replies.error} title="The replies cannot be shown" />
      <p className="hint">
        These came in for this order but do not count as the customer's answer. If one is truly the customer's, record their answer below.
      </p>
      <ul>
        {items.map((r) => (
          <li key={r.id}>
            <details>
              <summary>
                {formatTime(r.receivedAt)} · from {r.from ?? 'unknown sender'} · {r.subject ?? '(no subject)'}
              </summary>
              <p>Why it does not count:</p>
              <ul>
                {r.reasons.map((reason) => (
                  <li key={reason}>{reason}</li>
                ))}
              </ul>
              <pre className="email">{r.text ?? ''}</pre>
            </details>
          </li>
        ))}
      </ul>
    </section>
  );
}

function AcknowledgementForm({ cancelledButShipped, onDone }: { cancelledButShipped: CancelledButShippedBody; onDone(): Promise<void> }) {
  const { api, session } = useConsole();
  const [accepted, setAccepted] = useState<'yes' | 'no' | ''>('');
  const [evidence, setEvidence] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const [problem, setProblem] = useState<string>();
  const ids = { yes: useId(), no: useId(), evidence: useId() };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!accepted) return setProblem('say whether the customer keeps the items (and pays) or returns them');
    if (evidence.trim().length < 3) return setProblem("write down the customer's own words (phone note, chat)");
    setProblem(undefined);
    setError(undefined);
    setBusy(true);
    try {
      await api.orders.recordAcknowledgement(cancelledButShipped.id, {
        staffId: session?.staffId ?? 'staff',
        accepted: accepted === 'yes',
        evidence: evidence.trim(),
      });
      await onDone();
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="ack-title" className="card">
      <h2 id="ack-title">Record the customer's answer</h2>
      <p className="hint">
        The customer can also answer by replying to our email; a reply from their address to our email is recorded by itself.
      </p>
      <form onSubmit={submit} noValidate aria-busy={busy}>
        <fieldset>
          <legend>The customer</legend>
          <div className="check">
            <input type="radio" id={ids.yes} name="ack" checked={accepted === 'yes'} onChange={() => setAccepted('yes')} />
            <label htmlFor={ids.yes}>keeps the items and accepts the rebill</label>
          </div>
          <div className="check">
            <input type="radio" id={ids.no} name="ack" checked={accepted === 'no'} onChange={() => setAccepted('no')} />
            <label htmlFor={ids.no}>refuses: the items come back as a return</label>
          </div>
        </fieldset>
        <label htmlFor={ids.evidence}>The customer's words</label>
        <textarea id={ids.evidence} value={evidence} rows={3} maxLength={5000} onChange={(e) => setEvidence(e.target.value)} />
        {problem ? (
          <p role="alert" className="error">
            {problem}
          </p>
        ) : null}
        <ErrorMessage error={error} title="The answer was not recorded" />
        <div className="actions">
          <button type="submit" disabled={busy}>
            {busy ? 'Recording…' : 'Record the answer'}
          </button>
        </div>
      </form>
    </section>
  );
}

function ApproveRebill({
  cancelledButShipped,
  canApprove,
  onDone,
}: {
  cancelledButShipped: CancelledButShippedBody;
  canApprove: boolean;
  onDone(): Promise<void>;
}) {
  const { api, session } = useConsole();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const approve = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api.orders.approveRebill(cancelledButShipped.id, { staffId: session?.staffId ?? 'support' });
      await onDone();
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="approve-title" className="card">
      <h2 id="approve-title">Rebilling waits for support</h2>
      <p>
        The customer accepted. Approving charges {formatMoney(cancelledButShipped.amount, cancelledButShipped.currency)} once and issues the
        seller's credit memo.
      </p>
      <ErrorMessage error={error} title="The rebilling was not approved" />
      <div className="actions">
        <button type="button" onClick={approve} disabled={busy || !canApprove} aria-describedby={canApprove ? undefined : 'approve-why'}>
          {busy ? 'Approving…' : 'Approve rebilling'}
        </button>
      </div>
      {!canApprove ? (
        <p id="approve-why" className="hint">
          Only support staff approve rebilling.
        </p>
      ) : null}
    </section>
  );
}
