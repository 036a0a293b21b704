const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

/** The shared frame of every email: plain markup that mail clients render alike. */
export function layout(title: string, bodyHtml: string): string {
  return [
    '<!doctype html>',
    '<html><head><meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title></head>`,
    '<body style="font-family: Arial, Helvetica, sans-serif; font-size: 15px; line-height: 1.5; color: #1f2933;">',
    bodyHtml,
    '</body></html>',
  ].join('\n');
}

/** Text paragraphs -> `<p>` elements, escaped, single line breaks kept. */
export const paragraphs = (...texts: string[]): string => texts.map((t) => `<p>${escapeHtml(t).replace(/\n/g, '<br>')}</p>`).join('\n');
