import { describe, expect, it } from 'vitest';
import { deriveOrderStatus, openQuantity, type LineQuantities } from '../src/order.ts';

const line = (quantity: number, shippedQuantity = 0, cancelledQuantity = 0): LineQuantities => ({
  quantity,
  shippedQuantity,
  cancelledQuantity,
  returnedQuantity: 0,
});

describe('order status follows from its lines', () => {
  it('is NEW until the shop retrieves it, then IN_PROGRESS', () => {
    expect(deriveOrderStatus([line(2)], false)).toBe('NEW');
    expect(deriveOrderStatus([line(2)], true)).toBe('IN_PROGRESS');
  });

  it('a partly cancelled order stays open', () => {
    expect(deriveOrderStatus([line(2, 0, 1)], true)).toBe('IN_PROGRESS');
  });

  it('is CANCELLED only when every unit is cancelled', () => {
    expect(deriveOrderStatus([line(2, 0, 2), line(1, 0, 1)], true)).toBe('CANCELLED');
  });

  it('is PARTIALLY_SHIPPED while units are still open, SHIPPED when the rest is shipped or cancelled', () => {
    expect(deriveOrderStatus([line(10, 3)], true)).toBe('PARTIALLY_SHIPPED');
    expect(deriveOrderStatus([line(10, 3, 7)], true)).toBe('SHIPPED');
    expect(deriveOrderStatus([line(1, 1), line(1)], true)).toBe('PARTIALLY_SHIPPED');
  });

  it('open quantity is what is neither shipped nor cancelled', () => {
    expect(openQuantity(line(10, 3, 2))).toBe(5);
  });
});
