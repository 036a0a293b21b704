import { ApplicationFailure } from '@temporalio/common';
import { DomainError } from '@cancelflow/domain';
import type { ServiceDeps } from '../deps.ts';
import { acceptRequest, loadRequestContext, recordRequestEvent, rejectRequest, withdrawRequest } from '../requests/decide-request.ts';
import type { CancellationRequestActivities } from '@cancelflow/workflows/contracts/customer-cancellation-request';

/**
 * The order service's side of a cancellation request, idempotent by request id.
 * Business refusals keep their type (ConflictError, RuleViolationError, NotFoundError), which the
 * workflow does not retry and hands back to whoever answered.
 */
export function createCancellationRequestActivities(deps: ServiceDeps): CancellationRequestActivities {
  return {
    loadCancellationRequest: (requestId) => typed(() => loadRequestContext(deps, requestId), true),
    acceptCancellationRequest: ({ requestId, ...input }) => typed(() => acceptRequest(deps, requestId, input)),
    rejectCancellationRequest: ({ requestId, ...input }) => typed(() => rejectRequest(deps, requestId, input)),
    withdrawCancellationRequest: ({ requestId, ...input }) => typed(() => withdrawRequest(deps, requestId, input)),
    recordCancellationRequestEvent: (input) => typed(() => recordRequestEvent(deps, input)),
  };
}

/** A domain error becomes an ApplicationFailure of the same type; "not found yet" may be retried on load. */
async function typed<T>(work: () => Promise<T>, notFoundRetryable = false): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DomainError) {
      const retryable = notFoundRetryable && error.code === 'NOT_FOUND';
      throw ApplicationFailure.create({ message: error.message, type: error.name, nonRetryable: !retryable });
    }
    throw error;
  }
}
