import { ACTIVITY_FAILURES, type ActivityFailureType } from './activity-failures.ts';

/**
 * Typed domain errors. Each service maps them to HTTP status in one place (@cancelflow/http);
 * the message names the rule that failed and, where there is one, the way out.
 */
export type DomainErrorCode =
  | 'VALIDATION_FAILED'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RULE_VIOLATED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'UNAVAILABLE';

export interface ErrorDetail {
  path?: string;
  message: string;
}

export abstract class DomainError extends Error {
  abstract readonly code: DomainErrorCode;
  readonly details: ErrorDetail[];
  constructor(message: string, details: ErrorDetail[] = []) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }

  /**
   * The type an activity that meets this error fails with, which the workflows read: by the kind
   * of error; a refinement the workflows tell apart (points already spent) names its own.
   */
  get failureType(): ActivityFailureType {
    return FAILURE_TYPES[this.code];
  }
}

const FAILURE_TYPES: Record<DomainErrorCode, ActivityFailureType> = {
  VALIDATION_FAILED: ACTIVITY_FAILURES.validation,
  NOT_FOUND: ACTIVITY_FAILURES.notFound,
  CONFLICT: ACTIVITY_FAILURES.conflict,
  RULE_VIOLATED: ACTIVITY_FAILURES.ruleViolation,
  UNAUTHENTICATED: ACTIVITY_FAILURES.unauthenticated,
  FORBIDDEN: ACTIVITY_FAILURES.forbidden,
  UNAVAILABLE: ACTIVITY_FAILURES.unavailable,
};

/** The input does not have the required shape (400). */
export class ValidationError extends DomainError {
  readonly code = 'VALIDATION_FAILED';
}

/** The thing does not exist, or belongs to someone the caller may not see (404). */
export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
}

/** The request collides with the current state: a reused number, a race lost (409). */
export class ConflictError extends DomainError {
  readonly code = 'CONFLICT';
}

/** The request is well formed but a business rule forbids it (422). */
export class RuleViolationError extends DomainError {
  readonly code = 'RULE_VIOLATED';
}

export class UnauthenticatedError extends DomainError {
  readonly code = 'UNAUTHENTICATED';
}

export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN';
}

/** A dependency (Temporal, the database, a provider) cannot be reached now (503). */
export class UnavailableError extends DomainError {
  readonly code = 'UNAVAILABLE';
}
