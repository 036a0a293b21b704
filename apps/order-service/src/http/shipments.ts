import { Router } from 'express';
import { createShipmentSchema, NotFoundError, type ShipmentRecorded, shipmentBodySchema, shipmentRecordedSchema } from '@cancelflow/domain';
import { describe, parse } from '@cancelflow/service-kit';
import { Shipment, ShipmentLine } from '../db/entities/index.ts';
import { assertId } from '../db/order-store.ts';
import { createShipment } from '../shipments/create-shipment.ts';
import { ALL, ordersOwners } from './owners.ts';
import type { ServiceDeps } from '../deps.ts';
import { shipmentView } from './shipment-views.ts';

/** Advance ship notices: POST /orders/:id/shipments, GET /shipments/:id. */
export function shipmentsRouter(deps: ServiceDeps): Router {
  const router = Router();
  const owners = ordersOwners(deps.db);

  router.post(
    '/orders/:id/shipments',
    describe({
      summary: 'Record a shipment (open lines first, then cancelled ones: cancelled but shipped)',
      tags: ['shipments'],
      access: { roles: ['SERVICE'], owner: owners.order({ param: 'id' }) },
      body: createShipmentSchema,
      responses: {
        201: { description: 'the shipment', schema: shipmentRecordedSchema },
        200: { description: 'the same shipment, recorded before', schema: shipmentRecordedSchema },
        404: 'no such order',
        409: 'the shipment number is taken by other content, or cancelled units an undo in progress is reopening',
        422: 'more than the order has',
      },
    }),
    async (req, res) => {
      const orderId = assertId(req.params.id, 'order');
      const input = parse(createShipmentSchema, req.body);
      const result = await createShipment(deps, orderId, input);
      const em = deps.db.em.fork();
      const shipment = await em.findOneOrFail(Shipment, { id: result.shipmentId });
      const lines = await em.find(ShipmentLine, { shipmentId: shipment.id });
      res
        .status(result.created ? 201 : 200)
        .location(`/shipments/${result.shipmentId}`)
        .json({
          ...shipmentView(shipment, lines),
          fillOrKillCancellationId: result.fillOrKillCancellationId,
          cancelledButShippedId: result.cancelledButShippedId,
          closedCancellationRequestIds: result.closedCancellationRequestIds,
        } satisfies ShipmentRecorded);
    },
  );

  router.get(
    '/shipments/:id',
    describe({
      summary: 'A shipment',
      tags: ['shipments'],
      access: { roles: ALL, owner: owners.shipment({ param: 'id' }) },
      responses: { 200: { description: 'the shipment', schema: shipmentBodySchema }, 404: 'no such shipment' },
    }),
    async (req, res) => {
      const id = assertId(req.params.id, 'shipment');
      const em = deps.db.em.fork();
      const shipment = await em.findOne(Shipment, { id });
      if (!shipment) throw new NotFoundError(`no shipment ${id}`);
      res.json(shipmentView(shipment, await em.find(ShipmentLine, { shipmentId: id })));
    },
  );

  return router;
}
