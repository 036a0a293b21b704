// What the services answer, as the console reads it: the services' own answer schemas
// (@cancelflow/domain, schemas/responses), inferred, never copied. Request bodies are the input
// types of the schemas that validate them.

import type { z } from 'zod';
import type {
  acceptCancellationRequestSchema,
  CancellationBody,
  CancellationProcessState,
  CancellationRequestAccepted,
  CancellationRequestBody,
  CancellationRequestCreated,
  CancellationRequestPage,
  CancellationRequestRejected,
  closeDisputeSchema,
  createCancellationSchema,
  createShipmentSchema,
  DisputeBody,
  EligibilityBody,
  EmailBody,
  EmailPage,
  InboundReplyBody,
  InboundReplyPage,
  OrderBody,
  OrderDetail as OrderDetailBody,
  OrderLineBody,
  OrderPage,
  OrderPaymentsBody,
  PaymentBody,
  RebillBody,
  RefundBody,
  RefundPartBody,
  RefundRetried,
  selfServiceAcknowledgementSchema,
  StepRecordBody,
  TimelineEventBody,
  UndoBody,
  UndoStarted as UndoStartedBody,
} from '@cancelflow/domain';

export type { CancellationStarted, SelfServiceCancelledButShipped, SelfServiceOrder, ShipmentRecorded } from '@cancelflow/domain';
export type { AcknowledgementRecorded, CancelledButShippedBody, CancelledButShippedPage, RebillApproved } from '@cancelflow/domain';
export type { CancellationRequestStatus } from '@cancelflow/domain/cancellation-request';
export type { CancelledButShippedStatus } from '@cancelflow/domain/cancelled-but-shipped';

export type OrderLine = OrderLineBody;
export type OrderSummary = OrderBody;
export type OrderList = OrderPage;
export type StepRecord = StepRecordBody;
export type Dispute = DisputeBody;
/** The running workflow's own view (a Temporal query); absent once it has finished. */
export type LiveState = CancellationProcessState;
export type Cancellation = CancellationBody;
export type TimelineEvent = TimelineEventBody;
export type OrderDetail = OrderDetailBody;
export type Eligibility = EligibilityBody;
export type RetryRefundAnswer = RefundRetried;

export type Payment = PaymentBody;
export type RefundPart = RefundPartBody;
export type Refund = RefundBody;
export type OrderPayments = OrderPaymentsBody;
export type Rebill = RebillBody;

export type Email = EmailBody;
export type EmailList = EmailPage;
/** Mail that came in to the reply address; UNDECIDED ones do not count as the customer's word. */
export type InboundReply = InboundReplyBody;
export type InboundReplyList = InboundReplyPage;

export type CancellationRequest = CancellationRequestBody;
export type CancellationRequestList = CancellationRequestPage;
export type CancellationRequestCreatedAnswer = CancellationRequestCreated;
export type AcceptedRequest = CancellationRequestAccepted;
export type RejectedRequest = CancellationRequestRejected;

export type Undo = UndoBody;
export type UndoStarted = UndoStartedBody;

// ---- request bodies ----

export type CreateCancellationBody = z.input<typeof createCancellationSchema>;
export type AcceptRequestBody = z.input<typeof acceptCancellationRequestSchema>;
export type CreateShipmentBody = z.input<typeof createShipmentSchema>;
export type SelfServiceAcknowledgementBody = z.input<typeof selfServiceAcknowledgementSchema>;

export type DisputeResolution = z.infer<typeof closeDisputeSchema>['resolution'];
export const DISPUTE_RESOLUTIONS: readonly DisputeResolution[] = [
  'BUYER_REFUNDED_BY_MARKETPLACE',
  'SELLER_REFUNDS',
  'CLOSED_WITHOUT_REFUND',
];

export type { RefundPreview } from '@cancelflow/domain/order-money';
export type OrderMoneyView = OrderBody['money'];
export type { OverdueWaitBody as OverdueWait } from '@cancelflow/domain';

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

export type {
  WebhookSubscriptionBody as WebhookSubscription,
  WebhookDeliveryBody as WebhookDelivery,
  WebhookEventType,
  CreateWebhookSubscriptionInput as CreateWebhookSubscriptionBody,
  UpdateWebhookSubscriptionInput as UpdateWebhookSubscriptionBody,
  RedeliverWebhookEventsInput as RedeliverWebhookEventsBody,
} from '@cancelflow/domain';
export { WEBHOOK_EVENT_TYPES } from '@cancelflow/domain/webhooks';

/** The answer to creating a subscription: the only time `secret` is shown. */
export type WebhookSubscriptionCreated = import('@cancelflow/domain').WebhookSubscriptionBody & { secret: string };
