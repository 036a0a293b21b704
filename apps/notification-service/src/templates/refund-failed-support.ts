import { z } from 'zod';
import { currencySchema, formatMoney, text } from '@cancelflow/domain';
import { minorUnitsAmount, refundMethod, requiredText } from './fields.ts';
import { escapeHtml, layout, paragraphs } from './html.ts';
import type { RenderedEmail } from './types.ts';

/** What the cancellation workflow passes when a refund failed and support has to act. */
export const refundFailedSupportData = z.object({
  cancellationId: requiredText('cancellationId is required: support retries the refund by it'),
  orderNo: requiredText('orderNo is required: the order number support looks up'),
  customerName: text().trim().max(200).nullish(),
  amount: minorUnitsAmount,
  currency: currencySchema,
  refundMethod,
  lines: text().trim().max(2000).nullish(),
  failureReason: text().trim().max(2000).nullish(),
});
export type RefundFailedSupportData = z.infer<typeof refundFailedSupportData>;

export function renderRefundFailedSupport(data: RefundFailedSupportData): RenderedEmail {
  const amount = formatMoney({ amountMinor: data.amount, currency: data.currency });
  const reason = data.failureReason || 'the payment provider gave no reason';
  const retryPath = `POST /cancellations/${encodeURIComponent(data.cancellationId)}/retry-refund`;
  const subject = `Refund failed: cancellation ${data.cancellationId} of order ${data.orderNo}`;
  const facts: [string, string][] = [
    ['Cancellation', data.cancellationId],
    ['Order', data.orderNo],
    ...(data.customerName ? [['Customer', data.customerName] as [string, string]] : []),
    ['Refund', `${amount} (${data.refundMethod})`],
    ...(data.lines ? [['Cancelled', data.lines] as [string, string]] : []),
    ['Why it failed', reason],
  ];
  const intro =
    'The refund of this cancellation failed. The cancellation stays IN_PROGRESS and the order is not marked cancelled until the refund succeeds.';
  const steps: { text: string; html: string }[] = [
    plain('Check the reason above with the payment provider or the customer (e.g. an expired card or a closed account).'),
    {
      text: `Retry the refund from the console (open the cancellation, "Retry refund"), or by API: ${retryPath}`,
      html: `Retry the refund from the console (open the cancellation, &quot;Retry refund&quot;), or by API: <code>${escapeHtml(retryPath)}</code>`,
    },
    plain('If it cannot be refunded this way, contact the customer about another refund method.'),
  ];

  const text = [
    intro,
    '',
    ...facts.map(([k, v]) => `${k}: ${v}`),
    '',
    'What to do:',
    ...steps.map((step, i) => `${i + 1}. ${step.text}`),
  ].join('\n');
  const rows = facts
    .map(([k, v]) => `<tr><th align="left" style="padding-right: 1em;">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`)
    .join('\n');
  const html = layout(
    subject,
    [
      paragraphs(intro),
      `<table>\n${rows}\n</table>`,
      '<p><strong>What to do</strong></p>',
      `<ol>\n${steps.map((step) => `<li>${step.html}</li>`).join('\n')}\n</ol>`,
    ].join('\n'),
  );
  return { subject, text, html };
}

const plain = (text: string) => ({ text, html: escapeHtml(text) });
