/** The payment book: payments, refunds and provider events, over one database. */
import type { ProviderEvent, RecordOrderPaymentsInput, RecordPaymentInput, RequestRefundInput } from '@cancelflow/domain';
import type { Database } from '@cancelflow/service-kit';
import { faultPoint } from '@cancelflow/service-kit/faults';
import type { PaymentProvider } from '../adapters/payment-provider.ts';
import { orderPayments, recordOrderPayments, recordPayment } from './payments.ts';
import { applyProviderEvent, type ProviderEventResult } from './provider-events.ts';
import { reconcileRefund } from './reconcile.ts';
import { requestRefund } from './request-refund.ts';
import type { RefundStatusListener } from './signal-workflow.ts';
import { refundByCancellation, refundById } from './store.ts';

export * from './views.ts';
export type { OrderPaymentsView, PaymentView } from './payments.ts';
export type { ProviderEventResult } from './provider-events.ts';
export type { ReconcileResult } from './reconcile.ts';
export { signalCancellationWorkflow, type RefundStatusListener } from './signal-workflow.ts';

export interface PaymentBookDeps {
  orm: Database;
  provider: PaymentProvider;
  /** Called after a provider event changed a refund's status. */
  onRefundStatusChanged?: RefundStatusListener;
}

export function createPaymentBook(deps: PaymentBookDeps) {
  const em = () => deps.orm.em.fork();
  return {
    recordPayment: (input: RecordPaymentInput) => recordPayment(em(), input),
    recordOrderPayments: (input: RecordOrderPaymentsInput) => recordOrderPayments(em(), input),
    orderPayments: (orderId: string) => orderPayments(em(), orderId),
    requestRefund: (input: RequestRefundInput) => requestRefund(em(), deps.provider, input),
    refundById: (refundId: string) => refundById(em(), refundId),
    refundByCancellation: (cancellationId: string) => refundByCancellation(em(), cancellationId),
    /** Asks the provider about a refund still PENDING; its answer counts as its event would. */
    reconcileRefund: (cancellationId: string) => reconcileRefund(em(), deps.provider, cancellationId),
    async handleProviderEvent(event: ProviderEvent): Promise<ProviderEventResult> {
      const result = await applyProviderEvent(em(), event);
      // The change is stored; the workflow hearing of it is not. A crash here leaves the workflow
      // to find it by asking (reconcileRefund); a provider retry of the event signals again.
      faultPoint('refund.event-applied');
      if (result.statusChanged || (result.duplicate && result.refund.status !== 'PENDING'))
        await deps.onRefundStatusChanged?.(result.refund);
      return result;
    },
  };
}
export type PaymentBook = ReturnType<typeof createPaymentBook>;
