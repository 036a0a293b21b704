/**
 * What the workflows may ask the payment service to do (task queue "payments"). Every activity is
 * idempotent on its business id. A broken rule or bad input fails for good (non-retryable); the
 * database or the provider being unreachable is retried by Temporal.
 */
import { NotFoundError, idSchema, recordOrderPaymentsSchema, requestRefundSchema } from '@cancelflow/domain';
import { failingForGood, parse, type Database, type Logger } from '@cancelflow/service-kit';
import type { PaymentProvider } from '../adapters/payment-provider.ts';
import { createPaymentBook, outcomeOf } from '../refunds/index.ts';
import type { PaymentActivities } from '@cancelflow/workflows/contracts/cancellation';

export interface PaymentActivityDeps {
  orm: Database;
  provider: PaymentProvider;
  logger?: Logger;
}

export function createPaymentActivities(deps: PaymentActivityDeps): PaymentActivities {
  const book = createPaymentBook({ orm: deps.orm, provider: deps.provider });

  const recordPayments = async (raw: unknown): Promise<void> => {
    const input = parse(recordOrderPaymentsSchema, raw, 'recordOrderPayments input');
    const { differing } = await book.recordOrderPayments(input);
    // The first record of a payment stays; a different one under the same reference is the
    // channel's inconsistency, not a reason to stop the import's process or the cancellation.
    for (const error of differing) deps.logger?.warn({ err: error, orderId: input.orderId }, 'payment already recorded differently');
  };

  return {
    recordOrderPayments: (raw) => failingForGood(() => recordPayments(raw)),

    requestRefund: (raw) =>
      failingForGood(async () => {
        // The first attempt carries the order's payments: they are recorded before the refund is planned on them.
        const { payments, ...request } = raw;
        if (payments) await recordPayments({ orderId: request.orderId, currency: request.currency, payments });
        const input = parse(requestRefundSchema, request, 'requestRefund input');
        return outcomeOf(await book.requestRefund(input));
      }),

    getRefund: (cancellationId) =>
      failingForGood(async () => {
        const id = parse(idSchema, cancellationId, 'cancellationId');
        const refund = await book.refundByCancellation(id);
        if (!refund) throw new NotFoundError(`cancellation ${cancellationId} has no refund: request it first`);
        return outcomeOf(refund);
      }),

    reconcileRefund: (cancellationId) =>
      failingForGood(async () => {
        const id = parse(idSchema, cancellationId, 'cancellationId');
        return outcomeOf((await book.reconcileRefund(id)).refund);
      }),
  };
}
