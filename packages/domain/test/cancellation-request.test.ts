import { describe, expect, it } from 'vitest';
import {
  assertRequestTransition,
  canRequestTransition,
  CANCELLATION_REQUEST_STATUSES,
  cancellationRequestWorkflowId,
  decideCancellationRequest,
  initiatorOfRequest,
  overtakenByShipment,
  rejectionPointsToReturn,
} from '../src/cancellation-request.ts';
import type { Channel } from '../src/channel-policies.ts';
import type { EligibilityOrder } from '../src/eligibility.ts';
import { ConflictError, RuleViolationError } from '../src/errors.ts';
import { assertReturnable } from '../src/returns.ts';

const placedAt = new Date('2026-11-21T10:00:00Z');
const minutesLater = (m: number) => new Date(placedAt.getTime() + m * 60_000);
const line = (over: Partial<EligibilityOrder['lines'][number]> = {}) => ({
  id: 'l1',
  lineNo: 1,
  sku: 'MUG',
  quantity: 2,
  shippedQuantity: 0,
  cancelledQuantity: 0,
  returnedQuantity: 0,
  ...over,
});
const order = (channel: Channel, over: Partial<EligibilityOrder & { acknowledged: boolean }> = {}) => ({
  channel,
  status: 'IN_PROGRESS' as const,
  acknowledged: true,
  placedAt,
  selfServiceEnabled: true,
  lines: [line()],
  ...over,
});

describe('cancellation request status machine', () => {
  it('only an open request is accepted, rejected or withdrawn', () => {
    expect(canRequestTransition('REQUESTED', 'ACCEPTED')).toBe(true);
    expect(canRequestTransition('REQUESTED', 'REJECTED')).toBe(true);
    expect(canRequestTransition('REQUESTED', 'WITHDRAWN')).toBe(true);
    for (const from of CANCELLATION_REQUEST_STATUSES.filter((s) => s !== 'REQUESTED')) {
      for (const to of CANCELLATION_REQUEST_STATUSES) expect(canRequestTransition(from, to)).toBe(false);
    }
  });

  it('AUTO_ACCEPTED is where a request starts, never where one goes', () => {
    expect(canRequestTransition('REQUESTED', 'AUTO_ACCEPTED')).toBe(false);
  });

  it('answering a closed request is a conflict that says what became of it', () => {
    expect(() => assertRequestTransition('WITHDRAWN', 'ACCEPTED')).toThrow(ConflictError);
    expect(() => assertRequestTransition('WITHDRAWN', 'ACCEPTED')).toThrow(/withdrawn by the customer/);
  });

  it('a marketplace asks for the customer: the cancellation names the marketplace as initiator', () => {
    expect(initiatorOfRequest('MARKETPLACE')).toBe('MARKETPLACE');
    expect(initiatorOfRequest('CUSTOMER_SELF_SERVICE')).toBe('CUSTOMER');
    expect(initiatorOfRequest('CUSTOMER_CONTACT')).toBe('CUSTOMER');
  });

  it('workflow ids derive from the request id', () => {
    expect(cancellationRequestWorkflowId('r1')).toBe('cancellation-request-r1');
  });
});

