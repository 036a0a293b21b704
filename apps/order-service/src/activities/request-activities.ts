import type { DomainError } from '@cancelflow/domain';
import { failingForGood } from '@cancelflow/service-kit/activity-errors';
import type { ServiceDeps } from '../deps.ts';
import { acceptRequest, loadRequestContext, recordRequestEvent, rejectRequest, withdrawRequest } from '../requests/decide-request.ts';
import type { CancellationRequestActivities } from '@cancelflow/workflows/contracts/customer-cancellation-request';

/** On load a request may not be committed yet: "not found" is tried again there, and nowhere else. */
const notFoundYet = (error: DomainError) => error.code === 'NOT_FOUND';
const never = () => false;

/**
 * The order service's side of a cancellation request, idempotent by request id.
 * Business refusals fail for good with their type (ACTIVITY_FAILURES: conflict, ruleViolation,
 * notFound), which the workflow hands back to whoever answered; so does an unreachable Temporal,
 * since a person is waiting for the answer.
 */
export function createCancellationRequestActivities(deps: ServiceDeps): CancellationRequestActivities {
  return {
    loadCancellationRequest: (requestId) => failingForGood(() => loadRequestContext(deps, requestId), notFoundYet),
    acceptCancellationRequest: ({ requestId, ...input }) => failingForGood(() => acceptRequest(deps, requestId, input), never),
    rejectCancellationRequest: ({ requestId, ...input }) => failingForGood(() => rejectRequest(deps, requestId, input), never),
    withdrawCancellationRequest: ({ requestId, ...input }) => failingForGood(() => withdrawRequest(deps, requestId, input), never),
    recordCancellationRequestEvent: (input) => failingForGood(() => recordRequestEvent(deps, input), never),
  };
}
