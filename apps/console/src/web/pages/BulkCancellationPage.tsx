import { useId, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { CANCELLATION_REASONS, REFUND_METHODS } from '@cancelflow/domain/cancellation';
import type { BulkCancellation, BulkCancellationDryRun, BulkCancellationPage, StartBulkCancellationBody } from '../api/index.ts';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { Table, type Column } from '../components/Table.tsx';
import { useConsole } from '../context.tsx';
import { formatMoney, formatTime, humanize } from '../format.ts';
import { useResource } from '../hooks/useResource.ts';

type PlanItem = BulkCancellationDryRun['items'][number];

const REASONS = CANCELLATION_REASONS.filter((r) => r !== 'FILL_OR_KILL');

/**
 * Bulk cancellation: every open unit of a SKU across the merchant's open orders (sold out,
 * recalled), or the rows of a file. The dry run shows what each order would get first; only
 * the merchant's confirmation starts the job, under the id of that dry run, so a second click
 * starts nothing more.
 */
export function BulkCancellationStartPage() {
  const { api, session } = useConsole();
  const navigate = useNavigate();
  const [mode, setMode] = useState<'SKU' | 'CSV'>('SKU');
  const [sku, setSku] = useState('');
  const [reason, setReason] = useState<(typeof REASONS)[number]>('OUT_OF_STOCK');
  const [refundMethod, setRefundMethod] = useState<(typeof REFUND_METHODS)[number]>('ORIGINAL_PAYMENT');
  const [restock, setRestock] = useState(false);
  const [merchantId, setMerchantId] = useState('');
  const [file, setFile] = useState<{ name: string; text: string }>();
  const [plan, setPlan] = useState<{ body: StartBulkCancellationBody; dryRun: BulkCancellationDryRun }>();
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const ids = { sku: useId(), reason: useId(), refund: useId(), restock: useId(), file: useId(), merchant: useId() };
  const namesMerchant = session?.merchantId === undefined;

  const body = (): StartBulkCancellationBody => ({
    ...(mode === 'SKU' ? { sku, reason } : { csv: file?.text ?? '' }),
    refundMethod,
    restock,
    ...(namesMerchant && merchantId ? { merchantId } : {}),
  });

  const dryRun = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setPlan(undefined);
    try {
      const asked = body();
      setPlan({ body: asked, dryRun: await api.bulkCancellations.dryRun(asked) });
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };

  const confirm = async () => {
    if (!plan) return;
    setBusy(true);
    setError(undefined);
    try {
      const job = await api.bulkCancellations.start({ ...plan.body, jobId: plan.dryRun.jobId });
      navigate(`/bulk-cancellations/${job.id}`);
    } catch (e) {
      setError(e as Error);
      setBusy(false);
    }
  };

  const choose = (next: 'SKU' | 'CSV') => {
    setMode(next);
    setPlan(undefined);
  };

  const readFile = async (chosen: File | undefined) => {
    setPlan(undefined);
    setFile(chosen ? { name: chosen.name, text: await chosen.text() } : undefined);
  };

  const columns: Column<PlanItem>[] = [
    { header: 'Order', cell: (i) => `${i.channelOrderNo} (${i.channel})` },
    { header: 'SKU', cell: (i) => i.sku },
    { header: 'Would', cell: (i) => <StatusBadge status={i.outcome} /> },
    { header: 'Units', numeric: true, cell: (i) => i.cancelQuantity },
    { header: 'Refund', numeric: true, cell: (i) => (i.refund !== undefined ? formatMoney(i.refund, i.currency) : '—') },
    { header: 'Why', cell: (i) => i.detail ?? '' },
  ];
  const totals = plan?.dryRun.totals;

  return (
    <section aria-labelledby="bulk-title">
      <h1 id="bulk-title">Bulk cancellation</h1>
      <p className="hint">
        Cancel a sold-out or recalled product across orders. Each order is cancelled as on its own, with its channel's rules, and refunded
        once; what is shipped or already cancelled is skipped with the reason. See what would happen first, then confirm.
      </p>
      <form onSubmit={dryRun} className="filters">
        <fieldset>
          <legend>Cancel</legend>
          <label>
            <input type="radio" name="mode" checked={mode === 'SKU'} onChange={() => choose('SKU')} /> every open unit of a SKU
          </label>
          <label>
            <input type="radio" name="mode" checked={mode === 'CSV'} onChange={() => choose('CSV')} /> the rows of a CSV file
          </label>
        </fieldset>
        {mode === 'SKU' ? (
          <>
            <div>
              <label htmlFor={ids.sku}>SKU</label>
              <input
                id={ids.sku}
                value={sku}
                onChange={(e) => {
                  setSku(e.target.value);
                  setPlan(undefined);
                }}
                maxLength={100}
                required
              />
            </div>
            <div>
              <label htmlFor={ids.reason}>Reason</label>
              <select id={ids.reason} value={reason} onChange={(e) => setReason(e.target.value as typeof reason)}>
                {REASONS.map((r) => (
                  <option key={r} value={r}>
                    {humanize(r)}
                  </option>
                ))}
              </select>
            </div>
          </>
        ) : (
          <div>
            <label htmlFor={ids.file}>CSV file (channelOrderNo, sku, quantity, reason)</label>
            <input id={ids.file} type="file" accept=".csv,text/csv" onChange={(e) => void readFile(e.target.files?.[0])} required />
          </div>
        )}
        <div>
          <label htmlFor={ids.refund}>Refund</label>
          <select id={ids.refund} value={refundMethod} onChange={(e) => setRefundMethod(e.target.value as typeof refundMethod)}>
            {REFUND_METHODS.map((m) => (
              <option key={m} value={m}>
                {humanize(m)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={ids.restock}>
            <input id={ids.restock} type="checkbox" checked={restock} onChange={(e) => setRestock(e.target.checked)} /> Restock
          </label>
        </div>
        {namesMerchant ? (
          <div>
            <label htmlFor={ids.merchant}>Merchant</label>
            <input id={ids.merchant} value={merchantId} onChange={(e) => setMerchantId(e.target.value)} required />
          </div>
        ) : null}
        <button type="submit" disabled={busy || (mode === 'SKU' ? sku.trim() === '' : !file)}>
          Dry run
        </button>
      </form>
      <ErrorMessage error={error} title="That did not work" />
      {plan && totals ? (
        <>
          <div role="status" className="notice">
            <p>
              {totals.orders} order(s): <strong>{totals.wouldCancel}</strong> would be cancelled ({totals.units} unit(s), refunding{' '}
              {totals.refunds.map((r) => formatMoney(r.amount, r.currency)).join(' + ') || 'nothing'}), {totals.refused} refused,{' '}
              {totals.skipped} skipped.
            </p>
            <button type="button" onClick={() => void confirm()} disabled={busy || totals.wouldCancel === 0}>
              Confirm: cancel {totals.wouldCancel} order(s)
            </button>
          </div>
          <Table
            caption="What the job would do with each order"
            columns={columns}
            rows={plan.dryRun.items}
            rowKey={(i) => String(i.itemNo)}
          />
        </>
      ) : null}
      <RecentJobs />
    </section>
  );
}

type JobRow = BulkCancellationPage['items'][number];

const jobColumns: Column<JobRow>[] = [
  { header: 'Started', cell: (j) => <Link to={`/bulk-cancellations/${j.id}`}>{formatTime(j.createdAt)}</Link> },
  { header: 'What', cell: (j) => (j.source === 'SKU' ? `every open unit of ${j.sku}` : 'the rows of a file') },
  { header: 'Status', cell: (j) => <StatusBadge status={j.status} /> },
  { header: 'Handled', numeric: true, cell: (j) => `${j.progress.processed} of ${j.progress.total}` },
  { header: 'By', cell: (j) => j.statusChangedBy ?? j.createdBy },
];

/** The merchant's jobs, newest first: where a job started earlier is found again. */
function RecentJobs() {
  const { api } = useConsole();
  const jobs = useResource('bulk-cancellations', () => api.bulkCancellations.list());
  return (
    <>
      <h2>Jobs</h2>
      <ErrorMessage error={jobs.error} title="The jobs cannot be shown" />
      {jobs.data && jobs.data.items.length === 0 ? <p>No bulk cancellation yet.</p> : null}
      {jobs.data && jobs.data.items.length > 0 ? (
        <Table caption="Bulk cancellation jobs, newest first" columns={jobColumns} rows={jobs.data.items} rowKey={(j) => j.id} />
      ) : null}
    </>
  );
}

const running = (job: BulkCancellation) => job.status === 'RUNNING' || job.status === 'PAUSED';

/** One job as it goes: a progress bar, what happened so far, pause, resume and stop, and the result as CSV. */
export function BulkCancellationJobPage() {
  const { jobId = '' } = useParams();
  const { api } = useConsole();
  const job = useResource(`bulk-cancellation-${jobId}`, () => api.bulkCancellations.get(jobId), { pollWhile: running });
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);

  const act = async (action: 'pause' | 'resume' | 'stop') => {
    setBusy(true);
    setError(undefined);
    try {
      await api.bulkCancellations.control(jobId, action);
      await job.reload();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };

  const download = async () => {
    setError(undefined);
    try {
      const blob = await api.bulkCancellations.result(jobId);
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = `bulk-cancellation-${jobId}.csv`;
      link.click();
      URL.revokeObjectURL(url);
    } catch (e) {
      setError(e as Error);
    }
  };

  const j = job.data;
  const p = j?.live?.progress ?? j?.progress;
  return (
    <section aria-labelledby="bulk-job-title">
      <h1 id="bulk-job-title">Bulk cancellation</h1>
      <ErrorMessage error={job.error} title="The job cannot be shown" />
      {job.loading && !j ? <p role="status">Loading the job…</p> : null}
      {j && p ? (
        <>
          <p>
            <StatusBadge status={j.live?.phase ?? j.status} /> {j.source === 'SKU' ? `every open unit of ${j.sku}` : 'the rows of a file'}
            {j.reason ? `, ${humanize(j.reason)}` : ''} · refund {humanize(j.refundMethod)}
            {j.restock ? ' · restock' : ''} · started {formatTime(j.createdAt)} by {j.createdBy}
            {j.finishedAt ? ` · ended ${formatTime(j.finishedAt)}` : ''}
            {j.statusChangedBy && j.statusChangedAt
              ? ` · ${humanize(j.status).toLowerCase()} by ${j.statusChangedBy} ${formatTime(j.statusChangedAt)}`
              : ''}
          </p>
          <label>
            {p.processed} of {p.total} order(s) handled
            <progress value={p.processed} max={p.total} aria-label="Orders handled" />
          </label>
          <ul>
            <li>Cancelled: {p.cancelled}</li>
            <li>Refused: {p.refused}</li>
            <li>Skipped: {p.skipped}</li>
            <li>Failed: {p.failed}</li>
          </ul>
          <div className="actions">
            {j.status === 'RUNNING' ? (
              <button type="button" className="secondary" disabled={busy} onClick={() => void act('pause')}>
                Pause
              </button>
            ) : null}
            {j.status === 'PAUSED' ? (
              <button type="button" disabled={busy} onClick={() => void act('resume')}>
                Resume
              </button>
            ) : null}
            {running(j) ? (
              <button type="button" className="secondary" disabled={busy} onClick={() => void act('stop')}>
                Stop
              </button>
            ) : null}
            <button type="button" onClick={() => void download()}>
              Download result (CSV)
            </button>
          </div>
          <ErrorMessage error={error} title="That did not work" />
        </>
      ) : null}
    </section>
  );
}
