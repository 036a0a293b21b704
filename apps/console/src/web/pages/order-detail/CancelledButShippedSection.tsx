import { Link } from 'react-router';
import type { OrderDetail } from '../../api/index.ts';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatMoney } from '../../format.ts';

/** Items of this order shipped although cancelled: one cancelled-but-shipped process per shipment, each to rebill or return. */
export function CancelledButShippedSection({
  cancelledButShippedList,
}: {
  cancelledButShippedList: NonNullable<OrderDetail['cancelledButShipped']>;
}) {
  if (cancelledButShippedList.length === 0) return null;
  return (
    <section aria-labelledby="cbs-title">
      <h2 id="cbs-title">Cancelled but shipped</h2>
      <ul>
        {cancelledButShippedList.map((c) => (
          <li key={c.id}>
            <Link to={`/cancelled-but-shipped/${c.id}`}>Cancelled but shipped {c.id.slice(0, 8)}</Link> <StatusBadge status={c.status} />{' '}
            {formatMoney(c.amount, c.currency)} to rebill
          </li>
        ))}
      </ul>
    </section>
  );
}
