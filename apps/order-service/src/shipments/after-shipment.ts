/**
 * What else reacts to a shipment, inside its transaction (the order's row lock is held): the
 * hook where processes that care about shipments plug in. Open customer cancellation requests
 * close as rejected-shipped here (issue 3) once that code exists.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { LineAllocation } from '@cancelflow/domain';
import type { Order } from '../db/entities/index.ts';
import type { HttpDeps } from '../http/deps.ts';

export interface RecordedShipment {
  order: Order;
  shipmentId: string;
  lines: LineAllocation[];
}

export async function afterShipmentRecorded(_deps: HttpDeps, _em: EntityManager, _shipment: RecordedShipment): Promise<void> {
  // Nothing else reacts to shipments yet.
}
