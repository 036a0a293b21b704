/** The order service's answers: orders, cancellations, requests, returns, shipments, cancelled-but-shipped processes, undos. */
import { z } from 'zod';
import {
  CANCELLATION_INITIATORS,
  CANCELLATION_REASONS,
  CANCELLATION_STATUSES,
  CANCELLATION_STEPS,
  REFUND_METHODS,
} from '../../cancellation.ts';
import {
  CANCELLATION_REQUEST_REJECTIONS,
  CANCELLATION_REQUEST_SOURCES,
  CANCELLATION_REQUEST_STATUSES,
} from '../../cancellation-request.ts';
import { ACKNOWLEDGEMENT_CHANNELS, CANCELLED_BUT_SHIPPED_STATUSES } from '../../cancelled-but-shipped.ts';
import { CHANNELS } from '../../channel-policies.ts';
import { ORDER_STATUSES, PAYMENT_METHODS } from '../../order.ts';
import { REFUND_STATUSES } from '../../refund.ts';
import { RETURN_REASONS, RETURN_STATUSES } from '../../returns.ts';
import { UNDO_STATUSES } from '../../undo-cancellation.ts';
import { currencySchema } from '../money.ts';
import { minorUnitsSchema, pageOf, stepRecordSchema, timestampSchema } from './common.ts';
import {
  cancellationProcessStateSchema,
  cancellationRequestProcessStateSchema,
  cancelledButShippedProcessStateSchema,
  undoProcessStateSchema,
} from './process-states.ts';

// ---- orders ----

export const orderLineBodySchema = z
  .object({
    id: z.string(),
    lineNo: z.number().int(),
    sku: z.string(),
    quantity: z.number().int(),
    unitPrice: minorUnitsSchema.meta({ description: 'VAT included' }),
    vatRate: z.number().int().meta({ description: 'basis points (2100 = 21 %)' }),
    discount: minorUnitsSchema.meta({ description: "the line's own discount" }),
    orderDiscountShare: minorUnitsSchema.optional().meta({ description: "its share of the order's discounts" }),
    total: minorUnitsSchema.optional().meta({ description: 'what the customer paid for the line' }),
    vat: minorUnitsSchema.optional().meta({ description: 'the VAT in total' }),
    shippedQuantity: z.number().int(),
    cancelledQuantity: z.number().int(),
    returnedQuantity: z.number().int(),
    openQuantity: z.number().int().meta({ description: 'neither shipped nor cancelled' }),
  })
  .meta({ id: 'OrderLine' });
export type OrderLineBody = z.infer<typeof orderLineBodySchema>;

