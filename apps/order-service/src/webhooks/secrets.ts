/**
 * The subscriptions' signing secrets. A secret is shown once, when the subscription is created;
 * it cannot be kept as a hash like an API key, because every delivery is signed with it. It is
 * kept encrypted with AES-256-GCM under WEBHOOK_SECRETS_KEY, so a copy of the database alone
 * signs nothing; only the first characters are kept in the clear, to tell secrets apart.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';
const FORMAT = 'v1';

export interface NewWebhookSecret {
  secret: string;
  prefix: string;
  ciphertext: string;
}

const keyOf = (secretsKey: string): Buffer => createHash('sha256').update(secretsKey, 'utf8').digest();

export function newWebhookSecret(secretsKey: string): NewWebhookSecret {
  const secret = `${SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { secret, prefix: secret.slice(0, SECRET_PREFIX.length + 4), ciphertext: encryptSecret(secretsKey, secret) };
}

export function encryptSecret(secretsKey: string, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(secretsKey), iv);
  const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return [FORMAT, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), sealed.toString('base64url')].join(':');
}

export function decryptSecret(secretsKey: string, ciphertext: string): string {
  const [format, iv, tag, sealed] = ciphertext.split(':');
  if (format !== FORMAT || !iv || !tag || !sealed) throw new Error('a webhook secret is stored in an unknown format');
  const decipher = createDecipheriv('aes-256-gcm', keyOf(secretsKey), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(sealed, 'base64url')), decipher.final()]).toString('utf8');
}
