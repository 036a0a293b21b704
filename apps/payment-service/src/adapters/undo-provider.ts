/**
 * What undoing a cancellation asks of the payment provider, beside refunds: cancel a refund that
 * has not settled yet, tell whether a card payment's authorisation still holds, and recapture
 * on it. A real provider and the sandbox implement it alike; the same idempotency key twice
 * recaptures once.
 */
export interface RecaptureRequest {
  idempotencyKey: string;
  orderId: string;
  paymentReference: string;
  amount: number;
  currency: string;
}

export type RecaptureAnswer = { status: 'SUCCEEDED'; providerRecaptureId: string } | { status: 'REFUSED'; reason: string };

export interface UndoPaymentProvider {
  /** Whether a refund is still pending and the provider can still cancel it. */
  canCancelRefund(providerRefundId: string): Promise<boolean>;
  /** Cancels a pending card refund; false when it settled (or is a bank deposit, which cannot be called back). */
  cancelRefund(providerRefundId: string): Promise<boolean>;
  /** The card authorisation of a payment: active while it has not expired. */
  authorisation(input: { orderId: string; paymentReference: string }): Promise<{ active: boolean; expiresAt: string | null }>;
  recapture(input: RecaptureRequest): Promise<RecaptureAnswer>;
  /** What the provider took from the customer for a payment request (null: nothing yet): what its payment.received says, asked for. */
  paymentOf(paymentRequestId: string): Promise<{ providerPaymentId: string; amount: number } | null>;
}
