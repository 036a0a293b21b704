/**
 * The customer's "view order" link: a JWT (HS256) scoped to ONE order, expiring. With it, and only
 * with it, the customer sees that order, its eligibility, and may ask to cancel it.
 */
import { errors, jwtVerify, SignJWT } from 'jose';
import { ForbiddenError, UnauthenticatedError } from '@cancelflow/domain';
import { assertIssuedInTime } from '@cancelflow/service-kit/auth';
import type { SelfServiceSettings } from '../config.ts';

export const SELF_SERVICE_ISSUER = 'cancelflow-order-service';
export const SELF_SERVICE_AUDIENCE = 'cancelflow-self-service';

const keyOf = (settings: SelfServiceSettings) => new TextEncoder().encode(settings.secret);

export interface SelfServiceLink {
  token: string;
  url: string;
  expiresAt: string;
}

export async function mintSelfServiceLink(settings: SelfServiceSettings, orderId: string, now = new Date()): Promise<SelfServiceLink> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  const expires = issuedAt + settings.ttlSeconds;
  const token = await new SignJWT({ orderId, scope: 'order:self-service' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(SELF_SERVICE_ISSUER)
    .setAudience(SELF_SERVICE_AUDIENCE)
    .setSubject(orderId)
    .setIssuedAt(issuedAt)
    .setExpirationTime(expires)
    .sign(keyOf(settings));
  return {
    token,
    url: `${settings.baseUrl}/orders/${orderId}?token=${encodeURIComponent(token)}`,
    expiresAt: new Date(expires * 1000).toISOString(),
  };
}

/**
 * Checks the token and that it names this order: none, malformed, tampered or expired -> 401;
 * a good token for another order -> 403.
 */
export async function verifySelfServiceToken(settings: SelfServiceSettings, token: string | undefined, orderId: string): Promise<void> {
  if ((await orderOfSelfServiceToken(settings, token)) !== orderId) {
    throw new ForbiddenError('this link is for another order: open the link from the email of this order');
  }
}

/**
 * The order a valid token is for: none, malformed, tampered or expired -> 401. For routes that
 * address something of the order (a cancelled-but-shipped process) rather than the order itself.
 */
export async function orderOfSelfServiceToken(settings: SelfServiceSettings, token: string | undefined): Promise<string> {
  if (!token) {
    throw new UnauthenticatedError('this page needs the link from your order email (its token is missing)');
  }
  let claims: { orderId?: unknown; sub?: unknown; iat?: unknown };
  try {
    ({ payload: claims } = await jwtVerify(token, keyOf(settings), {
      algorithms: ['HS256'],
      issuer: SELF_SERVICE_ISSUER,
      audience: SELF_SERVICE_AUDIENCE,
      // A link without an end or without the time it was made is refused.
      requiredClaims: ['exp', 'iat'],
    }));
  } catch (error) {
    if (error instanceof errors.JWTExpired) {
      throw new UnauthenticatedError('the link from your order email has expired: ask the shop for a new one');
    }
    throw new UnauthenticatedError('the link is not valid (it was changed or is not from us): open the link from your order email again');
  }
  // Older than the longest a link may live, or made in the future: refused whatever `exp` says.
  assertIssuedInTime(
    claims.iat,
    settings.maxAgeSeconds ?? settings.ttlSeconds,
    'the link from your order email',
    'ask the shop for a new one',
  );
  if (typeof claims.orderId !== 'string' || claims.orderId !== claims.sub) {
    throw new UnauthenticatedError('the link is not valid (it was changed or is not from us): open the link from your order email again');
  }
  return claims.orderId;
}

/** The token from ?token= or from "Authorization: Bearer …". */
export function tokenOf(query: unknown, authorization: string | undefined): string | undefined {
  const fromQuery = typeof query === 'object' && query !== null ? (query as { token?: unknown }).token : undefined;
  if (typeof fromQuery === 'string' && fromQuery.length > 0) return fromQuery;
  const match = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
  return match?.[1]?.trim();
}
