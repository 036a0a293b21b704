import { z } from 'zod';
import { text } from '@cancelflow/domain';
import { requiredText } from './fields.ts';
import { escapeHtml, layout, paragraphs } from './html.ts';
import type { RenderedEmail } from './types.ts';

/** What the webhook delivery process passes when it gave up on a receiver and disabled its subscription. */
export const webhookSubscriptionDisabledData = z.object({
  subscriptionId: requiredText('subscriptionId is required: the merchant re-enables the subscription by it'),
  url: requiredText('url is required: the receiver that failed'),
  eventId: requiredText('eventId is required: the event that could not be delivered'),
  eventType: requiredText('eventType is required'),
  reason: text().trim().max(2000).nullish(),
});
export type WebhookSubscriptionDisabledData = z.infer<typeof webhookSubscriptionDisabledData>;

export function renderWebhookSubscriptionDisabled(data: WebhookSubscriptionDisabledData): RenderedEmail {
  const subject = `Webhook subscription disabled: ${data.url} stopped accepting events`;
  const enablePath = `PATCH /webhook-subscriptions/${encodeURIComponent(data.subscriptionId)} {"status":"ACTIVE"}`;
  const intro =
    'CancelFlow could not deliver an event to your webhook receiver for 3 days of retries, so the subscription is disabled: no events are sent to it until you enable it again.';
  const facts: [string, string][] = [
    ['Subscription', data.subscriptionId],
    ['Receiver', data.url],
    ['Event', `${data.eventType} (${data.eventId})`],
    ['Last answer', data.reason || 'no answer'],
  ];
  const steps = [
    'Check that the receiver is up and answers 2xx to a POST with a valid CancelFlow-Signature.',
    `Enable the subscription again in the console (Webhooks) or by API: ${enablePath}`,
    'Ask for the events you missed again: POST /webhook-subscriptions/<id>/redeliveries with a time range.',
  ];
  const body = [intro, '', ...facts.map(([k, v]) => `${k}: ${v}`), '', 'What to do:', ...steps.map((s, i) => `${i + 1}. ${s}`)].join('\n');
  const rows = facts
    .map(([k, v]) => `<tr><th align="left" style="padding-right: 1em;">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`)
    .join('\n');
  const html = layout(
    subject,
    [
      paragraphs(intro),
      `<table>\n${rows}\n</table>`,
      '<p><strong>What to do</strong></p>',
      `<ol>\n${steps.map((s) => `<li>${escapeHtml(s)}</li>`).join('\n')}\n</ol>`,
    ].join('\n'),
  );
  return { subject, text: body, html };
}
