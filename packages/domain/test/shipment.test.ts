import { describe, expect, it } from 'vitest';
import { allocateShipment, applyAllocation, planShipment, type ShippableLine } from '../src/shipment.ts';
import { assertCancellable, assertUndoable } from '../src/cancellation.ts';
import { deriveOrderStatus } from '../src/order.ts';
import { RuleViolationError } from '../src/errors.ts';
import type { Channel } from '../src/channel-policies.ts';

const line = (over: Partial<ShippableLine> = {}): ShippableLine => ({
  id: 'l1',
  lineNo: 1,
  sku: 'MUG',
  quantity: 10,
  shippedQuantity: 0,
  cancelledQuantity: 0,
  returnedQuantity: 0,
  ...over,
});

const order = (channel: Channel, lines: ShippableLine[]) => ({ channel, status: 'IN_PROGRESS' as const, lines });

describe('what a shipment takes from a line', () => {
  it('takes open quantity first, then cancelled quantity: only the rest counts as shipped after cancellation', () => {
    expect(allocateShipment(line({ cancelledQuantity: 4 }), 8)).toMatchObject({ fromOpen: 6, fromCancelled: 2 });
    expect(allocateShipment(line({ cancelledQuantity: 4 }), 6)).toMatchObject({ fromOpen: 6, fromCancelled: 0 });
    expect(allocateShipment(line({ cancelledQuantity: 10 }), 3)).toMatchObject({ fromOpen: 0, fromCancelled: 3 });
  });

  it('refuses to ship more than was ordered and not shipped yet, saying how many are left', () => {
    expect(() => allocateShipment(line({ shippedQuantity: 7 }), 4)).toThrow(/cannot ship 4, only 3 of 10 are not shipped yet/);
    expect(() => allocateShipment(line({ shippedQuantity: 7 }), 4)).toThrow(RuleViolationError);
  });

  it('moves shipped-after-cancel units from cancelled to shipped, so the line never counts a unit twice', () => {
    const l = line({ cancelledQuantity: 10 });
    applyAllocation(l, allocateShipment(l, 3));
    expect(l).toMatchObject({ shippedQuantity: 3, cancelledQuantity: 7 });
    expect(deriveOrderStatus([l], true)).toBe('SHIPPED');
  });
});

describe('what a shipment sets off', () => {
  it('on a fill-or-kill channel, a partial shipment kills the rest of the line', () => {
    const plan = planShipment(order('walmart', [line(), line({ id: 'l2', lineNo: 2, quantity: 2 })]), [
      { lineId: 'l1', quantity: 3 },
      { lineId: 'l2', quantity: 2 },
    ]);
    expect(plan.fillOrKill).toEqual([{ lineId: 'l1', quantity: 7 }]);
    expect(plan.shippedAfterCancel).toEqual([]);
  });

  it('on a normal channel, a partial shipment keeps the rest open', () => {
    expect(planShipment(order('webshop', [line()]), [{ lineId: 'l1', quantity: 3 }]).fillOrKill).toEqual([]);
  });

  it('shipping cancelled units starts the cancelled-but-shipped process for exactly those units', () => {
    const plan = planShipment(order('webshop', [line({ cancelledQuantity: 6 })]), [{ lineId: 'l1', quantity: 5 }]);
    expect(plan.shippedAfterCancel).toEqual([{ lineId: 'l1', quantity: 1 }]);
  });

  it('names every wrong line: unknown, listed twice, over-shipped', () => {
    try {
      planShipment(order('webshop', [line()]), [
        { lineId: 'nope', quantity: 1 },
        { lineId: 'l1', quantity: 11 },
      ]);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(RuleViolationError);
      expect((error as RuleViolationError).details.map((d) => d.path)).toEqual(['lines[0]', 'lines[1]']);
    }
    expect(() =>
      planShipment(order('webshop', [line()]), [
        { lineId: 'l1', quantity: 1 },
        { lineId: 'l1', quantity: 1 },
      ]),
    ).toThrow(/listed twice/);
  });

  it('takes no ship notice for a CLOSED order', () => {
    expect(() => planShipment({ ...order('webshop', [line()]), status: 'CLOSED' }, [{ lineId: 'l1', quantity: 1 }])).toThrow(/CLOSED/);
  });
});

describe('fill or kill cancellations', () => {
  it('may cancel the rest of a partly shipped line on a whole-lines-only channel, but only the whole rest', () => {
    const o = { channel: 'walmart' as const, status: 'PARTIALLY_SHIPPED' as const, lines: [line({ shippedQuantity: 3 })] };
    expect(() => assertCancellable(o, [{ lineId: 'l1', quantity: 7 }])).toThrow(/whole lines only/);
    expect(() => assertCancellable(o, [{ lineId: 'l1', quantity: 7 }], { fillOrKill: true })).not.toThrow();
    expect(() => assertCancellable(o, [{ lineId: 'l1', quantity: 5 }], { fillOrKill: true })).toThrow(/whole rest of the line/);
  });

  it('can never be undone or reopened', () => {
    expect(() => assertUndoable({ reason: 'FILL_OR_KILL', status: 'CANCELLED' })).toThrow(/FILL_OR_KILL cancellation can never be undone/);
    expect(() => assertUndoable({ reason: 'OUT_OF_STOCK', status: 'CANCELLED' })).not.toThrow();
    expect(() => assertUndoable({ reason: 'OUT_OF_STOCK', status: 'UNDONE' })).toThrow(/cannot be undone/);
  });
});
