import { z } from 'zod';
import { timestampSchema } from './common.ts';

/** A merchant's key for the Merchant API v2; the key itself only in the answer that creates it. */
export const apiKeyBodySchema = z
  .object({
    id: z.string(),
    merchantId: z.string(),
    name: z.string(),
    prefix: z.string().meta({ description: "the key's first characters, to tell keys apart (never enough to use)" }),
    status: z.enum(['ACTIVE', 'REVOKED']),
    createdBy: z.string(),
    createdAt: timestampSchema,
    revokedAt: timestampSchema.optional(),
    revokedBy: z.string().optional(),
  })
  .strict()
  .meta({ id: 'ApiKey' });
export type ApiKeyBody = z.infer<typeof apiKeyBodySchema>;

export const apiKeyCreatedSchema = apiKeyBodySchema
  .extend({ key: z.string().meta({ description: 'the key: shown in this answer only, stored hashed' }) })
  .strict()
  .meta({ id: 'ApiKeyCreated' });
export const apiKeyListSchema = z
  .object({ items: z.array(apiKeyBodySchema) })
  .strict()
  .meta({ id: 'ApiKeyList' });

/** ChannelEngine's envelope of a command's answer (and of every error). */
export const merchantApiAnswerSchema = z
  .object({
    StatusCode: z.number().int(),
    RequestId: z.string().nullable(),
    Success: z.boolean(),
    Message: z.string().nullable(),
    ValidationErrors: z.record(z.string(), z.array(z.string())),
  })
  .strict()
  .meta({ id: 'MerchantApiAnswer' });

/** ChannelEngine's envelope of a page: its objects are those of ChannelEngine's Merchant API v2 document. */
export const merchantApiPageSchema = merchantApiAnswerSchema
  .extend({
    Content: z.array(z.record(z.string(), z.unknown())).meta({
      description:
        "ChannelEngine's objects (MerchantOrderResponse, MerchantCancellationResponse, MerchantShipmentResponse, MerchantReturnResponse), with exactly the fields of its Merchant API v2 document",
    }),
    Count: z.number().int(),
    TotalCount: z.number().int(),
    ItemsPerPage: z.number().int(),
  })
  .strict()
  .meta({ id: 'MerchantApiPage' });
