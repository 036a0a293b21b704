/**
 * The emails of the customer's cancellation request: to the customer (received,
 * accepted, rejected, rejected-return-instead) and to the merchant (reminder, escalation).
 */
import { z } from 'zod';
import { text } from '@cancelflow/domain';
import { requiredText } from './fields.ts';
import { layout, paragraphs } from './html.ts';
import type { RenderedEmail } from './types.ts';

const requestBase = {
  orderNo: requiredText('orderNo is required: the order number the customer knows'),
  customerName: text().trim().max(200).nullish(),
  requestId: requiredText('requestId is required: the cancellation request this is about'),
  lines: requiredText('lines is required: a short summary of what the customer asked to cancel').max(2000),
  reason: text().nullish(),
  comment: text().max(1000).nullish(),
  requestedAt: text().nullish(),
};

export const requestReceivedData = z.object(requestBase);
export const requestAcceptedData = z.object({ ...requestBase, automatic: z.boolean().nullish() });
export const requestRejectedData = z.object({
  ...requestBase,
  rejectionReason: requiredText('rejectionReason is required: tell the customer why'),
});
export const requestRejectedReturnData = z.object({
  ...requestBase,
  rejectionReason: text().nullish(),
  shipped: z.boolean().nullish(),
});
export const requestReminderData = z.object({
  ...requestBase,
  reminder: z.number({ error: 'reminder is the number of this reminder' }).int().positive(),
});
export const requestEscalationData = z.object(requestBase);

type Base = z.infer<typeof requestReceivedData>;

const greeting = (d: Base) => (d.customerName ? `Dear ${d.customerName},` : 'Dear customer,');

function email(subject: string, parts: string[]): RenderedEmail {
  const text = [...parts.flatMap((p) => [p, '']), 'CancelFlow'].join('\n');
  return { subject, text, html: layout(subject, paragraphs(...parts, 'CancelFlow')) };
}

export const renderRequestReceived = (d: Base): RenderedEmail =>
  email(`We received your cancellation request for order ${d.orderNo}`, [
    greeting(d),
    `We received your request to cancel from order ${d.orderNo}: ${d.lines}.`,
    'The shop is already preparing your order, so it will look at your request and answer you by email.',
  ]);

export const renderRequestAccepted = (d: z.infer<typeof requestAcceptedData>): RenderedEmail =>
  email(`Your cancellation request for order ${d.orderNo} was accepted`, [
    greeting(d),
    `Your request to cancel ${d.lines} from order ${d.orderNo} was accepted${d.automatic ? ' at once, as the shop had not started on your order yet' : ''}.`,
    'The cancellation is under way; you will get a confirmation once any refund has been made.',
  ]);

export const renderRequestRejected = (d: z.infer<typeof requestRejectedData>): RenderedEmail =>
  email(`Your cancellation request for order ${d.orderNo} could not be accepted`, [
    greeting(d),
    `The shop could not accept your request to cancel ${d.lines} from order ${d.orderNo}.`,
    `The shop's reason: ${d.rejectionReason}`,
    // The goods are still in the warehouse: the customer must learn they will come, and the way out then.
    `Your order will be shipped and arrive as usual. If you no longer want ${d.lines} when they arrive, you can return them: reply to this email once the parcel is with you and we will open a return for you. A return is refunded when the items are back.`,
    'If you have a question, just reply to this email.',
  ]);

export const renderRequestRejectedReturn = (d: z.infer<typeof requestRejectedReturnData>): RenderedEmail =>
  email(`Order ${d.orderNo} has shipped: please return it instead`, [
    greeting(d),
    `Your order ${d.orderNo} has already shipped, so ${d.lines} can no longer be cancelled.`,
    ...(d.rejectionReason ? [`The shop's reason: ${d.rejectionReason}`] : []),
    'You can return the items once they arrive: reply to this email and we will open a return for you. A return is refunded when the items are back.',
  ]);

export const renderRequestReminder = (d: z.infer<typeof requestReminderData>): RenderedEmail =>
  email(`Reminder ${d.reminder}: a customer waits for an answer to cancel order ${d.orderNo}`, [
    `The cancellation request ${d.requestId} for order ${d.orderNo} (${d.lines}) has no answer yet${d.requestedAt ? `; it came in at ${d.requestedAt}` : ''}.`,
    ...(d.comment ? [`The customer wrote: ${d.comment}`] : []),
    'Please accept or reject it in the console: POST /cancellation-requests/:id/accept or /reject.',
  ]);

export const renderRequestEscalation = (d: Base): RenderedEmail =>
  email(`Escalation: cancellation request for order ${d.orderNo} is overdue`, [
    `The cancellation request ${d.requestId} for order ${d.orderNo} (${d.lines}) is still unanswered past its deadline${d.requestedAt ? ` (it came in at ${d.requestedAt})` : ''}.`,
    'The customer is waiting and the order may ship meanwhile. Please decide now.',
  ]);
