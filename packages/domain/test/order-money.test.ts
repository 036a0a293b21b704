import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allocateLargestRemainder,
  orderMoneyProblems,
  orderTotals,
  planCancellationRefund,
  refundShareOf,
  vatIncluded,
  type CancellationRefund,
  type RefundedBefore,
  type RefundLineInput,
  type RefundOrder,
} from '../src/order-money.ts';
import { importOrderSchema } from '../src/schemas/import-order.ts';

const line = (id: string, quantity: number, unitPrice: number, extra: Partial<RefundLineInput> = {}): RefundLineInput => ({
  id,
  quantity,
  unitPrice,
  vatRate: 0,
  discount: 0,
  shippedQuantity: 0,
  cancelledQuantity: 0,
  returnedQuantity: 0,
  ...extra,
});

/** Runs cancellations one after another, as the order service does: reserve, remember, repeat. */
function cancelInParts(
  order: RefundOrder,
  parts: readonly (readonly { lineId: string; quantity: number }[])[],
  refundShippingWithLastUnit = true,
): CancellationRefund[] {
  const lines = order.lines.map((l) => ({ ...l }));
  const refunds: CancellationRefund[] = [];
  for (const requested of parts) {
    const before: RefundedBefore = {
      lines: refunds.flatMap((r) => r.lines),
      shipping: { amount: refunds.reduce((n, r) => n + r.shipping.amount, 0), vat: refunds.reduce((n, r) => n + r.shipping.vat, 0) },
    };
    const refund = planCancellationRefund({ order: { ...order, lines }, requested, before, refundShippingWithLastUnit });
    for (const r of requested) lines.find((l) => l.id === r.lineId)!.cancelledQuantity += r.quantity;
    refunds.push(refund);
  }
  return refunds;
}

