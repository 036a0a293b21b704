// What the services answer, as the console reads it. Vocabulary comes from @cancelflow/domain.

import type { CancellationInitiator, CancellationReason, CancellationStatus, CancellationStep, RefundMethod } from '@cancelflow/domain/cancellation';
import type { Channel } from '@cancelflow/domain/channel-policies';
import type { CancellationEligibility } from '@cancelflow/domain/eligibility';
import type { OrderStatus, PaymentMethod } from '@cancelflow/domain/order';
import type { RefundPreview } from '@cancelflow/domain/order-money';
import type { RefundStatus } from '@cancelflow/domain/refund';

export interface OrderLine {
  id: string;
  lineNo: number;
  sku: string;
  quantity: number;
  /** Minor units of the order's currency, VAT included. */
  unitPrice: number;
  /** Basis points (2100 = 21 %). */
  vatRate?: number;
  /** The line's own discount. */
  discount?: number;
  /** Its share of the order's discounts. */
  orderDiscountShare?: number;
  /** What the customer paid for the line, and the VAT in it. */
  total?: number;
  vat?: number;
  shippedQuantity: number;
  cancelledQuantity: number;
  returnedQuantity: number;
  openQuantity: number;
}

export interface OrderSummary {
  id: string;
  merchantId: string;
  channel: Channel;
  channelOrderNo: string;
  status: OrderStatus;
  acknowledged: boolean;
  thirdPartyManaged: boolean;
  currency: string;
  placedAt: string;
  customer?: { email: string; name: string };
  /** Minor units: what the customer pays (lines less discounts plus shipping). */
  total: number;
  money?: OrderMoneyView;
  payments?: { method: PaymentMethod; amount: number; reference: string }[];
  lines: OrderLine[];
  /** Set once customer cancellation requests exist (issue 3): an open request awaits the merchant. */
  cancellationRequested?: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface OrderMoneyView {
  subtotal: number;
  discount: number;
  discounts: { amount: number; description?: string }[];
  shipping: { amount: number; vatRate: number; vat: number };
  total: number;
  vat: number;
}

export interface OrderList {
  items: OrderSummary[];
  total: number;
  limit?: number;
  offset?: number;
}

export interface StepRecord {
  step: CancellationStep | string;
  key?: string;
  detail?: string;
  actor: string;
  at: string;
}

export interface Dispute {
  id: string;
  orderId: string;
  cancellationId: string;
  status: 'OPEN' | 'CLOSED';
  resolution?: string;
  note?: string;
  openedAt: string;
  closedAt?: string;
}

/** The running workflow's own view (a Temporal query); absent once it has finished. */
export interface LiveState {
  cancellationId: string;
  phase: string;
  refundStatus?: RefundStatus;
  refundFailureReason?: string;
  refundAttempt: number;
  steps: string[];
}

export interface Cancellation {
  id: string;
  orderId: string;
  merchantId: string;
  merchantCancellationNumber: string;
  status: CancellationStatus;
  reason: CancellationReason;
  comment?: string;
  initiator: CancellationInitiator;
  refundMethod: RefundMethod;
  restock: boolean;
  amount: number;
  currency: string;
  refundStatus?: RefundStatus;
  refundFailureReason?: string;
  workflowId: string;
  createdAt: string;
  completedAt?: string;
  lines: { lineId: string; lineNo?: number; sku?: string; quantity: number; unitPrice?: number }[];
  steps: StepRecord[];
  dispute?: Dispute;
  live?: LiveState;
}

export interface TimelineEvent {
  type: string;
  detail: Record<string, unknown>;
  actor: string;
  at: string;
}

export interface OrderDetail extends OrderSummary {
  selfServiceEnabled?: boolean;
  cancellations: Cancellation[];
  timeline: TimelineEvent[];
  /** Issue 4: what shipped, and the chains of items shipped after they were cancelled. */
  shipments?: { id: string; shipmentNumber?: string; carrier: string; trackingNumber: string; shippedAt?: string; lines: { lineId: string; quantity: number }[] }[];
  cancelledButShipped?: { id: string; shipmentId: string; status: string; amount: number; currency: string }[];
}

export type { RefundPreview };

/** With what a cancellation would refund: of the lines asked about (or all cancellable), and per line of its cancellable rest. */
export type Eligibility = Omit<CancellationEligibility, 'lines'> & {
  orderId: string;
  status: OrderStatus;
  lines: (CancellationEligibility['lines'][number] & { refundPreview?: RefundPreview })[];
  refundPreview?: RefundPreview;
};

export interface CreateCancellationBody {
  lines: { lineId: string; quantity: number }[];
  reason: Exclude<CancellationReason, 'FILL_OR_KILL'>;
  comment?: string;
  merchantCancellationNumber: string;
  refundMethod: RefundMethod;
  restock: boolean;
}

export interface CancellationStarted {
  cancellationId: string;
  workflowId: string;
  status?: CancellationStatus;
}

export interface Payment {
  id: string;
  orderId: string;
  method: PaymentMethod;
  amount: number;
  currency: string;
  reference: string;
  createdAt: string;
}

export interface RefundPart {
  id: string;
  partNo: number;
  channel: string;
  amount: number;
  paymentReference: string | null;
  status: string;
  providerRefundId: string | null;
  attempt: number;
  failureReason: string | null;
  settledAt: string | null;
}

export interface Refund {
  id: string;
  cancellationId: string;
  orderId: string;
  amount: number;
  currency: string;
  refundMethod: RefundMethod;
  status: string;
  attempt: number;
  failureReason: string | null;
  createdAt: string;
  updatedAt: string;
  parts: RefundPart[];
}

export interface OrderPayments {
  orderId: string;
  payments: Payment[];
  refunds: Refund[];
  totals: { currency: string | null; charged: number; refunded: number; ledgerReturned: number };
}

export interface Email {
  id: string;
  to: string;
  template: string;
  subject: string;
  text: string;
  status: string;
  error: string | null;
  orderId: string | null;
  createdAt: string;
  sentAt: string | null;
}

export interface EmailList {
  items: Email[];
  total: number;
}

/** Mail that came in to the reply address; UNDECIDED ones do not count as the customer's word. */
export interface InboundReply {
  id: string;
  status: 'COUNTED' | 'UNDECIDED';
  reasons: string[];
  orderId: string | null;
  senderAuthentication: string | null;
  messageId: string | null;
  from: string | null;
  subject: string | null;
  text: string | null;
  receivedAt: string;
}

export interface InboundReplyList {
  items: InboundReply[];
  total: number;
}

export const DISPUTE_RESOLUTIONS = ['BUYER_REFUNDED_BY_MARKETPLACE', 'SELLER_REFUNDS', 'CLOSED_WITHOUT_REFUND'] as const;
export type DisputeResolution = (typeof DISPUTE_RESOLUTIONS)[number];

// ---- Issue 3: customers' cancellation requests and the self-service view ----

export type CancellationRequestStatus = 'REQUESTED' | 'ACCEPTED' | 'REJECTED' | 'AUTO_ACCEPTED' | 'WITHDRAWN';

export interface CancellationRequest {
  id: string;
  orderId: string;
  merchantId: string;
  source: 'CUSTOMER_SELF_SERVICE' | 'CUSTOMER_CONTACT' | 'MARKETPLACE';
  status: CancellationRequestStatus;
  reason: CancellationReason;
  comment?: string;
  rejection?: 'MERCHANT' | 'SHIPPED';
  rejectionReason?: string;
  returnInstead: boolean;
  decidedBy?: string;
  cancellationId?: string;
  workflowId: string;
  createdAt: string;
  decidedAt?: string;
  lines: { lineId: string; lineNo?: number; sku?: string; quantity: number }[];
}

export interface CancellationRequestList {
  items: CancellationRequest[];
  total: number;
}

export interface AcceptRequestBody {
  staffId: string;
  refundMethod: RefundMethod;
  restock: boolean;
}

/** GET /self-service/orders/:id: the order as its customer sees it. */
export interface SelfServiceOrder {
  id: string;
  channel: Channel;
  channelOrderNo: string;
  status: OrderStatus;
  placedAt: string;
  currency: string;
  customer: { name: string };
  cancellationRequested: boolean;
  lines: OrderLine[];
  eligibility: Pick<CancellationEligibility, 'customer' | 'lines'>;
  cancellationRequests: { id: string; status: CancellationRequestStatus; createdAt: string; returnInstead: boolean; rejectionReason?: string }[];
  /** Items that shipped though they were cancelled, and whether the customer's answer is awaited. */
  cancelledButShipped?: SelfServiceChain[];
}

/** A cancelled-but-shipped chain as the customer sees it on the self-service page. */
export interface SelfServiceChain {
  id: string;
  status: ChainStatus;
  awaitingAcknowledgement: boolean;
  acknowledgement?: { accepted: boolean; at: string };
  carrier?: string;
  trackingNumber?: string;
  shippedAt?: string;
  amount: number;
  currency: string;
  lines: { lineId: string; lineNo?: number; sku?: string; quantity: number; unitPrice: number }[];
}

/** POST /self-service/cancelled-but-shipped/:id/acknowledgement: the customer's own answer. */
export interface SelfServiceAcknowledgementBody {
  accepted: boolean;
  statement: string;
}

// ---- Issue 4: shipments and cancelled-but-shipped chains ----

export interface CreateShipmentBody {
  shipmentNumber?: string;
  lines: { lineId: string; quantity: number }[];
  carrier: string;
  trackingNumber: string;
}

export interface ShipmentRecorded {
  id: string;
  fillOrKillCancellationId?: string;
  cancelledButShippedId?: string;
  lines: { lineId: string; quantity: number; fromOpen: number; shippedAfterCancel: number }[];
}

export type ChainStatus =
  | 'AWAITING_ACKNOWLEDGEMENT'
  | 'ACKNOWLEDGED'
  | 'AWAITING_REBILL_APPROVAL'
  | 'REBILLING'
  | 'RETURN_REQUESTED'
  | 'COMPLETED'
  | 'FAILED'
  | string;

export interface CancelledButShippedChain {
  id: string;
  orderId: string;
  shipmentId: string;
  merchantId: string;
  status: ChainStatus;
  amount: number;
  currency: string;
  workflowId: string;
  cancellationIds: string[];
  acknowledgement?: { accepted: boolean; via: string; by: string; evidence: string; at?: string };
  acknowledgementId?: string;
  rebillApprovedBy?: string;
  createdAt: string;
  updatedAt: string;
  lines: { lineId: string; lineNo?: number; sku?: string; quantity: number; unitPrice: number }[];
  steps: StepRecord[];
  live?: { phase: string; remindersSent?: number };
}

export interface ChainList {
  items: CancelledButShippedChain[];
  total: number;
}

export interface Rebill {
  id: string;
  chainId: string;
  orderId: string;
  amount: number;
  currency: string;
  status: string;
  creditMemoId?: string | null;
  [key: string]: unknown;
}

// ---- Issue 5: undoing a cancellation ----

export interface Undo {
  id: string;
  cancellationId: string;
  orderId: string;
  attempt: number;
  status: 'IN_PROGRESS' | 'UNDONE' | 'FAILED';
  reason: string;
  staffId: string;
  workflowId: string;
  amount: number;
  whole: boolean;
  failureReason?: string;
  createdAt: string;
  completedAt?: string;
  lines: { lineId: string; lineNo?: number; sku?: string; quantity: number; unitPrice?: number }[];
  steps: StepRecord[];
  moneySteps: StepRecord[];
  live?: { phase?: string; [key: string]: unknown };
}

export interface UndoStarted {
  undoId: string;
  workflowId?: string;
  created?: boolean;
}

/** A process waiting on the outside world longer than expected (GET /overdue-waits of the payment service). */
export interface OverdueWait {
  kind: 'CARD_REFUND' | 'BANK_DEPOSIT' | 'PAYMENT_REQUEST';
  id: string;
  orderId: string;
  cancellationId: string;
  waitingFor: string;
  providerId: string | null;
  amount: number;
  currency: string;
  since: string;
  expectedMs: number;
  lastAskedAt: string | null;
}

/** A merchant's key for the Merchant API v2 (ChannelEngine-compatible); the key itself is never listed. */
export interface ApiKey {
  id: string;
  merchantId: string;
  name: string;
  /** The key's first characters, to tell keys apart. */
  prefix: string;
  status: 'ACTIVE' | 'REVOKED';
  createdBy: string;
  createdAt: string;
  revokedAt?: string;
  revokedBy?: string;
}

/** The answer to creating a key: the only time `key` is shown. */
export interface ApiKeyCreated extends ApiKey {
  key: string;
}
