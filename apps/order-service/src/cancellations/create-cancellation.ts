import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  assertCancellable,
  cancellationWorkflowId,
  ConflictError,
  type CancellationInitiator,
  type CancellationReason,
  type CancellationStatus,
  type CreateCancellationInput,
} from '@cancelflow/domain';
import { isUniqueViolation } from '@cancelflow/service-kit';
import {
  CANCELLATION_WORKFLOW_TYPE,
  type CancellationContext,
  type CancellationWorkflowInput,
} from '@cancelflow/workflows/contracts/cancellation';
import { cancellationContext, cancelledLines } from './context.ts';
import { Cancellation, CancellationLine, CancellationStepRecord, type Order } from '../db/entities/index.ts';
import { linesOf, lockOrderOrFail, recomputeOrderStatus, recordOrderEvent } from '../db/order-store.ts';
import type { ServiceDeps } from '../deps.ts';
import { startProcess } from '../temporal/gateway.ts';
import { priceCancellation } from '../orders/order-money.ts';

export interface CreateCancellationResult {
  /** false: an identical repeat of a request already accepted. */
  created: boolean;
  cancellationId: string;
  workflowId: string;
  status: CancellationStatus;
}

/**
 * Reserves the lines and starts the cancellation process, in ONE transaction under the order's
 * row lock: the workflow starts before the commit, so a refused start leaves nothing behind,
 * and two requests for the same line are served one after the other.
 */