describe('order money', () => {
  it('a line of 3 mugs at 10.00 with 21 % VAT, 1.00 off the line, 2.00 off the order, 4.95 shipping', () => {
    const order = {
      lines: [line('a', 3, 1000, { vatRate: 2100, discount: 100 }), line('b', 1, 500, { vatRate: 900 })],
      discounts: [{ amount: 200 }],
      shipping: { amount: 495, vatRate: 2100 },
    };
    const totals = orderTotals(order);
    // The order discount is shared 2900 : 500, largest remainder: 170.58.. and 29.41.. -> 171 and 29.
    expect(totals.lines.map((l) => [l.gross, l.discount, l.orderDiscountShare, l.total, l.vat])).toEqual([
      [3000, 100, 171, 2729, 474],
      [500, 0, 29, 471, 39],
    ]);
    expect(totals).toMatchObject({
      subtotal: 3500,
      discount: 300,
      orderDiscount: 200,
      shipping: 495,
      shippingVat: 86,
      total: 3695,
      vat: 599,
    });
  });

  it('the VAT in an amount is rounded half up: 21 % of 121 is 21, 9 % of 109 is 9, 0 % is nothing', () => {
    expect(vatIncluded(121, 2100)).toBe(21);
    expect(vatIncluded(109, 900)).toBe(9);
    expect(vatIncluded(1000, 0)).toBe(0);
    // 100 * 2100 / 12100 = 17.355.. -> 17; 200 * 2100 / 12100 = 34.71.. -> 35
    expect(vatIncluded(100, 2100)).toBe(17);
    expect(vatIncluded(200, 2100)).toBe(35);
  });

  it('largest remainder: 100 over three equal weights is 34, 33, 33; the parts always add up', () => {
    expect(allocateLargestRemainder(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocateLargestRemainder(10, [1, 2])).toEqual([3, 7]);
    expect(allocateLargestRemainder(0, [0, 0])).toEqual([0, 0]);
  });

  it('three units that cost 10.00 together, cancelled one by one, refund 3.33, 3.33 and the last 3.34', () => {
    const order = { lines: [line('a', 3, 1000, { discount: 2000 })], discounts: [], shipping: { amount: 0, vatRate: 0 } };
    const refunds = cancelInParts(order, [[{ lineId: 'a', quantity: 1 }], [{ lineId: 'a', quantity: 1 }], [{ lineId: 'a', quantity: 1 }]]);
    expect(refunds.map((r) => r.amount)).toEqual([333, 333, 334]);
  });

  it('an order discount is taken off the cancelled lines by their share; shipping goes back with the last open unit', () => {
    const order = {
      lines: [line('a', 2, 1000, { vatRate: 2100 }), line('b', 1, 1000, { vatRate: 2100 })],
      discounts: [{ amount: 300 }],
      shipping: { amount: 500, vatRate: 2100 },
    };
    const [first, second] = cancelInParts(order, [
      [{ lineId: 'a', quantity: 1 }],
      [
        { lineId: 'a', quantity: 1 },
        { lineId: 'b', quantity: 1 },
      ],
    ]);
    // Line a's share of the discount is 200, line b's 100: a unit of a is worth 900.
    expect(first).toMatchObject({ amount: 900, vat: 156, shipping: { amount: 0, vat: 0 } });
    expect(second).toMatchObject({ amount: 900 + 900 + 500, shipping: { amount: 500, vat: 87 } });
    expect(first!.amount + second!.amount).toBe(orderTotals(order).total);
    expect(first!.vat + second!.vat).toBe(orderTotals(order).vat);
  });

  it('no shipping goes back on a channel whose policy keeps it, nor once part of the order shipped', () => {
    const order = { lines: [line('a', 2, 1000)], discounts: [], shipping: { amount: 500, vatRate: 0 } };
    expect(cancelInParts(order, [[{ lineId: 'a', quantity: 2 }]], false)[0]).toMatchObject({ amount: 2000, shipping: { amount: 0 } });
    const shipped = { ...order, lines: [line('a', 2, 1000, { shippedQuantity: 1 })] };
    expect(cancelInParts(shipped, [[{ lineId: 'a', quantity: 1 }]])[0]).toMatchObject({ amount: 1000, shipping: { amount: 0 } });
  });

  it('an undo takes back the share the cancellation gave for the units it reopens', () => {
    expect(refundShareOf({ quantity: 3, amount: 1000, vat: 173 }, 3)).toEqual({ amount: 1000, vat: 173 });
    expect(refundShareOf({ quantity: 3, amount: 1000, vat: 173 }, 1)).toEqual({ amount: 333, vat: 57 });
  });

  it('refuses a line discount above the line, order discounts above the lines, and payments off the total, naming the numbers', () => {
    const base = { lines: [line('a', 2, 1000)], discounts: [], shipping: { amount: 0, vatRate: 0 } };
    expect(orderMoneyProblems({ ...base, lines: [line('a', 2, 1000, { discount: 2001 })] }, [])[0]!.message).toMatch(
      /discount 2001 is more than the line is worth \(2 x 1000 = 2000\)/,
    );
    expect(orderMoneyProblems({ ...base, discounts: [{ amount: 2500 }] }, [])[0]!.message).toMatch(/discounts add up to 2500, more than/);
    expect(
      orderMoneyProblems({ ...base, discounts: [{ amount: 500 }], shipping: { amount: 495, vatRate: 0 } }, [{ amount: 2000 }]),
    ).toEqual([
      {
        path: 'payments',
        message:
          'payments add up to 2000 but the order totals 1995 (minor units: lines 2000 - discounts 500 + shipping 495): they must match',
      },
    ]);
  });

  it('an import without VAT, shipping or discounts is read as before: rate 0, no shipping, no discounts', () => {
    const parsed = importOrderSchema.parse({
      channel: 'webshop',
      channelOrderNo: 'X-1',
      merchantId: 'm',
      currency: 'EUR',
      customer: { email: 'a@example.com', name: 'A' },
      lines: [{ sku: 'MUG', quantity: 2, unitPrice: 1250 }],
      payments: [{ method: 'CARD', amount: 2500, reference: 'p' }],
    });
    expect(parsed.lines[0]).toMatchObject({ vatRate: 0, discount: 0 });
    expect(parsed.discounts).toEqual([]);
    expect(parsed.shipping).toEqual({ amount: 0, vatRate: 0 });
  });
});

// ---------------------------------------------------------------------------------------------
// Any order, any way of cancelling it in parts.

const orderArbitrary = fc
  .array(
    fc.record({
      quantity: fc.integer({ min: 1, max: 6 }),
      unitPrice: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 1_000_000 })),
      vatRate: fc.constantFrom(0, 600, 900, 1900, 2000, 2100, 2500, 10_000, 1),
      discountPermille: fc.integer({ min: 0, max: 1000 }),
    }),
    { minLength: 1, maxLength: 5 },
  )
  .chain((raw) => {
    const lines = raw.map((r, i) =>
      line(`l${i}`, r.quantity, r.unitPrice, {
        vatRate: r.vatRate,
        discount: Math.floor((r.quantity * r.unitPrice * r.discountPermille) / 1000 / (r.discountPermille % 3 === 0 ? 1 : 4)),
      }),
    );
    const discounted = lines.reduce((n, l) => n + l.quantity * l.unitPrice - l.discount, 0);
    return fc.record({
      lines: fc.constant(lines),
      discounts: fc.array(
        fc.integer({ min: 0, max: Math.floor(discounted / 3) }).map((amount) => ({ amount })),
        { maxLength: 3 },
      ),
      shipping: fc.record({ amount: fc.integer({ min: 0, max: 2000 }), vatRate: fc.constantFrom(0, 900, 2100) }),
    });
  });

