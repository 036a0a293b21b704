/** The one module the worker bundles: every workflow of CancelFlow. */
export { cancellationWorkflow } from './cancellation.ts';
