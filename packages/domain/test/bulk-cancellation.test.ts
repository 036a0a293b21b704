import { describe, expect, it } from 'vitest';
import { planBulkItem } from '../src/bulk-cancellation.ts';
import type { CancellableOrder } from '../src/cancellation.ts';
import type { Channel } from '../src/channel-policies.ts';

const order = (channel: Channel, over: Partial<CancellableOrder> = {}): CancellableOrder => ({
  channel,
  status: 'IN_PROGRESS',
  lines: [
    { id: 'l1', lineNo: 1, sku: 'MUG', quantity: 3, shippedQuantity: 0, cancelledQuantity: 0, returnedQuantity: 0 },
    { id: 'l2', lineNo: 2, sku: 'TEA', quantity: 2, shippedQuantity: 0, cancelledQuantity: 0, returnedQuantity: 0 },
    { id: 'l3', lineNo: 3, sku: 'MUG', quantity: 2, shippedQuantity: 1, cancelledQuantity: 0, returnedQuantity: 0 },
  ],
  ...over,
});

describe('what a bulk job does with one order', () => {
  it('takes every open unit of the SKU, line by line, when no quantity is named', () => {
    expect(planBulkItem(order('webshop'), { sku: 'MUG', reason: 'OUT_OF_STOCK' })).toEqual({
      kind: 'CANCEL',
      lines: [
        { lineId: 'l1', quantity: 3 },
        { lineId: 'l3', quantity: 1 },
      ],
      skippedQuantity: 0,
    });
  });

  it('takes what a row asks, from the first line on; units no longer open are skipped and said so', () => {
    expect(planBulkItem(order('amazon'), { sku: 'MUG', quantity: 2, reason: 'DEFECTIVE' })).toMatchObject({
      kind: 'CANCEL',
      lines: [{ lineId: 'l1', quantity: 2 }],
    });
    expect(planBulkItem(order('amazon'), { sku: 'MUG', quantity: 6, reason: 'DEFECTIVE' })).toMatchObject({
      kind: 'CANCEL',
      skippedQuantity: 2,
      detail: '2 of 6 asked no longer open (shipped or already cancelled): skipped',
    });
  });

  it('skips an order with nothing open, with the reason', () => {
    const shipped = order('webshop', {
      status: 'PARTIALLY_SHIPPED',
      lines: [{ id: 'l1', lineNo: 1, sku: 'MUG', quantity: 2, shippedQuantity: 1, cancelledQuantity: 1, returnedQuantity: 0 }],
    });
    expect(planBulkItem(shipped, { sku: 'MUG', reason: 'OUT_OF_STOCK' })).toEqual({
      kind: 'SKIPPED',
      reason: 'no unit of MUG is open: 1 shipped, 1 already cancelled',
    });
    expect(planBulkItem(order('webshop', { status: 'CANCELLED' }), { sku: 'MUG', reason: 'OUT_OF_STOCK' })).toMatchObject({
      kind: 'SKIPPED',
    });
    expect(planBulkItem(order('webshop', { status: 'SHIPPED' }), { sku: 'MUG', reason: 'OUT_OF_STOCK' })).toMatchObject({
      kind: 'SKIPPED',
    });
  });

  it("refuses what the channel's rules refuse, in the rule's words (whole lines only on walmart-style portals)", () => {
    const plan = planBulkItem(order('walmart'), { sku: 'MUG', quantity: 1, reason: 'OUT_OF_STOCK' });
    expect(plan.kind).toBe('REFUSED');
    expect(plan.kind === 'REFUSED' && plan.reason).toMatch(/whole lines only/);
  });
});
