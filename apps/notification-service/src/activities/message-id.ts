import { createHash } from 'node:crypto';

export const MESSAGE_ID_DOMAIN = 'cancelflow.local';
const MAX_LOCAL_PART = 160;

/**
 * The Message-ID of the email with this key: the same for every attempt, so a resend after a
 * crash is recognisable as the same message (and replies thread to it). Characters that may
 * not stand in a Message-ID become '-'; the key's hash is then appended so that two keys that
 * differ only in such characters still get different ids.
 */
export function messageIdFor(messageKey: string): string {
  const safe = messageKey
    .replace(/[^A-Za-z0-9._+=-]/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^\.+|\.+$/g, '');
  const unchanged = safe === messageKey && safe.length > 0 && safe.length <= MAX_LOCAL_PART;
  const local = unchanged
    ? safe
    : `${safe.slice(0, MAX_LOCAL_PART - 13).replace(/\.+$/, '') || 'key'}.${createHash('sha256').update(messageKey).digest('hex').slice(0, 12)}`;
  return `<${local}@${MESSAGE_ID_DOMAIN}>`;
}
