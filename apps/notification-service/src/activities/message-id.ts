import { randomBytes } from 'node:crypto';

export const MESSAGE_ID_DOMAIN = 'cancelflow.local';

/**
 * A new Message-ID: 128 random bits, so a reply that threads to it proves that its writer had
 * the email in hand. (Ids computed from the email's key let anyone forge a threaded reply.)
 * Chosen once per email and stored, so every retry sends the same message.
 */
export const newMessageId = (): string => `<${randomBytes(16).toString('hex')}@${MESSAGE_ID_DOMAIN}>`;
