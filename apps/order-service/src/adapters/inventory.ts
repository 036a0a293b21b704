/** Putting cancelled quantities back into the merchant's stock. */
export interface RestockRequest {
  /** The same key twice moves stock once. */
  idempotencyKey: string;
  orderId: string;
  sku: string;
  quantity: number;
  reason: string;
  /** The business id behind the movement, e.g. the cancellation id. */
  reference: string;
}

/** The inventory system, behind one interface; the sandbox records what it was told. */
export interface InventoryAdapter {
  restock(request: RestockRequest): Promise<void>;
}
