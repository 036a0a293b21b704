/**
 * The payment side of undoing a cancellation, over one database and the provider: what the
 * refund gave back and what the provider can still do about it, points/credit taken back, card
 * refunds stopped, recaptures, payment requests paid through provider events, and the totals.
 * Every operation is idempotent on the undo id (and part or round).
 */
import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { Client } from '@temporalio/client';
import { ACTIVITY_FAILURES, ConflictError, NotFoundError, RuleViolationError, type PaymentReceivedEvent } from '@cancelflow/domain';
import { undoCancellationWorkflowId, type UndoRefundPart } from '@cancelflow/domain/undo-cancellation';
import type { Database, Logger } from '@cancelflow/service-kit';
import { faultPoint } from '@cancelflow/service-kit/faults';
import { paymentReceivedSignal } from '@cancelflow/workflows/contracts/undo-cancellation';
import type { UndoPaymentProvider } from '../adapters/undo-provider.ts';
import { PaymentRequestEntity, RecaptureEntity, RefundEntity, RefundPartEntity, type PaymentRequest } from '../db/entities/index.ts';
import { isUuid, recomputeRefundStatus } from '../refunds/store.ts';
import type { PaymentRequestView } from '@cancelflow/workflows/contracts/undo-cancellation';

/** How a refund part stopped by an undo is marked: it moved no money and never will. */
export const STOPPED_FOR_UNDO = 'stopped at the provider before it settled: the cancellation is being undone';

/**
 * What undos got back on an order, per payment reference: refunds stopped, recaptures, points and
 * credit taken back, plus what was paid again. Refund planning adds it back to what is refundable,
 * so a cancellation after an undo can refund again.
 */
export async function undoCreditsOf(em: Database['em'], orderId: string): Promise<{ total: number; byReference: Map<string, number> }> {
  const rows = await em.execute<{ reference: string | null; amount: string | number }[]>(
    `select p."payment_reference" as reference, p."amount" as amount from "payments"."refund_part" p
       join "payments"."refund" r on r."id" = p."refund_id"
      where r."order_id" = ? and p."status" = 'FAILED' and p."failure_reason" like ?
     union all
     select "payment_reference", "amount" from "payments"."recapture" where "order_id" = ?
     union all
     select p."payment_reference", lr."amount" from "payments"."ledger_reversal" lr
       join "payments"."refund_part" p on p."id" = lr."refund_part_id"
      where lr."order_id" = ? and lr."restored_at" is null
     union all
     select null, "amount" from "payments"."payment_request" where "order_id" = ? and "status" = 'PAID'`,
    [orderId, `${STOPPED_FOR_UNDO}%`, orderId, orderId, orderId],
  );
  const byReference = new Map<string, number>();
  let total = 0;
  for (const row of rows) {
    const amount = Number(row.amount);
    total += amount;
    if (row.reference) byReference.set(row.reference, (byReference.get(row.reference) ?? 0) + amount);
  }
  return { total, byReference };
}

/** The points or credit given back were spent: they cannot be taken back, the undo is refused. */
export class LedgerSpentError extends RuleViolationError {
  override get failureType() {
    return ACTIVITY_FAILURES.ledgerSpent;
  }
}

export interface UndoMoneyDeps {
  orm: Database;
  provider: UndoPaymentProvider;
  /** Signals the undo workflow when its payment arrives (absent in tests of this module alone). */
  temporal?: Client;
  logger?: Logger;
}

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

export interface UndoTotals {
  recaptured: number;
  paidAgain: number;
  ledgerTakenBack: number;
  rebilled: number;
}

const sum = async (em: Database['em'], sql: string, params: unknown[]): Promise<number> => {
  const rows = await em.execute<{ total: string | number | null }[]>(sql, params);
  return Number(rows[0]?.total ?? 0);
};

/** Recaptured, paid again, taken back and rebilled per order. */
export async function undoTotalsOf(em: Database['em'], orderId: string): Promise<UndoTotals> {
  // The service migrates before it serves, so the rebill table always exists here.
  const [recaptured, paidAgain, ledgerTakenBack, rebilled] = await Promise.all([
    sum(em, `select sum("amount") as total from "payments"."recapture" where "order_id" = ?`, [orderId]),
    sum(em, `select sum("amount") as total from "payments"."payment_request" where "order_id" = ? and "status" = 'PAID'`, [orderId]),
    sum(em, `select sum("amount") as total from "payments"."ledger_reversal" where "order_id" = ? and "restored_at" is null`, [orderId]),
    sum(em, `select sum("amount") as total from "payments"."rebill" where "order_id" = ? and "status" = 'SUCCEEDED'`, [orderId]),
  ]);
  return { recaptured, paidAgain, ledgerTakenBack, rebilled };
}

