import type { RefundMethod } from './cancellation.ts';
import { RuleViolationError } from './errors.ts';
import type { PaymentMethod } from './order.ts';

/** How one part of a refund reaches the customer. */
export const REFUND_CHANNELS = ['CARD', 'BANK_DEPOSIT', 'STORE_CREDIT', 'POINTS'] as const;
export type RefundChannel = (typeof REFUND_CHANNELS)[number];

export const REFUND_STATUSES = ['PENDING', 'SUCCEEDED', 'FAILED'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

/** Card refunds and bank deposits go through the provider; points and credit are our own ledger. */
export const settlesThroughProvider = (channel: RefundChannel): boolean => channel === 'CARD' || channel === 'BANK_DEPOSIT';

export interface RefundablePayment {
  method: PaymentMethod;
  reference: string;
  /** What is left to refund on this payment, in minor units. */
  refundable: number;
}

export interface RefundPart {
  channel: RefundChannel;
  amount: number;
  /** The original payment this part returns money to, when it does. */
  paymentReference?: string;
}

// Money goes back to the customer's bank or card before our own ledger, so that the customer's
// cash is never turned into points without them asking for it.
const ORIGINAL_PAYMENT_ORDER: readonly PaymentMethod[] = ['CARD', 'BANK_TRANSFER', 'STORE_CREDIT', 'POINTS'];

const CHANNEL_OF_PAYMENT: Readonly<Record<PaymentMethod, RefundChannel>> = {
  CARD: 'CARD',
  BANK_TRANSFER: 'BANK_DEPOSIT',
  STORE_CREDIT: 'STORE_CREDIT',
  POINTS: 'POINTS',
};

/**
 * Splits a refund of `amount` minor units into parts by the chosen refund method.
 * An amount of 0 or the method NONE needs no refund at all: the plan is empty.
 */
export function planRefund(amount: number, method: RefundMethod, payments: readonly RefundablePayment[]): RefundPart[] {
  if (amount === 0 || method === 'NONE') return [];
  if (method !== 'ORIGINAL_PAYMENT') {
    return [{ channel: method, amount }];
  }
  const parts: RefundPart[] = [];
  let left = amount;
  const ordered = [...payments].sort((a, b) => ORIGINAL_PAYMENT_ORDER.indexOf(a.method) - ORIGINAL_PAYMENT_ORDER.indexOf(b.method));
  for (const payment of ordered) {
    if (left === 0) break;
    const take = Math.min(left, payment.refundable);
    if (take > 0) {
      parts.push({ channel: CHANNEL_OF_PAYMENT[payment.method], amount: take, paymentReference: payment.reference });
      left -= take;
    }
  }
  if (left > 0) {
    throw new RuleViolationError(
      `cannot refund ${amount} to the original payment: only ${amount - left} is left to refund on it; choose BANK_DEPOSIT or STORE_CREDIT`,
    );
  }
  return parts;
}

/** The status of a refund made of parts: failed if any part failed, done when all are. */
export function refundStatusOf(parts: readonly { status: RefundStatus }[]): RefundStatus {
  if (parts.some((p) => p.status === 'FAILED')) return 'FAILED';
  if (parts.every((p) => p.status === 'SUCCEEDED')) return 'SUCCEEDED';
  return 'PENDING';
}
