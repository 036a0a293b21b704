/**
 * Recording a shipment (an advance ship notice), in ONE transaction under the order's row lock,
 * so a shipment and a cancellation of the same line are served one after the other. The story:
 *   1. a repeat of a shipment number already recorded answers with that shipment;
 *   2. planShipment (the domain's rule) takes open quantity first, then cancelled quantity, and
 *      refuses to ship more than is unshipped; cancelled units an undo in progress is about to
 *      reopen (its money is being collected back for them) cannot ship meanwhile: refused;
 *   3. the lines are updated and the order status follows;
 *   4. on a fill-or-kill channel the rest of each partly shipped line is cancelled at once
 *      (FILL_OR_KILL, SYSTEM) through the same cancellation code, refund included;
 *   5. cancelled quantities that shipped start the cancelled-but-shipped process;
 *   6. after the commit, open cancellation requests the shipment overtook are closed.
 * Workflows start before the commit: a refused start leaves nothing behind.
 */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  applyAllocation,
  cancelledButShippedWorkflowId,
  ConflictError,
  planShipment,
  refundShareOf,
  type CreateShipmentInput,
  type ErrorDetail,
  type ShipmentPlan,
} from '@cancelflow/domain';
import { isUniqueViolation } from '@cancelflow/service-kit';
import { CANCELLED_BUT_SHIPPED_WORKFLOW_TYPE, type CancelledButShippedInput } from '@cancelflow/workflows/contracts/cancelled-but-shipped';
import { reserveCancellation } from '../cancellations/create-cancellation.ts';
import {
  Cancellation,
  CancellationLine,
  CancelledButShipped,
  CancelledButShippedLine,
  CancelledButShippedStepRecord,
  Shipment,
  ShipmentLine,
  type Order,
  type OrderLine,
} from '../db/entities/index.ts';
import { CancellationUndo } from '../db/entities/undo.ts';
import { linesOf, lockOrderOrFail, recomputeOrderStatus, recordOrderEvent } from '../db/order-store.ts';
import type { ServiceDeps } from '../deps.ts';
import { startProcess } from '../temporal/gateway.ts';
import { afterShipmentRecorded } from './after-shipment.ts';

export interface CreateShipmentResult {
  /** false: an identical repeat of a shipment already recorded. */
  created: boolean;
  shipmentId: string;
  /** The FILL_OR_KILL cancellation this shipment caused, if any. */
  fillOrKillCancellationId?: string;
  /** The cancelled-but-shipped process this shipment started, if any. */
  cancelledButShippedId?: string;
  /** Open customer cancellation requests the shipment overtook, closed as rejected-shipped. */
  closedCancellationRequestIds?: string[];
}

export async function createShipment(deps: ServiceDeps, orderId: string, input: CreateShipmentInput): Promise<CreateShipmentResult> {
  const result = await recordShipment(deps, orderId, input);
  const closed = await afterShipmentRecorded(deps, { orderId, shipmentId: result.shipmentId });
  return closed.length > 0 ? { ...result, closedCancellationRequestIds: closed } : result;
}

