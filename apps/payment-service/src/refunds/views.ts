import type { RefundPartBody, RefundBody } from '@cancelflow/domain';
import type { Refund, RefundPartRow } from '../db/entities/index.ts';
import type { RefundOutcome } from '@cancelflow/workflows/contracts/cancellation';

/** What the API shows of a refund and its parts: the schema's types, written once in the domain. */
export type RefundPartView = RefundPartBody;
export type RefundView = RefundBody;

export function refundView(refund: Refund, parts: readonly RefundPartRow[]): RefundView {
  return {
    id: refund.id,
    cancellationId: refund.cancellationId,
    orderId: refund.orderId,
    amount: refund.amount,
    currency: refund.currency,
    refundMethod: refund.refundMethod,
    status: refund.status,
    attempt: refund.attempt,
    failureReason: refund.failureReason ?? null,
    createdAt: refund.createdAt.toISOString(),
    updatedAt: refund.updatedAt.toISOString(),
    parts: [...parts]
      .sort((a, b) => a.partNo - b.partNo)
      .map((part) => ({
        id: part.id,
        partNo: part.partNo,
        channel: part.channel,
        amount: part.amount,
        paymentReference: part.paymentReference ?? null,
        status: part.status,
        providerRefundId: part.providerRefundId ?? null,
        attempt: part.attempt,
        failureReason: part.failureReason ?? null,
        settledAt: part.settledAt ? part.settledAt.toISOString() : null,
      })),
  };
}

/** What the workflow gets back: the refund's status and its parts, nothing more. */
export function outcomeOf(view: RefundView): RefundOutcome {
  const outcome: RefundOutcome = {
    refundId: view.id,
    status: view.status,
    parts: view.parts.map((part) => ({ channel: part.channel, amount: part.amount, status: part.status })),
  };
  if (view.failureReason) outcome.failureReason = view.failureReason;
  return outcome;
}
