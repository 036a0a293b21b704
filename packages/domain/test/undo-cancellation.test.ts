import { describe, expect, it } from 'vitest';
import { ConflictError, RuleViolationError } from '../src/errors.ts';
import type { Channel } from '../src/channel-policies.ts';
import { netOf, planUndo, planUndoMoney, type UndoRefundPart, type UndoRequestSubject } from '../src/undo-cancellation.ts';
import { undoCancellationSchema, providerEventBodySchema } from '../src/schemas/index.ts';

const subject = (
  overrides: {
    channel?: Channel;
    reason?: UndoRequestSubject['cancellation']['reason'];
    status?: UndoRequestSubject['cancellation']['status'];
    orderStatus?: UndoRequestSubject['order']['status'];
    shipped?: number;
    stillCancelled?: number;
    disputed?: boolean;
  } = {},
): UndoRequestSubject => ({
  order: {
    channel: overrides.channel ?? 'webshop',
    status: overrides.orderStatus ?? 'IN_PROGRESS',
    lines: [
      {
        id: 'l1',
        lineNo: 1,
        sku: 'MUG',
        quantity: 4,
        shippedQuantity: overrides.shipped ?? 0,
        cancelledQuantity: overrides.stillCancelled ?? 3,
      },
      { id: 'l2', lineNo: 2, sku: 'TEA', quantity: 1, shippedQuantity: 0, cancelledQuantity: 1 },
    ],
  },
  cancellation: {
    reason: overrides.reason ?? 'OUT_OF_STOCK',
    status: overrides.status ?? 'CANCELLED',
    disputed: overrides.disputed ?? false,
    lines: [
      { lineId: 'l1', quantity: 3 },
      { lineId: 'l2', quantity: 1 },
    ],
  },
});

describe('what an undo may reopen', () => {
  it('reopens every cancelled quantity of an IN_PROGRESS or CANCELLED cancellation', () => {
    for (const status of ['IN_PROGRESS', 'CANCELLED'] as const) {
      const plan = planUndo(subject({ status }));
      expect(plan.whole).toBe(true);
      expect(plan.lines).toEqual([
        { lineId: 'l1', lineNo: 1, sku: 'MUG', quantity: 3 },
        { lineId: 'l2', lineNo: 2, sku: 'TEA', quantity: 1 },
      ]);
    }
  });

  it('never undoes a FILL_OR_KILL cancellation (422)', () => {
    expect(() => planUndo(subject({ reason: 'FILL_OR_KILL' }))).toThrow(RuleViolationError);
    expect(() => planUndo(subject({ reason: 'FILL_OR_KILL' }))).toThrow(/FILL_OR_KILL.*never be undone/);
  });

  it('refuses a cancellation that is already UNDONE (409)', () => {
    expect(() => planUndo(subject({ status: 'UNDONE' }))).toThrow(ConflictError);
  });

  it('leaves out cancelled units that shipped since, and reopens the rest', () => {
    const plan = planUndo(subject({ stillCancelled: 1, shipped: 2 }));
    expect(plan.whole).toBe(false);
    expect(plan.lines[0]).toMatchObject({ lineId: 'l1', quantity: 1 });
    expect(plan.shippedSince).toEqual([{ lineId: 'l1', lineNo: 1, quantity: 2 }]);
  });

  it('refuses when everything the cancellation took has shipped since (409)', () => {
    const s = subject({ stillCancelled: 0, shipped: 3 });
    s.order.lines[1]!.cancelledQuantity = 0;
    s.order.lines[1]!.shippedQuantity = 1;
    expect(() => planUndo(s)).toThrow(/nothing left to reopen/);
  });

  it('refuses lines a fill-or-kill channel closed when part of them shipped (422)', () => {
    expect(() => planUndo(subject({ channel: 'walmart', shipped: 1 }))).toThrow(/cannot be reopened/);
    expect(() => planUndo(subject({ channel: 'walmart' }))).not.toThrow();
  });

  it('refuses a CLOSED order and an eBay dispute: the channel cannot reopen them', () => {
    expect(() => planUndo(subject({ orderStatus: 'CLOSED' }))).toThrow(/CLOSED/);
    expect(() => planUndo(subject({ channel: 'ebay', disputed: true }))).toThrow(/dispute/);
  });
});

