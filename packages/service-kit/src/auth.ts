/**
 * The callers' identity: bearer JWTs (HS256) with issuer and audience, carrying a role (SERVICE,
 * MERCHANT, SUPPORT) and, for merchants, the merchant id. Which role may call which route, and
 * whose things it may touch, is declared on each route and decided in access.ts.
 */
import type { Response } from 'express';
import { errors, jwtVerify, SignJWT } from 'jose';
import { UnauthenticatedError } from '@cancelflow/domain';
import { DEVELOPMENT_AUTH_SECRET, secretProblems } from './secrets.ts';

export const ROLES = ['SERVICE', 'MERCHANT', 'SUPPORT'] as const;
export type Role = (typeof ROLES)[number];

export const AUTH_ISSUER = 'cancelflow';
export const AUTH_AUDIENCE = 'cancelflow-api';

export { DEVELOPMENT_AUTH_SECRET };

/** Staff and service tokens live hours: one older than this (by its `iat`) is refused, whatever its `exp` says. */
export const DEFAULT_MAX_TOKEN_AGE = '12h';
/** How far the clocks of the minting and the checking machine may disagree. */
export const CLOCK_TOLERANCE_SECONDS = 60;

export interface AuthSettings {
  secret: string;
  issuer: string;
  audience: string;
  /** true when the development secret is in use. */
  development: boolean;
  /** The oldest a token may be (AUTH_TOKEN_MAX_AGE), in seconds; DEFAULT_MAX_TOKEN_AGE when not given. */
  maxTokenAgeSeconds?: number;
}

export interface Principal {
  role: Role;
  /** The merchant the caller acts for; required for MERCHANT, optional scope for SERVICE and SUPPORT. */
  merchantId?: string;
  /** Who: a staff id or a service name (the token's subject). */
  subject: string;
}

/**
 * AUTH_TOKEN_SECRET (at least 32 characters; in production required, and never a published
 * development secret); the development secret unless NODE_ENV=production. AUTH_TOKEN_MAX_AGE
 * (a duration such as 12h) bounds how old a token may be.
 */
export function authSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): AuthSettings {
  const problems = secretProblems(env, ['AUTH_TOKEN_SECRET']);
  if (problems.length > 0) throw new Error(problems.join('; '));
  const secret = env.AUTH_TOKEN_SECRET;
  return {
    secret: secret || DEVELOPMENT_AUTH_SECRET,
    issuer: env.AUTH_TOKEN_ISSUER || AUTH_ISSUER,
    audience: env.AUTH_TOKEN_AUDIENCE || AUTH_AUDIENCE,
    development: !secret,
    maxTokenAgeSeconds: durationSeconds('AUTH_TOKEN_MAX_AGE', env.AUTH_TOKEN_MAX_AGE || DEFAULT_MAX_TOKEN_AGE),
  };
}

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** "90s", "30m", "12h", "7d" (also "30 minutes", "8 hours") -> seconds; anything else names the variable. */
export function durationSeconds(name: string, value: string): number {
  const match = /^(\d+)\s*(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)$/.exec(value.trim());
  if (!match || Number(match[1]) <= 0) throw new Error(`${name}: must be a duration such as 30m, 12h or 7d`);
  return Number(match[1]) * UNIT_SECONDS[match[2]![0]!]!;
}

/**
 * `iat` is a number, not in the future (beyond CLOCK_TOLERANCE_SECONDS of clock skew between the
 * machines) and not older than maxAgeSeconds, whatever `exp` says: a token or link minted with a
 * long life, or with a stolen secret, stops working after the maximum age.
 */
export function assertIssuedInTime(iat: unknown, maxAgeSeconds: number, what: string, wayOut: string, now = Date.now()): void {
  const nowSeconds = Math.floor(now / 1000);
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw new UnauthenticatedError(`${what} has no valid "iat" claim: ${wayOut}`);
  if (iat > nowSeconds + CLOCK_TOLERANCE_SECONDS)
    throw new UnauthenticatedError(`${what} was issued in the future: check the clock of the machine that made it`);
  if (nowSeconds - iat > maxAgeSeconds)
    throw new UnauthenticatedError(`${what} is older than ${maxAgeSeconds} seconds, the most it may be: ${wayOut}`);
}

