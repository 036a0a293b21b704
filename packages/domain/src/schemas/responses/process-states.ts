/**
 * What a running process says of itself (its Temporal query), shown as `live` beside the record
 * while the process runs. Each process's contract module (apps/workflows/src/contracts) takes its
 * state type from here, so the query, the API and the console read one shape.
 */
import { z } from 'zod';
import { CANCELLATION_STEPS } from '../../cancellation.ts';
import { ACKNOWLEDGEMENT_CHANNELS } from '../../cancelled-but-shipped.ts';
import { REFUND_STATUSES } from '../../refund.ts';
import { UNDO_STEPS } from '../../undo-cancellation.ts';

export const CANCELLATION_PHASES = [
  'STARTING',
  'RESTOCKING',
  'NOTIFYING_CHANNEL',
  'WAITING_FOR_DISPUTE',
  'REFUNDING',
  'WAITING_FOR_REFUND',
  'REFUND_FAILED',
  'COMPLETING',
  'CANCELLED',
  'STOPPED_FOR_UNDO',
] as const;

export const cancellationProcessStateSchema = z
  .object({
    cancellationId: z.string(),
    phase: z.enum(CANCELLATION_PHASES),
    refundStatus: z.enum(REFUND_STATUSES).optional(),
    refundFailureReason: z.string().optional(),
    refundAttempt: z.number().int(),
    steps: z.array(z.enum(CANCELLATION_STEPS)),
  })
  .meta({ id: 'CancellationProcessState', description: 'the running cancellation process, absent once it has finished' });
export type CancellationProcessState = z.infer<typeof cancellationProcessStateSchema>;

export const CANCELLATION_REQUEST_PHASES = [
  'STARTING',
  'WAITING_FOR_MERCHANT',
  'DECIDING',
  'ACCEPTED',
  'REJECTED',
  'REJECTED_SHIPPED',
  'WITHDRAWN',
  'AUTO_ACCEPTED',
] as const;

export const cancellationRequestProcessStateSchema = z
  .object({
    requestId: z.string(),
    phase: z.enum(CANCELLATION_REQUEST_PHASES),
    remindersSent: z.number().int(),
    escalated: z.boolean(),
    cancellationId: z.string().optional(),
  })
  .meta({ id: 'CancellationRequestProcessState', description: 'the running request process, absent once it has finished' });
export type CancellationRequestProcessState = z.infer<typeof cancellationRequestProcessStateSchema>;

export const CANCELLED_BUT_SHIPPED_PHASES = [
  'STARTING',
  'EMAILING_CUSTOMER',
  'WAITING_FOR_ACKNOWLEDGEMENT',
  'FORWARDING',
  'WAITING_FOR_REBILL_APPROVAL',
  'REBILLING',
  'ISSUING_CREDIT_MEMO',
  'COMPLETED',
  'RETURN_REQUESTED',
] as const;

export const cancelledButShippedProcessStateSchema = z
  .object({
    cancelledButShippedId: z.string(),
    phase: z.enum(CANCELLED_BUT_SHIPPED_PHASES),
    remindersSent: z.number().int(),
    undecidedReplies: z.number().int(),
    acknowledgement: z.object({ accepted: z.boolean(), via: z.enum(ACKNOWLEDGEMENT_CHANNELS), by: z.string(), at: z.string() }).optional(),
    rebillApprovedBy: z.string().optional(),
  })
  .meta({ id: 'CancelledButShippedProcessState', description: 'the running cancelled-but-shipped process, absent once it has finished' });
export type CancelledButShippedProcessState = z.infer<typeof cancelledButShippedProcessStateSchema>;

export const UNDO_PHASES = [
  'STARTING',
  'STOPPING_CANCELLATION',
  'COLLECTING_MONEY',
  'WAITING_FOR_PAYMENT',
  'REOPENING',
  'UNDONE',
  'FAILED',
] as const;

export const undoProcessStateSchema = z
  .object({
    undoId: z.string(),
    phase: z.enum(UNDO_PHASES),
    steps: z.array(z.enum(UNDO_STEPS)),
    paymentRequestId: z.string().optional(),
    remindersSent: z.number().int(),
    failureReason: z.string().optional(),
  })
  .meta({ id: 'UndoProcessState', description: 'the running undo process, absent once it has finished' });
export type UndoProcessState = z.infer<typeof undoProcessStateSchema>;
