import { ApplicationFailure } from '@temporalio/common';
import { DomainError, UnavailableError } from '@cancelflow/domain';

/**
 * Runs an activity's work so that a broken business rule fails for good: retrying it gives the
 * same answer. An unreachable dependency (UnavailableError) and any other error stay retryable.
 */
export async function failingForGood<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DomainError && !(error instanceof UnavailableError)) {
      throw ApplicationFailure.nonRetryable(error.message, error.name, { code: error.code, details: error.details });
    }
    throw error;
  }
}
