import { describe, expect, it } from 'vitest';
import { cancellationEligibility, selfServiceTurnedOff, type EligibilityOrder } from '../src/eligibility.ts';
import type { Channel } from '../src/channel-policies.ts';

const placedAt = new Date('2026-11-21T10:00:00Z');
const order = (channel: Channel, overrides: Partial<EligibilityOrder> = {}): EligibilityOrder => ({
  channel,
  status: 'IN_PROGRESS',
  placedAt,
  selfServiceEnabled: true,
  lines: [{ id: 'l1', lineNo: 1, sku: 'MUG', quantity: 10, shippedQuantity: 3, cancelledQuantity: 1, returnedQuantity: 0 }],
  ...overrides,
});
const minutesLater = (m: number) => new Date(placedAt.getTime() + m * 60_000);

describe('cancellation eligibility', () => {
  it('Amazon buyers may cancel for 30 minutes after ordering', () => {
    expect(cancellationEligibility(order('amazon'), minutesLater(29)).customer.allowed).toBe(true);
    const late = cancellationEligibility(order('amazon'), minutesLater(31)).customer;
    expect(late.allowed).toBe(false);
    expect(late.reason).toMatch(/within 30 minutes/);
  });

  it('Mirakl customers may cancel within the processing period only', () => {
    expect(cancellationEligibility(order('mirakl'), minutesLater(21)).customer.allowed).toBe(false);
  });

  it('the web shop can turn self-service off, the merchant can still cancel', () => {
    const e = cancellationEligibility(order('webshop', { selfServiceEnabled: false }), minutesLater(1));
    expect(e.customer.allowed).toBe(false);
    expect(e.merchant.allowed).toBe(true);
  });

  it("the store's self-service setting does not bar a customer who asks the shop another way", () => {
    const off = order('webshop', { selfServiceEnabled: false });
    expect(selfServiceTurnedOff(off)).toBe(true);
    expect(cancellationEligibility(off, minutesLater(1), { selfService: false }).customer).toEqual({ allowed: true });
    // Only the web shop has the setting: on Amazon the flag means nothing, the window decides.
    expect(selfServiceTurnedOff(order('amazon', { selfServiceEnabled: false }))).toBe(false);
  });

  it('tells how much of each line can be cancelled and why not the rest', () => {
    const [line] = cancellationEligibility(order('webshop'), minutesLater(1)).lines;
    expect(line).toMatchObject({ cancellableQuantity: 6, wholeLineOnly: false });
    expect(line!.notCancellable).toEqual(['3 shipped: a return, not a cancellation', '1 already cancelled']);
  });

  it('a partly shipped line cannot be cancelled on a whole-lines-only channel', () => {
    const [line] = cancellationEligibility(order('walmart'), minutesLater(1)).lines;
    expect(line).toMatchObject({ cancellableQuantity: 0, wholeLineOnly: true });
  });

  it('nothing can be cancelled on a shipped order', () => {
    const e = cancellationEligibility(order('webshop', { status: 'SHIPPED' }), minutesLater(1));
    expect(e.merchant).toMatchObject({ allowed: false, reason: expect.stringMatching(/return/) });
    expect(e.lines[0]!.cancellableQuantity).toBe(0);
  });
});
