import { describe, expect, it } from 'vitest';
import { createCancellationSchema, importOrderSchema } from '../src/schemas/index.ts';

const validOrder = {
  channel: 'webshop',
  channelOrderNo: 'WS-1',
  merchantId: 'm1',
  currency: 'EUR',
  customer: { email: 'ada@example.com', name: 'Ada' },
  lines: [{ sku: 'MUG', quantity: 2, unitPrice: 1250 }],
  payments: [{ method: 'CARD', amount: 2500, reference: 'pi_1' }],
};

describe('import order schema', () => {
  it('accepts a well-formed order and fills defaults', () => {
    const parsed = importOrderSchema.parse(validOrder);
    expect(parsed.thirdPartyManaged).toBe(false);
    expect(parsed.selfServiceEnabled).toBe(true);
  });

  it('refuses decimal prices with a message that says to send minor units', () => {
    const result = importOrderSchema.safeParse({ ...validOrder, lines: [{ sku: 'MUG', quantity: 2, unitPrice: 12.5 }] });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.message).toMatch(/whole number of minor units/);
  });

  it('refuses payments that do not add up to the lines', () => {
    const result = importOrderSchema.safeParse({ ...validOrder, payments: [{ method: 'CARD', amount: 100, reference: 'x' }] });
    expect(result.error!.issues[0]!.message).toMatch(/must match/);
  });

  it('refuses an unknown channel', () => {
    expect(importOrderSchema.safeParse({ ...validOrder, channel: 'etsy' }).success).toBe(false);
  });
});

describe('create cancellation schema', () => {
  const valid = { lines: [{ lineId: 'l1', quantity: 1 }], reason: 'OUT_OF_STOCK', merchantCancellationNumber: 'C-1' };

  it('defaults to refunding the original payment without restock', () => {
    expect(createCancellationSchema.parse(valid)).toMatchObject({
      refundMethod: 'ORIGINAL_PAYMENT',
      restock: false,
      initiator: 'MERCHANT',
    });
  });

  it('keeps FILL_OR_KILL for the system', () => {
    const result = createCancellationSchema.safeParse({ ...valid, reason: 'FILL_OR_KILL' });
    expect(result.error!.issues[0]!.message).toMatch(/made by the system/);
  });

  it('needs at least one line and a positive quantity', () => {
    expect(createCancellationSchema.safeParse({ ...valid, lines: [] }).success).toBe(false);
    expect(createCancellationSchema.safeParse({ ...valid, lines: [{ lineId: 'l1', quantity: 0 }] }).success).toBe(false);
  });
});
