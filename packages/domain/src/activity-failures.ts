/**
 * The types of the failures activities end with, written once: the services throw them (a domain
 * error through its failureType, see errors.ts), the workflows' retry policies and error handling
 * read them. They live in the domain because both
 * the activity side (service-kit, the services) and workflow code may import it, and the values
 * are recorded in workflow histories: never change one.
 */
export const ACTIVITY_FAILURES = {
  /** A broken business rule: a retry gives the same answer. */
  ruleViolation: 'RuleViolationError',
  validation: 'ValidationError',
  notFound: 'NotFoundError',
  /** The state changed meanwhile (a request already decided, a cancellation already closed). */
  conflict: 'ConflictError',
  /** A dependency (Temporal, the database, a provider) cannot be reached now: retried. */
  unavailable: 'UnavailableError',
  unauthenticated: 'UnauthenticatedError',
  forbidden: 'ForbiddenError',
  /** Points or store credit of the order were spent since: the undo cannot take them back. */
  ledgerSpent: 'LedgerSpentError',
  /** A process's record is not there, or not yet: its creating transaction may still commit. */
  cancellationNotFound: 'CancellationNotFound',
  undoNotFound: 'UndoNotFound',
  // The value workflow histories recorded when the process was called a chain: kept, so runs in flight match.
  cancelledButShippedNotFound: 'ChainNotFound',
  bulkCancellationNotFound: 'BulkCancellationNotFound',
  /** The cancellation's own process is still completing: the undo waits for it. */
  cancellationCompleting: 'CancellationCompleting',
  /** The state machine refuses the step. */
  invalidTransition: 'InvalidTransition',
  invalidEmailInput: 'INVALID_EMAIL_INPUT',
  invalidTemplateData: 'INVALID_TEMPLATE_DATA',
  smtpFailed: 'SMTP_SEND_FAILED',
  invalidWatchInput: 'INVALID_WATCH_INPUT',
  threadNotFound: 'THREAD_NOT_FOUND',
} as const;

export type ActivityFailureType = (typeof ACTIVITY_FAILURES)[keyof typeof ACTIVITY_FAILURES];

/** The failures no retry can change: the retry policies of every process stop on them. */
export const NON_RETRYABLE_FAILURES: readonly ActivityFailureType[] = [
  ACTIVITY_FAILURES.ruleViolation,
  ACTIVITY_FAILURES.validation,
  ACTIVITY_FAILURES.notFound,
];
