import { describe, expect, it } from 'vitest';
import { planRefund, refundStatusOf } from '../src/refund.ts';
import { RuleViolationError } from '../src/errors.ts';

describe('refund plan', () => {
  it('needs no refund for a zero amount or the method NONE', () => {
    expect(planRefund(0, 'ORIGINAL_PAYMENT', [])).toEqual([]);
    expect(planRefund(500, 'NONE', [])).toEqual([]);
  });

  it('returns money to the card before points on a mixed payment', () => {
    const plan = planRefund(700, 'ORIGINAL_PAYMENT', [
      { method: 'POINTS', reference: 'pts', refundable: 500 },
      { method: 'CARD', reference: 'card', refundable: 400 },
    ]);
    expect(plan).toEqual([
      { channel: 'CARD', amount: 400, paymentReference: 'card' },
      { channel: 'POINTS', amount: 300, paymentReference: 'pts' },
    ]);
  });

  it('refunds a bank transfer by bank deposit', () => {
    expect(planRefund(100, 'ORIGINAL_PAYMENT', [{ method: 'BANK_TRANSFER', reference: 'tr', refundable: 100 }])).toEqual([
      { channel: 'BANK_DEPOSIT', amount: 100, paymentReference: 'tr' },
    ]);
  });

  it('sends the whole amount one way when the merchant chooses a method', () => {
    expect(planRefund(100, 'STORE_CREDIT', [])).toEqual([{ channel: 'STORE_CREDIT', amount: 100 }]);
  });

  it('never refunds more than is left on the original payment', () => {
    expect(() => planRefund(200, 'ORIGINAL_PAYMENT', [{ method: 'CARD', reference: 'c', refundable: 150 }])).toThrow(RuleViolationError);
  });

  it('a refund fails if any part failed and succeeds only when all did', () => {
    expect(refundStatusOf([{ status: 'SUCCEEDED' }, { status: 'PENDING' }])).toBe('PENDING');
    expect(refundStatusOf([{ status: 'SUCCEEDED' }, { status: 'FAILED' }])).toBe('FAILED');
    expect(refundStatusOf([{ status: 'SUCCEEDED' }])).toBe('SUCCEEDED');
  });
});