export const orderBodySchema = z
  .object({
    id: z.string(),
    merchantId: z.string(),
    channel: z.enum(CHANNELS),
    channelOrderNo: z.string(),
    integerId: z.number().int().meta({ description: "the order's integer id in the Merchant API v2 (OrderId)" }),
    merchantOrderNo: z
      .string()
      .optional()
      .meta({ description: "the shop's own order number, named when it acknowledged the order through the Merchant API" }),
    status: z.enum(ORDER_STATUSES),
    acknowledged: z.boolean(),
    thirdPartyManaged: z.boolean(),
    selfServiceEnabled: z.boolean(),
    cancellationRequested: z.boolean().meta({ description: "a customer's cancellation request waits for the merchant" }),
    currency: currencySchema,
    placedAt: timestampSchema,
    customer: z.object({ email: z.string(), name: z.string() }),
    total: minorUnitsSchema.meta({ description: 'what the customer pays: lines less discounts plus shipping' }),
    money: z.object({
      subtotal: minorUnitsSchema,
      discount: minorUnitsSchema,
      discounts: z.array(z.object({ amount: minorUnitsSchema, description: z.string().optional() })),
      shipping: z.object({ amount: minorUnitsSchema, vatRate: z.number().int(), vat: minorUnitsSchema }),
      total: minorUnitsSchema,
      vat: minorUnitsSchema,
    }),
    payments: z.array(z.object({ method: z.enum(PAYMENT_METHODS), amount: minorUnitsSchema, reference: z.string() })),
    lines: z.array(orderLineBodySchema),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .meta({ id: 'Order' });
export type OrderBody = z.infer<typeof orderBodySchema>;

export const orderPageSchema = pageOf(orderBodySchema).meta({ id: 'OrderPage' });
export type OrderPage = z.infer<typeof orderPageSchema>;

export const disputeBodySchema = z
  .object({
    id: z.string(),
    orderId: z.string(),
    cancellationId: z.string(),
    status: z.enum(['OPEN', 'CLOSED']),
    resolution: z.string().optional(),
    note: z.string().optional(),
    openedAt: timestampSchema,
    closedAt: timestampSchema.optional(),
  })
  .meta({ id: 'Dispute' });
export type DisputeBody = z.infer<typeof disputeBodySchema>;

/** A line of a cancellation, request, return, cancelled-but-shipped process or undo, with the order line's number and SKU. */
const recordLine = z.object({
  lineId: z.string(),
  lineNo: z.number().int().optional(),
  sku: z.string().optional(),
  quantity: z.number().int(),
});

export const cancellationBodySchema = z
  .object({
    id: z.string(),
    orderId: z.string(),
    merchantId: z.string(),
    merchantCancellationNumber: z.string(),
    status: z.enum(CANCELLATION_STATUSES),
    reason: z.enum(CANCELLATION_REASONS),
    comment: z.string().optional(),
    initiator: z.enum(CANCELLATION_INITIATORS),
    refundMethod: z.enum(REFUND_METHODS),
    restock: z.boolean(),
    amount: minorUnitsSchema.meta({ description: 'what it refunds, VAT included (its lines and any shipping)' }),
    vat: minorUnitsSchema,
    shipping: z.object({ amount: minorUnitsSchema, vat: minorUnitsSchema }),
    currency: currencySchema,
    refundStatus: z.enum(REFUND_STATUSES).optional(),
    refundFailureReason: z.string().optional(),
    workflowId: z.string(),
    createdAt: timestampSchema,
    completedAt: timestampSchema.optional(),
    lines: z.array(recordLine.extend({ unitPrice: minorUnitsSchema.optional(), refund: minorUnitsSchema, vat: minorUnitsSchema })),
    steps: z.array(stepRecordSchema),
    dispute: disputeBodySchema.optional(),
    live: cancellationProcessStateSchema.optional().meta({
      description:
        "the running process's own state while the cancellation is IN_PROGRESS; left out once it is CANCELLED or when the process cannot be reached",
    }),
  })
  .meta({ id: 'Cancellation' });
export type CancellationBody = z.infer<typeof cancellationBodySchema>;

export const timelineEventSchema = z
  .object({
    type: z.string(),
    detail: z.record(z.string(), z.unknown()),
    actor: z.string(),
    at: timestampSchema,
    cancellationId: z.string().optional().meta({ description: 'the cancellation whose step this is (steps only)' }),
    step: z.enum(CANCELLATION_STEPS).optional().meta({ description: "the cancellation's step (type is CANCELLATION_<step>)" }),
  })
  .meta({ id: 'TimelineEvent' });
export type TimelineEventBody = z.infer<typeof timelineEventSchema>;

export const shipmentBodySchema = z
  .object({
    id: z.string(),
    orderId: z.string(),
    shipmentNumber: z.string().meta({ description: "the warehouse's shipment number: the identity of the shipment" }),
    carrier: z.string(),
    trackingNumber: z.string(),
    shippedAt: timestampSchema,
    createdAt: timestampSchema,
    lines: z.array(
      z.object({
        lineId: z.string(),
        quantity: z.number().int(),
        fromOpen: z.number().int().meta({ description: 'units taken from the open quantity' }),
        shippedAfterCancel: z.number().int().meta({ description: 'units that had been cancelled: cancelled but shipped' }),
      }),
    ),
  })
  .meta({ id: 'Shipment' });
export type ShipmentBody = z.infer<typeof shipmentBodySchema>;

/** POST /orders/:id/shipments: the shipment and what it set off. */
export const shipmentRecordedSchema = shipmentBodySchema
  .extend({
    fillOrKillCancellationId: z.string().optional().meta({ description: 'the FILL_OR_KILL cancellation this shipment caused' }),
    cancelledButShippedId: z.string().optional().meta({ description: 'the cancelled-but-shipped process this shipment started' }),
    closedCancellationRequestIds: z
      .array(z.string())
      .optional()
      .meta({ description: 'open customer requests it overtook (now rejected: shipped)' }),
  })
  .meta({ id: 'ShipmentRecorded' });
export type ShipmentRecorded = z.infer<typeof shipmentRecordedSchema>;

export const cancelledButShippedSummarySchema = z
  .object({
    id: z.string(),
    shipmentId: z.string(),
    status: z.enum(CANCELLED_BUT_SHIPPED_STATUSES),
    amount: minorUnitsSchema,
    currency: currencySchema,
  })
  .meta({ id: 'CancelledButShippedSummary' });

export const orderDetailSchema = orderBodySchema
  .extend({
    cancellations: z.array(cancellationBodySchema),
    timeline: z.array(timelineEventSchema),
    shipments: z.array(shipmentBodySchema),
    cancelledButShipped: z.array(cancelledButShippedSummarySchema),
  })
  .meta({ id: 'OrderDetail' });
export type OrderDetail = z.infer<typeof orderDetailSchema>;

const partyEligibilitySchema = z.object({
  allowed: z.boolean(),
  reason: z.string().optional().meta({ description: 'why the party cannot cancel at all' }),
  until: timestampSchema.optional().meta({ description: 'until when the party can still ask' }),
});

export const lineEligibilitySchema = z.object({
  lineId: z.string(),
  lineNo: z.number().int(),
  sku: z.string(),
  quantity: z.number().int(),
  shippedQuantity: z.number().int(),
  cancelledQuantity: z.number().int(),
  cancellableQuantity: z.number().int(),
  wholeLineOnly: z.boolean(),
  notCancellable: z.array(z.string()),
});

/** What a cancellation would refund, VAT included. */
export const refundPreviewSchema = z
  .object({
    currency: currencySchema,
    lines: z.array(
      z.object({
        lineId: z.string(),
        lineNo: z.number().int(),
        sku: z.string(),
        quantity: z.number().int(),
        amount: minorUnitsSchema,
        vat: minorUnitsSchema,
      }),
    ),
    shipping: z.object({ amount: minorUnitsSchema, vat: minorUnitsSchema }),
    amount: minorUnitsSchema,
    vat: minorUnitsSchema,
  })
  .meta({ id: 'RefundPreview' });

export const eligibilityBodySchema = z
  .object({
    orderId: z.string(),
    status: z.enum(ORDER_STATUSES),
    channel: z.enum(CHANNELS),
    merchant: partyEligibilitySchema,
    customer: partyEligibilitySchema,
    lines: z.array(
      lineEligibilitySchema.extend({
        refundPreview: refundPreviewSchema.optional().meta({ description: 'what cancelling its cancellable rest would refund' }),
      }),
    ),
    refundPreview: refundPreviewSchema
      .optional()
      .meta({ description: 'what cancelling the lines asked about (or all cancellable) would refund' }),
  })
  .meta({ id: 'CancellationEligibility' });
export type EligibilityBody = z.infer<typeof eligibilityBodySchema>;

// ---- cancellations ----

export const cancellationStartedSchema = z
  .object({ cancellationId: z.string(), workflowId: z.string(), status: z.enum(CANCELLATION_STATUSES) })
  .meta({ id: 'CancellationStarted' });
export type CancellationStarted = z.infer<typeof cancellationStartedSchema>;

export const refundRetriedSchema = z
  .object({ cancellationId: z.string(), workflowId: z.string(), attempt: z.number().int() })
  .meta({ id: 'RefundRetried' });
export type RefundRetried = z.infer<typeof refundRetriedSchema>;

// ---- cancellation requests ----

export const cancellationRequestBodySchema = z
  .object({
    id: z.string(),
    orderId: z.string(),
    merchantId: z.string(),
    source: z.enum(CANCELLATION_REQUEST_SOURCES),
    status: z.enum(CANCELLATION_REQUEST_STATUSES),
    reason: z.enum(CANCELLATION_REASONS),
    comment: z.string().optional(),
    rejection: z.enum(CANCELLATION_REQUEST_REJECTIONS).optional(),
    rejectionReason: z.string().optional(),
    returnInstead: z.boolean(),
    decidedBy: z.string().optional(),
    cancellationId: z.string().optional(),
    workflowId: z.string(),
    createdAt: timestampSchema,
    decidedAt: timestampSchema.optional(),
    lines: z.array(recordLine),
    live: cancellationRequestProcessStateSchema.optional(),
  })
  .meta({ id: 'CancellationRequest' });
export type CancellationRequestBody = z.infer<typeof cancellationRequestBodySchema>;

export const cancellationRequestPageSchema = pageOf(cancellationRequestBodySchema).meta({ id: 'CancellationRequestPage' });
export type CancellationRequestPage = z.infer<typeof cancellationRequestPageSchema>;

export const cancellationRequestCreatedSchema = z
  .object({
    requestId: z.string(),
    status: z.enum(CANCELLATION_REQUEST_STATUSES),
    workflowId: z.string(),
    cancellationId: z.string().optional().meta({ description: 'set when the request was accepted at once (AUTO_ACCEPTED)' }),
  })
  .meta({ id: 'CancellationRequestCreated' });
export type CancellationRequestCreated = z.infer<typeof cancellationRequestCreatedSchema>;

export const cancellationRequestAcceptedSchema = z
  .object({ requestId: z.string(), status: z.literal('ACCEPTED'), cancellationId: z.string(), workflowId: z.string() })
  .meta({ id: 'CancellationRequestAccepted' });
export const cancellationRequestRejectedSchema = z
  .object({ requestId: z.string(), status: z.literal('REJECTED'), returnInstead: z.boolean() })
  .meta({ id: 'CancellationRequestRejected' });
export const cancellationRequestWithdrawnSchema = z
  .object({ requestId: z.string(), status: z.literal('WITHDRAWN') })
  .meta({ id: 'CancellationRequestWithdrawn' });
export type CancellationRequestAccepted = z.infer<typeof cancellationRequestAcceptedSchema>;
export type CancellationRequestRejected = z.infer<typeof cancellationRequestRejectedSchema>;
export type CancellationRequestWithdrawn = z.infer<typeof cancellationRequestWithdrawnSchema>;

// ---- returns ----

export const returnBodySchema = z
  .object({
    id: z.string(),
    orderId: z.string(),
    merchantId: z.string(),
    reason: z.enum(RETURN_REASONS),
    comment: z.string().optional(),
    status: z.enum(RETURN_STATUSES),
    cancellationRequestId: z.string().optional(),
    merchantReturnNumber: z
      .string()
      .optional()
      .meta({ description: "the merchant's own return number (Merchant API v2 MerchantReturnNo)" }),
    createdAt: timestampSchema,
    lines: z.array(recordLine),
  })
  .meta({ id: 'Return' });
export type ReturnBody = z.infer<typeof returnBodySchema>;

// ---- cancelled but shipped ----

export const recordedAcknowledgementSchema = z.object({
  accepted: z.boolean(),
  via: z.enum(ACKNOWLEDGEMENT_CHANNELS),
  by: z.string(),
  evidence: z.string(),
  messageId: z.string().optional(),
  at: z.string(),
});

const cancelledButShippedLine = recordLine.extend({ unitPrice: minorUnitsSchema });

export const cancelledButShippedBodySchema = z
  .object({
    id: z.string(),
    orderId: z.string(),
    shipmentId: z.string(),
    merchantId: z.string(),
    status: z.enum(CANCELLED_BUT_SHIPPED_STATUSES),
    amount: minorUnitsSchema,
    currency: currencySchema,
    workflowId: z.string(),
    cancellationIds: z.array(z.string()),
    acknowledgement: recordedAcknowledgementSchema.optional(),
    acknowledgementId: z.string().optional().meta({ description: 'the acknowledgement as the payment service recorded it' }),
    rebillApprovedBy: z.string().optional(),
    returnId: z.string().optional().meta({ description: 'the return opened when the customer refused or never answered' }),
    creditMemoId: z.string().optional().meta({ description: 'the credit memo that paid the seller' }),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
    lines: z.array(cancelledButShippedLine),
    steps: z.array(stepRecordSchema),
    live: cancelledButShippedProcessStateSchema.optional(),
  })
  .meta({ id: 'CancelledButShipped' });
export type CancelledButShippedBody = z.infer<typeof cancelledButShippedBodySchema>;

export const cancelledButShippedPageSchema = pageOf(cancelledButShippedBodySchema).meta({ id: 'CancelledButShippedPage' });
export type CancelledButShippedPage = z.infer<typeof cancelledButShippedPageSchema>;

export const acknowledgementRecordedSchema = z
  .object({ cancelledButShippedId: z.string(), accepted: z.boolean(), recordedBy: z.string() })
  .meta({ id: 'AcknowledgementRecorded' });
export type AcknowledgementRecorded = z.infer<typeof acknowledgementRecordedSchema>;

export const rebillApprovedSchema = z
  .object({ cancelledButShippedId: z.string(), approvedBy: z.string().optional(), duplicate: z.boolean() })
  .meta({ id: 'RebillApproved' });
export type RebillApproved = z.infer<typeof rebillApprovedSchema>;

// ---- undo ----

export const undoStartedSchema = z
  .object({
    created: z.boolean(),
    undoId: z.string(),
    cancellationId: z.string(),
    workflowId: z.string(),
    status: z.enum(UNDO_STATUSES),
  })
  .meta({ id: 'UndoStarted' });
export type UndoStarted = z.infer<typeof undoStartedSchema>;

export const undoBodySchema = z
  .object({
    id: z.string(),
    cancellationId: z.string(),
    orderId: z.string(),
    attempt: z.number().int(),
    status: z.enum(UNDO_STATUSES),
    reason: z.string(),
    staffId: z.string(),
    workflowId: z.string(),
    amount: minorUnitsSchema,
    whole: z.boolean(),
    failureReason: z.string().optional(),
    paymentRequestId: z.string().optional().meta({ description: 'the payment request sent when the customer must pay again' }),
    createdAt: timestampSchema,
    completedAt: timestampSchema.optional(),
    lines: z.array(recordLine.extend({ unitPrice: minorUnitsSchema.optional() })),
    steps: z.array(stepRecordSchema),
    moneySteps: z.array(stepRecordSchema).meta({ description: 'the steps that moved or asked for money' }),
    live: undoProcessStateSchema.optional(),
  })
  .meta({ id: 'Undo' });
export type UndoBody = z.infer<typeof undoBodySchema>;

// ---- the customer's self-service page ----

export const selfServiceCancelledButShippedSchema = z
  .object({
    id: z.string(),
    status: z.enum(CANCELLED_BUT_SHIPPED_STATUSES),
    awaitingAcknowledgement: z.boolean(),
    acknowledgement: z.object({ accepted: z.boolean(), at: z.string() }).optional(),
    carrier: z.string().optional(),
    trackingNumber: z.string().optional(),
    shippedAt: timestampSchema.optional(),
    amount: minorUnitsSchema,
    currency: currencySchema,
    lines: z.array(cancelledButShippedLine),
  })
  .meta({ id: 'SelfServiceCancelledButShipped' });
export type SelfServiceCancelledButShipped = z.infer<typeof selfServiceCancelledButShippedSchema>;

export const selfServiceOrderSchema = z
  .object({
    id: z.string(),
    channel: z.enum(CHANNELS),
    channelOrderNo: z.string(),
    status: z.enum(ORDER_STATUSES),
    placedAt: timestampSchema,
    currency: currencySchema,
    customer: z.object({ name: z.string() }),
    cancellationRequested: z.boolean(),
    lines: z.array(orderLineBodySchema),
    total: minorUnitsSchema,
    eligibility: z.object({ customer: partyEligibilitySchema, lines: z.array(lineEligibilitySchema) }),
    cancellationRequests: z.array(
      z.object({
        id: z.string(),
        status: z.enum(CANCELLATION_REQUEST_STATUSES),
        createdAt: timestampSchema,
        returnInstead: z.boolean(),
        rejectionReason: z.string().optional(),
      }),
    ),
    cancelledButShipped: z.array(selfServiceCancelledButShippedSchema),
  })
  .meta({ id: 'SelfServiceOrder' });
export type SelfServiceOrder = z.infer<typeof selfServiceOrderSchema>;

// ---- sandbox (testing aids) ----

export const channelMessagesSchema = z
  .object({
    items: z.array(
      z.object({
        id: z.string(),
        idempotencyKey: z.string(),
        orderId: z.string(),
        channel: z.string(),
        channelOrderNo: z.string(),
        kind: z.string(),
        payload: z.unknown(),
        createdAt: timestampSchema,
      }),
    ),
  })
  .meta({ id: 'SandboxChannelMessages' });
export type ChannelMessages = z.infer<typeof channelMessagesSchema>;

export const inventoryMovementsSchema = z
  .object({
    items: z.array(
      z.object({
        id: z.string(),
        idempotencyKey: z.string(),
        orderId: z.string(),
        sku: z.string(),
        quantity: z.number().int(),
        reason: z.string(),
        reference: z.string(),
        createdAt: timestampSchema,
      }),
    ),
  })
  .meta({ id: 'SandboxInventoryMovements' });
export type InventoryMovements = z.infer<typeof inventoryMovementsSchema>;
