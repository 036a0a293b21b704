import { Link } from 'react-router';
import type { Cancellation, CancellationStarted } from '../../api/index.ts';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { Table, type Column } from '../../components/Table.tsx';
import { workflowUrl } from '../../config.ts';
import { useConsole } from '../../context.tsx';
import { formatMoney, formatTime, humanize } from '../../format.ts';

/** The order's cancellations, each leading to its own page and its workflow. */
export function CancellationsSection({ cancellations }: { cancellations: Cancellation[] }) {
  const { config } = useConsole();
  const columns: Column<Cancellation>[] = [
    { header: 'Number', cell: (c) => <Link to={`/cancellations/${c.id}`}>{c.merchantCancellationNumber}</Link> },
    { header: 'Status', cell: (c) => <StatusBadge status={c.status} /> },
    {
      header: 'Refund',
      cell: (c) => (
        <>
          {humanize(c.refundMethod)}
          {c.refundStatus ? (
            <>
              {' '}
              <StatusBadge status={c.refundStatus} />
            </>
          ) : null}
        </>
      ),
    },
    { header: 'Reason', cell: (c) => humanize(c.reason) },
    { header: 'Amount', numeric: true, cell: (c) => formatMoney(c.amount, c.currency) },
    { header: 'Created', cell: (c) => formatTime(c.createdAt) },
    {
      header: 'Workflow',
      cell: (c) => (
        <a href={workflowUrl(config, c.workflowId)} target="_blank" rel="noreferrer">
          Open in Temporal<span className="visually-hidden"> (opens in a new tab)</span>
        </a>
      ),
    },
  ];
  return (
    <section aria-labelledby="cancellations-title">
      <h2 id="cancellations-title">Cancellations</h2>
      {cancellations.length === 0 ? <p>None.</p> : <Table columns={columns} rows={cancellations} rowKey={(c) => c.id} />}
    </section>
  );
}

/** Said once a cancellation was created from this page: where to follow it. */
export function CancellationStartedNotice({ started }: { started: CancellationStarted }) {
  const { config } = useConsole();
  return (
    <p role="status" className="notice">
      Cancellation started. <Link to={`/cancellations/${started.cancellationId}`}>Follow it</Link> or{' '}
      <a href={workflowUrl(config, started.workflowId)} target="_blank" rel="noreferrer">
        open it in Temporal
      </a>
      .
    </p>
  );
}
