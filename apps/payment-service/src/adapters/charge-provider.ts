/**
 * Charging a customer again (a rebill), as this service sees the provider. The same
 * idempotency key twice returns the first charge and never charges twice.
 */
export interface ChargeRequest {
  idempotencyKey: string;
  orderId: string;
  amount: number;
  currency: string;
  /** The earlier payment whose card or account is charged, when there is one. */
  paymentReference?: string;
}

export interface ChargeProvider {
  charge(input: ChargeRequest): Promise<{ providerChargeId: string; status: 'SUCCEEDED' }>;
}