async function recordShipment(deps: ServiceDeps, orderId: string, input: CreateShipmentInput): Promise<CreateShipmentResult> {
  const { shipmentNumber } = input;
  try {
    return await deps.db.em.fork().transactional(async (em) => {
      const order = await lockOrderOrFail(em, orderId);
      const repeat = await findRepeat(em, order, shipmentNumber, input);
      if (repeat) return repeat;

      const lines = await linesOf(em, order.id);
      const plan = planShipment({ channel: order.channel, status: order.status, lines }, input.lines);
      await refuseUnitsAnUndoReopens(em, order.id, lines, plan, input);

      const shipmentId = randomUUID();
      const now = new Date();
      em.create(Shipment, {
        id: shipmentId,
        orderId: order.id,
        shipmentNumber,
        carrier: input.carrier,
        trackingNumber: input.trackingNumber,
        shippedAt: input.shippedAt ? new Date(input.shippedAt) : now,
        createdAt: now,
      });
      await em.flush();
      for (const allocation of plan.lines) {
        applyAllocation(lines.find((l) => l.id === allocation.lineId)!, allocation);
        em.create(ShipmentLine, {
          shipmentId,
          orderLineId: allocation.lineId,
          quantity: allocation.quantity,
          fromOpen: allocation.fromOpen,
          fromCancelled: allocation.fromCancelled,
        });
      }
      recordOrderEvent(
        em,
        order.id,
        'SHIPMENT_RECORDED',
        {
          shipmentId,
          shipmentNumber,
          carrier: input.carrier,
          trackingNumber: input.trackingNumber,
          lines: plan.lines.map((a) => ({ lineId: a.lineId, lineNo: a.lineNo, quantity: a.quantity, shippedAfterCancel: a.fromCancelled })),
        },
        'warehouse',
      );
      await recomputeOrderStatus(em, order, lines);
      await em.flush();

      const result: CreateShipmentResult = { created: true, shipmentId };
      if (plan.fillOrKill.length > 0) {
        const cancellation = await reserveCancellation(
          deps,
          em,
          order,
          {
            lines: plan.fillOrKill,
            reason: 'FILL_OR_KILL',
            comment: `fill or kill: shipment ${shipmentNumber} shipped part of the line, the rest is cancelled`,
            merchantCancellationNumber: `FOK-${shipmentId}`,
            refundMethod: 'ORIGINAL_PAYMENT',
            restock: false,
            initiator: 'SYSTEM',
          },
          { fillOrKill: true },
        );
        result.fillOrKillCancellationId = cancellation.cancellationId;
      }
      if (plan.shippedAfterCancel.length > 0) {
        result.cancelledButShippedId = await startCancelledButShipped(deps, em, order, lines, shipmentId, plan);
      }
      await em.flush();
      return result;
    });
  } catch (error) {
    // Two identical notices at once: the loser finds the winner's shipment.
    if (isUniqueViolation(error)) {
      const again = await deps.db.em.fork().findOne(Shipment, { orderId, shipmentNumber });
      if (again) {
        const repeat = await findRepeat(deps.db.em.fork(), { id: orderId } as Order, shipmentNumber, input);
        if (repeat) return repeat;
      }
    }
    throw error;
  }
}

/**
 * An undo in progress collects the money back for the cancelled units it will reopen, then
 * reopens them: shipping those units meanwhile (as cancelled but shipped, to be rebilled) would
 * charge the customer twice for them. The undo has the units; the ship notice waits for it.
 */
async function refuseUnitsAnUndoReopens(
  em: EntityManager,
  orderId: string,
  lines: readonly OrderLine[],
  plan: ShipmentPlan,
  input: CreateShipmentInput,
): Promise<void> {
  if (plan.shippedAfterCancel.length === 0) return;
  const undos = await em.find(CancellationUndo, { orderId, status: 'IN_PROGRESS' }, { refresh: true });
  const problems: ErrorDetail[] = [];
  for (const shipped of plan.shippedAfterCancel) {
    const line = lines.find((l) => l.id === shipped.lineId)!;
    const holding = undos.filter((u) => u.lines.some((l) => l.lineId === line.id));
    const reserved = holding
      .flatMap((u) => u.lines)
      .filter((l) => l.lineId === line.id)
      .reduce((n, l) => n + l.quantity, 0);
    // The plan is not applied yet: cancelledQuantity is what is cancelled before this shipment.
    if (line.cancelledQuantity - shipped.quantity >= reserved) continue;
    const by = holding.map((u) => `undo ${u.id} of cancellation ${u.cancellationId}`).join(' and ');
    problems.push({
      path: `lines[${input.lines.findIndex((l) => l.lineId === line.id)}]`,
      message:
        `the cancelled units of line ${line.lineNo} (${line.sku}) are being reopened by ${by}, which collects the money back for them first: ` +
        'they cannot ship as cancelled meanwhile; send the ship notice again once the undo finished (GET /undos/:id)',
    });
  }
  if (problems.length > 0) {
    throw new ConflictError(
      problems.length === 1 ? problems[0]!.message : 'cancelled units of several lines are being reopened by an undo in progress',
      problems,
    );
  }
}

/**
 * The same shipment number again: the same content is the sender's retry and gets the first
 * answer; different content under the number is refused.
 */