/** A sequence of cancellations that ends with every unit cancelled, drawn from random cuts. */
const orderAndPartsArbitrary = orderArbitrary.chain((order) =>
  fc
    .array(fc.tuple(fc.nat({ max: order.lines.length - 1 }), fc.integer({ min: 1, max: 6 }), fc.boolean()), { maxLength: 12 })
    .map((draws) => {
      const open = order.lines.map((l) => l.quantity);
      const parts: { lineId: string; quantity: number }[][] = [];
      let current: { lineId: string; quantity: number }[] = [];
      for (const [index, want, close] of draws) {
        const take = Math.min(want, open[index]!);
        if (take > 0 && !current.some((c) => c.lineId === order.lines[index]!.id)) {
          current.push({ lineId: order.lines[index]!.id, quantity: take });
          open[index]! -= take;
        }
        if (close && current.length > 0) {
          parts.push(current);
          current = [];
        }
      }
      const rest = order.lines.flatMap((l, i) => (open[i]! > 0 ? [{ lineId: l.id, quantity: open[i]! }] : []));
      const last = [...current];
      for (const r of rest) {
        const same = last.find((c) => c.lineId === r.lineId);
        if (same) same.quantity += r.quantity;
        else last.push(r);
      }
      if (last.length > 0) parts.push(last);
      return { order, parts };
    }),
);

