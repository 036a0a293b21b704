import { selfServiceTurnedOff } from '@cancelflow/domain';
import {
  ORDER_CONFIRMATION_WORKFLOW_TYPE,
  orderConfirmationWorkflowId,
  type OrderConfirmationInput,
} from '@cancelflow/workflows/contracts/order-confirmation';
import { faultPoint } from '@cancelflow/service-kit/faults';
import { Order as OrderEntity, OrderLine as OrderLineEntity, type Order, type OrderLine } from '../db/entities/index.ts';
import type { ServiceDeps } from '../deps.ts';
import { mintSelfServiceLink } from '../self-service/tokens.ts';
import { startProcess } from '../temporal/gateway.ts';

/**
 * Sends the order confirmation with the customer's "view order" link (which offers cancelling
 * only where the customer may cancel on that page), and makes the order's payments known to the
 * payment service. Both are activities of other services, reachable only from a workflow: the
 * small orderConfirmationWorkflow (id from the order id, so a repeated import sends nothing twice)
 * carries them durably. The import itself never fails for them: when Temporal cannot be reached it
 * is logged, and the order stays owed its confirmation (confirmation_started_at is null) until the
 * sweep starts it.
 */
export async function sendOrderConfirmation(deps: ServiceDeps, order: Order, lines: readonly OrderLine[]): Promise<void> {
  if (!deps.selfService) return;
  // The order is committed; its confirmation is not started yet: a crash here leaves it to the sweep.
  faultPoint('order.confirmation-owed', order.channelOrderNo);
  try {
    const link = await mintSelfServiceLink(deps.selfService, order.id);
    const args: [OrderConfirmationInput] = [
      {
        orderId: order.id,
        to: order.customerEmail,
        data: {
          orderNo: order.channelOrderNo,
          customerName: order.customerName,
          viewOrderUrl: link.url,
          expiresAt: link.expiresAt,
          // The page still shows the order (and any cancelled-but-shipped question); only
          // the offer to cancel there goes when the shop turned self-service off.
          canCancel: !selfServiceTurnedOff(order),
          lines: lines.map((l) => `${l.quantity} x ${l.sku}`).join(', '),
        },
        payments: {
          currency: order.currency,
          payments: order.payments.map((p) => ({ method: p.method, amount: p.amount, reference: p.reference })),
        },
      },
    ];
    // Already running is the same confirmation: started either way.
    await startProcess(deps, {
      type: ORDER_CONFIRMATION_WORKFLOW_TYPE,
      workflowId: orderConfirmationWorkflowId(order.id),
      args,
      unreachable: 'the order confirmation could not be started (Temporal is unreachable): the sweep will try again',
    });
    await markStarted(deps, order.id);
  } catch (error) {
    deps.logger.warn({ err: error, orderId: order.id }, 'could not start the order confirmation email; the sweep will try again');
  }
}

const markStarted = async (deps: ServiceDeps, orderId: string): Promise<void> => {
  await deps.db.em
    .fork()
    .execute(`update "orders"."order" set "confirmation_started_at" = now() where "id" = ? and "confirmation_started_at" is null`, [
      orderId,
    ]);
};

/**
 * Starts the confirmations still owed by orders imported at least `afterMs` ago (a crash between the
 * import's commit and the start, or Temporal unreachable then), every `afterMs`. The process id
 * comes from the order id, so a confirmation that did start is never sent twice.
 */
export function startOrderConfirmationSweep(deps: ServiceDeps, afterMs: number): () => Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const sweep = async () => {
    const em = deps.db.em.fork();
    const owed = await em.execute<{ id: string }[]>(
      `select "id" from "orders"."order" where "confirmation_started_at" is null and "created_at" < now() - (? * interval '1 millisecond') order by "created_at" limit 50`,
      [afterMs],
    );
    for (const { id } of owed) {
      if (stopped) return;
      const order = await em.findOne(OrderEntity, { id }, { refresh: true });
      if (!order) continue;
      const lines = await em.find(OrderLineEntity, { orderId: id }, { orderBy: { lineNo: 'asc' } });
      await sendOrderConfirmation(deps, order, lines);
    }
  };
  const tick = () => {
    running = sweep()
      .catch((error: unknown) => deps.logger.warn({ err: error }, 'the order confirmation sweep failed; it runs again shortly'))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, afterMs);
      });
  };
  timer = setTimeout(tick, afterMs);
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await running;
  };
}
