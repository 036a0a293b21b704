export * from './common.ts';
export * from './import-order.ts';
export * from './create-cancellation.ts';
export * from './payments.ts';
export * from './payment-refunds.ts';
export * from './order-service-queries.ts';
export * from './notifications.ts';
export * from './shipment.ts';
