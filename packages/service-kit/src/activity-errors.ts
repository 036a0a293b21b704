import { activityInfo } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { DomainError } from '@cancelflow/domain';

/** Which domain errors a retry may cure; by default only an unreachable dependency. */
export type RetryableWhen = (error: DomainError) => boolean;

const unreachable: RetryableWhen = (error) => error.code === 'UNAVAILABLE';

/**
 * The one way an activity fails on a domain error: an ApplicationFailure whose type is the
 * error's constant from ACTIVITY_FAILURES (what the workflows' retry policies and handlers read),
 * non-retryable because a broken rule gives the same answer on every attempt. Errors that are not
 * domain errors (a dropped connection, a bug) stay retryable as they are.
 */
export async function failingForGood<T>(work: () => Promise<T>, retryable: RetryableWhen = unreachable): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DomainError) throw activityFailure(error, retryable(error));
    throw error;
  }
}

/** A domain error as the failure of an activity. */
export function activityFailure(error: DomainError, retryable = false): ApplicationFailure {
  return ApplicationFailure.create({
    message: error.message,
    type: error.failureType,
    nonRetryable: !retryable,
    details: [{ code: error.code, details: error.details }],
  });
}

/** How long a process's record may be missing before its creating transaction is taken as rolled back. */
const COMMIT_AWAITED_MS = 30_000;

/**
 * A process's record is not there. Its process starts inside the transaction that creates it, so
 * the transaction may still commit: retryable, until the activity has been looking for it for
 * COMMIT_AWAITED_MS since it was first scheduled, when the transaction has rolled back and no
 * retry can find it. Outside an activity (a direct call), retryable.
 */
export function recordNotFoundYet(message: string, type: string): ApplicationFailure {
  let lookingForMs = 0;
  try {
    lookingForMs = Date.now() - activityInfo().scheduledTimestampMs;
  } catch {
    // Not in an activity: whoever called decides whether to try again.
  }
  return lookingForMs >= COMMIT_AWAITED_MS
    ? ApplicationFailure.nonRetryable(`${message}: the request that creates it did not commit`, type)
    : ApplicationFailure.retryable(`${message} (yet)`, type);
}