async function findRepeat(
  em: EntityManager,
  order: Pick<Order, 'id'>,
  shipmentNumber: string,
  input: CreateShipmentInput,
): Promise<CreateShipmentResult | undefined> {
  const existing = await em.findOne(Shipment, { orderId: order.id, shipmentNumber });
  if (!existing) return undefined;
  const lines = await em.find(ShipmentLine, { shipmentId: existing.id });
  const key = (ls: readonly { lineId: string; quantity: number }[]) =>
    JSON.stringify([...ls].sort((a, b) => a.lineId.localeCompare(b.lineId)).map((l) => [l.lineId.toLowerCase(), l.quantity]));
  const identical =
    existing.carrier === input.carrier &&
    existing.trackingNumber === input.trackingNumber &&
    key(lines.map((l) => ({ lineId: l.orderLineId, quantity: l.quantity }))) === key(input.lines);
  if (!identical) {
    throw new ConflictError(
      `shipment ${shipmentNumber} of this order is already recorded with other lines, carrier or tracking number: ` +
        'a new shipment needs a new shipmentNumber',
      [{ path: 'shipmentNumber', message: `already used by shipment ${existing.id}` }],
    );
  }
  const fok = await em.findOne(Cancellation, { orderId: order.id, merchantCancellationNumber: `FOK-${existing.id}` });
  const cancelledButShipped = await em.findOne(CancelledButShipped, { shipmentId: existing.id });
  return {
    created: false,
    shipmentId: existing.id,
    ...(fok ? { fillOrKillCancellationId: fok.id } : {}),
    ...(cancelledButShipped ? { cancelledButShippedId: cancelledButShipped.id } : {}),
  };
}

/** Records the cancelled-but-shipped process with its lines and starts its workflow (id derived from the shipment). */
async function startCancelledButShipped(
  deps: ServiceDeps,
  em: EntityManager,
  order: Order,
  lines: readonly OrderLine[],
  shipmentId: string,
  plan: ShipmentPlan,
): Promise<string> {
  const cancelledButShippedId = randomUUID();
  const workflowId = cancelledButShippedWorkflowId(shipmentId);
  const cancelledButShippedLines = plan.shippedAfterCancel.map((s) => ({
    ...s,
    unitPrice: lines.find((l) => l.id === s.lineId)!.unitPrice,
  }));
  // Which cancellations the shipped units had been cancelled by (newest first: the last word).
  const cancelled = await em.find(CancellationLine, { orderLineId: { $in: cancelledButShippedLines.map((l) => l.lineId) } });
  const cancellations = cancelled.length
    ? await em.find(
        Cancellation,
        { id: { $in: cancelled.map((c) => c.cancellationId) }, status: { $ne: 'UNDONE' } },
        { orderBy: { createdAt: 'desc' } },
      )
    : [];
  // The customer is rebilled what those units were refunded (their share of the discounts off),
  // taken from the newest cancellations first; units no standing cancellation refunded count at
  // their price.
  const amount = cancelledButShippedLines.reduce((total, l) => {
    let left = l.quantity;
    let worth = 0;
    for (const c of cancellations) {
      const line = cancelled.find((x) => x.cancellationId === c.id && x.orderLineId === l.lineId);
      if (!line || left === 0) continue;
      const take = Math.min(left, line.quantity);
      worth += refundShareOf(line, take).amount;
      left -= take;
    }
    return total + worth + left * l.unitPrice;
  }, 0);
  const now = new Date();
  em.create(CancelledButShipped, {
    id: cancelledButShippedId,
    orderId: order.id,
    shipmentId,
    merchantId: order.merchantId,
    status: 'AWAITING_ACKNOWLEDGEMENT',
    amount,
    currency: order.currency,
    workflowId,
    cancellationIds: cancellations.map((c) => c.id),
    acknowledgement: null,
    acknowledgementId: null,
    rebillApprovedBy: null,
    returnId: null,
    createdAt: now,
    updatedAt: now,
  });
  await em.flush();
  for (const l of cancelledButShippedLines) {
    em.create(CancelledButShippedLine, { cancelledButShippedId, orderLineId: l.lineId, quantity: l.quantity, unitPrice: l.unitPrice });
  }
  const detail = cancelledButShippedLines
    .map((l) => `line ${lines.find((o) => o.id === l.lineId)!.lineNo}: ${l.quantity} shipped after cancellation`)
    .join(', ');
  em.create(CancelledButShippedStepRecord, {
    id: randomUUID(),
    cancelledButShippedId,
    step: 'STARTED',
    key: '',
    detail,
    actor: 'system',
    at: now,
  });
  recordOrderEvent(em, order.id, 'CANCELLED_BUT_SHIPPED_STARTED', { cancelledButShippedId, shipmentId, amount, detail }, 'system');
  await em.flush();

  const args: [CancelledButShippedInput] = [{ ...deps.cancelledButShippedProcess, cancelledButShippedId }];
  await startProcess(deps, {
    type: CANCELLED_BUT_SHIPPED_WORKFLOW_TYPE,
    workflowId,
    args,
    unreachable:
      'the cancelled-but-shipped process could not be started (Temporal is unreachable): nothing was recorded, send the ship notice again shortly',
  });
  return cancelledButShippedId;
}
