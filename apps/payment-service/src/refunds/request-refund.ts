/**
 * Refunding a cancellation, exactly once. The story:
 *   1. the first request plans the refund (planRefund, the domain's rule) and stores it with its
 *      parts in one transaction, keyed by the cancellation id;
 *   2. points and store credit go back at once through our ledger;
 *   3. card refunds and bank deposits go to the provider under a key per part and attempt, so
 *      asking again never moves money twice;
 *   4. a retry of a FAILED refund submits the failed parts again under a new key.
 * The provider's final word arrives later as a provider event (provider-events.ts).
 */
import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import {
  ConflictError,
  RuleViolationError,
  planRefund,
  refundStatusOf,
  settlesThroughProvider,
  type RefundPart as PlannedRefundPart,
  type RequestRefundInput,
} from '@cancelflow/domain';
import { isUniqueViolation } from '@cancelflow/service-kit';
import { faultPoint } from '@cancelflow/service-kit/faults';
import type { PaymentProvider } from '../adapters/payment-provider.ts';
import { LedgerEntry, Payment, Refund, RefundPart } from '../db/entities/index.ts';
import { recomputeRefundStatus, refundByCancellation, type EntityManager } from './store.ts';
import type { RefundView } from './views.ts';
import { refundableOf } from '../money/totals.ts';

export const idempotencyKeyOf = (cancellationId: string, partNo: number, attempt: number): string =>
  `${cancellationId}:${partNo}:${attempt}`;

export async function requestRefund(em: EntityManager, provider: PaymentProvider, input: RequestRefundInput): Promise<RefundView> {
  let refund = await em.findOne(Refund, { cancellationId: input.cancellationId }, { refresh: true });
  if (refund) assertSameRefund(refund, input);
  else refund = await storePlannedRefund(em, input);

  if (input.retry && refund.status === 'FAILED') await resetFailedParts(em, refund.id, input.cancellationId);
  await submitToProvider(em, provider, refund.id);

  const view = await refundByCancellation(em, input.cancellationId);
  if (!view) throw new Error(`refund of cancellation ${input.cancellationId} vanished`);
  return view;
}

/** A cancellation has one refund: asking for a different one under the same id is a mistake. */
function assertSameRefund(refund: Refund, input: RequestRefundInput): void {
  if (
    refund.orderId !== input.orderId ||
    refund.amount !== input.amount ||
    refund.currency !== input.currency ||
    refund.refundMethod !== input.refundMethod
  ) {
    throw new ConflictError(
      `cancellation ${input.cancellationId} already has a refund of ${refund.amount} ${refund.currency} by ` +
        `${refund.refundMethod} for order ${refund.orderId}; a different refund needs a different cancellation`,
    );
  }
}

async function storePlannedRefund(em: EntityManager, input: RequestRefundInput): Promise<Refund> {
  try {
    return await em.fork().transactional(async (tem) => {
      // Refunds of one order are planned one at a time, so two cancellations never both spend
      // the same refundable remainder.
      await tem.execute('select pg_advisory_xact_lock(hashtext(?))', [`refund-plan:${input.orderId}`]);
      const existing = await tem.findOne(Refund, { cancellationId: input.cancellationId });
      if (existing) return existing;

      const plan = await planFor(tem, input);
      const now = new Date();
      const refund = tem.create(Refund, {
        id: randomUUID(),
        cancellationId: input.cancellationId,
        orderId: input.orderId,
        amount: input.amount,
        currency: input.currency,
        refundMethod: input.refundMethod,
        status: 'PENDING',
        attempt: 1,
        failureReason: null,
        createdAt: now,
        updatedAt: now,
      });
      // The parts and ledger entries reference the refund by plain columns: flush in that order.
      await tem.flush();
      const parts = plan.map((planned, index) => {
        const partNo = index + 1;
        const viaLedger = !settlesThroughProvider(planned.channel);
        return tem.create(RefundPart, {
          id: randomUUID(),
          refundId: refund.id,
          partNo,
          channel: planned.channel,
          amount: planned.amount,
          paymentReference: planned.paymentReference ?? null,
          status: viaLedger ? 'SUCCEEDED' : 'PENDING',
          providerRefundId: null,
          idempotencyKey: idempotencyKeyOf(input.cancellationId, partNo, 1),
          attempt: 1,
          failureReason: null,
          settledAt: viaLedger ? now : null,
          providerCheckedAt: null,
        });
      });
      await tem.flush();
      for (const part of parts) {
        if (part.channel === 'POINTS' || part.channel === 'STORE_CREDIT') {
          tem.create(LedgerEntry, {
            id: randomUUID(),
            orderId: input.orderId,
            kind: part.channel,
            amount: part.amount,
            currency: input.currency,
            refundPartId: part.id,
            createdAt: now,
          });
        }
      }
      refund.status = refundStatusOf(parts);
      await tem.flush();
      return refund;
    });
  } catch (error) {
    // A racing request for the same cancellation stored it first: that one is the refund.
    if (!isUniqueViolation(error)) throw error;
    const stored = await em.findOne(Refund, { cancellationId: input.cancellationId }, { refresh: true });
    if (!stored) throw error;
    assertSameRefund(stored, input);
    return stored;
  }
}

