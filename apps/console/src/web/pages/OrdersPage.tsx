import { useId, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { CHANNEL_POLICIES, CHANNELS, type Channel } from '@cancelflow/domain/channel-policies';
import { ORDER_STATUSES, type OrderStatus } from '@cancelflow/domain/order';
import type { OrderSummary } from '../api/index.ts';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { Table, type Column } from '../components/Table.tsx';
import { useConsole } from '../context.tsx';
import { formatMoney, formatTime, humanize } from '../format.ts';
import { useResource } from '../hooks/useResource.ts';

export const PAGE_SIZE = 25;
const DASHBOARD_REFRESH_MS = 5_000;

/** The order dashboard: search by channel order number, filter by status and channel. */
export function OrdersPage() {
  const { api } = useConsole();
  const [params, setParams] = useSearchParams();
  const status = (params.get('status') ?? '') as OrderStatus | '';
  const channel = (params.get('channel') ?? '') as Channel | '';
  const q = params.get('q') ?? '';
  const requested = params.get('requested') === 'true' ? 'true' : '';
  const offset = Math.max(0, Number(params.get('offset') ?? 0) || 0);
  const [search, setSearch] = useState(q);
  const ids = { q: useId(), status: useId(), channel: useId(), requested: useId() };

  const orders = useResource(
    JSON.stringify({ status, channel, q, offset, requested }),
    () => api.orders.list({ status, channel, q, limit: PAGE_SIZE, offset, cancellationRequested: requested }),
    { pollWhile: () => true, intervalMs: DASHBOARD_REFRESH_MS },
  );

  const update = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    if (!('offset' in changes)) next.delete('offset');
    setParams(next);
  };

  const submitSearch = (event: FormEvent) => {
    event.preventDefault();
    update({ q: search.trim() });
  };

  const items = orders.data?.items ?? [];
  const total = orders.data?.total ?? 0;
  // The flag of an order whose customer asked to cancel and waits for the merchant.
  const showRequested = items.some((o) => o.cancellationRequested !== undefined);

  const columns: Column<OrderSummary>[] = [
    { header: 'Channel order number', cell: (o) => <Link to={`/orders/${o.id}`}>{o.channelOrderNo}</Link> },
    { header: 'Channel', cell: (o) => CHANNEL_POLICIES[o.channel]?.label ?? o.channel },
    { header: 'Status', cell: (o) => <StatusBadge status={o.status} /> },
    ...(showRequested
      ? [
          {
            header: 'Cancellation requested',
            cell: (o: OrderSummary) => (o.cancellationRequested ? <span className="badge badge-bad">Cancellation requested</span> : ''),
          },
        ]
      : []),
    { header: 'Placed', cell: (o) => formatTime(o.placedAt) },
    { header: 'Items', numeric: true, cell: (o) => o.lines.reduce((n, l) => n + l.quantity, 0) },
    { header: 'Total', numeric: true, cell: (o) => formatMoney(o.total, o.currency) },
  ];
  return (
    <section aria-labelledby="orders-title">
      <h1 id="orders-title">Orders</h1>
      <form className="filters" onSubmit={submitSearch} role="search">
        <div>
          <label htmlFor={ids.q}>Channel order number</label>
          <input id={ids.q} type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="e.g. 111-2223334" />
        </div>
        <button type="submit">Search</button>
        <div>
          <label htmlFor={ids.status}>Status</label>
          <select id={ids.status} value={status} onChange={(e) => update({ status: e.target.value })}>
            <option value="">Any status</option>
            {ORDER_STATUSES.map((s) => (
              <option key={s} value={s}>
                {humanize(s)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={ids.channel}>Channel</label>
          <select id={ids.channel} value={channel} onChange={(e) => update({ channel: e.target.value })}>
            <option value="">Any channel</option>
            {CHANNELS.map((c) => (
              <option key={c} value={c}>
                {CHANNEL_POLICIES[c].label}
              </option>
            ))}
          </select>
        </div>
        <div className="check">
          <input
            id={ids.requested}
            type="checkbox"
            checked={requested === 'true'}
            onChange={(e) => update({ requested: e.target.checked ? 'true' : '' })}
          />
          <label htmlFor={ids.requested}>Cancellation requested</label>
        </div>
      </form>

      <ErrorMessage error={orders.error} title="The orders cannot be shown" />
      {orders.loading && !orders.data ? <p role="status">Loading orders…</p> : null}

      {orders.data ? (
        <>
          <p role="status" className="hint">
            {total === 0 ? 'No orders match.' : `Showing ${offset + 1}–${Math.min(offset + items.length, total)} of ${total} orders.`}
          </p>
          {items.length > 0 ? <Table caption="Orders, newest first" columns={columns} rows={items} rowKey={(o) => o.id} /> : null}
          <nav className="pager" aria-label="Pages">
            <button
              type="button"
              className="secondary"
              disabled={offset === 0}
              onClick={() => update({ offset: String(Math.max(0, offset - PAGE_SIZE)) })}
            >
              Previous
            </button>
            <button
              type="button"
              className="secondary"
              disabled={offset + items.length >= total}
              onClick={() => update({ offset: String(offset + PAGE_SIZE) })}
            >
              Next
            </button>
          </nav>
        </>
      ) : null}
    </section>
  );
}
