import { policyFor, type Channel } from './channel-policies.ts';
import { ConflictError, RuleViolationError, type ErrorDetail } from './errors.ts';
import { openQuantity, type OrderLineView, type OrderStatus } from './order.ts';

export const CANCELLATION_REASONS = [
  'OUT_OF_STOCK',
  'DEFECTIVE',
  'SHIPPING_UNAVAILABLE',
  'CUSTOMER_REQUEST',
  'PRICING_ERROR',
  'FRAUD_SUSPECTED',
  'FILL_OR_KILL',
  'OTHER',
] as const;
export type CancellationReason = (typeof CANCELLATION_REASONS)[number];

export const CANCELLATION_INITIATORS = ['MERCHANT', 'CUSTOMER', 'MARKETPLACE', 'SYSTEM'] as const;
export type CancellationInitiator = (typeof CANCELLATION_INITIATORS)[number];

export const REFUND_METHODS = ['ORIGINAL_PAYMENT', 'BANK_DEPOSIT', 'STORE_CREDIT', 'POINTS', 'NONE'] as const;
export type RefundMethod = (typeof REFUND_METHODS)[number];

export const CANCELLATION_STATUSES = ['IN_PROGRESS', 'CANCELLED', 'UNDONE'] as const;
export type CancellationStatus = (typeof CANCELLATION_STATUSES)[number];

/** The steps of the cancellation process, in the order they run; each is shown to support. */
export const CANCELLATION_STEPS = [
  'RESERVED',
  'RESTOCKED',
  'CHANNEL_NOTIFIED',
  'DISPUTE_OPENED',
  'DISPUTE_CLOSED',
  'REFUND_REQUESTED',
  'REFUND_SUCCEEDED',
  'REFUND_FAILED',
  'REFUND_NOT_NEEDED',
  'CANCELLED',
  'CUSTOMER_NOTIFIED',
] as const;
export type CancellationStep = (typeof CANCELLATION_STEPS)[number];

/** How the channel was told of a cancellation, as its CHANNEL_NOTIFIED step says it. */
export function describeChannelNotice(notice: { skipped?: 'THIRD_PARTY_MANAGED' | 'OWN_SHOP'; disputeId?: string }): string {
  if (notice.skipped === 'THIRD_PARTY_MANAGED') return 'not synced: the order is managed by a third party';
  if (notice.skipped === 'OWN_SHOP') return 'own web shop: no marketplace to tell';
  return notice.disputeId ? 'marketplace told; it opened a dispute' : 'marketplace told';
}

const TRANSITIONS: Readonly<Record<CancellationStatus, readonly CancellationStatus[]>> = {
  IN_PROGRESS: ['CANCELLED', 'UNDONE'],
  CANCELLED: ['UNDONE'],
  UNDONE: [],
};

export const canTransition = (from: CancellationStatus, to: CancellationStatus): boolean => TRANSITIONS[from].includes(to);

export function assertTransition(from: CancellationStatus, to: CancellationStatus): void {
  if (!canTransition(from, to)) {
    throw new ConflictError(`a cancellation that is ${from} cannot become ${to}`);
  }
}

export interface RequestedLine {
  lineId: string;
  quantity: number;
}

export interface CancellableOrder {
  channel: Channel;
  status: OrderStatus;
  lines: readonly Pick<
    OrderLineView,
    'id' | 'lineNo' | 'sku' | 'quantity' | 'shippedQuantity' | 'cancelledQuantity' | 'returnedQuantity'
  >[];
}

/**
 * The merchant-side rule: quantities must be unshipped and not already cancelled, the order must
 * not be finished, and whole-lines-only channels take whole open lines. Throws a RuleViolation
 * naming every line that breaks a rule; nothing is to be written when it throws.
 */
export function assertCancellable(
  order: CancellableOrder,
  requested: readonly RequestedLine[],
  options: { fillOrKill?: boolean } = {},
): void {
  if (order.status === 'SHIPPED' || order.status === 'CLOSED') {
    throw new RuleViolationError(`the order is ${order.status} and cannot be cancelled: open a return for shipped items instead`);
  }
  if (order.status === 'CANCELLED') {
    throw new RuleViolationError('the order is already cancelled');
  }
  const policy = policyFor(order.channel);
  const problems: ErrorDetail[] = [];
  const seen = new Set<string>();
  requested.forEach((r, i) => {
    const path = `lines[${i}]`;
    const line = order.lines.find((l) => l.id === r.lineId);
    if (!line) {
      problems.push({ path, message: `line ${r.lineId} is not a line of this order` });
      return;
    }
    if (seen.has(r.lineId)) {
      problems.push({ path, message: `line ${line.lineNo} (${line.sku}) is listed twice` });
      return;
    }
    seen.add(r.lineId);
    const open = openQuantity(line);
    if (open === 0) {
      problems.push({
        path,
        message: `line ${line.lineNo} (${line.sku}) has nothing left to cancel: ${line.shippedQuantity} shipped, ${line.cancelledQuantity} cancelled of ${line.quantity}${line.shippedQuantity > 0 ? '; shipped goods come back through a return: open a return instead' : ''}`,
      });
    } else if (r.quantity > open) {
      problems.push({
        path,
        message: `line ${line.lineNo} (${line.sku}): cannot cancel ${r.quantity}, only ${open} of ${line.quantity} are neither shipped nor cancelled${line.shippedQuantity > 0 ? `; for the ${line.shippedQuantity} shipped, open a return instead` : ''}`,
      });
    } else if (options.fillOrKill && r.quantity !== open) {
      problems.push({ path, message: `line ${line.lineNo} (${line.sku}): fill or kill cancels the whole rest of the line (${open})` });
    } else if (!options.fillOrKill && !policy.partialQuantity && (r.quantity !== open || line.shippedQuantity > 0)) {
      problems.push({
        path,
        message: `line ${line.lineNo} (${line.sku}): ${policy.label} cancels whole lines only; cancel all ${line.quantity} of an unshipped line`,
      });
    }
  });
  if (problems.length > 0) {
    throw new RuleViolationError(problems.length === 1 ? problems[0]!.message : 'some lines cannot be cancelled as asked', problems);
  }
}

/** Workflow ids derive from business ids, so a repeated request finds the running process. */
export const cancellationWorkflowId = (cancellationId: string): string => `cancellation-${cancellationId}`;

/**
 * Whether a cancellation may be undone (reopened). A FILL_OR_KILL cancellation never: the channel
 * closed the rest of the line when part of it shipped, and it cannot be reopened. Only an
 * IN_PROGRESS or CANCELLED cancellation can be undone.
 */
export function assertUndoable(cancellation: { reason: CancellationReason; status: CancellationStatus }): void {
  if (cancellation.reason === 'FILL_OR_KILL') {
    throw new RuleViolationError(
      'a FILL_OR_KILL cancellation can never be undone or reopened: the channel closed the rest of the line when part of it shipped; ' +
        'sell the item again as a new order instead',
    );
  }
  if (!canTransition(cancellation.status, 'UNDONE')) {
    throw new ConflictError(`the cancellation is ${cancellation.status} and cannot be undone`);
  }
}
