import { z } from 'zod';
import { CANCELLED_BUT_SHIPPED_STATUSES } from '../cancelled-but-shipped.ts';
import { currencySchema } from './money.ts';
import { idSchema, minorUnits, paginationSchema, quantitySchema, staffIdSchema, text, uuidSchema } from './common.ts';

/** Customers get carrier and tracking number in emails that must carry no links. */
const LINK = /(\b[a-z][a-z0-9+.-]*:\/\/|\bwww\.)/i;

/** POST /orders/:id/shipments: an advance ship notice from the warehouse or the channel. */
export const createShipmentSchema = z
  .object({
    /**
     * The warehouse's number of this shipment, and its identity: a repeat with the same number and
     * content is the same shipment, the same number with other content is refused. Tracking numbers
     * are the carrier's and get reused, so two parcels under one tracking number are two shipments.
     */
    shipmentNumber: text({ error: "shipmentNumber is required: the warehouse's number of this shipment" })
      .trim()
      .min(1, "shipmentNumber is required: the warehouse's number of this shipment")
      .max(100, 'shipmentNumber is at most 100 characters')
      .meta({
        description:
          "the warehouse's number of this shipment and its identity: the same number with the same content is the same shipment (200), with other content 409; a reused tracking number under another shipment number is another shipment",
      }),
    lines: z
      .array(
        z.object({
          lineId: idSchema,
          quantity: quantitySchema,
        }),
      )
      .min(1, 'name at least one line that shipped'),
    carrier: z
      .string({ error: 'carrier is required, e.g. "DHL"' })
      .trim()
      .min(1, 'carrier is required, e.g. "DHL"')
      .max(100)
      .refine((v) => !LINK.test(v), "carrier is the carrier's name, not a link"),
    trackingNumber: z
      .string({ error: "trackingNumber is required: the carrier's tracking number" })
      .trim()
      .min(1, "trackingNumber is required: the carrier's tracking number")
      .max(100)
      .refine((v) => !LINK.test(v), 'trackingNumber is the number itself, not a tracking link'),
    shippedAt: z.iso.datetime({ error: 'shippedAt must be an ISO date-time such as 2026-11-21T10:00:00Z', offset: true }).optional(),
  })
  .strict();
export type CreateShipmentInput = z.infer<typeof createShipmentSchema>;

/** POST /cancelled-but-shipped/:id/acknowledgement: support records what the customer said. */
export const recordAcknowledgementSchema = z
  .object({
    staffId: staffIdSchema,
    accepted: z.boolean({ error: 'accepted must be true (the customer keeps the item and accepts the rebill) or false (refuses)' }),
    evidence: z
      .string({ error: "evidence is required: the customer's own words (e.g. the phone note or chat transcript)" })
      .trim()
      .min(3, "evidence is required: the customer's own words (e.g. the phone note or chat transcript)")
      .max(5000),
  })
  .strict();
export type RecordAcknowledgementInput = z.infer<typeof recordAcknowledgementSchema>;

/** POST /cancelled-but-shipped/:id/rebill-approval: support approves the rebill. */
export const approveRebillSchema = z.object({ staffId: staffIdSchema }).strict();
export type ApproveRebillInput = z.infer<typeof approveRebillSchema>;

export const listCancelledButShippedQuerySchema = paginationSchema.extend({
  status: z
    .enum(CANCELLED_BUT_SHIPPED_STATUSES, { error: `status must be one of ${CANCELLED_BUT_SHIPPED_STATUSES.join(', ')}` })
    .optional(),
  orderId: uuidSchema('orderId').optional(),
});

/** POST /credit-memos on the payment service: pays the seller for items shipped after cancellation. */
export const createCreditMemoSchema = z
  .object({
    cancelledButShippedId: idSchema,
    orderId: idSchema,
    merchantId: text().trim().min(1, 'merchantId is required').max(64),
    acknowledgementId: text({ error: "acknowledgementId is required: a credit memo needs the customer's recorded acknowledgement" })
      .trim()
      .min(1, "acknowledgementId is required: a credit memo needs the customer's recorded acknowledgement")
      .max(64),
    amount: minorUnits('amount').refine((n) => n > 0, 'amount must be more than 0'),
    currency: currencySchema,
  })
  .strict();
export type CreateCreditMemoInput = z.infer<typeof createCreditMemoSchema>;
