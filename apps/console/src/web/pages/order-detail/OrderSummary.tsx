import { CHANNEL_POLICIES } from '@cancelflow/domain/channel-policies';
import type { OrderDetail } from '../../api/index.ts';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatMoney, formatTime } from '../../format.ts';

/** The order's heading and facts: channel, customer, money. */
export function OrderSummary({ order }: { order: OrderDetail }) {
  const policy = CHANNEL_POLICIES[order.channel];
  return (
    <>
      <h1 id="order-title">
        Order {order.channelOrderNo} <StatusBadge status={order.status} />
        {order.cancellationRequested ? <span className="badge badge-bad">Cancellation requested</span> : null}
      </h1>
      <dl className="facts">
        <dt>Channel</dt>
        <dd>
          {policy?.label ?? order.channel}
          {order.thirdPartyManaged ? ' (third-party managed: not synced back)' : ''}
        </dd>
        <dt>Placed</dt>
        <dd>{formatTime(order.placedAt)}</dd>
        <dt>Retrieved by the shop</dt>
        <dd>{order.acknowledged ? 'Yes' : 'Not yet'}</dd>
        {order.customer ? (
          <>
            <dt>Customer</dt>
            <dd>
              {order.customer.name} &lt;{order.customer.email}&gt;
            </dd>
          </>
        ) : null}
        {order.money && order.money.discount > 0 ? (
          <>
            <dt>Discounts</dt>
            <dd>
              {formatMoney(order.money.discount, order.currency)}
              {order.money.discounts.some((d) => d.description)
                ? ` (${order.money.discounts.flatMap((d) => d.description ?? []).join(', ')})`
                : ''}
            </dd>
          </>
        ) : null}
        {order.money && order.money.shipping.amount > 0 ? (
          <>
            <dt>Shipping</dt>
            <dd>{formatMoney(order.money.shipping.amount, order.currency)}</dd>
          </>
        ) : null}
        <dt>Total</dt>
        <dd>{formatMoney(order.total, order.currency)}</dd>
        {order.money ? (
          <>
            <dt>VAT included</dt>
            <dd>{formatMoney(order.money.vat, order.currency)}</dd>
          </>
        ) : null}
        <dt>Merchant</dt>
        <dd>{order.merchantId}</dd>
      </dl>
    </>
  );
}
