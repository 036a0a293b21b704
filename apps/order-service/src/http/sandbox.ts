import { Router } from 'express';
import {
  sandboxRecordsQuerySchema,
  type ChannelMessages,
  type InventoryMovements,
  channelMessagesSchema,
  inventoryMovementsSchema,
} from '@cancelflow/domain';
import { describe, parse } from '@cancelflow/service-kit';
import { ChannelMessage, InventoryMovement } from '../db/entities/index.ts';
import { ALL, ordersOwners } from './owners.ts';
import type { ServiceDeps } from '../deps.ts';

/** What the sandbox adapters were told, so people and tests can see it. */
export function sandboxRouter(deps: ServiceDeps): Router {
  const router = Router();
  const owners = ordersOwners(deps.db);

  router.get(
    '/sandbox/channel-messages',
    describe({
      summary: 'What the sandbox channel adapter was told (testing aid)',
      tags: ['sandbox'],
      access: { roles: ALL, owner: owners.order({ query: 'orderId' }) },
      query: sandboxRecordsQuerySchema,
      responses: { 200: { description: 'the messages', schema: channelMessagesSchema } },
    }),
    async (req, res) => {
      const { orderId } = parse(sandboxRecordsQuerySchema, req.query, 'query');
      const items = await deps.db.em.fork().find(ChannelMessage, { orderId }, { orderBy: { createdAt: 'asc' } });
      res.json({
        items: items.map((m) => ({
          id: m.id,
          idempotencyKey: m.idempotencyKey,
          orderId: m.orderId,
          channel: m.channel,
          channelOrderNo: m.channelOrderNo,
          kind: m.kind,
          payload: m.payload,
          createdAt: m.createdAt.toISOString(),
        })),
      } satisfies ChannelMessages);
    },
  );

  router.get(
    '/sandbox/inventory-movements',
    describe({
      summary: 'What the sandbox inventory adapter was told (testing aid)',
      tags: ['sandbox'],
      access: { roles: ALL, owner: owners.order({ query: 'orderId' }) },
      query: sandboxRecordsQuerySchema,
      responses: { 200: { description: 'the movements', schema: inventoryMovementsSchema } },
    }),
    async (req, res) => {
      const { orderId } = parse(sandboxRecordsQuerySchema, req.query, 'query');
      const items = await deps.db.em.fork().find(InventoryMovement, { orderId }, { orderBy: { createdAt: 'asc' } });
      res.json({
        items: items.map((m) => ({
          id: m.id,
          idempotencyKey: m.idempotencyKey,
          orderId: m.orderId,
          sku: m.sku,
          quantity: m.quantity,
          reason: m.reason,
          reference: m.reference,
          createdAt: m.createdAt.toISOString(),
        })),
      } satisfies InventoryMovements);
    },
  );

  return router;
}
