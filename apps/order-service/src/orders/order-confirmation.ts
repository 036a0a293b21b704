import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { selfServiceTurnedOff, TASK_QUEUES } from '@cancelflow/domain';
import { ORDER_CONFIRMATION_WORKFLOW_TYPE, orderConfirmationWorkflowId, type OrderConfirmationInput } from '@cancelflow/workflows/contracts/order-confirmation';
import type { Order, OrderLine } from '../db/entities/index.ts';
import type { HttpDeps } from '../http/deps.ts';
import { mintSelfServiceLink } from '../self-service/tokens.ts';

/**
 * Sends the order confirmation with the customer's "view order" link (which offers cancelling
 * only where the customer may cancel on that page). The email is an activity of
 * the notification service, reachable only from a workflow: the small orderConfirmationWorkflow
 * (id from the order id, so a repeated import sends nothing twice) carries it durably. The import
 * itself never fails for the email: when Temporal cannot be reached it is logged.
 */
export async function sendOrderConfirmation(deps: HttpDeps, order: Order, lines: readonly OrderLine[]): Promise<void> {
  if (!deps.selfService) return;
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
          // The page still shows the order (and any shipped-after-cancellation question); only
          // the offer to cancel there goes when the shop turned self-service off.
          canCancel: !selfServiceTurnedOff(order),
          lines: lines.map((l) => `${l.quantity} x ${l.sku}`).join(', '),
        },
      },
    ];
    await deps.temporal.withDeadline(Date.now() + deps.temporalTimeoutMs, () =>
      deps.temporal.workflow.start(ORDER_CONFIRMATION_WORKFLOW_TYPE, {
        taskQueue: TASK_QUEUES.cancellations,
        workflowId: orderConfirmationWorkflowId(order.id),
        args,
      }),
    );
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return;
    deps.logger.warn({ err: error, orderId: order.id }, 'could not start the order confirmation email');
  }
}
