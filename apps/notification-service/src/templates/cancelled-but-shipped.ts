import { z } from 'zod';
import { currencySchema, formatMoney, text } from '@cancelflow/domain';
import { minorUnitsAmount, requiredText } from './fields.ts';
import { escapeHtml, layout, paragraphs } from './html.ts';
import type { RenderedEmail } from './types.ts';

/**
 * Cancelled but shipped: the order shipped although it was cancelled, and the customer will be rebilled.
 * Carrier and tracking number in plain text and NO links at all (marketplaces refuse emails
 * with links in this situation): the customer answers by replying to this email.
 */
/** Marketplaces refuse links in this email: nothing that a mail client would turn into one. */
const noLink = (value: string): boolean => !/(\b[a-z][a-z0-9+.-]*:\/\/|\bwww\.|<a[\s>])/i.test(value);

export const cancelledButShippedData = z.object({
  orderNo: requiredText('orderNo is required: the order number the customer knows'),
  customerName: text().trim().max(200).nullish(),
  carrier: requiredText('carrier is required: who delivers the parcel').refine(noLink, 'carrier must be a name, no links in this email'),
  trackingNumber: requiredText("trackingNumber is required: the carrier's tracking number").refine(
    noLink,
    'trackingNumber must be the number itself, no links in this email',
  ),
  amount: minorUnitsAmount,
  currency: currencySchema,
  lines: requiredText('lines is required: a short summary of what shipped after the cancellation').max(2000),
});
export type CancelledButShippedData = z.infer<typeof cancelledButShippedData>;

export const renderCancelledButShipped = (data: CancelledButShippedData): RenderedEmail => render(data, false);
export const renderCancelledButShippedReminder = (data: CancelledButShippedData): RenderedEmail => render(data, true);

function render(data: CancelledButShippedData, reminder: boolean): RenderedEmail {
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

  const text = [greeting, '', opening, '', `  ${shipped}`, '', ...tracking, '', rebill, '', answer, '', noAnswer, '', 'CancelFlow'].join(
    '\n',
  );
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

/**
 * The cancelled-but-shipped process turned into a return: the customer refused the item, or did not answer by the
 * deadline. Says the item is to be returned and that nothing is charged again; no links either.
 * alreadyReturned: the shipped-after-cancel quantities came back by other means meanwhile.
 */
export const cancelledButShippedReturnData = z.object({
  orderNo: requiredText('orderNo is required: the order number the customer knows'),
  customerName: text().trim().max(200).nullish(),
  carrier: requiredText('carrier is required: who delivered the parcel').refine(noLink, 'carrier must be a name, no links in this email'),
  trackingNumber: requiredText("trackingNumber is required: the carrier's tracking number").refine(
    noLink,
    'trackingNumber must be the number itself, no links in this email',
  ),
  lines: requiredText('lines is required: a short summary of what is to be returned').max(2000),
  reason: z.enum(['REFUSED', 'NO_ANSWER'], {
    error: 'reason must be REFUSED (the customer refused the item) or NO_ANSWER (no answer by the deadline)',
  }),
  alreadyReturned: z.boolean().default(false),
});
export type CancelledButShippedReturnData = z.infer<typeof cancelledButShippedReturnData>;

export function renderCancelledButShippedReturn(data: CancelledButShippedReturnData): RenderedEmail {
  const greeting = data.customerName ? `Dear ${data.customerName},` : 'Dear customer,';
  const opening =
    data.reason === 'REFUSED'
      ? `Thank you for your answer: you do not keep what was shipped of your order ${data.orderNo} after it had been cancelled.`
      : `We did not hear from you about what was shipped of your order ${data.orderNo} after it had been cancelled, so we treat it as a return.`;
  const shipped = data.lines;
  const tracking = `It was shipped with ${data.carrier}, tracking number ${data.trackingNumber}.`;
  const returnIt = data.alreadyReturned
    ? 'Our records show it has already come back to us: there is nothing more for you to do.'
    : 'Please return the item. We will not charge you again for it: nothing will be rebilled.';
  const nothingCharged = data.alreadyReturned ? 'Nothing will be rebilled.' : undefined;
  const subject = data.alreadyReturned
    ? `Your cancelled order ${data.orderNo}: the item came back, nothing will be charged`
    : `Your cancelled order ${data.orderNo}: please return the item, nothing will be charged`;

  const text = [
    greeting,
    '',
    opening,
    '',
    `  ${shipped}`,
    '',
    tracking,
    '',
    returnIt,
    ...(nothingCharged ? ['', nothingCharged] : []),
    '',
    'CancelFlow',
  ].join('\n');
  const html = layout(
    subject,
    [
      paragraphs(greeting, opening),
      `<pre style="font-family: inherit; margin-left: 1em;">${escapeHtml(shipped)}</pre>`,
      paragraphs(tracking, returnIt, ...(nothingCharged ? [nothingCharged] : []), 'CancelFlow'),
    ].join('\n'),
  );
  return { subject, text, html };
}
