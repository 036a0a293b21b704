import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { cancellationWorkflowId } from '@cancelflow/domain';
import type { Logger } from '@cancelflow/service-kit';
import { refundSettledSignal } from '@cancelflow/workflows/contracts/cancellation';
import { outcomeOf, type RefundView } from './views.ts';

export type RefundStatusListener = (refund: RefundView) => Promise<void>;

/**
 * Tells the cancellation workflow that its refund moved, and how it is now: a refund that
 * succeeded saves the workflow a reading of it; any other it re-reads with getRefund. A workflow
 * that is gone (or a signal that cannot be sent now) is logged, never an error for the provider
 * that sent the event.
 */
export function signalCancellationWorkflow(client: Client, logger: Logger): RefundStatusListener {
  return async (refund) => {
    const workflowId = cancellationWorkflowId(refund.cancellationId);
    try {
      await client.workflow.getHandle(workflowId).signal(refundSettledSignal, { refundId: refund.id, outcome: outcomeOf(refund) });
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        logger.info({ workflowId, refundId: refund.id, status: refund.status }, 'no running cancellation workflow to signal');
      } else {
        logger.warn({ err, workflowId, refundId: refund.id }, 'could not signal the cancellation workflow');
      }
    }
  };
}
