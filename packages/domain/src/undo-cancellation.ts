/**
 * Undoing a cancellation: the merchant or support reopens what a cancellation took.
 * The merchant is protected first: money that went back to the customer is stopped, recaptured,
 * taken back from the ledger or paid again BEFORE anything reopens. The rules live here once:
 * the API refuses with them, the workflow decides with them.
 */
import { assertUndoable, type CancellationReason, type CancellationStatus } from './cancellation.ts';
import { policyFor, type Channel } from './channel-policies.ts';
import { ConflictError, RuleViolationError, type ErrorDetail } from './errors.ts';
import type { OrderStatus } from './order.ts';
import type { RefundChannel, RefundStatus } from './refund.ts';

export const UNDO_STATUSES = ['IN_PROGRESS', 'UNDONE', 'FAILED'] as const;
export type UndoStatus = (typeof UNDO_STATUSES)[number];

/** The steps of an undo as the timeline shows them; the money steps come before REOPENED, always. */
export const UNDO_STEPS = [
  'REQUESTED',
  'CANCELLATION_PROCESS_STOPPED',
  'CANCELLATION_COMPLETED_FIRST',
  'NOTHING_TO_COLLECT',
  'LEDGER_TAKEN_BACK',
  'LEDGER_RESTORED',
  'REFUND_STOPPED',
  'REFUND_NOT_STOPPABLE',
  'RECAPTURED',
  'RECAPTURE_REFUSED',
  'PAYMENT_REQUESTED',
  'PAYMENT_REMINDER_SENT',
  'PAYMENT_RECEIVED',
  'PAYMENT_DEADLINE_PASSED',
  'REOPENED',
  'RESTOCK_REVERSED',
  'CHANNEL_NOTIFIED',
  'UNDONE',
  'CUSTOMER_NOTIFIED',
  'CANCELLATION_PROCESS_RESUMED',
  'FAILED',
] as const;
export type UndoStep = (typeof UNDO_STEPS)[number];

/** The steps that move money (points, refunds, recaptures, the payment asked of the customer): an undo's moneySteps. */
export const UNDO_MONEY_STEPS: ReadonlySet<string> = new Set<UndoStep>([
  'LEDGER_TAKEN_BACK',
  'LEDGER_RESTORED',
  'REFUND_STOPPED',
  'REFUND_NOT_STOPPABLE',
  'RECAPTURED',
  'RECAPTURE_REFUSED',
  'PAYMENT_REQUESTED',
  'PAYMENT_REMINDER_SENT',
  'PAYMENT_RECEIVED',
  'PAYMENT_DEADLINE_PASSED',
  'NOTHING_TO_COLLECT',
]);

/** One undo process per cancellation: undoing twice finds the same process. */
export const undoCancellationWorkflowId = (cancellationId: string): string => `undo-cancellation-${cancellationId}`;

// ---------------------------------------------------------------------------------------------
// Which quantities an undo can reopen.

export interface UndoOrderLine {
  id: string;
  lineNo: number;
  sku: string;
  quantity: number;
  shippedQuantity: number;
  cancelledQuantity: number;
}

export interface UndoRequestSubject {
  order: { channel: Channel; status: OrderStatus; lines: readonly UndoOrderLine[] };
  cancellation: {
    reason: CancellationReason;
    status: CancellationStatus;
    lines: readonly { lineId: string; quantity: number }[];
    /** eBay: the cancellation went (or goes) through a marketplace dispute. */
    disputed: boolean;
  };
}

export interface UndoPlan {
  /** What reopens: the cancelled quantities that have not shipped since. */
  lines: { lineId: string; lineNo: number; sku: string; quantity: number }[];
  /** Cancelled quantities that shipped since: the cancelled-but-shipped process handles them. */
  shippedSince: { lineId: string; lineNo: number; quantity: number }[];
  /** The undo reopens everything the cancellation took. */
  whole: boolean;
}

/**
 * Whether and what an undo may reopen. Refused (and nothing is to be written) when:
 * the cancellation is FILL_OR_KILL or already UNDONE (assertUndoable); it went through an eBay
 * dispute; the order is CLOSED; a line is on a fill-or-kill channel and has shipped in part (the
 * channel closed its rest); or everything it took has shipped since. Cancelled units that shipped
 * since are left out (the cancelled-but-shipped process rebills them); the rest reopens.
 */