describe('any order cancelled in any parts', () => {
  it('every part is non-negative and the parts add up to exactly what was paid, VAT included', () => {
    fc.assert(
      fc.property(orderAndPartsArbitrary, fc.boolean(), ({ order, parts }, policy) => {
        const refunds = cancelInParts(order, parts, policy);
        const totals = orderTotals(order);
        for (const r of refunds) {
          expect(r.amount).toBeGreaterThanOrEqual(0);
          expect(r.vat).toBeGreaterThanOrEqual(0);
          expect(r.vat).toBeLessThanOrEqual(r.amount);
          for (const l of r.lines) {
            expect(l.amount).toBeGreaterThanOrEqual(0);
            expect(l.vat).toBeGreaterThanOrEqual(0);
          }
          expect(r.amount).toBe(r.lines.reduce((n, l) => n + l.amount, 0) + r.shipping.amount);
        }
        const refunded = refunds.reduce((n, r) => n + r.amount, 0);
        const vat = refunds.reduce((n, r) => n + r.vat, 0);
        expect(refunded).toBe(policy ? totals.total : totals.total - totals.shipping);
        expect(vat).toBe(policy ? totals.vat : totals.vat - totals.shippingVat);
        // Each line gets back exactly what was paid for it, and its VAT.
        totals.lines.forEach((paid) => {
          const parts = refunds.flatMap((r) => r.lines.filter((l) => l.lineId === paid.lineId));
          expect(parts.reduce((n, l) => n + l.amount, 0)).toBe(paid.total);
          expect(parts.reduce((n, l) => n + l.vat, 0)).toBe(paid.vat);
        });
      }),
      { numRuns: 500 },
    );
  });

  it('shipping goes back exactly once, with the part that cancels the last unit, where the policy says so', () => {
    fc.assert(
      fc.property(orderAndPartsArbitrary, fc.boolean(), ({ order, parts }, policy) => {
        const refunds = cancelInParts(order, parts, policy);
        const withShipping = refunds.filter((r) => r.shipping.amount > 0);
        if (!policy || order.shipping.amount === 0) {
          expect(withShipping).toEqual([]);
          return;
        }
        expect(withShipping).toHaveLength(1);
        expect(refunds.indexOf(withShipping[0]!)).toBe(refunds.length - 1);
        expect(withShipping[0]!.shipping).toEqual({
          amount: order.shipping.amount,
          vat: vatIncluded(order.shipping.amount, order.shipping.vatRate),
        });
      }),
      { numRuns: 300 },
    );
  });

  it('no part refunds more than its units are worth before any discount', () => {
    fc.assert(
      fc.property(orderAndPartsArbitrary, ({ order, parts }) => {
        const refunds = cancelInParts(order, parts, false);
        refunds.forEach((r, i) => {
          for (const l of r.lines) {
            const orderLine = order.lines.find((o) => o.id === l.lineId)!;
            expect(l.amount).toBeLessThanOrEqual(orderLine.unitPrice * parts[i]!.find((p) => p.lineId === l.lineId)!.quantity);
          }
        });
      }),
      { numRuns: 300 },
    );
  });

  it('how the order is cut does not change what each line gets back in the end', () => {
    fc.assert(
      fc.property(orderAndPartsArbitrary, ({ order, parts }) => {
        const inParts = cancelInParts(order, parts);
        const atOnce = cancelInParts(order, [order.lines.map((l) => ({ lineId: l.id, quantity: l.quantity }))]);
        expect(inParts.reduce((n, r) => n + r.amount, 0)).toBe(atOnce[0]!.amount);
        expect(inParts.reduce((n, r) => n + r.vat, 0)).toBe(atOnce[0]!.vat);
      }),
      { numRuns: 200 },
    );
  });

  it('an import of any such order with payments equal to its total is accepted; one minor unit off is refused', () => {
    fc.assert(
      fc.property(orderArbitrary, fc.constantFrom(-1, 1), (order, off) => {
        const total = orderTotals(order).total;
        const body = (paid: number) => ({
          channel: 'webshop',
          channelOrderNo: 'P-1',
          merchantId: 'm',
          currency: 'EUR',
          customer: { email: 'a@example.com', name: 'A' },
          lines: order.lines.map((l) => ({
            sku: l.id,
            quantity: l.quantity,
            unitPrice: l.unitPrice,
            vatRate: l.vatRate,
            discount: l.discount,
          })),
          discounts: order.discounts,
          shipping: order.shipping,
          payments: paid > 0 ? [{ method: 'CARD', amount: paid, reference: 'p' }] : [],
        });
        expect(importOrderSchema.safeParse(body(total)).success).toBe(true);
        if (total + off >= 0) expect(importOrderSchema.safeParse(body(total + off)).success).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});

describe('cancellations undone in between', () => {
  it('whatever is undone and cancelled again, the parts still standing at the end add up to exactly what was paid', () => {
    fc.assert(
      fc.property(
        orderAndPartsArbitrary,
        fc.array(fc.tuple(fc.nat({ max: 20 }), fc.nat({ max: 20 })), { maxLength: 4 }),
        fc.boolean(),
        ({ order, parts }, undos, policy) => {
          const lines = order.lines.map((l) => ({ ...l }));
          const standing: { requested: readonly { lineId: string; quantity: number }[]; refund: CancellationRefund }[] = [];
          const cancel = (requested: readonly { lineId: string; quantity: number }[]) => {
            const before: RefundedBefore = {
              lines: standing.flatMap((s) => s.refund.lines),
              shipping: {
                amount: standing.reduce((n, s) => n + s.refund.shipping.amount, 0),
                vat: standing.reduce((n, s) => n + s.refund.shipping.vat, 0),
              },
            };
            const refund = planCancellationRefund({ order: { ...order, lines }, requested, before, refundShippingWithLastUnit: policy });
            expect(refund.amount).toBeGreaterThanOrEqual(0);
            expect(refund.lines.every((l) => l.amount >= 0 && l.vat >= 0)).toBe(true);
            for (const r of requested) lines.find((l) => l.id === r.lineId)!.cancelledQuantity += r.quantity;
            standing.push({ requested, refund });
          };
          parts.forEach((part, i) => {
            cancel(part);
            const undo = undos.find(([at]) => at === i);
            if (undo && standing.length > 0) {
              const [undone] = standing.splice(undo[1] % standing.length, 1);
              for (const r of undone!.requested) lines.find((l) => l.id === r.lineId)!.cancelledQuantity -= r.quantity;
            }
          });
          const open = lines.flatMap((l) =>
            l.quantity - l.cancelledQuantity > 0 ? [{ lineId: l.id, quantity: l.quantity - l.cancelledQuantity }] : [],
          );
          if (open.length > 0) cancel(open);
          const totals = orderTotals(order);
          expect(standing.reduce((n, s) => n + s.refund.amount, 0)).toBe(policy ? totals.total : totals.total - totals.shipping);
          expect(standing.reduce((n, s) => n + s.refund.vat, 0)).toBe(policy ? totals.vat : totals.vat - totals.shippingVat);
        },
      ),
      { numRuns: 300 },
    );
  });
});
