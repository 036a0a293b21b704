import { simpleParser, type AddressObject } from 'mailparser';
import type { ReceivedEnvelope } from './embedded-smtp-server.ts';

/** What is kept of a received message, with what judging it as a reply needs. */
export interface ParsedMessage {
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  /** Every address of the From header, lower case. */
  from: string[];
  /** The first From address, else the envelope sender. */
  fromAddress: string | null;
  toAddresses: string[];
  subject: string | null;
  textBody: string | null;
  htmlBody: string | null;
  raw: string;
  /** The Authentication-Results header values, topmost first. */
  authenticationResults: string[];
}

/**
 * Parses a received message with its Message-ID, In-Reply-To and References headers, so that
 * replies can be threaded to what we sent.
 */
export async function parseReceivedMessage(raw: Buffer, envelope: ReceivedEnvelope): Promise<ParsedMessage> {
  const parsed = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true });
  const headerTo = addressesOf(parsed.to);
  const from = addressesOf(parsed.from);
  return {
    messageId: parsed.messageId ?? null,
    inReplyTo: parsed.inReplyTo ?? null,
    references: toList(parsed.references),
    from,
    fromAddress: from[0] ?? envelope.mailFrom,
    toAddresses: unique(envelope.rcptTo.length > 0 ? envelope.rcptTo : headerTo),
    subject: parsed.subject ?? null,
    textBody: parsed.text ?? null,
    htmlBody: typeof parsed.html === 'string' ? parsed.html : null,
    raw: raw.toString('utf8'),
    authenticationResults: parsed.headerLines
      .filter((h) => h.key === 'authentication-results')
      .map((h) => h.line.slice(h.line.indexOf(':') + 1).trim()),
  };
}

/** In-Reply-To and References: the Message-IDs a message says it answers. */
export const threadIdsOf = (m: { inReplyTo: string | null | undefined; references: readonly string[] }): string[] => [
  ...new Set([m.inReplyTo, ...m.references].filter((id): id is string => !!id)),
];

const toList = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : value.split(/\s+/).filter(Boolean);

const unique = (values: string[]): string[] => [...new Set(values)];

function addressesOf(value: AddressObject | AddressObject[] | undefined): string[] {
  if (!value) return [];
  const objects = Array.isArray(value) ? value : [value];
  return objects
    .flatMap((o) => o.value.flatMap((a) => [a.address, ...(a.group ?? []).map((g) => g.address)]).filter((a): a is string => !!a))
    .map((a) => a.toLowerCase());
}