export function planUndo(subject: UndoRequestSubject): UndoPlan {
  const { order, cancellation } = subject;
  assertUndoable(cancellation);
  if (cancellation.disputed) {
    throw new RuleViolationError(
      'the cancellation went through an eBay dispute: the marketplace cannot reopen it; sell the item again as a new order instead',
    );
  }
  if (order.status === 'CLOSED') {
    throw new RuleViolationError('the order is CLOSED: the channel can no longer reopen any of its lines');
  }
  const policy = policyFor(order.channel);
  const problems: ErrorDetail[] = [];
  const lines: UndoPlan['lines'] = [];
  const shippedSince: UndoPlan['shippedSince'] = [];
  cancellation.lines.forEach((cancelled, i) => {
    const line = order.lines.find((l) => l.id === cancelled.lineId);
    if (!line) {
      problems.push({ path: `lines[${i}]`, message: `line ${cancelled.lineId} is no longer a line of this order` });
      return;
    }
    if (policy.fillOrKill && line.shippedQuantity > 0) {
      problems.push({
        path: `lines[${i}]`,
        message: `line ${line.lineNo} (${line.sku}) shipped in part on ${policy.label}, which closed the rest of the line: it cannot be reopened`,
      });
      return;
    }
    const reopen = Math.min(cancelled.quantity, line.cancelledQuantity);
    if (reopen > 0) lines.push({ lineId: line.id, lineNo: line.lineNo, sku: line.sku, quantity: reopen });
    if (reopen < cancelled.quantity) shippedSince.push({ lineId: line.id, lineNo: line.lineNo, quantity: cancelled.quantity - reopen });
  });
  if (problems.length > 0) {
    throw new RuleViolationError(problems.length === 1 ? problems[0]!.message : 'some lines cannot be reopened', problems);
  }
  if (lines.length === 0) {
    throw new ConflictError(
      'everything this cancellation took has shipped since: there is nothing left to reopen (the cancelled-but-shipped process handles the shipped units)',
    );
  }
  return { lines, shippedSince, whole: shippedSince.length === 0 };
}

// ---------------------------------------------------------------------------------------------
// How the money that went back to the customer is collected again, before anything reopens.

export const UNDO_MONEY_ACTIONS = ['TAKE_BACK_LEDGER', 'STOP_REFUND', 'RECAPTURE', 'PAY_AGAIN'] as const;
export type UndoMoneyAction = (typeof UNDO_MONEY_ACTIONS)[number];

/** A part of the cancellation's refund as the payment service sees it now. */
export interface UndoRefundPart {
  partId: string;
  channel: RefundChannel;
  amount: number;
  status: RefundStatus;
  /** A card refund still pending that the provider can still cancel. */
  stoppable: boolean;
  /** A card payment whose authorisation the provider can still recapture. */
  recapturable: boolean;
}

export interface UndoMoneyStep {
  action: UndoMoneyAction;
  partId: string;
  channel: RefundChannel;
  amount: number;
}

/**
 * Plans how to get back `amount` (what the reopened quantities are worth) from the refund parts
 * that moved (or are moving) money: failed parts moved none. Points and store credit are taken
 * back from the ledger first (cheapest, no provider); then card parts: stopped at the provider
 * when still pending, stoppable and wholly reopened, else recaptured where the authorisation still
 * allows, else paid again; bank deposits, once sent, can only be paid again.
 * Never more than the refund gave back: an undo of a cancellation refunded with NONE collects nothing.
 */
export function planUndoMoney(amount: number, parts: readonly UndoRefundPart[]): UndoMoneyStep[] {
  const ORDER: readonly RefundChannel[] = ['POINTS', 'STORE_CREDIT', 'CARD', 'BANK_DEPOSIT'];
  const moving = parts
    .filter((p) => p.status !== 'FAILED' && p.amount > 0)
    .sort((a, b) => ORDER.indexOf(a.channel) - ORDER.indexOf(b.channel));
  const steps: UndoMoneyStep[] = [];
  let left = amount;
  for (const part of moving) {
    if (left === 0) break;
    const take = Math.min(left, part.amount);
    left -= take;
    const step = (action: UndoMoneyAction): UndoMoneyStep => ({ action, partId: part.partId, channel: part.channel, amount: take });
    if (part.channel === 'POINTS' || part.channel === 'STORE_CREDIT') steps.push(step('TAKE_BACK_LEDGER'));
    else if (part.channel === 'CARD' && part.status === 'PENDING' && part.stoppable && take === part.amount)
      steps.push(step('STOP_REFUND'));
    else if (part.channel === 'CARD' && part.recapturable) steps.push(step('RECAPTURE'));
    else steps.push(step('PAY_AGAIN'));
  }
  return steps;
}

export const sumOfSteps = (steps: readonly UndoMoneyStep[], action: UndoMoneyAction): number =>
  steps.filter((s) => s.action === action).reduce((n, s) => n + s.amount, 0);

/**
 * The money of one order in minor units, after everything that happened to it. net is what the
 * merchant keeps: charged - refunded (card, bank) - ledgerReturned (points, credit still given
 * back) + recaptured + rebilled + paidAgain.
 */
export interface MoneyTotals {
  charged: number;
  refunded: number;
  ledgerReturned: number;
  recaptured: number;
  rebilled: number;
  paidAgain: number;
  net: number;
}

export const netOf = (t: Omit<MoneyTotals, 'net'>): number =>
  t.charged - t.refunded - t.ledgerReturned + t.recaptured + t.rebilled + t.paidAgain;
