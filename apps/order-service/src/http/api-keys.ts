import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import {
  createApiKeySchema,
  ForbiddenError,
  listApiKeysQuerySchema,
  NotFoundError,
  apiKeyBodySchema,
  apiKeyCreatedSchema,
  apiKeyListSchema,
  type ApiKeyBody,
} from '@cancelflow/domain';
import { describe, merchantFilter, parse, principalOf } from '@cancelflow/service-kit';
import { ApiKey } from '../db/entities/index.ts';
import { assertId } from '../db/order-store.ts';
import { newApiKey } from '../merchant-api/api-keys.ts';
import { STAFF, ordersOwners } from './owners.ts';
import type { ServiceDeps } from '../deps.ts';

/** The merchant's keys for the Merchant API (/api/v2): created (shown once), listed, revoked. */
export function apiKeysRouter(deps: ServiceDeps): Router {
  const router = Router();
  const owners = ordersOwners(deps.db);

  router.post(
    '/api-keys',
    describe({
      summary: 'Create a key for the Merchant API (the key is in this answer only)',
      tags: ['api keys'],
      access: { roles: ['MERCHANT'] },
      body: createApiKeySchema,
      responses: { 201: { description: 'the key, with `key` shown this once', schema: apiKeyCreatedSchema } },
    }),
    async (req, res) => {
      const principal = principalOf(res);
      // A MERCHANT principal always names its merchant (auth.ts); the key is that merchant's.
      const merchantId = principal.merchantId;
      if (merchantId === undefined) throw new ForbiddenError("an API key belongs to one merchant: create it with that merchant's token");
      const input = parse(createApiKeySchema, req.body);
      const { key, prefix, hash } = newApiKey();
      const em = deps.db.em.fork();
      const apiKey = em.create(ApiKey, {
        id: randomUUID(),
        merchantId,
        name: input.name,
        keyPrefix: prefix,
        keyHash: hash,
        createdBy: principal.subject,
        createdAt: new Date(),
        revokedAt: null,
        revokedBy: null,
      });
      await em.flush();
      res.status(201).json({ ...apiKeyView(apiKey), key });
    },
  );

  router.get(
    '/api-keys',
    describe({
      summary: "The merchant's API keys (never the keys themselves)",
      tags: ['api keys'],
      access: { roles: STAFF, list: true },
      query: listApiKeysQuerySchema,
      responses: { 200: { description: 'items: the keys, newest first', schema: apiKeyListSchema } },
    }),
    async (req, res) => {
      const query = parse(listApiKeysQuerySchema, req.query, 'query');
      const scope = merchantFilter(principalOf(res), query.merchantId);
      if (scope === null) return void res.json({ items: [] });
      const keys = await deps.db.em
        .fork()
        .find(ApiKey, scope ? { merchantId: scope } : {}, { orderBy: { createdAt: 'desc', id: 'asc' }, limit: 500 });
      res.json({ items: keys.map(apiKeyView) });
    },
  );

  router.delete(
    '/api-keys/:id',
    describe({
      summary: 'Revoke an API key: it stops working at once',
      tags: ['api keys'],
      access: { roles: STAFF, owner: owners['api key']({ param: 'id' }) },
      responses: { 200: { description: 'the key, revoked', schema: apiKeyBodySchema }, 404: 'no such key' },
    }),
    async (req, res) => {
      const id = assertId(req.params.id, 'api key');
      const em = deps.db.em.fork();
      const apiKey = await em.findOne(ApiKey, { id });
      if (!apiKey) throw new NotFoundError(`no api key ${id}`);
      if (apiKey.revokedAt === null) {
        apiKey.revokedAt = new Date();
        apiKey.revokedBy = principalOf(res).subject;
        await em.flush();
      }
      res.json(apiKeyView(apiKey));
    },
  );

  return router;
}

const apiKeyView = (k: ApiKey): ApiKeyBody => ({
  id: k.id,
  merchantId: k.merchantId,
  name: k.name,
  prefix: k.keyPrefix,
  status: k.revokedAt ? ('REVOKED' as const) : ('ACTIVE' as const),
  createdBy: k.createdBy,
  createdAt: k.createdAt.toISOString(),
  revokedAt: k.revokedAt?.toISOString(),
  revokedBy: k.revokedBy ?? undefined,
});
