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
