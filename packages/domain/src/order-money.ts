/**
 * The money of an order and what a cancellation gives back of it: the one rule, in integer minor
 * units. Prices include VAT (as channels send them); a VAT rate is basis points (2100 = 21 %).
 *
 * What each line cost the customer is fixed at import: its units' price, less the line's own
 * discount, less its share of the order's discounts (shared by the lines' discounted value,
 * largest remainder, so the shares add up to the discount exactly). A cancellation refunds, per
 * line, what the line's cancelled units are worth of that, cumulatively: after n of q units are
 * refunded, floor(paid * n / q) of the line has gone back, and the last unit takes the rest. A
 * part is the cumulative amount after it less what earlier parts already took, so however an
 * order is cancelled in parts, the parts add up to exactly what was paid. VAT is handled the
 * same way per line (the VAT of the cumulative refund less the VAT already shown). Shipping goes
 * back once, with the part that cancels the last open unit, where the channel's policy says so.
 */
import type { ErrorDetail } from './errors.ts';
import type { LineQuantities } from './order.ts';

/** 100 % in basis points: the highest VAT rate an order may carry. */
export const MAX_VAT_RATE = 10_000;

export interface MoneyLine {
  id: string;
  quantity: number;
  /** Price of one unit, VAT included, in minor units. */
  unitPrice: number;
  /** VAT rate in basis points (2100 = 21 %). */
  vatRate: number;
  /** Discount on the whole line (all its units), VAT included, in minor units. */
  discount: number;
}

export interface OrderMoney {
  lines: readonly MoneyLine[];
  /** Discounts on the whole order, VAT included, in minor units. */
  discounts: readonly { amount: number }[];
  shipping: { amount: number; vatRate: number };
}

export interface LineMoney {
  lineId: string;
  /** quantity x unit price. */
  gross: number;
  /** The line's own discount. */
  discount: number;
  /** The line's share of the order's discounts. */
  orderDiscountShare: number;
  /** What the customer paid for the line: gross - discount - orderDiscountShare. */
  total: number;
  /** The VAT in that total. */
  vat: number;
}

export interface OrderTotals {
  lines: LineMoney[];
  /** The lines before any discount. */
  subtotal: number;
  /** Line discounts and order discounts together. */
  discount: number;
  orderDiscount: number;
  shipping: number;
  shippingVat: number;
  /** What the customer pays: the payments add up to this. */
  total: number;
  /** The VAT in the total. */
  vat: number;
}

/** a * b / c rounded down, exact for any safe integers (the product may not be). */
function mulDivFloor(a: number, b: number, c: number): number {
  return Number((BigInt(a) * BigInt(b)) / BigInt(c));
}

/** The VAT inside an amount that includes it, rounded half up to a minor unit. */
export function vatIncluded(amount: number, vatRate: number): number {
  if (vatRate === 0 || amount === 0) return 0;
  const divisor = BigInt(MAX_VAT_RATE + vatRate);
  return Number((BigInt(2 * amount) * BigInt(vatRate) + divisor) / (2n * divisor));
}

/**
 * Splits `amount` over `weights` in proportion, in whole units, by largest remainder: the parts
 * add up to `amount` exactly; equal remainders go to the earlier weight. All weights 0 -> all 0
 * (then `amount` must be 0).
 */
export function allocateLargestRemainder(amount: number, weights: readonly number[]): number[] {
  const whole = weights.reduce((n, w) => n + w, 0);
  if (whole === 0) {
    if (amount !== 0) throw new RangeError(`cannot share ${amount} over nothing`);
    return weights.map(() => 0);
  }
  const big = BigInt(whole);
  const parts = weights.map((w) => {
    const exact = BigInt(amount) * BigInt(w);
    return { share: Number(exact / big), remainder: exact % big };
  });
  let left = amount - parts.reduce((n, p) => n + p.share, 0);
  const byRemainder = parts.map((p, i) => ({ i, r: p.remainder })).sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of byRemainder) {
    if (left === 0) break;
    parts[i]!.share += 1;
    left -= 1;
  }
  return parts.map((p) => p.share);
}

/** What the order and each of its lines cost, as the customer paid it. */
export function orderTotals(order: OrderMoney): OrderTotals {
  const orderDiscount = order.discounts.reduce((n, d) => n + d.amount, 0);
  const discounted = order.lines.map((l) => l.quantity * l.unitPrice - l.discount);
  const shares = allocateLargestRemainder(orderDiscount, discounted);
  const lines = order.lines.map((l, i): LineMoney => {
    const total = discounted[i]! - shares[i]!;
    return {
      lineId: l.id,
      gross: l.quantity * l.unitPrice,
      discount: l.discount,
      orderDiscountShare: shares[i]!,
      total,
      vat: vatIncluded(total, l.vatRate),
    };
  });
  const shipping = order.shipping.amount;
  const shippingVat = vatIncluded(shipping, order.shipping.vatRate);
  return {
    lines,
    subtotal: lines.reduce((n, l) => n + l.gross, 0),
    discount: lines.reduce((n, l) => n + l.discount, 0) + orderDiscount,
    orderDiscount,
    shipping,
    shippingVat,
    total: lines.reduce((n, l) => n + l.total, 0) + shipping,
    vat: lines.reduce((n, l) => n + l.vat, 0) + shippingVat,
  };
}

/**
 * What is wrong with an order's money, for the import to refuse it with: a discount larger than
 * what it discounts, or payments that do not add up to the total. Empty when it is right.
 */
