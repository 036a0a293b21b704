/**
 * The pages read most often, each in one statement (one-statement.ts): an order with all it
 * shows, a cancellation, and what an order's eligibility prices.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  CancelledButShipped,
  Cancellation,
  CancellationLine,
  CancellationStepRecord,
  Dispute,
  Order,
  OrderEvent,
  OrderLine,
  Shipment,
  ShipmentLine,
} from './entities/index.ts';
import { entities, entityOf, rowAbout, rowsOf } from './one-statement.ts';

/** An order and everything its page shows, in the orders their views list them. */
export interface OrderPage {
  order: Order;
  lines: OrderLine[];
  cancellations: Cancellation[];
  cancelledLines: CancellationLine[];
  steps: CancellationStepRecord[];
  disputes: Dispute[];
  events: OrderEvent[];
  shipments: Shipment[];
  shipmentLines: ShipmentLine[];
  cancelledButShipped: CancelledButShipped[];
}

const OF_ORDER = 'where x.order_id = o.id';
const OF_ITS_CANCELLATIONS = 'join "orders"."cancellation" c on c.id = x.cancellation_id where c.order_id = o.id';

const ORDER_PAGE = `select to_jsonb(o) as "order",
  ${rowsOf('order_line', OF_ORDER, 'x.line_no')} as "lines",
  ${rowsOf('cancellation', OF_ORDER, 'x.created_at')} as "cancellations",
  ${rowsOf('cancellation_line', OF_ITS_CANCELLATIONS)} as "cancelledLines",
  ${rowsOf('cancellation_step', OF_ITS_CANCELLATIONS, 'x.at')} as "steps",
  ${rowsOf('dispute', OF_ORDER)} as "disputes",
  ${rowsOf('order_event', OF_ORDER, 'x.at, x.id')} as "events",
  ${rowsOf('shipment', OF_ORDER, 'x.created_at, x.id')} as "shipments",
  ${rowsOf('shipment_line', 'join "orders"."shipment" s on s.id = x.shipment_id where s.order_id = o.id')} as "shipmentLines",
  ${rowsOf('cancelled_but_shipped', OF_ORDER, 'x.created_at')} as "cancelledButShipped"
from "orders"."order" o where o.id = ?`;

export async function loadOrderPage(em: EntityManager, id: string | undefined): Promise<OrderPage> {
  const row = await rowAbout<keyof OrderPage>(em, ORDER_PAGE, 'order', id);
  return {
    order: entityOf(em, Order, row.order),
    lines: entities(em, OrderLine, row.lines),
    cancellations: entities(em, Cancellation, row.cancellations),
    cancelledLines: entities(em, CancellationLine, row.cancelledLines),
    steps: entities(em, CancellationStepRecord, row.steps),
    disputes: entities(em, Dispute, row.disputes),
    events: entities(em, OrderEvent, row.events),
    shipments: entities(em, Shipment, row.shipments),
    shipmentLines: entities(em, ShipmentLine, row.shipmentLines),
    cancelledButShipped: entities(em, CancelledButShipped, row.cancelledButShipped),
  };
}

/** A cancellation and what its view shows: its lines, the order lines they take from, steps, dispute. */
export interface CancellationPage {
  cancellation: Cancellation;
  lines: CancellationLine[];
  orderLines: OrderLine[];
  steps: CancellationStepRecord[];
  dispute: Dispute | undefined;
}

const CANCELLATION_PAGE = `select to_jsonb(c) as "cancellation",
  ${rowsOf('cancellation_line', 'where x.cancellation_id = c.id')} as "lines",
  ${rowsOf('order_line', 'join "orders"."cancellation_line" l on l.order_line_id = x.id where l.cancellation_id = c.id')} as "orderLines",
  ${rowsOf('cancellation_step', 'where x.cancellation_id = c.id', 'x.at')} as "steps",
  (select to_jsonb(x) from "orders"."dispute" x where x.cancellation_id = c.id) as "dispute"
from "orders"."cancellation" c where c.id = ?`;

export async function loadCancellationPage(em: EntityManager, id: string | undefined): Promise<CancellationPage> {
  const row = await rowAbout<keyof CancellationPage>(em, CANCELLATION_PAGE, 'cancellation', id);
  return {
    cancellation: entityOf(em, Cancellation, row.cancellation),
    lines: entities(em, CancellationLine, row.lines),
    orderLines: entities(em, OrderLine, row.orderLines),
    steps: entities(em, CancellationStepRecord, row.steps),
    dispute: row.dispute ? entityOf(em, Dispute, row.dispute) : undefined,
  };
}

/** An order, its lines, and its cancellations that still stand (all but the undone) with their lines: what pricing a cancellation reads. */
export interface OrderMoneyPage {
  order: Order;
  lines: OrderLine[];
  standing: Cancellation[];
  standingLines: CancellationLine[];
}

/** A cancellation that still stands: all but the undone. */
const standing = (alias: string) => `${alias}.status <> 'UNDONE'`;
const ORDER_MONEY_PAGE = `select to_jsonb(o) as "order",
  ${rowsOf('order_line', OF_ORDER, 'x.line_no')} as "lines",
  ${rowsOf('cancellation', `${OF_ORDER} and ${standing('x')}`)} as "standing",
  ${rowsOf('cancellation_line', `${OF_ITS_CANCELLATIONS} and ${standing('c')}`)} as "standingLines"
from "orders"."order" o where o.id = ?`;

export async function loadOrderMoneyPage(em: EntityManager, id: string | undefined): Promise<OrderMoneyPage> {
  const row = await rowAbout<keyof OrderMoneyPage>(em, ORDER_MONEY_PAGE, 'order', id);
  return {
    order: entityOf(em, Order, row.order),
    lines: entities(em, OrderLine, row.lines),
    standing: entities(em, Cancellation, row.standing),
    standingLines: entities(em, CancellationLine, row.standingLines),
  };
}
