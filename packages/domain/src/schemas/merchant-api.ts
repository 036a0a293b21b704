/**
 * The bodies and queries of the ChannelEngine-compatible Merchant API v2, in ChannelEngine's
 * PascalCase names and limits. They check shape only: each request is then translated into the
 * native input and parsed by the native schema, so every limit of a business field is the native one.
 */
import { z } from 'zod';
import {
  MERCHANT_API_CANCELLATION_REASONS,
  MERCHANT_API_ORDER_STATUSES,
  MERCHANT_API_RETURN_REASONS,
  MERCHANT_API_RETURN_STATUSES,
} from '../merchant-api.ts';
import { text as storable } from './common.ts';

/**
 * A date-time as ChannelEngine's clients send it: ISO 8601, usually without an offset
 * (2024-01-01T00:00:00), which is read as UTC; a date alone is its midnight.
 */
const NAIVE_OR_OFFSET = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/i;
export const merchantApiDateTime = (field: string) =>
  z
    .string({ error: `${field} must be a date-time such as 2024-01-01T00:00:00` })
    .trim()
    .refine(
      (v) => NAIVE_OR_OFFSET.test(v) && !Number.isNaN(Date.parse(withOffset(v))),
      `${field} must be a date-time such as 2024-01-01T00:00:00`,
    )
    .transform((v) => new Date(withOffset(v)));

function withOffset(value: string): string {
  const iso = value.replace(' ', 'T');
  const hasTime = iso.includes('T');
  const hasOffset = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(iso) && (hasTime || /Z$/i.test(iso));
  if (hasOffset) return iso;
  return hasTime ? `${iso}Z` : `${iso}T00:00:00Z`;
}

/** A repeated query key (statuses=NEW&statuses=SHIPPED) or a single one: always a list. */
const many = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (v === undefined ? undefined : Array.isArray(v) ? v : [v]), z.array(item).max(500).optional());

const flag = (field: string) =>
  z
    .string({ error: `${field} must be true or false` })
    .regex(/^(true|false)$/i, `${field} must be true or false`)
    .transform((v) => v.toLowerCase() === 'true')
    .optional();

const page = z.coerce
  .number({ error: 'page must be a page number from 1' })
  .int('page must be a whole number')
  .min(1, 'page starts at 1')
  .max(1_000_000)
  .default(1);
/** The shared text schema (common.ts): what PostgreSQL can store, else a 400 of the field. */
const text = (field: string, max: number) =>
  storable({ error: `${field} must be text` })
    .trim()
    .min(1, `${field} cannot be empty`)
    .max(max, `${field} is at most ${max} characters`);
const note = (field: string, max: number) =>
  storable({ error: `${field} must be text` })
    .trim()
    .max(max, `${field} is at most ${max} characters`)
    .nullish();
const orderStatus = z.enum(MERCHANT_API_ORDER_STATUSES, { error: `statuses must be of ${MERCHANT_API_ORDER_STATUSES.join(', ')}` });

/** GET /v2/orders */
export const merchantApiOrdersQuerySchema = z.object({
  statuses: many(orderStatus),
  emailAddresses: many(text('emailAddresses', 250)),
  merchantOrderNos: many(text('merchantOrderNos', 50)),
  channelOrderNos: many(text('channelOrderNos', 100)),
  channelIds: many(z.coerce.number({ error: 'channelIds are numbers' }).int().min(1)),
  fromDate: merchantApiDateTime('fromDate').optional(),
  toDate: merchantApiDateTime('toDate').optional(),
  fromCreatedAtDate: merchantApiDateTime('fromCreatedAtDate').optional(),
  toCreatedAtDate: merchantApiDateTime('toCreatedAtDate').optional(),
  fromUpdatedAtDate: merchantApiDateTime('fromUpdatedAtDate').optional(),
  toUpdatedAtDate: merchantApiDateTime('toUpdatedAtDate').optional(),
  fromAcknowledgedDate: merchantApiDateTime('fromAcknowledgedDate').optional(),
  toAcknowledgedDate: merchantApiDateTime('toAcknowledgedDate').optional(),
  isAcknowledged: flag('isAcknowledged'),
  onlyWithCancellationRequests: flag('onlyWithCancellationRequests'),
  page,
});
export type MerchantApiOrdersQuery = z.infer<typeof merchantApiOrdersQuerySchema>;

/** POST /v2/orders/acknowledge */
export const merchantApiAcknowledgeSchema = z.object({
  MerchantOrderNo: text('MerchantOrderNo', 50),
  OrderId: z
    .number({ error: "OrderId must be the order's Id (a number)" })
    .int('OrderId is a whole number')
    .positive('OrderId is a positive number'),
});

const productLine = z.object({
  MerchantProductNo: text('MerchantProductNo', 64),
  Quantity: z.number({ error: 'Quantity must be a number' }).int('Quantity is a whole number').min(0, 'Quantity cannot be negative'),
});
const lines = (what: string) =>
  z
    .array(productLine, { error: `Lines must be a list of { MerchantProductNo, Quantity } to ${what}` })
    .min(1, `name at least one line to ${what}`)
    .max(500);