export function createUndoMoney(deps: UndoMoneyDeps) {
  const em = () => deps.orm.em.fork();

  async function partOrFail(partId: string) {
    const part = isUuid(partId) ? await em().findOne(RefundPartEntity, { id: partId }, { refresh: true }) : null;
    if (!part) throw new NotFoundError(`no refund part ${partId}`);
    return part;
  }

  async function requestOrFail(id: string): Promise<PaymentRequest> {
    const request = isUuid(id) ? await em().findOne(PaymentRequestEntity, { id }, { refresh: true }) : null;
    if (!request) throw new NotFoundError(`no payment request ${id}`);
    return request;
  }

  /** OPEN -> PAID once per event id, under the request's row lock. */
  async function recordPaymentReceived(event: PaymentReceivedEvent): Promise<{ duplicate: boolean; request: PaymentRequest }> {
    return em().transactional(async (tem) => {
      const request = await tem.findOne(
        PaymentRequestEntity,
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
    async assess(input: { cancellationId: string; orderId: string }): Promise<UndoRefundPart[]> {
      const refund = await em().findOne(RefundEntity, { cancellationId: input.cancellationId }, { refresh: true });
      if (!refund) return [];
      const parts = await em().find(RefundPartEntity, { refundId: refund.id }, { orderBy: { partNo: 'asc' }, refresh: true });
      const assessed: UndoRefundPart[] = [];
      for (const part of parts) {
        const card = part.channel === 'CARD';
        const providerRefundId = part.providerRefundId;
        const paymentReference = part.paymentReference;
        const stoppable =
          card && part.status === 'PENDING' && !!providerRefundId && (await deps.provider.canCancelRefund(providerRefundId));
        const recapturable =
          card && !!paymentReference && (await deps.provider.authorisation({ orderId: refund.orderId, paymentReference })).active;
        assessed.push({ partId: part.id, channel: part.channel, amount: part.amount, status: part.status, stoppable, recapturable });
      }
      return assessed;
    },

    /** Atomically: what is left of the points/credit given back on the order covers the amount, or nothing happens. */
    async takeBackLedger(input: { undoId: string; orderId: string; partId: string; amount: number }): Promise<void> {
      const part = await partOrFail(input.partId);
      if (part.channel !== 'POINTS' && part.channel !== 'STORE_CREDIT') {
        throw new RuleViolationError(`refund part ${part.id} went back by ${part.channel}, not through the ledger`);
      }
      const kind = part.channel;
      await em().transactional(async (tem) => {
        await tem.execute('select pg_advisory_xact_lock(hashtext(?))', [`ledger:${input.orderId}`]);
        const done = await tem.execute<{ id: string }[]>(
          `select "id" from "payments"."ledger_reversal" where "undo_id" = ? and "refund_part_id" = ? and "restored_at" is null`,
          [input.undoId, part.id],
        );
        if (done.length > 0) return;
        const given = await sum(tem, `select sum("amount") as total from "payments"."ledger_entry" where "order_id" = ? and "kind" = ?`, [
          input.orderId,
          kind,
        ]);
        const takenBack = await sum(
          tem,
          `select sum("amount") as total from "payments"."ledger_reversal" where "order_id" = ? and "kind" = ? and "restored_at" is null`,
          [input.orderId, kind],
        );
        const spent = await sum(tem, `select sum("amount") as total from "payments"."ledger_spend" where "order_id" = ? and "kind" = ?`, [
          input.orderId,
          kind,
        ]);
        const available = given - takenBack - spent;
        const what = kind === 'POINTS' ? 'points' : 'store credit';
        if (available < input.amount) {
          throw new LedgerSpentError(
            `the ${what} given back for this cancellation were already spent (${spent} of ${given} spent, ${Math.max(available, 0)} left, ${input.amount} needed): ` +
              'they cannot be taken back, so the cancellation cannot be undone; sell the items again as a new order instead',
          );
        }
        await tem.execute(
          `insert into "payments"."ledger_reversal" ("id", "undo_id", "refund_part_id", "order_id", "kind", "amount")
           values (?, ?, ?, ?, ?, ?) on conflict ("undo_id", "refund_part_id") do update set "restored_at" = null, "amount" = excluded."amount"`,
          [randomUUID(), input.undoId, part.id, input.orderId, kind, input.amount],
        );
      });
    },

    async restoreLedger(input: { undoId: string }): Promise<{ restored: number }> {
      const rows = await em().execute<{ amount: string | number }[]>(
        `update "payments"."ledger_reversal" set "restored_at" = now() where "undo_id" = ? and "restored_at" is null returning "amount"`,
        [input.undoId],
      );
      return { restored: rows.reduce((n, r) => n + Number(r.amount), 0) };
    },

    /** Cancels a pending card refund at the provider; the part then moved no money (FAILED, with why). */
    async stopRefundPart(input: { undoId: string; partId: string }): Promise<{ stopped: boolean }> {
      const part = await partOrFail(input.partId);
      const reason = `${STOPPED_FOR_UNDO} (undo ${input.undoId})`;
      if (part.status === 'FAILED' && part.failureReason === reason) return { stopped: true };
      if (part.channel !== 'CARD' || part.status !== 'PENDING' || !part.providerRefundId) return { stopped: false };
      if (!(await deps.provider.cancelRefund(part.providerRefundId))) return { stopped: false };
      await em().transactional(async (tem) => {
        const refund = await tem.findOneOrFail(
          RefundEntity,
          { id: part.refundId },
          { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
        );
        await tem.nativeUpdate(
          RefundPartEntity,
          { id: part.id, status: 'PENDING' },
          { status: 'FAILED', failureReason: reason, settledAt: new Date() },
        );
        await recomputeRefundStatus(tem, refund);
      });
      return { stopped: true };
    },

    async recapture(input: { undoId: string; orderId: string; partId: string; amount: number; currency: string }) {
      const existing = await em().findOne(RecaptureEntity, { undoId: input.undoId, refundPartId: input.partId }, { refresh: true });
      if (existing) return { recaptured: true, recaptureId: existing.id };
      const part = await partOrFail(input.partId);
      if (part.channel !== 'CARD' || !part.paymentReference) {
        return { recaptured: false, reason: `refund part ${part.id} did not go back to a card` };
      }
      const answer = await deps.provider.recapture({
        idempotencyKey: `recapture:${input.undoId}:${part.id}`,
        orderId: input.orderId,
        paymentReference: part.paymentReference,
        amount: input.amount,
        currency: input.currency,
      });
      if (answer.status === 'REFUSED') return { recaptured: false, reason: answer.reason };
      await em().execute(
        `insert into "payments"."recapture" ("id", "undo_id", "refund_part_id", "order_id", "amount", "currency", "payment_reference", "provider_recapture_id")
         values (?, ?, ?, ?, ?, ?, ?, ?) on conflict ("undo_id", "refund_part_id") do nothing`,
        [
          randomUUID(),
          input.undoId,
          part.id,
          input.orderId,
          input.amount,
          input.currency,
          part.paymentReference,
          answer.providerRecaptureId,
        ],
      );
      const row = await em().findOneOrFail(RecaptureEntity, { undoId: input.undoId, refundPartId: part.id }, { refresh: true });
      return { recaptured: true, recaptureId: row.id };
    },

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
      const row = await em().findOneOrFail(PaymentRequestEntity, { undoId: input.undoId, round: input.round }, { refresh: true });
      return paymentRequestView(row);
    },

    getPaymentRequest: async (id: string): Promise<PaymentRequestView> => paymentRequestView(await requestOrFail(id)),

    async expirePaymentRequest(id: string): Promise<PaymentRequestView> {
      await requestOrFail(id);
      await em().nativeUpdate(PaymentRequestEntity, { id, status: 'OPEN' }, { status: 'EXPIRED' });
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
      await em().nativeUpdate(PaymentRequestEntity, { id }, { providerCheckedAt: new Date() });
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

    totals: (orderId: string): Promise<UndoTotals> => undoTotalsOf(em(), orderId),

    /** Sandbox control: the customer spends points/credit given back on the order. */
    async spendLedger(orderId: string, input: { kind: 'POINTS' | 'STORE_CREDIT'; amount?: number }): Promise<{ spent: number }> {
      return em().transactional(async (tem) => {
        await tem.execute('select pg_advisory_xact_lock(hashtext(?))', [`ledger:${orderId}`]);
        const given = await sum(tem, `select sum("amount") as total from "payments"."ledger_entry" where "order_id" = ? and "kind" = ?`, [
          orderId,
          input.kind,
        ]);
        const takenBack = await sum(
          tem,
          `select sum("amount") as total from "payments"."ledger_reversal" where "order_id" = ? and "kind" = ? and "restored_at" is null`,
          [orderId, input.kind],
        );
        const spent = await sum(tem, `select sum("amount") as total from "payments"."ledger_spend" where "order_id" = ? and "kind" = ?`, [
          orderId,
          input.kind,
        ]);
        const left = given - takenBack - spent;
        const amount = input.amount ?? left;
        if (amount <= 0 || amount > left) {
          throw new RuleViolationError(`order ${orderId} has ${left} ${input.kind} given back and unspent: cannot spend ${amount}`);
        }
        await tem.execute(`insert into "payments"."ledger_spend" ("id", "order_id", "kind", "amount") values (?, ?, ?, ?)`, [
          randomUUID(),
          orderId,
          input.kind,
          amount,
        ]);
        return { spent: amount };
      });
    },
  };
}
export type UndoMoney = ReturnType<typeof createUndoMoney>;
