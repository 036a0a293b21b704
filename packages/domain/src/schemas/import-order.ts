import { z } from 'zod';
import { CHANNELS } from '../channel-policies.ts';
import { currencySchema } from '../money.ts';
import { PAYMENT_METHODS } from '../order.ts';
import { minorUnits } from './common.ts';

export const orderLineInputSchema = z.object({
  lineNo: z.number().int().positive('lineNo starts at 1').optional(),
  sku: z.string().trim().min(1, 'sku is required').max(100),
  quantity: z.number().int('quantity is a whole number').positive('quantity must be at least 1'),
  /** Price of one unit in minor units of the order's currency. */
  unitPrice: minorUnits('unitPrice'),
});

export const paymentInputSchema = z.object({
  method: z.enum(PAYMENT_METHODS),
  amount: minorUnits('payment amount'),
  /** The provider's id of the payment (authorisation, transfer, ledger entry). */
  reference: z.string().trim().min(1, 'payment reference is required').max(200),
});

export const importOrderSchema = z
  .object({
    channel: z.enum(CHANNELS),
    channelOrderNo: z.string().trim().min(1, 'channelOrderNo is required').max(100),
    merchantId: z.string().trim().min(1, 'merchantId is required').max(64),
    placedAt: z.iso.datetime({ offset: true, error: 'placedAt must be an ISO 8601 date-time' }).optional(),
    currency: currencySchema,
    customer: z.object({
      email: z.email('customer.email must be an email address'),
      name: z.string().trim().min(1).max(200),
    }),
    lines: z.array(orderLineInputSchema).min(1, 'an order has at least one line').max(500),
    payments: z.array(paymentInputSchema).max(20).default([]),
    thirdPartyManaged: z.boolean().default(false),
    /** Web shop store setting: customers may cancel from the self-service page. */
    selfServiceEnabled: z.boolean().default(true),
  })
  .superRefine((order, ctx) => {
    const total = order.lines.reduce((n, l) => n + l.quantity * l.unitPrice, 0);
    const paid = order.payments.reduce((n, p) => n + p.amount, 0);
    if (paid !== total) {
      ctx.addIssue({
        code: 'custom',
        path: ['payments'],
        message: `payments add up to ${paid} but the lines total ${total} (minor units): they must match`,
      });
    }
    const lineNos = order.lines.map((l, i) => l.lineNo ?? i + 1);
    if (new Set(lineNos).size !== lineNos.length) {
      ctx.addIssue({ code: 'custom', path: ['lines'], message: 'line numbers must be unique' });
    }
  });
export type ImportOrderInput = z.infer<typeof importOrderSchema>;

export const listOrdersQuerySchema = z.object({
  status: z.enum(['NEW', 'IN_PROGRESS', 'PARTIALLY_SHIPPED', 'SHIPPED', 'CANCELLED', 'CLOSED']).optional(),
  channel: z.enum(CHANNELS).optional(),
  /** One merchant's orders (a merchant's token always lists its own only). */
  merchantId: z.string().trim().min(1).max(200).optional(),
  /** Only orders with (true) or without (false) a cancellation request waiting for the merchant. */
  cancellationRequested: z
    .enum(['true', 'false'], { error: 'cancellationRequested must be true or false' })
    .transform((v) => v === 'true')
    .optional(),
  /** Search by channel order number (prefix, case-insensitive). */
  q: z.string().trim().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type ListOrdersQuery = z.infer<typeof listOrdersQuerySchema>;
