import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** A merchant's key for the Merchant API: only its sha256 is kept, the key is shown once. */
export const ApiKey = defineEntity({
  name: 'ApiKey',
  tableName: 'api_key',
  properties: {
    id: p.uuid().primary(),
    merchantId: p.string(),
    name: p.string(),
    /** The first characters of the key, so the merchant can tell keys apart. */
    keyPrefix: p.string(),
    keyHash: p.string(),
    createdBy: p.string(),
    createdAt: p.datetime(),
    revokedAt: p.datetime().nullable(),
    revokedBy: p.string().nullable(),
  },
});
export type ApiKey = InferEntity<typeof ApiKey>;
