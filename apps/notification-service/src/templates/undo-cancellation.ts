/** Undoing a cancellation: the customer pays again (and is reminded), then hears it is undone. */
import { z } from 'zod';
import { currencySchema, formatMoney, text } from '@cancelflow/domain';
import { minorUnitsAmount, requiredText } from './fields.ts';
import { escapeHtml, layout, paragraphs } from './html.ts';
import type { RenderedEmail } from './types.ts';

/** What the undo workflow passes when the customer must pay again before the order reopens. */
export const paymentRequestData = z.object({
  orderNo: requiredText('orderNo is required: the order number the customer knows'),
  customerName: text().trim().max(200).nullish(),
  amount: minorUnitsAmount.refine((n) => n > 0, 'amount must be more than 0: a payment request asks for money'),
  currency: currencySchema,
  paymentRequestId: requiredText('paymentRequestId is required: the customer pays with it'),
  dueAt: z.iso.datetime({ error: 'dueAt must be an ISO date-time: when the request expires', offset: true }),
  lines: requiredText('lines is required: a short summary of what reopens').max(2000),
  reminder: z.number().int().nonnegative().nullish(),
});
export type PaymentRequestData = z.infer<typeof paymentRequestData>;

export function renderPaymentRequest(data: PaymentRequestData): RenderedEmail {
  const amount = formatMoney({ amountMinor: data.amount, currency: data.currency });
  const due = data.dueAt.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');
  const reminder = data.reminder && data.reminder > 0;
  const subject = `${reminder ? 'Reminder: p' : 'P'}lease pay ${amount} to restore your order ${data.orderNo}`;
  const body = [
    data.customerName ? `Dear ${data.customerName},` : 'Dear customer,',
    `You asked us to undo the cancellation of your order ${data.orderNo}. The refund of ${amount} has already reached you, so we need the payment again before we restore:`,
  ];
  const after = [
    `Please pay ${amount} with payment reference ${data.paymentRequestId} by ${due}.`,
    'If we have not received it by then, the order stays cancelled and nothing else happens.',
    'If you have a question, just reply to this email.',
    'CancelFlow',
  ];
  const text = [...body.flatMap((p) => [p, '']), indent(data.lines), '', ...after.flatMap((p) => [p, ''])].join('\n').trimEnd();
  const html = layout(
    subject,
    [
      paragraphs(...body),
      `<pre style="font-family: inherit; margin-left: 1em;">${escapeHtml(data.lines)}</pre>`,
      paragraphs(...after),
    ].join('\n'),
  );
  return { subject, text, html };
}

export const renderPaymentRequestReminder = (data: PaymentRequestData): RenderedEmail =>
  renderPaymentRequest({ ...data, reminder: data.reminder ?? 1 });

/** What the undo workflow passes once the cancellation is undone and the order reopened. */
export const cancellationUndoneData = z.object({
  orderNo: requiredText('orderNo is required: the order number the customer knows'),
  customerName: text().trim().max(200).nullish(),
  lines: requiredText('lines is required: a short summary of what reopens').max(2000),
  moneySteps: text().trim().max(2000).nullish(),
});
export type CancellationUndoneData = z.infer<typeof cancellationUndoneData>;

export function renderCancellationUndone(data: CancellationUndoneData): RenderedEmail {
  const subject = `Your order ${data.orderNo} is no longer cancelled`;
  const before = [
    data.customerName ? `Dear ${data.customerName},` : 'Dear customer,',
    `As you asked, we have undone the cancellation of your order ${data.orderNo}. These items are back on your order and will ship as usual:`,
  ];
  const after = [
    ...(data.moneySteps ? [`Payment: ${data.moneySteps}.`] : []),
    'If you have a question, just reply to this email.',
    'CancelFlow',
  ];
  const text = [...before.flatMap((p) => [p, '']), indent(data.lines), '', ...after.flatMap((p) => [p, ''])].join('\n').trimEnd();
  const html = layout(
    subject,
    [
      paragraphs(...before),
      `<pre style="font-family: inherit; margin-left: 1em;">${escapeHtml(data.lines)}</pre>`,
      paragraphs(...after),
    ].join('\n'),
  );
  return { subject, text, html };
}

const indent = (text: string): string =>
  text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
