/**
 * What the workflows may ask each service to do, one interface per task queue. Only types live
 * here: the workflows proxy these by task queue and never import a service's code.
 * Every activity is idempotent, keyed by the business id it takes.
 */
import type { CancellationReason, CancellationStep, RefundMethod } from './cancellation.ts';
import type { Channel } from './channel-policies.ts';
import type { PaymentMethod } from './order.ts';
import type { RefundChannel, RefundStatus } from './refund.ts';

export const TASK_QUEUES = {
  orders: 'orders',
  payments: 'payments',
  notifications: 'notifications',
  cancellations: 'cancellations',
} as const;

export interface CancellationContext {
  cancellationId: string;
  orderId: string;
  merchantId: string;
  channel: Channel;
  channelOrderNo: string;
  thirdPartyManaged: boolean;
  currency: string;
  /**
   * The amount to refund, in minor units: priced once, when the cancellation was reserved, by the
   * domain's rule (planCancellationRefund: the lines less their share of the discounts, and the
   * shipping with the last open unit).
   */
  amount: number;
  refundMethod: RefundMethod;
  restock: boolean;
  reason: CancellationReason;
  customer: { email: string; name: string };
  lines: { lineId: string; lineNo: number; sku: string; quantity: number; unitPrice: number }[];
  /** The order's payments as the channel reported them at import. */
  payments: { method: PaymentMethod; amount: number; reference: string }[];
}

export interface ChannelNotification {
  /** Why the marketplace was not told, when it was not. */
  skipped?: 'THIRD_PARTY_MANAGED' | 'OWN_SHOP';
  /** eBay: cancelling a paid, unshipped order opens a dispute that must close first. */
  disputeId?: string;
}

export interface OrderActivities {
  /** Reads the cancellation the workflow runs for; fails for good when it does not exist. */
  loadCancellation(cancellationId: string): Promise<CancellationContext>;
  restockCancellation(cancellationId: string): Promise<void>;
  notifyChannelOfCancellation(cancellationId: string): Promise<ChannelNotification>;
  /** Appends a step to the cancellation and to the order's timeline (once per step and key). */
  recordCancellationStep(input: {
    cancellationId: string;
    step: CancellationStep;
    detail?: string;
    actor?: string;
    /** Distinguishes repeated steps, e.g. one REFUND_REQUESTED per attempt. */
    key?: string;
  }): Promise<void>;
  /** IN_PROGRESS -> CANCELLED, only after the refund succeeded or was not needed. */
  completeCancellation(cancellationId: string): Promise<void>;
}

export interface RefundOutcome {
  refundId: string;
  status: RefundStatus;
  failureReason?: string;
  parts: { channel: RefundChannel; amount: number; status: RefundStatus }[];
}

export interface PaymentActivities {
  /** Records the order's payments as imported (idempotent on order and reference). */
  recordOrderPayments(input: {
    orderId: string;
    currency: string;
    payments: CancellationContext['payments'];
  }): Promise<void>;
  /**
   * Refunds a cancellation, idempotent on cancellationId: asking again returns the same refund.
   * With retry, the parts that failed are submitted again (under a new provider idempotency key).
   */
  requestRefund(input: {
    cancellationId: string;
    orderId: string;
    currency: string;
    amount: number;
    refundMethod: RefundMethod;
    retry?: boolean;
  }): Promise<RefundOutcome>;
  getRefund(cancellationId: string): Promise<RefundOutcome>;
  /**
   * A refund still PENDING after its expected time: asks the provider, applies its answer as its
   * event would have been (once, whichever comes first), and returns the refund as it now is.
   */
  reconcileRefund(cancellationId: string): Promise<RefundOutcome>;
}

export const EMAIL_TEMPLATES = [
  'CANCELLATION_CONFIRMED',
  'REFUND_FAILED_SUPPORT',
  // Process 2, the customer's cancellation request (and the order confirmation that links to it).
  'ORDER_CONFIRMATION',
  'CANCELLATION_REQUEST_RECEIVED',
  'CANCELLATION_REQUEST_REMINDER',
  'CANCELLATION_REQUEST_ESCALATION',
  'CANCELLATION_REQUEST_ACCEPTED',
  'CANCELLATION_REQUEST_REJECTED',
  'CANCELLATION_REQUEST_REJECTED_RETURN',
  // Process 3, cancelled but shipped (no links in any of them).
  'SHIPPED_AFTER_CANCELLATION',
  'SHIPPED_AFTER_CANCELLATION_REMINDER',
  'SHIPPED_AFTER_CANCELLATION_RETURN',
  'EMAIL_THREAD_FORWARD',
  // Process 4, undoing a cancellation: pay again (and reminders), and the undo done.
  'PAYMENT_REQUEST',
  'PAYMENT_REQUEST_REMINDER',
  'CANCELLATION_UNDONE',
] as const;
export type EmailTemplate = (typeof EMAIL_TEMPLATES)[number];

export interface NotificationActivities {
  /** Sends an email once per messageKey; a repeat returns the first message's id. */
  sendEmail(input: {
    messageKey: string;
    to: string;
    template: EmailTemplate;
    data: Record<string, string | number | boolean | null>;
    orderId?: string;
  }): Promise<{ messageId: string }>;
}

/** What the customer-cancellation-request workflow reads of its request. */
export interface CancellationRequestContext {
  requestId: string;
  orderId: string;
  merchantId: string;
  channelOrderNo: string;
  source: 'CUSTOMER_SELF_SERVICE' | 'CUSTOMER_CONTACT' | 'MARKETPLACE';
  status: 'REQUESTED' | 'ACCEPTED' | 'REJECTED' | 'AUTO_ACCEPTED' | 'WITHDRAWN';
  reason: CancellationReason;
  comment?: string;
  customer: { email: string; name: string };
  lines: { lineId: string; lineNo: number; sku: string; quantity: number }[];
  /** The cancellation it became, once accepted. */
  cancellationId?: string;
  createdAt: string;
}

/** The order service's side of process 2, on the "orders" task queue; idempotent by request id. */
export interface CancellationRequestActivities {
  loadCancellationRequest(requestId: string): Promise<CancellationRequestContext>;
  /** REQUESTED -> ACCEPTED and the cancellation (with the customer's reason) starts; a repeat returns it. */
  acceptCancellationRequest(input: {
    requestId: string;
    staffId: string;
    refundMethod: RefundMethod;
    restock: boolean;
  }): Promise<{ cancellationId: string; workflowId: string }>;
  /** REQUESTED -> REJECTED; returnInstead when goods of the request have shipped. */
  rejectCancellationRequest(input: { requestId: string; staffId: string; reason: string }): Promise<{ returnInstead: boolean }>;
  /** REQUESTED -> WITHDRAWN by the customer. */
  withdrawCancellationRequest(input: { requestId: string; comment?: string }): Promise<void>;
  /** Adds an entry to the order's timeline, once per key (reminders, escalations, emails). */
  recordCancellationRequestEvent(input: { requestId: string; type: string; key: string; detail?: string }): Promise<void>;
}
