import { Order, OrderEvent, OrderLine } from './order.ts';
import { Cancellation, CancellationLine, CancellationStepRecord, Dispute } from './cancellation.ts';
import { ChannelMessage, InventoryMovement } from './sandbox.ts';
import { CancellationRequest, CancellationRequestLine, Return, ReturnLine } from './cancellation-request.ts';
import { undoEntities } from './undo.ts';
import { ApiKey } from './api-key.ts';
import { BulkCancellation, BulkCancellationItem } from './bulk-cancellation.ts';
import { webhookEntities } from './webhook.ts';
import { CancelledButShipped, CancelledButShippedLine, CancelledButShippedStepRecord, Shipment, ShipmentLine } from './shipment.ts';

export * from './order.ts';
export * from './cancellation.ts';
export * from './sandbox.ts';
export * from './cancellation-request.ts';
export * from './shipment.ts';
export * from './api-key.ts';
export * from './bulk-cancellation.ts';
export * from './webhook.ts';

export const entities = [
  Order,
  OrderLine,
  OrderEvent,
  Cancellation,
  CancellationLine,
  CancellationStepRecord,
  Dispute,
  ChannelMessage,
  InventoryMovement,
  CancellationRequest,
  CancellationRequestLine,
  Return,
  ReturnLine,
  ...undoEntities,
  Shipment,
  ShipmentLine,
  CancelledButShipped,
  CancelledButShippedLine,
  CancelledButShippedStepRecord,
  ApiKey,
  BulkCancellation,
  BulkCancellationItem,
  ...webhookEntities,
];
