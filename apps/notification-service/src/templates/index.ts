import type { z } from 'zod';
import { EMAIL_TEMPLATES, ValidationError, type EmailTemplate } from '@cancelflow/domain';
import { cancellationConfirmedData, renderCancellationConfirmed } from './cancellation-confirmed.ts';
import { refundFailedSupportData, renderRefundFailedSupport } from './refund-failed-support.ts';
import type { RenderedEmail } from './types.ts';
import * as undo from './undo-cancellation.ts';
import { emailThreadForwardData, renderEmailThreadForward } from './email-thread-forward.ts';
import {
  renderCancelledButShipped,
  renderCancelledButShippedReminder,
  renderCancelledButShippedReturn,
  cancelledButShippedData,
  cancelledButShippedReturnData,
} from './cancelled-but-shipped.ts';
import * as request from './cancellation-request.ts';
import { orderConfirmationData, renderOrderConfirmation } from './order-confirmation.ts';
import { renderWebhookSubscriptionDisabled, webhookSubscriptionDisabledData } from './webhook-subscription-disabled.ts';

export type { RenderedEmail };

interface Template<S extends z.ZodType> {
  data: S;
  render(data: z.output<S>): RenderedEmail;
  /** The email asks its reader to reply to it: it carries the reply address as Reply-To. */
  invitesReply: boolean;
}

const template = <S extends z.ZodType>(
  data: S,
  render: (data: z.output<S>) => RenderedEmail,
  { invitesReply = false }: { invitesReply?: boolean } = {},
): Template<S> => ({ data, render, invitesReply });
const replyable = { invitesReply: true };

/** Every template by its name: the EmailTemplate union of the domain, nothing more, nothing less. */
const TEMPLATES: { [K in EmailTemplate]: Template<z.ZodType> } = {
  CANCELLATION_CONFIRMED: template(cancellationConfirmedData, renderCancellationConfirmed, replyable),
  REFUND_FAILED_SUPPORT: template(refundFailedSupportData, renderRefundFailedSupport),
  PAYMENT_REQUEST: template(undo.paymentRequestData, undo.renderPaymentRequest, replyable),
  PAYMENT_REQUEST_REMINDER: template(undo.paymentRequestData, undo.renderPaymentRequestReminder, replyable),
  CANCELLATION_UNDONE: template(undo.cancellationUndoneData, undo.renderCancellationUndone, replyable),
  CANCELLED_BUT_SHIPPED: template(cancelledButShippedData, renderCancelledButShipped, replyable),
  CANCELLED_BUT_SHIPPED_REMINDER: template(cancelledButShippedData, renderCancelledButShippedReminder, replyable),
  CANCELLED_BUT_SHIPPED_RETURN: template(cancelledButShippedReturnData, renderCancelledButShippedReturn),
  EMAIL_THREAD_FORWARD: template(emailThreadForwardData, renderEmailThreadForward),
  ORDER_CONFIRMATION: template(orderConfirmationData, renderOrderConfirmation),
  CANCELLATION_REQUEST_RECEIVED: template(request.requestReceivedData, request.renderRequestReceived),
  CANCELLATION_REQUEST_REMINDER: template(request.requestReminderData, request.renderRequestReminder),
  CANCELLATION_REQUEST_ESCALATION: template(request.requestEscalationData, request.renderRequestEscalation),
  CANCELLATION_REQUEST_ACCEPTED: template(request.requestAcceptedData, request.renderRequestAccepted),
  CANCELLATION_REQUEST_REJECTED: template(request.requestRejectedData, request.renderRequestRejected, replyable),
  CANCELLATION_REQUEST_REJECTED_RETURN: template(request.requestRejectedReturnData, request.renderRequestRejectedReturn, replyable),
  WEBHOOK_SUBSCRIPTION_DISABLED: template(webhookSubscriptionDisabledData, renderWebhookSubscriptionDisabled),
};

export const isEmailTemplate = (name: unknown): name is EmailTemplate =>
  typeof name === 'string' && (EMAIL_TEMPLATES as readonly string[]).includes(name);

/**
 * Validates the data against the template's schema and renders subject, text and HTML, and says
 * whether the email asks for a reply. Throws a ValidationError naming every field that is
 * missing or wrong.
 */
export function renderEmail(name: EmailTemplate, data: unknown): RenderedEmail & { invitesReply: boolean } {
  if (!isEmailTemplate(name)) {
    throw new ValidationError(`unknown email template "${String(name)}": use one of ${EMAIL_TEMPLATES.join(', ')}`);
  }
  const chosen = TEMPLATES[name];
  const result = chosen.data.safeParse(data);
  if (!result.success) {
    const details = result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    const listed = details.map((d) => (d.path && !d.message.startsWith(d.path) ? `${d.path}: ${d.message}` : d.message)).join('; ');
    throw new ValidationError(`template ${name} cannot be rendered, its data is invalid: ${listed}`, details);
  }
  return { ...chosen.render(result.data), invitesReply: chosen.invitesReply };
}
