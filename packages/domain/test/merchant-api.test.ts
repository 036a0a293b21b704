import { describe, expect, it } from 'vitest';
import {
  MERCHANT_API_ORDER_STATUSES,
  merchantApiCancellationReason,
  merchantApiOrderStatus,
  merchantApiOrdersQuerySchema,
  cancellationReasonOf,
  MERCHANT_API_CANCELLATION_REASONS,
  ORDER_STATUSES,
  orderStatusesOf,
  toMajorUnits,
} from '../src/index.ts';

describe("the Merchant API's words", () => {
  it("every CancelFlow order status is one of ChannelEngine's, and its filter finds it again", () => {
    for (const status of ORDER_STATUSES) {
      const theirs = merchantApiOrderStatus(status);
      expect(MERCHANT_API_ORDER_STATUSES).toContain(theirs);
      expect(orderStatusesOf(theirs)).toContain(status);
    }
    expect(merchantApiOrderStatus('CANCELLED')).toBe('CANCELED');
    expect(orderStatusesOf('IN_BACKORDER')).toEqual([]);
  });

  it('a cancellation reason code survives the round trip, except INCOMPLETE, which CancelFlow has no word for', () => {
    for (const code of MERCHANT_API_CANCELLATION_REASONS) {
      expect(merchantApiCancellationReason(cancellationReasonOf(code))).toBe(code === 'INCOMPLETE' ? 'OTHER' : code);
    }
  });

  it('reads naive times as UTC, takes offsets and dates, repeats keys into lists, and refuses what is not a time', () => {
    const query = merchantApiOrdersQuerySchema.parse({
      fromDate: '2024-01-01T00:00:00',
      toDate: '2024-01-02T01:00:00+01:00',
      fromCreatedAtDate: '2024-03-01',
      statuses: 'NEW',
      merchantOrderNos: ['A', 'B'],
      isAcknowledged: 'True',
    });
    expect(query.fromDate!.toISOString()).toBe('2024-01-01T00:00:00.000Z');
    expect(query.toDate!.toISOString()).toBe('2024-01-02T00:00:00.000Z');
    expect(query.fromCreatedAtDate!.toISOString()).toBe('2024-03-01T00:00:00.000Z');
    expect(query).toMatchObject({ statuses: ['NEW'], merchantOrderNos: ['A', 'B'], isAcknowledged: true, page: 1 });
    for (const bad of [
      { fromDate: 'yesterday' },
      { fromDate: '2024-13-01T00:00:00' },
      { statuses: ['CANCELLED'] },
      { page: '0' },
      { isAcknowledged: 'yes' },
    ]) {
      expect(merchantApiOrdersQuerySchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it("money in major units follows the currency's minor unit", () => {
    expect(toMajorUnits(1999, 'EUR')).toBe(19.99);
    expect(toMajorUnits(1999, 'JPY')).toBe(1999);
    expect(toMajorUnits(1999, 'KWD')).toBe(1.999);
  });
});

describe("the Merchant API's bodies", () => {
  it("refuse text PostgreSQL cannot store (NUL, a lone surrogate) as the caller's mistake", async () => {
    const { merchantApiCancellationSchema } = await import('../src/index.ts');
    const body = (no: string) => ({
      MerchantCancellationNo: no,
      MerchantOrderNo: 'SO-1',
      Lines: [{ MerchantProductNo: 'MUG', Quantity: 1 }],
    });
    expect(merchantApiCancellationSchema.safeParse(body('C-1')).success).toBe(true);
    expect(merchantApiCancellationSchema.safeParse(body('C\u00001')).success).toBe(false);
    expect(merchantApiCancellationSchema.safeParse(body('C\uD8001')).success).toBe(false);
    expect(merchantApiCancellationSchema.safeParse(body('C-\uD83D\uDE00')).success).toBe(true);
  });
});
