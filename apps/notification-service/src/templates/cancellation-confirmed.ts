import { z } from 'zod';
import { currencySchema, formatMoney, type RefundMethod, text } from '@cancelflow/domain';
import { minorUnitsAmount, refundMethod, requiredText } from './fields.ts';
import { escapeHtml, layout, paragraphs } from './html.ts';
import type { RenderedEmail } from './types.ts';

/** What the cancellation workflow passes when it tells the customer the cancellation is done. */
export const cancellationConfirmedData = z.object({
  orderNo: requiredText('orderNo is required: the order number the customer knows'),
  customerName: text().trim().max(200).nullish(),
  amount: minorUnitsAmount,
  currency: currencySchema,
  refundMethod,
  lines: requiredText('lines is required: a short summary of what was cancelled').max(2000),
  cancellationId: text().nullish(),
  failureReason: text().nullish(),
});
export type CancellationConfirmedData = z.infer<typeof cancellationConfirmedData>;

const HOW_IT_COMES_BACK: Readonly<Record<Exclude<RefundMethod, 'NONE'>, string>> = {
  ORIGINAL_PAYMENT:
    'It goes back to the payment method you paid with. Depending on your bank or card issuer it can take a few business days to show on your statement.',
  BANK_DEPOSIT: 'It is paid by bank transfer to your account; you will see it as soon as the transfer has been settled.',
  STORE_CREDIT: 'It has been added to your account as store credit, which you can use right away.',
  POINTS: 'It has been added back to your account as loyalty points.',
};

export function renderCancellationConfirmed(data: CancellationConfirmedData): RenderedEmail {
  const greeting = data.customerName ? `Dear ${data.customerName},` : 'Dear customer,';
  const cancelled = `We have cancelled the following from your order ${data.orderNo}:`;
  const noRefund = data.amount === 0 || data.refundMethod === 'NONE';
  const amount = formatMoney({ amountMinor: data.amount, currency: data.currency });
  const refund = noRefund
    ? ['No refund was due for this cancellation: nothing was charged for what was cancelled.']
    : [`We have refunded ${amount}.`, HOW_IT_COMES_BACK[data.refundMethod as Exclude<RefundMethod, 'NONE'>]];
  const closing = 'If you have a question about this cancellation, just reply to this email.';
  const subject = `Your order ${data.orderNo} has been cancelled`;

  const text = [greeting, '', cancelled, '', indent(data.lines), '', ...refund.flatMap((r) => [r, '']), closing, '', 'CancelFlow'].join(
    '\n',
  );
  const html = layout(
    subject,
    [
      paragraphs(greeting, cancelled),
      `<pre style="font-family: inherit; margin-left: 1em;">${escapeHtml(data.lines)}</pre>`,
      noRefund
        ? paragraphs(...refund)
        : `<p>We have refunded <strong>${escapeHtml(amount)}</strong>.</p>\n${paragraphs(...refund.slice(1))}`,
      paragraphs(closing, 'CancelFlow'),
    ].join('\n'),
  );
  return { subject, text, html };
}

const indent = (text: string): string =>
  text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