const maxAgeOf = (settings: Pick<AuthSettings, 'maxTokenAgeSeconds'>): number =>
  settings.maxTokenAgeSeconds ?? durationSeconds('AUTH_TOKEN_MAX_AGE', DEFAULT_MAX_TOKEN_AGE);

const keyOf = (settings: Pick<AuthSettings, 'secret'>) => new TextEncoder().encode(settings.secret);

export interface MintOptions {
  role: Role;
  merchantId?: string;
  subject?: string;
  /** A jose duration ("8h", "30m", "7d") or seconds. */
  expiresIn?: string | number;
}

export async function mintAccessToken(settings: Omit<AuthSettings, 'development'>, options: MintOptions): Promise<string> {
  if (!ROLES.includes(options.role)) throw new Error(`role must be one of ${ROLES.join(', ')}`);
  if (options.role === 'MERCHANT' && !options.merchantId) throw new Error('a MERCHANT token names its merchant (merchantId)');
  const expiresIn = options.expiresIn ?? '8h';
  const lifetime = typeof expiresIn === 'number' ? expiresIn : durationSeconds('expiresIn', expiresIn);
  if (lifetime > maxAgeOf(settings)) {
    throw new Error(`a token may live at most ${maxAgeOf(settings)} seconds (AUTH_TOKEN_MAX_AGE): it would be refused before it expires`);
  }
  return new SignJWT({ role: options.role, ...(options.merchantId ? { merchantId: options.merchantId } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setSubject(options.subject ?? options.role.toLowerCase())
    .setIssuedAt()
    .setExpirationTime(typeof expiresIn === 'number' ? Math.floor(Date.now() / 1000) + expiresIn : expiresIn)
    .sign(keyOf(settings));
}

export async function verifyAccessToken(settings: Omit<AuthSettings, 'development'>, token: string): Promise<Principal> {
  let claims: Record<string, unknown>;
  try {
    ({ payload: claims } = await jwtVerify(token, keyOf(settings), {
      algorithms: ['HS256'],
      issuer: settings.issuer,
      audience: settings.audience,
      // A token without an end, or without the time it was issued, is refused.
      requiredClaims: ['exp', 'iat'],
    }));
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw new UnauthenticatedError('the bearer token has expired: mint a new one (npm run token)');
    if (
      error instanceof errors.JWTClaimValidationFailed &&
      error.reason === 'missing' &&
      (error.claim === 'exp' || error.claim === 'iat')
    ) {
      throw new UnauthenticatedError(
        `the bearer token has no "${error.claim}" claim: tokens must say when they were issued and when they expire (npm run token)`,
      );
    }
    throw new UnauthenticatedError(
      'the bearer token is not valid (wrong signature, issuer or audience, or not a token): mint one with npm run token',
    );
  }
  assertIssuedInTime(claims.iat, maxAgeOf(settings), 'the bearer token', 'mint a new one (npm run token)');
  const role = claims.role;
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
    throw new UnauthenticatedError(`the bearer token names no role: it must carry one of ${ROLES.join(', ')}`);
  }
  const merchantId = typeof claims.merchantId === 'string' && claims.merchantId ? claims.merchantId : undefined;
  if (role === 'MERCHANT' && !merchantId) throw new UnauthenticatedError('a MERCHANT token must name its merchant (merchantId)');
  return {
    role: role as Role,
    ...(merchantId ? { merchantId } : {}),
    subject: typeof claims.sub === 'string' ? claims.sub : role.toLowerCase(),
  };
}

export function principalOf(res: Response): Principal {
  const principal = res.locals.principal as Principal | undefined;
  if (!principal) throw new UnauthenticatedError('this API needs a bearer token');
  return principal;
}

/** A merchant sees only its own; SERVICE and SUPPORT see every merchant unless their token names one. */
export const canAccessMerchant = (principal: Principal, merchantId: string): boolean =>
  principal.merchantId === undefined ? principal.role !== 'MERCHANT' : principal.merchantId === merchantId;

/** The merchant a list must be limited to, if any. */
export const merchantScopeOf = (principal: Principal): string | undefined => principal.merchantId;
