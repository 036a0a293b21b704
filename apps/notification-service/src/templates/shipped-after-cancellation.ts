import { z } from 'zod';
import { currencySchema, formatMoney } from '@cancelflow/domain';
import { minorUnitsAmount, requiredText } from './fields.ts';
import { escapeHtml, layout, paragraphs } from './html.ts';
import type { RenderedEmail } from './types.ts';

/**
 * Process 3: the order shipped although it was cancelled, and the customer will be rebilled.
 * Carrier and tracking number in plain text and NO links at all (marketplaces refuse emails
 * with links in this situation): the customer answers by replying to this email.
 */
/** Marketplaces refuse links in this email: nothing that a mail client would turn into one. */
const noLink = (value: string): boolean => !/(\b[a-z][a-z0-9+.-]*:\/\/|\bwww\.|<a[\s>])/i.test(value);

export const shippedAfterCancellationData = z.object({
  orderNo: requiredText('orderNo is required: the order number the customer knows'),
  customerName: z.string().trim().max(200).nullish(),
  carrier: requiredText('carrier is required: who delivers the parcel').refine(noLink, 'carrier must be a name, no links in this email'),
  trackingNumber: requiredText('trackingNumber is required: the carrier\'s tracking number').refine(noLink, 'trackingNumber must be the number itself, no links in this email'),
  amount: minorUnitsAmount,
  currency: currencySchema,
  lines: requiredText('lines is required: a short summary of what shipped after the cancellation').max(2000),
});
export type ShippedAfterCancellationData = z.infer<typeof shippedAfterCancellationData>;

export const renderShippedAfterCancellation = (data: ShippedAfterCancellationData): RenderedEmail => render(data, false);
export const renderShippedAfterCancellationReminder = (data: ShippedAfterCancellationData): RenderedEmail => render(data, true);

function render(data: ShippedAfterCancellationData, reminder: boolean): RenderedEmail {
  const greeting = data.customerName ? `Dear ${data.customerName},` : 'Dear customer,';
  const amount = formatMoney({ amountMinor: data.amount, currency: data.currency });
  const opening = reminder
    ? `We have not heard from you yet about your order ${data.orderNo}, which shipped after it was cancelled.`
    : `Part of your order ${data.orderNo} was shipped to you although it had been cancelled:`;
  const shipped = `${data.lines}`;
  const tracking = [`Carrier: ${data.carrier}`, `Tracking number: ${data.trackingNumber}`];
  const rebill = `If you keep the item, we will charge you again for it: ${amount}.`;
  const answer = [
    'Please reply to this email with one of these on the first line:',
    '  I accept   (you keep the item and accept the new charge)',
    '  I refuse   (you send the item back; nothing is charged)',
  ].join('\n');
  const noAnswer = 'If we do not hear from you, we will ask you to return the item and nothing will be charged.';
  const subject = reminder
    ? `Reminder: your cancelled order ${data.orderNo} was shipped, please answer`
    : `Your cancelled order ${data.orderNo} was shipped: please confirm`;

  const text = [greeting, '', opening, '', `  ${shipped}`, '', ...tracking, '', rebill, '', answer, '', noAnswer, '', 'CancelFlow'].join('\n');
  const html = layout(
    subject,
    [
      paragraphs(greeting, opening),
      `<pre style="font-family: inherit; margin-left: 1em;">${escapeHtml(shipped)}</pre>`,
      paragraphs(tracking.join('\n'), rebill),
      `<pre style="font-family: inherit;">${escapeHtml(answer)}</pre>`,
      paragraphs(noAnswer, 'CancelFlow'),
    ].join('\n'),
  );
  return { subject, text, html };
}
