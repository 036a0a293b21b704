export * from './common.ts';
export * from './process-states.ts';
export * from './orders.ts';
export * from './payments.ts';
export * from './notifications.ts';
export * from './merchant-api.ts';
export * from './bulk-cancellations.ts';
export * from './webhooks.ts';
