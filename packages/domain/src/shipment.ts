/**
 * Shipments (advance ship notices): what a shipment takes from each order line, and what it
 * sets off. The rules live here once; the order service applies them under the order's lock.
 */
import { policyFor, type Channel } from './channel-policies.ts';
import { RuleViolationError, type ErrorDetail } from './errors.ts';
import { openQuantity, type LineQuantities, type OrderStatus } from './order.ts';

export interface ShipmentLineRequest {
  lineId: string;
  quantity: number;
}

export interface ShippableLine extends LineQuantities {
  id: string;
  lineNo: number;
  sku: string;
}

/**
 * How one shipped quantity is taken from a line: open quantity first, then cancelled quantity.
 * Goods that were cancelled do ship sometimes (the warehouse was faster than the cancellation);
 * only what the open quantity cannot cover counts as shipped after cancellation, and that part
 * is what the cancelled-but-shipped process handles (acknowledgement, rebill, credit memo).
 */
export interface LineAllocation {
  lineId: string;
  lineNo: number;
  sku: string;
  quantity: number;
  /** Taken from the quantity that was neither shipped nor cancelled. */
  fromOpen: number;
  /** Taken from cancelled quantity: shipped after cancellation. */
  fromCancelled: number;
}

/**
 * Splits a shipped quantity of one line into open and cancelled parts (open first). Throws when
 * the line has fewer unshipped units (open + cancelled) than the shipment claims.
 */
export function allocateShipment(line: ShippableLine, quantity: number): LineAllocation {
  const unshipped = line.quantity - line.shippedQuantity;
  if (quantity > unshipped) {
    throw new RuleViolationError(overShipMessage(line, quantity));
  }
  const fromOpen = Math.min(quantity, openQuantity(line));
  return { lineId: line.id, lineNo: line.lineNo, sku: line.sku, quantity, fromOpen, fromCancelled: quantity - fromOpen };
}

const overShipMessage = (line: ShippableLine, quantity: number): string =>
  `line ${line.lineNo} (${line.sku}): cannot ship ${quantity}, only ${line.quantity - line.shippedQuantity} of ${line.quantity} ` +
  `are not shipped yet (${line.shippedQuantity} already shipped): check the quantities of the ship notice`;

export interface ShipmentPlan {
  lines: LineAllocation[];
  /** Fill or kill: the rest of each partly shipped line, to be cancelled at once (FILL_OR_KILL). */
  fillOrKill: { lineId: string; quantity: number }[];
  /** Units shipped although they were cancelled, per line: what the cancelled-but-shipped process rebills. */
  shippedAfterCancel: { lineId: string; quantity: number }[];
}

/**
 * What a shipment does to an order: every line's allocation, the fill-or-kill remainder on
 * channels with that policy, and the quantities shipped after cancellation. Names every line
 * that breaks a rule; nothing is to be written when it throws.
 */
export function planShipment(
  order: { channel: Channel; status: OrderStatus; lines: readonly ShippableLine[] },
  requested: readonly ShipmentLineRequest[],
): ShipmentPlan {
  if (order.status === 'CLOSED') {
    throw new RuleViolationError('the order is CLOSED: the channel no longer takes ship notices for it');
  }
  const problems: ErrorDetail[] = [];
  const seen = new Set<string>();
  const lines: LineAllocation[] = [];
  requested.forEach((r, i) => {
    const path = `lines[${i}]`;
    const line = order.lines.find((l) => l.id === r.lineId);
    if (!line) {
      problems.push({ path, message: `line ${r.lineId} is not a line of this order` });
      return;
    }
    if (seen.has(line.id)) {
      problems.push({ path, message: `line ${line.lineNo} (${line.sku}) is listed twice: put its whole quantity on one entry` });
      return;
    }
    seen.add(line.id);
    if (r.quantity > line.quantity - line.shippedQuantity) {
      problems.push({ path, message: overShipMessage(line, r.quantity) });
      return;
    }
    lines.push(allocateShipment(line, r.quantity));
  });
  if (problems.length > 0) {
    throw new RuleViolationError(
      problems.length === 1 ? problems[0]!.message : 'the shipment cannot be recorded as sent: some lines are wrong',
      problems,
    );
  }
  const fillOrKill = policyFor(order.channel).fillOrKill
    ? lines.flatMap((a) => {
        const line = order.lines.find((l) => l.id === a.lineId)!;
        const rest = openQuantity(line) - a.fromOpen;
        return rest > 0 ? [{ lineId: a.lineId, quantity: rest }] : [];
      })
    : [];
  const shippedAfterCancel = lines.filter((a) => a.fromCancelled > 0).map((a) => ({ lineId: a.lineId, quantity: a.fromCancelled }));
  return { lines, fillOrKill, shippedAfterCancel };
}

/**
 * The line after the shipment: shipped goes up by the whole quantity, and the cancelled quantity
 * that shipped is no longer cancelled (it is shipped; the cancelled-but-shipped process rebills or takes it back).
 */
export function applyAllocation<T extends LineQuantities>(line: T, allocation: LineAllocation): void {
  line.shippedQuantity += allocation.quantity;
  line.cancelledQuantity -= allocation.fromCancelled;
}
