// What the services answer, as the console reads it. Vocabulary comes from @cancelflow/domain.

import type { CancellationInitiator, CancellationReason, CancellationStatus, CancellationStep, RefundMethod } from '@cancelflow/domain/cancellation';
import type { Channel } from '@cancelflow/domain/channel-policies';
import type { CancellationEligibility } from '@cancelflow/domain/eligibility';
import type { OrderStatus, PaymentMethod } from '@cancelflow/domain/order';
import type { RefundStatus } from '@cancelflow/domain/refund';

export interface OrderLine {
  id: string;
  lineNo: number;
  sku: string;
  quantity: number;
  /** Minor units of the order's currency. */
  unitPrice: number;
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
  /** Minor units. */
  total: number;
  payments?: { method: PaymentMethod; amount: number; reference: string }[];
  lines: OrderLine[];
  /** Set once customer cancellation requests exist (issue 3): an open request awaits the merchant. */
  cancellationRequested?: boolean;
  createdAt: string;
  updatedAt: string;
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
}

export type Eligibility = CancellationEligibility & { orderId: string; status: OrderStatus };

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

export const DISPUTE_RESOLUTIONS = ['BUYER_REFUNDED_BY_MARKETPLACE', 'SELLER_REFUNDS', 'CLOSED_WITHOUT_REFUND'] as const;
export type DisputeResolution = (typeof DISPUTE_RESOLUTIONS)[number];
