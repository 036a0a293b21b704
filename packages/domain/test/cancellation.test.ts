import { describe, expect, it } from 'vitest';
import { assertCancellable, canTransition, type CancellableOrder } from '../src/cancellation.ts';
import { RuleViolationError } from '../src/errors.ts';
import type { Channel } from '../src/channel-policies.ts';

const order = (channel: Channel, shipped = 0, cancelled = 0): CancellableOrder => ({
  channel,
  status: shipped > 0 ? 'PARTIALLY_SHIPPED' : 'IN_PROGRESS',
  lines: [
    { id: 'l1', lineNo: 1, sku: 'MUG', quantity: 10, shippedQuantity: shipped, cancelledQuantity: cancelled, returnedQuantity: 0 },
    { id: 'l2', lineNo: 2, sku: 'TEA', quantity: 2, shippedQuantity: 0, cancelledQuantity: 0, returnedQuantity: 0 },
  ],
});

describe('what a merchant may cancel', () => {
  it('allows any unshipped quantity on channels with partial quantities', () => {
    expect(() => assertCancellable(order('webshop'), [{ lineId: 'l1', quantity: 4 }])).not.toThrow();
  });

  it('never cancels more than is neither shipped nor cancelled, and says how much is left', () => {
    expect(() => assertCancellable(order('amazon', 3, 2), [{ lineId: 'l1', quantity: 6 }])).toThrow(
      /only 5 of 10 are neither shipped nor cancelled/,
    );
  });

  it('takes whole lines only on walmart-style portals', () => {
    expect(() => assertCancellable(order('walmart'), [{ lineId: 'l1', quantity: 4 }])).toThrow(/whole lines only/);
    expect(() => assertCancellable(order('walmart'), [{ lineId: 'l1', quantity: 10 }])).not.toThrow();
  });

  it('refuses a shipped order and points to a return', () => {
    expect(() => assertCancellable({ ...order('webshop'), status: 'SHIPPED' }, [{ lineId: 'l1', quantity: 1 }])).toThrow(/open a return/);
  });

  it('names unknown and repeated lines', () => {
    try {
      assertCancellable(order('webshop'), [
        { lineId: 'nope', quantity: 1 },
        { lineId: 'l2', quantity: 1 },
        { lineId: 'l2', quantity: 1 },
      ]);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(RuleViolationError);
      const details = (error as RuleViolationError).details.map((d) => d.message);
      expect(details).toEqual([expect.stringMatching(/not a line of this order/), expect.stringMatching(/listed twice/)]);
    }
  });
});

describe('cancellation status', () => {
  it('moves IN_PROGRESS -> CANCELLED -> UNDONE and never back', () => {
    expect(canTransition('IN_PROGRESS', 'CANCELLED')).toBe(true);
    expect(canTransition('CANCELLED', 'UNDONE')).toBe(true);
    expect(canTransition('CANCELLED', 'IN_PROGRESS')).toBe(false);
    expect(canTransition('UNDONE', 'CANCELLED')).toBe(false);
  });
});
