import type { Eligibility, OrderDetail } from '../../api/index.ts';
import { Table, type Column } from '../../components/Table.tsx';
import { formatMoney } from '../../format.ts';

type Line = OrderDetail['lines'][number];

/** The order's lines: what was ordered, what happened to each, what can still be cancelled. */
export function LinesSection({ order, eligibility }: { order: OrderDetail; eligibility: Eligibility }) {
  const columns: Column<Line>[] = [
    { header: 'Line', cell: (l) => l.lineNo },
    { header: 'SKU', cell: (l) => l.sku },
    { header: 'Unit price', numeric: true, cell: (l) => formatMoney(l.unitPrice, order.currency) },
    { header: 'Ordered', numeric: true, cell: (l) => l.quantity },
    { header: 'Shipped', numeric: true, cell: (l) => l.shippedQuantity },
    { header: 'Cancelled', numeric: true, cell: (l) => l.cancelledQuantity },
    { header: 'Returned', numeric: true, cell: (l) => l.returnedQuantity },
    { header: 'Open', numeric: true, cell: (l) => l.openQuantity },
    {
      header: 'Can be cancelled now',
      cell: (line) => {
        const e = eligibility.lines.find((l) => l.lineId === line.id);
        return (
          <>
            {e ? `${e.cancellableQuantity}${e.wholeLineOnly && e.cancellableQuantity > 0 ? ' (whole line)' : ''}` : '—'}
            {e && e.notCancellable.length > 0 ? <div className="hint">{e.notCancellable.join('; ')}</div> : null}
          </>
        );
      },
    },
  ];
  return (
    <section aria-labelledby="lines-title">
      <h2 id="lines-title">Lines</h2>
      <Table columns={columns} rows={order.lines} rowKey={(l) => l.id} />
    </section>
  );
}