const extraData = z.record(storable(), storable().nullable()).nullish();

/** POST /v2/cancellations */
export const merchantApiCancellationSchema = z.object({
  MerchantCancellationNo: text('MerchantCancellationNo', 250),
  MerchantOrderNo: text('MerchantOrderNo', 50),
  Lines: lines('cancel'),
  Reason: note('Reason', 1000),
  ReasonCode: z
    .enum(MERCHANT_API_CANCELLATION_REASONS, { error: `ReasonCode must be one of ${MERCHANT_API_CANCELLATION_REASONS.join(', ')}` })
    .default('OTHER'),
});
export type MerchantApiCancellationInput = z.infer<typeof merchantApiCancellationSchema>;

/** GET /v2/cancellations/merchant */
export const merchantApiCancellationsQuerySchema = z.object({
  createdSince: merchantApiDateTime('createdSince').optional(),
  page,
});

/** POST /v2/shipments */
export const merchantApiShipmentSchema = z.object({
  MerchantShipmentNo: text('MerchantShipmentNo', 250),
  MerchantOrderNo: text('MerchantOrderNo', 50),
  Lines: z
    .array(productLine.extend({ ExtraData: extraData }), { error: 'Lines must be a list of { MerchantProductNo, Quantity } that shipped' })
    .min(1, 'name at least one line that shipped')
    .max(500),
  ExtraData: extraData,
  TrackTraceNo: note('TrackTraceNo', 50),
  TrackTraceUrl: note('TrackTraceUrl', 250),
  ReturnTrackTraceNo: note('ReturnTrackTraceNo', 50),
  Method: note('Method', 50),
  ShippedFromCountryCode: note('ShippedFromCountryCode', 3),
  ShipmentDate: merchantApiDateTime('ShipmentDate').nullish(),
});
export type MerchantApiShipmentInput = z.infer<typeof merchantApiShipmentSchema>;

/** GET /v2/shipments/merchant */
export const merchantApiShipmentsQuerySchema = z.object({
  merchantShipmentNos: many(text('merchantShipmentNos', 250)),
  merchantOrderNos: many(text('merchantOrderNos', 50)),
  channelOrderNos: many(text('channelOrderNos', 100)),
  fromShipmentDate: merchantApiDateTime('fromShipmentDate').optional(),
  toShipmentDate: merchantApiDateTime('toShipmentDate').optional(),
  fromCreateDate: merchantApiDateTime('fromCreateDate').optional(),
  toCreateDate: merchantApiDateTime('toCreateDate').optional(),
  page,
});

/** POST /v2/returns/merchant */
export const merchantApiReturnSchema = z.object({
  MerchantOrderNo: text('MerchantOrderNo', 50),
  MerchantReturnNo: text('MerchantReturnNo', 50),
  Lines: z
    .array(productLine.extend({ ExtraData: extraData }), {
      error: 'Lines must be a list of { MerchantProductNo, Quantity } that came back',
    })
    .min(1, 'name at least one line that came back')
    .max(500),
  Reason: z
    .enum(MERCHANT_API_RETURN_REASONS, { error: `Reason must be one of ${MERCHANT_API_RETURN_REASONS.join(', ')}` })
    .default('OTHER'),
  CustomerComment: note('CustomerComment', 4001),
  MerchantComment: note('MerchantComment', 4001),
  RefundInclVat: z.number().min(0).nullish(),
  RefundExclVat: z.number().min(0).nullish(),
  ReturnDate: merchantApiDateTime('ReturnDate').nullish(),
  ExtraData: extraData,
  Id: z.number().int().nullish(),
});
export type MerchantApiReturnInput = z.infer<typeof merchantApiReturnSchema>;

/** GET /v2/returns/merchant */
export const merchantApiReturnsQuerySchema = z.object({
  merchantOrderNos: many(text('merchantOrderNos', 50)),
  channelOrderNos: many(text('channelOrderNos', 100)),
  channelIds: many(z.coerce.number({ error: 'channelIds are numbers' }).int().min(1)),
  statuses: many(z.enum(MERCHANT_API_RETURN_STATUSES, { error: `statuses must be of ${MERCHANT_API_RETURN_STATUSES.join(', ')}` })),
  reasons: many(z.enum(MERCHANT_API_RETURN_REASONS, { error: `reasons must be of ${MERCHANT_API_RETURN_REASONS.join(', ')}` })),
  fromDate: merchantApiDateTime('fromDate').optional(),
  toDate: merchantApiDateTime('toDate').optional(),
  page,
});

/** POST /api-keys (native API): the merchant names the key after the integration that will use it. */
export const createApiKeySchema = z
  .object({
    name: storable({ error: 'name is required: what will use the key, e.g. "ERP"' })
      .trim()
      .min(1, 'name is required: what will use the key, e.g. "ERP"')
      .max(100, 'name is at most 100 characters'),
  })
  .strict();
export type CreateApiKeyInput = z.infer<typeof createApiKeySchema>;

export const listApiKeysQuerySchema = z.object({
  merchantId: storable().trim().min(1).max(200).optional(),
});
