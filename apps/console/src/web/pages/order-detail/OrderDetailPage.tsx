import { useState } from 'react';
import { Link, useParams } from 'react-router';
import type { CancellationStarted, Eligibility, OrderDetail, ShipmentRecorded } from '../../api/index.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { useConsole } from '../../context.tsx';
import { useResource } from '../../hooks/useResource.ts';
import { CreateCancellationDialog } from '../CreateCancellationDialog.tsx';
import { CreateShipmentDialog } from '../CreateShipmentDialog.tsx';
import { CancellationRequestedNotice } from './CancellationRequestedNotice.tsx';
import { CancellationStartedNotice, CancellationsSection } from './CancellationsSection.tsx';
import { CancelledButShippedSection } from './CancelledButShippedSection.tsx';
import { EmailsSection } from './EmailsSection.tsx';
import { LinesSection } from './LinesSection.tsx';
import { OrderActions } from './OrderActions.tsx';
import { OrderSummary } from './OrderSummary.tsx';
import { PaymentsSection } from './PaymentsSection.tsx';
import { hasRunningCancellation, progressStamp } from './progress.ts';
import { ShipmentRecordedNotice } from './ShipmentRecordedNotice.tsx';
import { TimelineSection } from './TimelineSection.tsx';

interface OrderScreen {
  order: OrderDetail;
  eligibility: Eligibility;
}

/** One order: its facts, lines, cancellations, timeline, money and emails, followed live while a cancellation moves. */
export function OrderDetailPage() {
  const { orderId = '' } = useParams();
  const { api } = useConsole();
  const [dialogOpen, setDialogOpen] = useState(false);
  const [started, setStarted] = useState<CancellationStarted>();
  const [shipmentOpen, setShipmentOpen] = useState(false);
  const [shipped, setShipped] = useState<ShipmentRecorded>();

  const screen = useResource<OrderScreen>(
    `order:${orderId}`,
    async () => {
      const [order, eligibility] = await Promise.all([api.orders.get(orderId), api.orders.eligibility(orderId)]);
      return { order, eligibility };
    },
    // Follow running cancellations until they finish, without reloading the page.
    { pollWhile: (s) => hasRunningCancellation(s.order) },
  );
  const running = screen.data ? hasRunningCancellation(screen.data.order) : false;

  if (screen.loading && !screen.data) return <p role="status">Loading the order…</p>;
  if (!screen.data) return <ErrorMessage error={screen.error} title="The order cannot be shown" />;
  const { order, eligibility } = screen.data;

  return (
    <article aria-labelledby="order-title">
      <p>
        <Link to="/orders">← Orders</Link>
      </p>
      <OrderSummary order={order} />
      <OrderActions
        order={order}
        eligibility={eligibility}
        running={running}
        onCancel={() => setDialogOpen(true)}
        onShip={() => setShipmentOpen(true)}
        onChanged={screen.reload}
      />
      {running ? (
        <p role="status" className="notice">
          A cancellation is in progress; this page follows it live.
        </p>
      ) : null}
      {started ? <CancellationStartedNotice started={started} /> : null}
      {shipped ? <ShipmentRecordedNotice shipped={shipped} /> : null}
      {order.cancellationRequested ? <CancellationRequestedNotice orderId={order.id} /> : null}
      <ErrorMessage error={screen.error} title="Could not refresh" />

      <LinesSection order={order} eligibility={eligibility} />
      <CancellationsSection cancellations={order.cancellations} />
      <CancelledButShippedSection cancelledButShippedList={order.cancelledButShipped ?? []} />
      <TimelineSection events={order.timeline} cancellations={order.cancellations} />
      <PaymentsSection orderId={order.id} version={progressStamp(order)} live={running} />
      <EmailsSection orderId={order.id} version={progressStamp(order)} live={running} />

      <CreateShipmentDialog
        open={shipmentOpen}
        order={order}
        onClose={() => setShipmentOpen(false)}
        onRecorded={(recorded) => {
          setShipmentOpen(false);
          setShipped(recorded);
          void screen.reload();
        }}
      />
      <CreateCancellationDialog
        open={dialogOpen}
        order={order}
        eligibility={eligibility}
        onClose={() => setDialogOpen(false)}
        onCreated={(s) => {
          setDialogOpen(false);
          setStarted(s);
          void screen.reload();
        }}
      />
    </article>
  );
}