export function orderMoneyProblems(order: OrderMoney, payments: readonly { amount: number }[]): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  order.lines.forEach((l, i) => {
    if (l.discount > l.quantity * l.unitPrice) {
      problems.push({
        path: `lines.${i}.discount`,
        message: `line ${i + 1}: the discount ${l.discount} is more than the line is worth (${l.quantity} x ${l.unitPrice} = ${l.quantity * l.unitPrice})`,
      });
    }
  });
  if (problems.length > 0) return problems;
  const orderDiscount = order.discounts.reduce((n, d) => n + d.amount, 0);
  const discounted = order.lines.reduce((n, l) => n + l.quantity * l.unitPrice - l.discount, 0);
  if (orderDiscount > discounted) {
    return [
      {
        path: 'discounts',
        message: `the order discounts add up to ${orderDiscount}, more than the lines are worth after their own discounts (${discounted})`,
      },
    ];
  }
  const totals = orderTotals(order);
  const paid = payments.reduce((n, p) => n + p.amount, 0);
  if (paid !== totals.total) {
    problems.push({
      path: 'payments',
      message:
        totals.discount === 0 && totals.shipping === 0
          ? `payments add up to ${paid} but the lines total ${totals.total} (minor units): they must match`
          : `payments add up to ${paid} but the order totals ${totals.total} (minor units: lines ${totals.subtotal}` +
            ` - discounts ${totals.discount} + shipping ${totals.shipping}): they must match`,
    });
  }
  return problems;
}

export interface RefundLineInput extends MoneyLine, LineQuantities {}

/** An order with its lines' quantities, as the refund rule reads it. */
export interface RefundOrder extends OrderMoney {
  lines: readonly RefundLineInput[];
}

/** What earlier cancellations that still stand (not undone) already gave back. */
export interface RefundedBefore {
  lines: readonly { lineId: string; amount: number; vat: number }[];
  shipping: { amount: number; vat: number };
}

export const NOTHING_REFUNDED: RefundedBefore = { lines: [], shipping: { amount: 0, vat: 0 } };

export interface CancellationRefundInput {
  /** The order as it is before this cancellation (its quantities not yet reserved). */
  order: RefundOrder;
  requested: readonly { lineId: string; quantity: number }[];
  before: RefundedBefore;
  /** The channel's policy: shipping goes back when the last open unit is cancelled. */
  refundShippingWithLastUnit: boolean;
}

export interface CancellationRefundLine {
  lineId: string;
  quantity: number;
  /** What this cancellation gives back for the line (VAT included). */
  amount: number;
  /** The VAT in that amount. */
  vat: number;
}

export interface CancellationRefund {
  lines: CancellationRefundLine[];
  shipping: { amount: number; vat: number };
  /** The whole refund: the lines and the shipping. */
  amount: number;
  vat: number;
}

const clamp = (n: number, low: number, high: number): number => Math.min(Math.max(n, low), high);

/**
 * What cancelling `requested` refunds, given what earlier cancellations already took. The
 * quantities are the caller's to check (assertCancellable): this only prices them.
 */
export function planCancellationRefund(input: CancellationRefundInput): CancellationRefund {
  const { order, requested, before } = input;
  const totals = orderTotals(order);
  const lines = requested.map((r): CancellationRefundLine => {
    const index = order.lines.findIndex((l) => l.id === r.lineId);
    if (index < 0) throw new RangeError(`line ${r.lineId} is not a line of this order`);
    const line = order.lines[index]!;
    const paid = totals.lines[index]!;
    const took = before.lines.filter((b) => b.lineId === r.lineId);
    const tookAmount = took.reduce((n, b) => n + b.amount, 0);
    const tookVat = took.reduce((n, b) => n + b.vat, 0);
    const cancelledAfter = line.cancelledQuantity + r.quantity;
    const last = cancelledAfter >= line.quantity;
    // Never more than the line has left, never less than nothing: an undo in between may have
    // given back a part that was rounded differently; the last unit squares the line exactly.
    const room = Math.max(paid.total - tookAmount, 0);
    const amount = last ? room : clamp(mulDivFloor(paid.total, cancelledAfter, line.quantity) - tookAmount, 0, room);
    const vatRoom = Math.max(paid.vat - tookVat, 0);
    const vat = last ? vatRoom : clamp(vatIncluded(tookAmount + amount, line.vatRate) - tookVat, 0, vatRoom);
    return { lineId: r.lineId, quantity: r.quantity, amount, vat };
  });

  const allCancelledAfter = order.lines.every((l) => {
    const taking = requested.find((r) => r.lineId === l.id)?.quantity ?? 0;
    return l.shippedQuantity === 0 && l.cancelledQuantity + taking === l.quantity;
  });
  const shipping =
    input.refundShippingWithLastUnit && allCancelledAfter
      ? {
          amount: Math.max(totals.shipping - before.shipping.amount, 0),
          vat: Math.max(totals.shippingVat - before.shipping.vat, 0),
        }
      : { amount: 0, vat: 0 };
  return {
    lines,
    shipping,
    amount: lines.reduce((n, l) => n + l.amount, 0) + shipping.amount,
    vat: lines.reduce((n, l) => n + l.vat, 0) + shipping.vat,
  };
}

/** What a cancellation would refund, shown before the merchant confirms it (minor units). */
export interface RefundPreview {
  currency: string;
  lines: { lineId: string; lineNo: number; sku: string; quantity: number; amount: number; vat: number }[];
  shipping: { amount: number; vat: number };
  /** The whole refund, VAT included. */
  amount: number;
  vat: number;
}

/**
 * What an undo reopening `units` of a cancelled line takes back of that line's refund: the same
 * share the cancellation gave for them (all of it when every unit it took reopens).
 */
export function refundShareOf(line: { quantity: number; amount: number; vat: number }, units: number): { amount: number; vat: number } {
  if (units >= line.quantity) return { amount: line.amount, vat: line.vat };
  return { amount: mulDivFloor(line.amount, units, line.quantity), vat: mulDivFloor(line.vat, units, line.quantity) };
}
