import { describe, expect, it } from 'vitest';
import {
  ACTIVITY_FAILURES,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RuleViolationError,
  UnauthenticatedError,
  UnavailableError,
  ValidationError,
} from '../src/index.ts';

describe('activity failure types', () => {
  it('each kind of domain error fails an activity with its constant', () => {
    expect(new ValidationError('x').failureType).toBe(ACTIVITY_FAILURES.validation);
    expect(new NotFoundError('x').failureType).toBe(ACTIVITY_FAILURES.notFound);
    expect(new ConflictError('x').failureType).toBe(ACTIVITY_FAILURES.conflict);
    expect(new RuleViolationError('x').failureType).toBe(ACTIVITY_FAILURES.ruleViolation);
    expect(new UnavailableError('x').failureType).toBe(ACTIVITY_FAILURES.unavailable);
    expect(new UnauthenticatedError('x').failureType).toBe(ACTIVITY_FAILURES.unauthenticated);
    expect(new ForbiddenError('x').failureType).toBe(ACTIVITY_FAILURES.forbidden);
  });

  it('a refinement the workflows tell apart names its own type', () => {
    class Spent extends RuleViolationError {
      override get failureType() {
        return ACTIVITY_FAILURES.ledgerSpent;
      }
    }
    expect(new Spent('x').failureType).toBe('LedgerSpentError');
    expect(new Spent('x').code).toBe('RULE_VIOLATED');
  });

  it('keeps the values workflow histories recorded: a changed one would no longer match the runs in flight', () => {
    expect(ACTIVITY_FAILURES).toEqual({
      ruleViolation: 'RuleViolationError',
      validation: 'ValidationError',
      notFound: 'NotFoundError',
      conflict: 'ConflictError',
      unavailable: 'UnavailableError',
      unauthenticated: 'UnauthenticatedError',
      forbidden: 'ForbiddenError',
      ledgerSpent: 'LedgerSpentError',
      cancellationNotFound: 'CancellationNotFound',
      undoNotFound: 'UndoNotFound',
      cancelledButShippedNotFound: 'ChainNotFound',
      bulkCancellationNotFound: 'BulkCancellationNotFound',
      cancellationCompleting: 'CancellationCompleting',
      invalidTransition: 'InvalidTransition',
      invalidEmailInput: 'INVALID_EMAIL_INPUT',
      invalidTemplateData: 'INVALID_TEMPLATE_DATA',
      smtpFailed: 'SMTP_SEND_FAILED',
      invalidWatchInput: 'INVALID_WATCH_INPUT',
      threadNotFound: 'THREAD_NOT_FOUND',
    });
  });
});