const part = (p: Partial<UndoRefundPart> & Pick<UndoRefundPart, 'channel'>): UndoRefundPart => ({
  partId: p.channel,
  amount: 1000,
  status: 'SUCCEEDED',
  stoppable: false,
  recapturable: false,
  ...p,
});

describe('how the money comes back before anything reopens', () => {
  it('stops a pending card refund the provider can still cancel', () => {
    expect(planUndoMoney(1000, [part({ channel: 'CARD', status: 'PENDING', stoppable: true })])).toEqual([
      { action: 'STOP_REFUND', partId: 'CARD', channel: 'CARD', amount: 1000 },
    ]);
  });

  it('treats a pending refund the provider cannot stop as settled: recapture, else pay again', () => {
    expect(planUndoMoney(1000, [part({ channel: 'CARD', status: 'PENDING', recapturable: true })])[0]!.action).toBe('RECAPTURE');
    expect(planUndoMoney(1000, [part({ channel: 'CARD', status: 'PENDING' })])[0]!.action).toBe('PAY_AGAIN');
    expect(planUndoMoney(1000, [part({ channel: 'BANK_DEPOSIT', status: 'PENDING' })])[0]!.action).toBe('PAY_AGAIN');
  });

  it('recaptures a settled card refund while the authorisation lasts, else the customer pays again', () => {
    expect(planUndoMoney(1000, [part({ channel: 'CARD', recapturable: true })])[0]!.action).toBe('RECAPTURE');
    expect(planUndoMoney(1000, [part({ channel: 'CARD' })])[0]!.action).toBe('PAY_AGAIN');
  });

  it('takes points and store credit back from the ledger first', () => {
    const steps = planUndoMoney(1500, [part({ channel: 'CARD', recapturable: true }), part({ channel: 'POINTS' })]);
    expect(steps).toEqual([
      { action: 'TAKE_BACK_LEDGER', partId: 'POINTS', channel: 'POINTS', amount: 1000 },
      { action: 'RECAPTURE', partId: 'CARD', channel: 'CARD', amount: 500 },
    ]);
  });

  it('collects nothing for failed parts or when nothing was refunded', () => {
    expect(planUndoMoney(1000, [part({ channel: 'CARD', status: 'FAILED' })])).toEqual([]);
    expect(planUndoMoney(1000, [])).toEqual([]);
  });

  it('only stops a pending refund when the undo reopens all of it', () => {
    expect(planUndoMoney(400, [part({ channel: 'CARD', status: 'PENDING', stoppable: true })])[0]!.action).toBe('PAY_AGAIN');
  });

  it('net = charged - refunded - ledger still given back + recaptured + rebilled + paid again', () => {
    expect(netOf({ charged: 5500, refunded: 5500, ledgerReturned: 0, recaptured: 5500, rebilled: 0, paidAgain: 0 })).toBe(5500);
    expect(netOf({ charged: 2000, refunded: 0, ledgerReturned: 2000, recaptured: 0, rebilled: 0, paidAgain: 0 })).toBe(0);
  });
});

describe('undo request bodies', () => {
  it('needs a reason and the staff member', () => {
    expect(undoCancellationSchema.safeParse({ reason: 'customer changed their mind', staffId: 'sam' }).success).toBe(true);
    const bad = undoCancellationSchema.safeParse({ staffId: '' });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toMatch(/reason is required/);
  });

  it('provider events still take refund events and now payment.received', () => {
    expect(providerEventBodySchema.safeParse({ eventId: 'e', type: 'refund.settled', providerRefundId: 're_1' }).success).toBe(true);
    expect(
      providerEventBodySchema.safeParse({
        eventId: 'e',
        type: 'payment.received',
        paymentRequestId: '6f1c2b9e-4a57-4c1e-9a43-0a0b4b1c2d3e',
        amount: 100,
      }).success,
    ).toBe(true);
    expect(providerEventBodySchema.safeParse({ eventId: 'e', type: 'payment.received' }).success).toBe(false);
  });
});
