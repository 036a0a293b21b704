import { z } from 'zod';
import { CHANNELS } from '../channel-policies.ts';
import { currencySchema } from './money.ts';
import { MAX_AMOUNT_MINOR } from '../money.ts';
import { PAYMENT_METHODS } from '../order.ts';
import { MAX_VAT_RATE, orderMoneyProblems } from '../order-money.ts';
import { minorUnits, paginationSchema, quantitySchema, text } from './common.ts';

export const orderLineInputSchema = z.object({
  lineNo: z
    .number({ error: 'lineNo must be a number' })
    .int('lineNo is a whole number')
    .positive('lineNo starts at 1')
    .max(100_000, 'lineNo is at most 100000')
    .optional(),
  sku: text().trim().min(1, 'sku is required').max(100),
  quantity: quantitySchema,
  /** Price of one unit, VAT included, in minor units of the order's currency. */
  unitPrice: minorUnits('unitPrice'),
  vatRate: vatRateSchema('vatRate'),
  /** Discount on the whole line (all its units), VAT included, in minor units. */
  discount: minorUnits('line discount').default(0),
});

/** A VAT rate in basis points: 2100 is 21 %, 0 (the default) an order without VAT. */
function vatRateSchema(what: string) {
  return z
    .number({ error: `${what} must be a number of basis points (2100 for 21 %)` })
    .int(`${what} is in basis points, a whole number (2100 for 21 %, 950 for 9.5 %)`)
    .min(0, `${what} cannot be negative`)
    .max(MAX_VAT_RATE, `${what} is at most ${MAX_VAT_RATE} basis points (100 %)`)
    .default(0);
}

export const orderDiscountInputSchema = z.object({
  /** VAT included, in minor units; shared over the lines by their discounted value. */
  amount: minorUnits('discount amount'),
  /** What the discount is (a voucher code, a promotion's name). */
  description: text().trim().max(200).optional(),
});

export const shippingInputSchema = z.object({
  /** The shipping charge, VAT included, in minor units. */
  amount: minorUnits('shipping amount'),
  vatRate: vatRateSchema('shipping.vatRate'),
});

export const paymentInputSchema = z.object({
  method: z.enum(PAYMENT_METHODS),
  amount: minorUnits('payment amount'),
  /** The provider's id of the payment (authorisation, transfer, ledger entry). */
  reference: text().trim().min(1, 'payment reference is required').max(200),
});

export const importOrderSchema = z
  .object({
    channel: z.enum(CHANNELS),
    channelOrderNo: text().trim().min(1, 'channelOrderNo is required').max(100),
    merchantId: text().trim().min(1, 'merchantId is required').max(64),
    placedAt: z.iso.datetime({ offset: true, error: 'placedAt must be an ISO 8601 date-time' }).optional(),
    currency: currencySchema,
    customer: z.object({
      email: z.email('customer.email must be an email address'),
      name: text().trim().min(1).max(200),
    }),
    lines: z.array(orderLineInputSchema).min(1, 'an order has at least one line').max(500),
    payments: z.array(paymentInputSchema).max(20).default([]),
    /** Discounts on the whole order (not on one line). */
    discounts: z.array(orderDiscountInputSchema).max(20).default([]),
    shipping: shippingInputSchema.default({ amount: 0, vatRate: 0 }),
    thirdPartyManaged: z.boolean().default(false),
    /** Web shop store setting: customers may cancel from the self-service page. */
    selfServiceEnabled: z.boolean().default(true),
  })
  .superRefine((order, ctx) => {
    // Each factor is bounded, so this stays far from the unsafe range; below the bound every sum
    // over the order's money is exact.
    const gross = order.lines.reduce((n, l) => n + l.quantity * l.unitPrice, 0) + order.shipping.amount;
    if (gross > MAX_AMOUNT_MINOR) {
      ctx.addIssue({
        code: 'custom',
        path: ['lines'],
        message: `the lines and shipping total ${gross} minor units, more than the ${MAX_AMOUNT_MINOR} an order may carry`,
      });
    } else {
      const money = { lines: order.lines.map((l, i) => ({ ...l, id: String(i) })), discounts: order.discounts, shipping: order.shipping };
      for (const problem of orderMoneyProblems(money, order.payments)) {
        ctx.addIssue({
          code: 'custom',
          path: problem.path!.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
          message: problem.message,
        });
      }
    }
    const lineNos = order.lines.map((l, i) => l.lineNo ?? i + 1);
    if (new Set(lineNos).size !== lineNos.length) {
      ctx.addIssue({ code: 'custom', path: ['lines'], message: 'line numbers must be unique' });
    }
  });
export type ImportOrderInput = z.infer<typeof importOrderSchema>;
/** The body as a caller sends it: the money fields (VAT rates, discounts, shipping) may be left out. */
export type ImportOrderBody = z.input<typeof importOrderSchema>;

export const listOrdersQuerySchema = z.object({
  status: z.enum(['NEW', 'IN_PROGRESS', 'PARTIALLY_SHIPPED', 'SHIPPED', 'CANCELLED', 'CLOSED']).optional(),
  channel: z.enum(CHANNELS).optional(),
  /** One merchant's orders (a merchant's token always lists its own only). */
  merchantId: text().trim().min(1).max(200).optional(),
  /** Only orders with (true) or without (false) a cancellation request waiting for the merchant. */
  cancellationRequested: z
    .enum(['true', 'false'], { error: 'cancellationRequested must be true or false' })
    .transform((v) => v === 'true')
    .optional(),
  /** Search by channel order number (prefix, case-insensitive). */
  q: text().trim().max(100).optional(),
  limit: paginationSchema.shape.limit,
  offset: paginationSchema.shape.offset,
});
export type ListOrdersQuery = z.infer<typeof listOrdersQuerySchema>;
