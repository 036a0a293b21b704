import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { cancellationWorkflowId } from '@cancelflow/domain';
import type { Logger } from '@cancelflow/service-kit';
import { refundSettledSignal } from '@cancelflow/workflows/contracts/cancellation';
import type { RefundView } from './views.ts';

export type RefundStatusListener = (refund: RefundView) => Promise<void>;

/**
 * Tells the cancellation workflow that its refund moved. The database stays the truth: the
 * workflow re-reads the refund with getRefund, so a workflow that is gone (or a signal that
 * cannot be sent now) is logged, never an error for the provider that sent the event.
 */
export function signalCancellationWorkflow(client: Client, logger: Logger): RefundStatusListener {
  return async (refund) => {
    const workflowId = cancellationWorkflowId(refund.cancellationId);
    try {
      await client.workflow.getHandle(workflowId).signal(refundSettledSignal, { refundId: refund.id });
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        logger.info({ workflowId, refundId: refund.id, status: refund.status }, 'no running cancellation workflow to signal');
      } else {
        logger.warn({ err, workflowId, refundId: refund.id }, 'could not signal the cancellation workflow');
      }
    }
  };
}
