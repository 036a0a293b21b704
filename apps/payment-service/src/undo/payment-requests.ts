/**
 * Asking the customer to pay again before an undo reopens the order: the payment request, its
 * payment.received event from the provider (once per event id, under the request's row lock), the
 * provider asked when no event came, and the undo workflow told of the payment.
 */
import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import { ConflictError, isUuid, NotFoundError, RuleViolationError, type PaymentReceivedEvent } from '@cancelflow/domain';
import { undoCancellationWorkflowId } from '@cancelflow/domain/undo-cancellation';
import { faultPoint } from '@cancelflow/service-kit/faults';
import { paymentReceivedSignal, type PaymentRequestView } from '@cancelflow/workflows/contracts/undo-cancellation';
import { PaymentRequest } from '../db/entities/index.ts';
import type { UndoMoneyDeps } from './deps.ts';

export const paymentRequestView = (r: PaymentRequest): PaymentRequestView => ({
  id: r.id,
  undoId: r.undoId,
  round: r.round,
  orderId: r.orderId,
  amount: r.amount,
  currency: r.currency,
  status: r.status,
  dueAt: r.dueAt.toISOString(),
  paidAt: r.paidAt ? r.paidAt.toISOString() : null,
});

export function undoPaymentRequests(deps: UndoMoneyDeps) {
  const em = () => deps.orm.em.fork();

  async function requestOrFail(id: string): Promise<PaymentRequest> {
    const request = isUuid(id) ? await em().findOne(PaymentRequest, { id }, { refresh: true }) : null;
    if (!request) throw new NotFoundError(`no payment request ${id}`);
    return request;
  }

  /** OPEN -> PAID once per event id, under the request's row lock. */
  async function recordPaymentReceived(event: PaymentReceivedEvent): Promise<{ duplicate: boolean; request: PaymentRequest }> {
    return em().transactional(async (tem) => {
      const request = await tem.findOne(
        PaymentRequest,
        { id: event.paymentRequestId },
        { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
      );
      if (!request) throw new NotFoundError(`no payment request ${event.paymentRequestId}: it is not one this service sent`);
      const recorded = await tem.execute<{ event_id: string }[]>(
        `insert into "payments"."provider_event" ("event_id", "type", "payload", "received_at")
         values (?, ?, ?::jsonb, now()) on conflict ("event_id") do nothing returning "event_id"`,
        [event.eventId, event.type, JSON.stringify(event)],
      );
      if (recorded.length === 0) return { duplicate: true, request };
      if (request.status === 'EXPIRED') {
        throw new ConflictError(
          `payment request ${request.id} expired at ${request.dueAt.toISOString()}: the undo it was for has failed and the order stays cancelled; refund this payment to the customer`,
        );
      }
      if (request.status === 'PAID') return { duplicate: true, request };
      if (event.amount !== request.amount) {
        throw new RuleViolationError(
          `payment request ${request.id} asks for ${request.amount} ${request.currency}, the event reports ${event.amount}: a partial or different payment does not pay it`,
        );
      }
      request.status = 'PAID';
      request.paidAt = new Date();
      request.providerPaymentId = event.providerPaymentId ?? null;
      await tem.flush();
      return { duplicate: false, request };
    });
  }

  async function signalUndo(request: PaymentRequest): Promise<void> {
    if (!deps.temporal) return;
    const workflowId = undoCancellationWorkflowId(request.cancellationId);
    try {
      await deps.temporal.workflow.getHandle(workflowId).signal(paymentReceivedSignal, { paymentRequestId: request.id });
    } catch (err) {
      // The database is the truth: the workflow asks again after its next wait.
      deps.logger?.warn({ err, workflowId }, 'could not signal the undo workflow of a payment');
    }
  }

  return {
    async requestPayment(input: {
      undoId: string;
      round: number;
      cancellationId: string;
      orderId: string;
      amount: number;
      currency: string;
      dueAt: string;
    }): Promise<PaymentRequestView> {
      await em().execute(
        `insert into "payments"."payment_request" ("id", "undo_id", "round", "cancellation_id", "order_id", "amount", "currency", "status", "due_at")
         values (?, ?, ?, ?, ?, ?, ?, 'OPEN', ?) on conflict ("undo_id", "round") do nothing`,
        [randomUUID(), input.undoId, input.round, input.cancellationId, input.orderId, input.amount, input.currency, new Date(input.dueAt)],
      );
      const row = await em().findOneOrFail(PaymentRequest, { undoId: input.undoId, round: input.round }, { refresh: true });
      return paymentRequestView(row);
    },

    getPaymentRequest: async (id: string): Promise<PaymentRequestView> => paymentRequestView(await requestOrFail(id)),

    async expirePaymentRequest(id: string): Promise<PaymentRequestView> {
      await requestOrFail(id);
      await em().nativeUpdate(PaymentRequest, { id, status: 'OPEN' }, { status: 'EXPIRED' });
      return paymentRequestView(await requestOrFail(id));
    },

    /** The provider says the customer paid: OPEN -> PAID once per event id, then the undo hears of it. */
    async handlePaymentReceived(event: PaymentReceivedEvent): Promise<{ duplicate: boolean; paymentRequest: PaymentRequestView }> {
      const result = await recordPaymentReceived(event);
      // Stored; the undo hearing of it is not: a crash here leaves it to find the payment by asking.
      faultPoint('undo.payment-recorded');
      if (!result.duplicate || result.request.status === 'PAID') await signalUndo(result.request);
      return { duplicate: result.duplicate, paymentRequest: paymentRequestView(result.request) };
    },

    /**
     * An OPEN request the undo has heard nothing about for a while: asks the provider, and a
     * payment it took counts exactly as its payment.received would (the same row lock; whichever
     * comes second changes nothing).
     */
    async reconcilePaymentRequest(id: string): Promise<PaymentRequestView> {
      const request = await requestOrFail(id);
      if (request.status !== 'OPEN') return paymentRequestView(request);
      const payment = await deps.provider.paymentOf(id);
      await em().nativeUpdate(PaymentRequest, { id }, { providerCheckedAt: new Date() });
      if (!payment) return paymentRequestView(await requestOrFail(id));
      const result = await recordPaymentReceived({
        eventId: `reconciled:${payment.providerPaymentId}:received`,
        type: 'payment.received',
        paymentRequestId: id,
        amount: payment.amount,
        providerPaymentId: payment.providerPaymentId,
      });
      return paymentRequestView(result.request);
    },
  };
}
