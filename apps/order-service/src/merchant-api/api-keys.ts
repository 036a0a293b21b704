/**
 * Merchants' keys for the Merchant API, as ChannelEngine gives them: sent as the `apikey` query
 * parameter or the `X-CE-KEY` header. A key is 32 random bytes shown once; only its sha256 is
 * kept (a key has enough entropy that a fast hash is as good as a slow one). A valid key is a
 * MERCHANT principal of its merchant, so the routes' own access rules decide what it may do.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { UnauthenticatedError } from '@cancelflow/domain';
import type { Authenticator, Database, Principal } from '@cancelflow/service-kit';

const KEY_PREFIX = 'cfk_';

export interface NewApiKey {
  key: string;
  /** What the console shows to tell keys apart (never enough to use). */
  prefix: string;
  hash: string;
}

export function newApiKey(): NewApiKey {
  const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { key, prefix: key.slice(0, KEY_PREFIX.length + 6), hash: hashApiKey(key) };
}

export const hashApiKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

/** The requests the Merchant API router serves: only there does a key stand for a caller. */
const merchantApiRequests = new WeakSet<Request>();

export const markMerchantApiRequest: RequestHandler = (req, _res, next) => {
  merchantApiRequests.add(req);
  next();
};

/** The key a request carries, if it carries one (a repeated or malformed one is still "a key": refused). */
function keyOf(req: Request): unknown {
  const header = req.headers['x-ce-key'];
  if (header !== undefined) return header;
  return (req.query as Record<string, unknown> | undefined)?.apikey;
}

/**
 * Keys on the Merchant API, bearer tokens everywhere (and on the Merchant API when no key is
 * sent). A key never opens the native API: a leaked integration key cannot make new keys.
 */
export function merchantApiAuthenticator(db: Database, bearer: Authenticator): Authenticator {
  return async (req) => {
    const key = keyOf(req);
    if (key === undefined) return bearer(req);
    if (!merchantApiRequests.has(req)) {
      if (req.headers.authorization !== undefined) return bearer(req);
      throw new UnauthenticatedError(
        'an API key (apikey, X-CE-KEY) opens the Merchant API under /api/v2 only: this API needs a bearer token',
      );
    }
    if (typeof key !== 'string' || key.length < 16 || key.length > 200) throw unknownKey();
    const rows = await db.em
      .fork()
      .execute<{ id: string; merchant_id: string }[]>(
        `select "id", "merchant_id" from "orders"."api_key" where "key_hash" = ? and "revoked_at" is null`,
        [hashApiKey(key)],
      );
    const found = rows[0];
    if (!found) throw unknownKey();
    const principal: Principal = { role: 'MERCHANT', merchantId: found.merchant_id, subject: `api-key:${found.id}` };
    return principal;
  };
}

const unknownKey = () =>
  new UnauthenticatedError(
    'the API key is not valid: it is unknown or was revoked; create a key in the console (API keys) and send it as apikey or X-CE-KEY',
  );
