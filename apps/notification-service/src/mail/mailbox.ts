import type { EntityManager } from '@mikro-orm/postgresql';
import { simpleParser, type AddressObject } from 'mailparser';
import { MailboxMessage } from '../db/index.ts';
import type { ReceivedEnvelope } from './embedded-smtp-server.ts';

/**
 * Parses a received message and keeps it, with its Message-ID, In-Reply-To and References
 * headers, so that replies can be threaded to what we sent.
 */
export async function storeReceivedMessage(
  em: EntityManager,
  raw: Buffer,
  envelope: ReceivedEnvelope,
): Promise<MailboxMessage> {
  const parsed = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true });
  const headerTo = addressesOf(parsed.to);
  const message = em.create(MailboxMessage, {
    messageId: parsed.messageId ?? null,
    inReplyTo: parsed.inReplyTo ?? null,
    references: toList(parsed.references),
    fromAddress: addressesOf(parsed.from)[0] ?? envelope.mailFrom,
    toAddresses: unique(envelope.rcptTo.length > 0 ? envelope.rcptTo : headerTo),
    subject: parsed.subject ?? null,
    textBody: parsed.text ?? null,
    htmlBody: typeof parsed.html === 'string' ? parsed.html : null,
    raw: raw.toString('utf8'),
  });
  await em.flush();
  return message;
}

const toList = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : value.split(/\s+/).filter(Boolean);

const unique = (values: string[]): string[] => [...new Set(values)];

function addressesOf(value: AddressObject | AddressObject[] | undefined): string[] {
  if (!value) return [];
  const objects = Array.isArray(value) ? value : [value];
  return objects.flatMap((o) =>
    o.value.flatMap((a) => [a.address, ...(a.group ?? []).map((g) => g.address)]).filter((a): a is string => !!a),
  ).map((a) => a.toLowerCase());
}