export async function createCancellation(
  deps: ServiceDeps,
  orderId: string,
  input: CreateCancellationInput,
): Promise<CreateCancellationResult> {
  try {
    return await deps.db.em.fork().transactional(async (em) => {
      const order = await lockOrderOrFail(em, orderId);
      const repeat = await findRepeat(em, order, input);
      if (repeat) return repeat;
      return reserveCancellation(deps, em, order, input);
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new ConflictError(
        `merchantCancellationNumber ${input.merchantCancellationNumber} is already used: use a new number for a new cancellation`,
        [{ path: 'merchantCancellationNumber', message: 'already used by another cancellation of this merchant' }],
      );
    }
    throw error;
  }
}

/** What a cancellation is made of; the system (fill or kill) may also create one as SYSTEM. */
export type CancellationOrderInput = Omit<CreateCancellationInput, 'initiator' | 'reason'> & {
  initiator: CancellationInitiator;
  reason: CancellationReason;
};

/**
 * The reservation and the start of the cancellation process, inside a transaction that already
 * holds the order's row lock. Used by POST /orders/:id/cancellations and by shipments on
 * fill-or-kill channels (reason FILL_OR_KILL, initiator SYSTEM, the whole rest of the line).
 */
export async function reserveCancellation(
  deps: ServiceDeps,
  em: EntityManager,
  order: Order,
  input: CancellationOrderInput,
  options: { fillOrKill?: boolean; cancellationId?: string } = {},
): Promise<CreateCancellationResult> {
  const lines = await linesOf(em, order.id);
  assertCancellable({ channel: order.channel, status: order.status, lines }, input.lines, options);

  // What it refunds is priced on the order as it was before it (the domain's one rule), and
  // the payment service refunds exactly that amount.
  const refund = await priceCancellation(em, order, lines, input.lines);
  const amount = refund.amount;

  // The reservation: the cancelled quantities are taken now, before anything else happens.
  // A caller that may run twice (a bulk job) derives the id, so its process and refund are found again.
  const cancellationId = options.cancellationId ?? randomUUID();
  const workflowId = cancellationWorkflowId(cancellationId);
  for (const requested of input.lines) {
    lines.find((l) => l.id === requested.lineId)!.cancelledQuantity += requested.quantity;
  }
  const now = new Date();
  const cancellation = em.create(Cancellation, {
    id: cancellationId,
    orderId: order.id,
    merchantId: order.merchantId,
    merchantCancellationNumber: input.merchantCancellationNumber,
    reason: input.reason,
    comment: input.comment ?? null,
    initiator: input.initiator,
    refundMethod: input.refundMethod,
    restock: input.restock,
    status: 'IN_PROGRESS',
    amount,
    vat: refund.vat,
    shippingAmount: refund.shipping.amount,
    shippingVat: refund.shipping.vat,
    currency: order.currency,
    workflowId,
    refundStatus: null,
    refundFailureReason: null,
    createdAt: now,
    completedAt: null,
  });
  await em.flush();
  const taken = refund.lines.map((line) =>
    em.create(CancellationLine, { cancellationId, orderLineId: line.lineId, quantity: line.quantity, amount: line.amount, vat: line.vat }),
  );
  em.create(CancellationStepRecord, {
    id: randomUUID(),
    cancellationId,
    step: 'RESERVED',
    key: '',
    detail: input.lines.map((r) => `line ${lines.find((l) => l.id === r.lineId)!.lineNo}: ${r.quantity}`).join(', '),
    actor: input.initiator.toLowerCase(),
    at: now,
  });
  recordOrderEvent(
    em,
    order.id,
    'CANCELLATION_REQUESTED',
    {
      cancellationId,
      merchantCancellationNumber: input.merchantCancellationNumber,
      reason: input.reason,
      lines: input.lines,
      amount,
      vat: refund.vat,
      ...(refund.shipping.amount > 0 ? { shipping: refund.shipping.amount } : {}),
    },
    input.initiator.toLowerCase(),
  );
  await recomputeOrderStatus(em, order, lines);
  await em.flush();

  await startWorkflow(deps, workflowId, cancellationContext(cancellation, order, cancelledLines(lines, taken)));
  return { created: true, cancellationId, workflowId, status: 'IN_PROGRESS' as const };
}

/**
 * The same number again: an identical request for the same order is a client's retry and gets the
 * first answer; anything else is a reuse of the number, which is refused.
 */
async function findRepeat(em: EntityManager, order: Order, input: CreateCancellationInput): Promise<CreateCancellationResult | undefined> {
  const existing = await em.findOne(Cancellation, {
    merchantId: order.merchantId,
    merchantCancellationNumber: input.merchantCancellationNumber,
  });
  if (!existing) return undefined;
  const lines = await em.find(CancellationLine, { cancellationId: existing.id });
  const key = (ls: readonly { lineId: string; quantity: number }[]) =>
    JSON.stringify([...ls].sort((a, b) => a.lineId.localeCompare(b.lineId)).map((l) => [l.lineId.toLowerCase(), l.quantity]));
  const identical =
    existing.orderId === order.id &&
    existing.reason === input.reason &&
    (existing.comment ?? undefined) === input.comment &&
    existing.refundMethod === input.refundMethod &&
    existing.restock === input.restock &&
    existing.initiator === input.initiator &&
    key(lines.map((l) => ({ lineId: l.orderLineId, quantity: l.quantity }))) === key(input.lines);
  if (!identical) {
    throw new ConflictError(
      `merchantCancellationNumber ${input.merchantCancellationNumber} is already used by cancellation ${existing.id}` +
        `${existing.orderId === order.id ? ' of this order' : ' of another order'}: use a new number for a new cancellation`,
      [{ path: 'merchantCancellationNumber', message: 'already used by another cancellation of this merchant' }],
    );
  }
  return { created: false, cancellationId: existing.id, workflowId: existing.workflowId, status: existing.status };
}

async function startWorkflow(deps: ServiceDeps, workflowId: string, cancellation: CancellationContext): Promise<void> {
  const args: [CancellationWorkflowInput] = [{ ...deps.cancellationProcess, cancellationId: cancellation.cancellationId, cancellation }];
  // The id is new, so a process already running under it can only be ours: nothing to undo.
  await startProcess(deps, {
    type: CANCELLATION_WORKFLOW_TYPE,
    workflowId,
    args,
    unreachable: 'the cancellation process could not be started (Temporal is unreachable): nothing was changed, try again shortly',
  });
}
