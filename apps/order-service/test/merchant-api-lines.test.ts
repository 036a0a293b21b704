import { describe, expect, it } from 'vitest';
import type { OrderLine } from '../src/db/entities/index.ts';
import { MerchantApiError } from '../src/merchant-api/envelope.ts';
import { nativeLines } from '../src/merchant-api/translate.ts';

const line = (id: string, sku: string, quantity: number, cancelled = 0): OrderLine =>
  ({
    id,
    orderId: 'o',
    lineNo: Number(id.slice(1)),
    sku,
    quantity,
    unitPrice: 100,
    vatRate: 0,
    discount: 0,
    shippedQuantity: 0,
    cancelledQuantity: cancelled,
    returnedQuantity: 0,
  }) as OrderLine;
const open = (l: OrderLine) => l.quantity - l.shippedQuantity - l.cancelledQuantity;

describe('products and quantities as order lines', () => {
  const lines = [line('l1', 'MUG', 2, 1), line('l2', 'TEAPOT', 1), line('l3', 'MUG', 3)];

  it('a product on several lines fills them in line order, each up to what it can take', () => {
    expect(nativeLines(lines, [{ MerchantProductNo: 'MUG', Quantity: 3 }], open, 'cancel')).toEqual({
      lines: [
        { lineId: 'l1', quantity: 1 },
        { lineId: 'l3', quantity: 2 },
      ],
      origins: [0, 0],
    });
  });

  it("what does not fit goes to the product's last line, for the native rule to refuse; the origins name the request's line", () => {
    expect(
      nativeLines(
        lines,
        [
          { MerchantProductNo: 'TEAPOT', Quantity: 1 },
          { MerchantProductNo: 'MUG', Quantity: 9 },
        ],
        open,
        'cancel',
      ),
    ).toEqual({
      lines: [
        { lineId: 'l1', quantity: 1 },
        { lineId: 'l2', quantity: 1 },
        { lineId: 'l3', quantity: 8 },
      ],
      origins: [1, 0, 1],
    });
  });

  it('an unknown product is refused by its field; quantities of 0 name nothing', () => {
    const unknown = (() => {
      try {
        nativeLines(
          lines,
          [
            { MerchantProductNo: 'MUG', Quantity: 1 },
            { MerchantProductNo: 'KETTLE', Quantity: 1 },
          ],
          open,
          'cancel',
        );
      } catch (error) {
        return error;
      }
    })();
    expect(unknown).toBeInstanceOf(MerchantApiError);
    expect((unknown as MerchantApiError).validationErrors).toEqual({
      'Lines[1].MerchantProductNo': ['the order has no line of product KETTLE'],
    });
    expect(() => nativeLines(lines, [{ MerchantProductNo: 'MUG', Quantity: 0 }], open, 'cancel')).toThrow(/at least one line/);
  });
});
