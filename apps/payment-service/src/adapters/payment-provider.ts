/**
 * The payment provider, as this service sees it. A real provider (Adyen, Stripe, a bank) and the
 * sandbox implement it alike. The same idempotency key twice returns the first answer and never
 * moves money twice; the final outcome of a PENDING refund arrives later as a provider event, and
 * can be asked for at any time (refundStatus), so no refund depends on one event arriving.
 */
export interface ProviderRefundRequest {
  idempotencyKey: string;
  amount: number;
  currency: string;
  orderId: string;
}

export interface ProviderRefundAnswer {
  providerRefundId: string;
  /** PENDING: accepted, the outcome comes as an event. FAILED: declined at once. */
  status: 'PENDING' | 'FAILED';
  failureReason?: string;
}

/** What the provider's books say about a refund now. UNKNOWN: it never heard of that id. */
export interface ProviderRefundStatus {
  providerRefundId: string;
  status: 'PENDING' | 'SETTLED' | 'FAILED' | 'CANCELLED' | 'UNKNOWN';
  failureReason?: string;
}

export interface PaymentProvider {
  /** Returns money to the card of an earlier payment. */
  refundCard(input: ProviderRefundRequest & { paymentReference: string }): Promise<ProviderRefundAnswer>;
  /** Pays money into the customer's bank account. */
  sendBankDeposit(input: ProviderRefundRequest): Promise<ProviderRefundAnswer>;
  /** The refund's status on the provider's side: what its event would say, asked for. */
  refundStatus(providerRefundId: string): Promise<ProviderRefundStatus>;
}

/** What a provider tells us about a refund later: the webhook body (providerEventSchema). */
export interface ProviderEventInput {
  eventId: string;
  type: 'refund.settled' | 'refund.failed';
  providerRefundId: string;
  /** Our idempotency key, echoed back (a provider's merchant reference): links a part the answer has not linked yet. */
  merchantReference?: string;
  failureReason?: string;
}
