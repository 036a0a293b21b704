/**
 * The callers' identity: bearer JWTs (HS256) with issuer and audience, carrying a role (SERVICE,
 * MERCHANT, SUPPORT) and, for merchants, the merchant id. Which role may call which route, and
 * whose things it may touch, is declared on each route and decided in access.ts.
 */
import type { Response } from 'express';
import { errors, jwtVerify, SignJWT } from 'jose';
import { UnauthenticatedError } from '@cancelflow/domain';

export const ROLES = ['SERVICE', 'MERCHANT', 'SUPPORT'] as const;
export type Role = (typeof ROLES)[number];

export const AUTH_ISSUER = 'cancelflow';
export const AUTH_AUDIENCE = 'cancelflow-api';

/** Development only, and said so loudly by `npm start`: production refuses to start without AUTH_TOKEN_SECRET. */
export const DEVELOPMENT_AUTH_SECRET = 'cancelflow-development-auth-secret-never-use-in-production';

export interface AuthSettings {
  secret: string;
  issuer: string;
  audience: string;
  /** true when the development secret is in use. */
  development: boolean;
}

export interface Principal {
  role: Role;
  /** The merchant the caller acts for; required for MERCHANT, optional scope for SERVICE and SUPPORT. */
  merchantId?: string;
  /** Who: a staff id or a service name (the token's subject). */
  subject: string;
}

/** AUTH_TOKEN_SECRET (at least 32 characters); the development secret unless NODE_ENV=production. */
export function authSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): AuthSettings {
  const secret = env.AUTH_TOKEN_SECRET;
  if (secret !== undefined && secret.length < 32) {
    throw new Error('AUTH_TOKEN_SECRET: must be at least 32 characters');
  }
  if (!secret && env.NODE_ENV === 'production') {
    throw new Error('AUTH_TOKEN_SECRET: required in production (at least 32 characters); only development uses a built-in secret');
  }
  return {
    secret: secret || DEVELOPMENT_AUTH_SECRET,
    issuer: env.AUTH_TOKEN_ISSUER || AUTH_ISSUER,
    audience: env.AUTH_TOKEN_AUDIENCE || AUTH_AUDIENCE,
    development: !secret,
  };
}

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
    }));
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw new UnauthenticatedError('the bearer token has expired: mint a new one (npm run token)');
    throw new UnauthenticatedError('the bearer token is not valid (wrong signature, issuer or audience, or not a token): mint one with npm run token');
  }
  const role = claims.role;
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
    throw new UnauthenticatedError(`the bearer token names no role: it must carry one of ${ROLES.join(', ')}`);
  }
  const merchantId = typeof claims.merchantId === 'string' && claims.merchantId ? claims.merchantId : undefined;
  if (role === 'MERCHANT' && !merchantId) throw new UnauthenticatedError('a MERCHANT token must name its merchant (merchantId)');
  return { role: role as Role, ...(merchantId ? { merchantId } : {}), subject: typeof claims.sub === 'string' ? claims.sub : role.toLowerCase() };
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
