/**
 * What else reacts to a shipment, once it is committed: open customer cancellation requests the
 * shipment overtook close as rejected-shipped and their customers are pointed to a return
 * (closeOpenRequestsOnShipment). It takes the order's lock itself, so it runs after
 * the shipment's transaction, also for a repeated notice (it is idempotent): a failure here never
 * undoes the shipment, and sending the notice again retries it.
 */
import { closeOpenRequestsOnShipment } from '../requests/decide-request.ts';
import type { ServiceDeps } from '../deps.ts';

export async function afterShipmentRecorded(deps: ServiceDeps, shipment: { orderId: string; shipmentId: string }): Promise<string[]> {
  try {
    return await closeOpenRequestsOnShipment(deps, shipment.orderId, shipment.shipmentId);
  } catch (error) {
    deps.logger.warn(
      { err: error, ...shipment },
      'the shipment is recorded, but open cancellation requests could not be closed: send the notice again',
    );
    return [];
  }
}