describe('deciding a cancellation request', () => {
  const ask = [{ lineId: 'l1', quantity: 1 }];

  it('an order the shop has not retrieved is cancelled at once', () => {
    expect(
      decideCancellationRequest(order('webshop', { status: 'NEW', acknowledged: false }), ask, minutesLater(5), 'CUSTOMER_SELF_SERVICE'),
    ).toEqual({ kind: 'AUTO_ACCEPT' });
  });

  it('an order the shop is working on waits for the merchant', () => {
    expect(decideCancellationRequest(order('webshop'), ask, minutesLater(5), 'CUSTOMER_SELF_SERVICE')).toEqual({ kind: 'ASK_MERCHANT' });
  });

  it('Amazon: within 30 minutes of ordering, not after', () => {
    expect(decideCancellationRequest(order('amazon'), ask, minutesLater(29), 'CUSTOMER_SELF_SERVICE').kind).toBe('ASK_MERCHANT');
    expect(() => decideCancellationRequest(order('amazon'), ask, minutesLater(31), 'CUSTOMER_SELF_SERVICE')).toThrow(/within 30 minutes/);
  });

  it('Mirakl: within the processing period only', () => {
    expect(decideCancellationRequest(order('mirakl'), ask, minutesLater(19), 'CUSTOMER_SELF_SERVICE').kind).toBe('ASK_MERCHANT');
    expect(() => decideCancellationRequest(order('mirakl'), ask, minutesLater(21), 'CUSTOMER_SELF_SERVICE')).toThrow(RuleViolationError);
  });

  it('web shop, eBay, Rakuten, Walmart: until shipped, however late', () => {
    for (const channel of ['webshop', 'ebay', 'rakuten'] as const) {
      expect(decideCancellationRequest(order(channel), ask, minutesLater(60 * 24 * 7), 'CUSTOMER_SELF_SERVICE').kind).toBe('ASK_MERCHANT');
    }
    expect(
      decideCancellationRequest(order('walmart'), [{ lineId: 'l1', quantity: 2 }], minutesLater(60 * 24), 'CUSTOMER_SELF_SERVICE').kind,
    ).toBe('ASK_MERCHANT');
  });

  it('the web shop store setting turns the self-service page off, and only that', () => {
    const off = order('webshop', { selfServiceEnabled: false });
    expect(() => decideCancellationRequest(off, ask, minutesLater(1), 'CUSTOMER_SELF_SERVICE')).toThrow(
      /turned self-service cancellation off/,
    );
    expect(decideCancellationRequest(off, ask, minutesLater(1), 'CUSTOMER_CONTACT')).toEqual({ kind: 'ASK_MERCHANT' });
    expect(decideCancellationRequest(off, ask, minutesLater(1), 'MARKETPLACE')).toEqual({ kind: 'ASK_MERCHANT' });
  });

  it("a customer who contacts the shop is still held to the channel's window and to what is unshipped", () => {
    expect(() => decideCancellationRequest(order('amazon'), ask, minutesLater(31), 'CUSTOMER_CONTACT')).toThrow(/within 30 minutes/);
    const shipped = order('webshop', { selfServiceEnabled: false, status: 'SHIPPED', lines: [line({ shippedQuantity: 2 })] });
    expect(() => decideCancellationRequest(shipped, ask, minutesLater(1), 'MARKETPLACE')).toThrow(/open a return/);
  });

  it('a shipped order cannot be cancelled: the answer is a return', () => {
    const shipped = order('webshop', { status: 'SHIPPED', lines: [line({ shippedQuantity: 2 })] });
    expect(() => decideCancellationRequest(shipped, ask, minutesLater(1), 'CUSTOMER_SELF_SERVICE')).toThrow(/open a return/);
  });

  it('shipped quantities of a line cannot be asked for, and the message says return', () => {
    const partly = order('webshop', { status: 'PARTIALLY_SHIPPED', lines: [line({ shippedQuantity: 1 })] });
    expect(() => decideCancellationRequest(partly, [{ lineId: 'l1', quantity: 2 }], minutesLater(1), 'CUSTOMER_SELF_SERVICE')).toThrow(
      /a return, not a cancellation/,
    );
  });

  it('whole-lines-only channels take whole lines', () => {
    expect(() => decideCancellationRequest(order('walmart'), ask, minutesLater(1), 'CUSTOMER_SELF_SERVICE')).toThrow(/whole lines only/);
  });

  it('names a line that is not on the order', () => {
    expect(() =>
      decideCancellationRequest(order('webshop'), [{ lineId: 'nope', quantity: 1 }], minutesLater(1), 'CUSTOMER_SELF_SERVICE'),
    ).toThrow(/not a line of this order/);
  });
});

describe('shipments and requests', () => {
  it('a shipment overtakes a request when the requested quantity is no longer unshipped', () => {
    expect(overtakenByShipment([line({ shippedQuantity: 1 })], [{ lineId: 'l1', quantity: 2 }])).toBe(true);
    expect(overtakenByShipment([line({ shippedQuantity: 1 })], [{ lineId: 'l1', quantity: 1 }])).toBe(false);
  });

  it('a rejection points to a return when something asked for has shipped', () => {
    expect(rejectionPointsToReturn([line({ shippedQuantity: 1 })], [{ lineId: 'l1', quantity: 1 }])).toBe(true);
    expect(rejectionPointsToReturn([line()], [{ lineId: 'l1', quantity: 1 }])).toBe(false);
  });
});

describe('returns', () => {
  it('a return is for shipped quantities only: unshipped goods are cancelled instead', () => {
    expect(() => assertReturnable([line()], [{ lineId: 'l1', quantity: 1 }])).toThrow(/cancel the unshipped quantity instead/);
    expect(() => assertReturnable([line({ shippedQuantity: 1 })], [{ lineId: 'l1', quantity: 2 }])).toThrow(/cancel them instead/);
    expect(() => assertReturnable([line({ shippedQuantity: 2, returnedQuantity: 1 })], [{ lineId: 'l1', quantity: 2 }])).toThrow(
      /only 1 shipped and not yet returned/,
    );
    expect(() => assertReturnable([line({ shippedQuantity: 2 })], [{ lineId: 'l1', quantity: 2 }])).not.toThrow();
  });
});
