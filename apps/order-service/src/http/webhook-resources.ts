/**
 * The resource of a webhook event, as GET of that resource answers it (the live process state
 * aside: an event is about what was committed). The views live in the HTTP layer; the sweep gets
 * this loader from the composition root.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { WebhookResource } from '@cancelflow/domain';
import {
  Cancellation,
  CancellationLine,
  CancellationRequest,
  CancellationRequestLine,
  CancellationStepRecord,
  CancelledButShipped,
  CancelledButShippedLine,
  CancelledButShippedStepRecord,
  Dispute,
  Order,
  OrderLine,
  Shipment,
  ShipmentLine,
} from '../db/entities/index.ts';
import { CancellationUndo, CancellationUndoStep } from '../db/entities/undo.ts';
import { requestView } from '../requests/request-store.ts';
import type { ResourceLoader } from '../webhooks/sweep.ts';
import { cancelledButShippedView, shipmentView } from './shipment-views.ts';
import { cancellationView, orderView, undoView } from './views.ts';

const lineOrder = { orderBy: { lineNo: 'asc' } } as const;

export const loadWebhookResource: ResourceLoader = async (em: EntityManager, resource: WebhookResource, id: string) => {
  switch (resource) {
    case 'order': {
      const order = await em.findOne(Order, { id }, { refresh: true });
      return order ? orderView(order, await em.find(OrderLine, { orderId: id }, { ...lineOrder, refresh: true })) : undefined;
    }
    case 'cancellation': {
      const c = await em.findOne(Cancellation, { id }, { refresh: true });
      if (!c) return undefined;
      const [lines, steps, dispute, orderLines] = await Promise.all([
        em.find(CancellationLine, { cancellationId: id }),
        em.find(CancellationStepRecord, { cancellationId: id }, { orderBy: { at: 'asc', id: 'asc' } }),
        em.findOne(Dispute, { cancellationId: id }),
        em.find(OrderLine, { orderId: c.orderId }, lineOrder),
      ]);
      return cancellationView(c, lines, orderLines, steps, dispute);
    }
    case 'cancellation_request': {
      const r = await em.findOne(CancellationRequest, { id }, { refresh: true });
      if (!r) return undefined;
      const [lines, orderLines] = await Promise.all([
        em.find(CancellationRequestLine, { requestId: id }),
        em.find(OrderLine, { orderId: r.orderId }, lineOrder),
      ]);
      return requestView(r, lines, orderLines);
    }
    case 'shipment': {
      const s = await em.findOne(Shipment, { id });
      return s ? shipmentView(s, await em.find(ShipmentLine, { shipmentId: id })) : undefined;
    }
    case 'cancelled_but_shipped': {
      const cancelledButShipped = await em.findOne(CancelledButShipped, { id }, { refresh: true });
      if (!cancelledButShipped) return undefined;
      const [lines, steps, orderLines] = await Promise.all([
        em.find(CancelledButShippedLine, { cancelledButShippedId: id }),
        em.find(CancelledButShippedStepRecord, { cancelledButShippedId: id }, { orderBy: { at: 'asc', id: 'asc' } }),
        em.find(OrderLine, { orderId: cancelledButShipped.orderId }, lineOrder),
      ]);
      return cancelledButShippedView(cancelledButShipped, lines, orderLines, steps);
    }
    case 'undo': {
      const undo = await em.findOne(CancellationUndo, { id }, { refresh: true });
      if (!undo) return undefined;
      const [steps, orderLines] = await Promise.all([
        em.find(CancellationUndoStep, { undoId: id }, { orderBy: { at: 'asc', id: 'asc' } }),
        em.find(OrderLine, { orderId: undo.orderId }, lineOrder),
      ]);
      return undoView(undo, steps, orderLines);
    }
  }
};