/**
 * What to give back and how. Nothing for an amount of 0 or the method NONE. Otherwise never more
 * than the order was paid minus what earlier refunds of it still give back (refundableOf).
 */
async function planFor(em: EntityManager, input: RequestRefundInput): Promise<PlannedRefundPart[]> {
  if (input.amount === 0 || input.refundMethod === 'NONE') return planRefund(input.amount, input.refundMethod, []);

  const payments = await em.find(Payment, { orderId: input.orderId }, { orderBy: { createdAt: 'asc' } });
  if (payments.length === 0) {
    throw new RuleViolationError(
      `cannot refund ${input.amount} ${input.currency} on order ${input.orderId}: no payments are recorded for it; ` +
        'record the order payments first',
    );
  }
  const foreign = payments.find((payment) => payment.currency !== input.currency);
  if (foreign) {
    throw new RuleViolationError(`cannot refund in ${input.currency}: order ${input.orderId} was paid in ${foreign.currency}`);
  }
  const earlierRefunds = await em.find(Refund, { orderId: input.orderId });
  const earlierParts = earlierRefunds.length
    ? await em.find(RefundPart, { refundId: { $in: earlierRefunds.map((refund) => refund.id) } })
    : [];
  const refundable = await refundableOf(em, input.orderId, { payments, refunds: earlierRefunds, refundParts: earlierParts });
  if (input.amount > refundable.left) {
    throw new RuleViolationError(
      `cannot refund ${input.amount} ${input.currency} on order ${input.orderId}: it was paid ${refundable.paid} and ` +
        `${refundable.alreadyRefunded} of that is already refunded or being refunded, so at most ${refundable.left} can be refunded`,
    );
  }
  return planRefund(input.amount, input.refundMethod, refundable.byPayment);
}

/** Support asked again: the failed parts get a new attempt, hence a new provider key. */
async function resetFailedParts(em: EntityManager, refundId: string, cancellationId: string): Promise<void> {
  await em.fork().transactional(async (tem) => {
    const refund = await tem.findOneOrFail(Refund, { id: refundId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    if (refund.status !== 'FAILED') return; // a racing retry already did it
    const failed = await tem.find(RefundPart, { refundId, status: 'FAILED' }, { refresh: true });
    for (const part of failed) {
      part.attempt += 1;
      part.idempotencyKey = idempotencyKeyOf(cancellationId, part.partNo, part.attempt);
      part.status = 'PENDING';
      part.providerRefundId = null;
      part.failureReason = null;
      part.settledAt = null;
    }
    refund.attempt += 1;
    await tem.flush();
    await recomputeRefundStatus(tem, refund);
  });
}

/**
 * Sends every provider part not yet sent (first request, retry, or a crash in between). The
 * provider deduplicates on the key, so sending twice is harmless.
 */
export async function submitToProvider(em: EntityManager, provider: PaymentProvider, refundId: string): Promise<void> {
  const refund = await em.findOneOrFail(Refund, { id: refundId }, { refresh: true });
  const unsent = await em.find(
    RefundPart,
    { refundId, status: 'PENDING', providerRefundId: null, channel: { $in: ['CARD', 'BANK_DEPOSIT'] } },
    { orderBy: { partNo: 'asc' }, refresh: true },
  );
  for (const part of unsent) {
    const request = {
      idempotencyKey: part.idempotencyKey,
      amount: part.amount,
      currency: refund.currency,
      orderId: refund.orderId,
    };
    const answer =
      part.channel === 'CARD'
        ? await provider.refundCard({ ...request, paymentReference: part.paymentReference ?? '' })
        : await provider.sendBankDeposit(request);
    // The provider has the refund, we do not have its id yet: asking again (an activity retry or
    // a reconciliation) under the same key gets the same refund.
    faultPoint('refund.provider-answered');

    await em.fork().transactional(async (tem) => {
      const locked = await tem.findOneOrFail(Refund, { id: refundId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
      const linked = await tem.nativeUpdate(
        RefundPart,
        { id: part.id, attempt: part.attempt, providerRefundId: null },
        answer.status === 'FAILED'
          ? {
              providerRefundId: answer.providerRefundId,
              status: 'FAILED',
              failureReason: answer.failureReason ?? 'declined by the provider',
              settledAt: new Date(),
            }
          : { providerRefundId: answer.providerRefundId },
      );
      if (linked === 1) await recomputeRefundStatus(tem, locked);
    });
  }
}
