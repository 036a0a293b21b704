import { describe, expect, it } from 'vitest';
import { nextAttemptInMs, retryDelayMs, WEBHOOK_RETRY_SCHEDULE, webhookEventOf } from '../src/webhooks.ts';

const ORDER = 'order-1';

describe('which timeline entries are webhook events', () => {
  it.each([
    ['IMPORTED', {}, { type: 'order.imported', resourceId: ORDER }],
    ['ACKNOWLEDGED', { merchantOrderNo: 'X' }, { type: 'order.acknowledged', resourceId: ORDER }],
    ['CANCELLATION_REQUESTED', { cancellationId: 'c-1' }, { type: 'cancellation.requested', resourceId: 'c-1' }],
    [
      'CANCELLATION_STEP',
      { cancellationId: 'c-1', step: 'CHANNEL_NOTIFIED' },
      { type: 'cancellation.in_progress', resourceId: 'c-1', step: 'CHANNEL_NOTIFIED' },
    ],
    [
      'CANCELLATION_STEP',
      { cancellationId: 'c-1', step: 'REFUND_FAILED' },
      { type: 'cancellation.refund_failed', resourceId: 'c-1', step: 'REFUND_FAILED' },
    ],
    ['CANCELLATION_COMPLETED', { cancellationId: 'c-1' }, { type: 'cancellation.cancelled', resourceId: 'c-1' }],
    ['CANCELLATION_UNDONE', { cancellationId: 'c-1', undoId: 'u-1' }, { type: 'cancellation.undone', resourceId: 'c-1' }],
    ['CANCELLATION_REQUEST_RECEIVED', { requestId: 'r-1' }, { type: 'cancellation_request.created', resourceId: 'r-1' }],
    ['CANCELLATION_REQUEST_REJECTED', { requestId: 'r-1' }, { type: 'cancellation_request.decided', resourceId: 'r-1', step: 'REJECTED' }],
    ['SHIPMENT_RECORDED', { shipmentId: 's-1' }, { type: 'shipment.recorded', resourceId: 's-1' }],
    [
      'CANCELLED_BUT_SHIPPED_STARTED',
      { cancelledButShippedId: 'ch-1' },
      { type: 'cancelled_but_shipped.step', resourceId: 'ch-1', step: 'STARTED' },
    ],
    ['UNDO_REQUESTED', { undoId: 'u-1' }, { type: 'undo.step', resourceId: 'u-1', step: 'REQUESTED' }],
    ['UNDO_FAILED', { undoId: 'u-1' }, { type: 'undo.step', resourceId: 'u-1', step: 'FAILED' }],
  ])('%s is %j', (type, detail, expected) => {
    expect(webhookEventOf(ORDER, { type, detail })).toEqual(expected);
  });

  it.each([
    ['RETURN_OPENED', { returnId: 'x' }],
    ['CANCELLATION_STEP', { cancellationId: 'c-1', step: 'CUSTOMER_NOTIFIED' }],
    ['CANCELLATION_STEP', { cancellationId: 'c-1', step: 'RESERVED' }],
    ['CANCELLATION_REQUEST_REMINDER_SENT', { requestId: 'r-1' }],
    // A copy of a step on the timeline (older rows): the step itself is the event.
    ['CANCELLATION_CHANNEL_NOTIFIED', { cancellationId: 'c-1' }],
    ['SHIPMENT_RECORDED', {}],
  ])('%s (%j) is none', (type, detail) => {
    expect(webhookEventOf(ORDER, { type, detail })).toBeUndefined();
  });
});

describe('a failing receiver is retried with waits that double, for 3 days', () => {
  it('waits 30 s, 1 min, 2 min ... up to 6 h between attempts', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(WEBHOOK_RETRY_SCHEDULE, n))).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(retryDelayMs(WEBHOOK_RETRY_SCHEDULE, 30)).toBe(6 * 3600_000);
  });

  it('gives up when the next attempt would start after 3 days from the first', () => {
    const day = 24 * 3600_000;
    expect(nextAttemptInMs(WEBHOOK_RETRY_SCHEDULE, 20, 2 * day)).toBe(6 * 3600_000);
    expect(nextAttemptInMs(WEBHOOK_RETRY_SCHEDULE, 20, 3 * day - 3600_000)).toBeUndefined();
  });
});
