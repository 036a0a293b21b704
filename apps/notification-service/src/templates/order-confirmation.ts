import { z } from 'zod';
import { text } from '@cancelflow/domain';
import { requiredText } from './fields.ts';
import { escapeHtml, layout, paragraphs } from './html.ts';
import type { RenderedEmail } from './types.ts';

/** The order confirmation with the customer's "view order" link (a token scoped to the order). */
export const orderConfirmationData = z.object({
  orderNo: requiredText('orderNo is required: the order number the customer knows'),
  customerName: text().trim().max(200).nullish(),
  lines: requiredText('lines is required: a short summary of what was ordered').max(2000),
  viewOrderUrl: z.url({ error: 'viewOrderUrl must be the self-service link (an absolute URL)' }),
  expiresAt: text().nullish(),
  /** false when the shop turned self-service off: the link shows the order, it offers no cancelling. Absent in emails asked for before the setting was honoured. */
  canCancel: z.boolean().default(true),
});
export type OrderConfirmationData = z.infer<typeof orderConfirmationData>;

export function renderOrderConfirmation(d: OrderConfirmationData): RenderedEmail {
  const subject = `Thank you for your order ${d.orderNo}`;
  const greeting = d.customerName ? `Dear ${d.customerName},` : 'Dear customer,';
  const intro = `We received your order ${d.orderNo}: ${d.lines}.`;
  const link = d.canCancel
    ? `View your order, and cancel it while that is still possible: ${d.viewOrderUrl}`
    : `View your order: ${d.viewOrderUrl}\nTo change or cancel it, please contact the shop.`;
  const expiry = d.expiresAt ? `This link is personal and works until ${d.expiresAt}.` : 'This link is personal.';
  const text = [greeting, '', intro, '', link, '', expiry, '', 'CancelFlow'].join('\n');
  const html = layout(
    subject,
    [
      paragraphs(greeting, intro),
      `<p><a href="${escapeHtml(d.viewOrderUrl)}">View order</a></p>`,
      ...(d.canCancel ? [] : [paragraphs('To change or cancel it, please contact the shop.')]),
      paragraphs(expiry, 'CancelFlow'),
    ].join('\n'),
  );
  return { subject, text, html };
}
