import { z } from 'zod';
import { text } from '@cancelflow/domain';
import { requiredText } from './fields.ts';
import { escapeHtml, layout, paragraphs } from './html.ts';
import type { RenderedEmail } from './types.ts';

/** An email thread forwarded to seller support: the messages in order, each with its headers. */
export const emailThreadForwardData = z.object({
  subject: requiredText('subject is required: what the forwarded thread is about').max(300),
  note: text().trim().max(5000).nullish(),
  thread: requiredText('thread is required: the messages of the cancelled-but-shipped process, oldest first').max(200_000),
  messageCount: z.number().int().nonnegative(),
});
export type EmailThreadForwardData = z.infer<typeof emailThreadForwardData>;

export function renderEmailThreadForward(data: EmailThreadForwardData): RenderedEmail {
  const intro = `Forwarded email thread (${data.messageCount} message${data.messageCount === 1 ? '' : 's'}), oldest first.`;
  const text = [intro, ...(data.note ? ['', data.note] : []), '', data.thread].join('\n');
  const html = layout(
    data.subject,
    [
      paragraphs(intro, ...(data.note ? [data.note] : [])),
      `<pre style="font-family: monospace; white-space: pre-wrap;">${escapeHtml(data.thread)}</pre>`,
    ].join('\n'),
  );
  return { subject: `Fwd: ${data.subject}`, text, html };
}
