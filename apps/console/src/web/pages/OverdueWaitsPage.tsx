import { Link } from 'react-router';
import type { OverdueWait } from '../api/index.ts';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { Table, type Column } from '../components/Table.tsx';
import { useConsole } from '../context.tsx';
import { formatMoney, formatTime, humanize } from '../format.ts';
import { useResource } from '../hooks/useResource.ts';

const REFRESH_MS = 10_000;

/** How long, in words a person reads at a glance: 90 s -> "2 minutes". */
function duration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return 'under a minute';
  if (minutes < 120) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} hours` : `${Math.round(hours / 24)} days`;
}

/**
 * Support's list of stuck work: refunds and payment requests that wait on the provider or the
 * customer longer than they are expected to, oldest first, with what each waits for and since when.
 * The system keeps asking the provider by itself; what stays here needs a person to look.
 */
export function OverdueWaitsPage() {
  const { api } = useConsole();
  const waits = useResource('overdue-waits', () => api.payments.overdueWaits(), { pollWhile: () => true, intervalMs: REFRESH_MS });
  const items: OverdueWait[] = waits.data?.waits ?? [];

  const columns: Column<OverdueWait>[] = [
    { header: 'Waiting since', cell: (w) => formatTime(w.since) },
    { header: 'What', cell: (w) => humanize(w.kind) },
    { header: 'Waits for', cell: (w) => w.waitingFor },
    { header: 'Amount', cell: (w) => formatMoney(w.amount, w.currency) },
    { header: 'Expected within', cell: (w) => duration(w.expectedMs) },
    { header: 'Provider last asked', cell: (w) => (w.lastAskedAt ? formatTime(w.lastAskedAt) : 'never') },
    { header: 'Cancellation', cell: (w) => <Link to={`/cancellations/${encodeURIComponent(w.cancellationId)}`}>{w.cancellationId}</Link> },
  ];
  return (
    <section aria-labelledby="waits-title">
      <h1 id="waits-title">Overdue waits</h1>
      <p className="hint">
        Refunds and payment requests waiting on the outside world longer than expected. The system asks the provider again by itself; these
        need a look.
      </p>
      <ErrorMessage error={waits.error} title="The overdue waits cannot be shown" />
      {waits.loading && !waits.data ? <p role="status">Loading overdue waits…</p> : null}
      {waits.data && items.length === 0 ? <p className="hint">Nothing is waiting longer than expected.</p> : null}
      {items.length > 0 ? (
        <Table caption="Overdue waits, the longest waiting first" columns={columns} rows={items} rowKey={(w) => `${w.kind}:${w.id}`} />
      ) : null}
    </section>
  );
}
