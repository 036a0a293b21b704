/** The one module the worker bundles: every workflow of CancelFlow. */
export { cancellationWorkflow } from './cancellation.ts';
export { customerCancellationRequestWorkflow } from './customer-cancellation-request.ts';
export { orderConfirmationWorkflow } from './order-confirmation.ts';
export { cancelledButShippedWorkflow } from './cancelled-but-shipped.ts';
export { undoCancellationWorkflow } from './undo-cancellation.ts';
export { bulkCancellationWorkflow } from './bulk-cancellation.ts';
export { webhookDeliveryWorkflow } from './webhook-delivery.ts';
