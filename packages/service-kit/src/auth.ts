/**
 * Who may call the APIs, in one place: bearer JWTs (HS256) with issuer and audience, carrying a
 * role (SERVICE, MERCHANT, SUPPORT) and, for merchants, the merchant id. The middleware puts the
 * principal in res.locals.principal; routes ask for roles with requireRole and scope what they
 * read and write with assertMerchantAccess (another merchant's things are "not found", so ids
 * never leak). /healthz stays open: createHttpApp serves it before any route.
 */
import type { Request, RequestHandler, Response } from 'express';
import { errors, jwtVerify, SignJWT } from 'jose';
import { ForbiddenError, NotFoundError, UnauthenticatedError, UnavailableError } from '@cancelflow/domain';

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

/** Requires a valid bearer token on every request that reaches it; the principal goes to res.locals. */
export function authenticate(settings: AuthSettings): RequestHandler {
  return async (req, res, next) => {
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!match) {
      throw new UnauthenticatedError('this API needs a bearer token (Authorization: Bearer <token>): mint one with npm run token');
    }
    res.locals.principal = await verifyAccessToken(settings, match[1]!);
    next();
  };
}

export function principalOf(res: Response): Principal {
  const principal = res.locals.principal as Principal | undefined;
  if (!principal) throw new UnauthenticatedError('this API needs a bearer token');
  return principal;
}

/** Only these roles may call the route (403 names the roles that may). */
export function requireRole(...roles: Role[]): RequestHandler {
  return (_req, res, next) => {
    const principal = principalOf(res);
    if (!roles.includes(principal.role)) {
      throw new ForbiddenError(`a ${principal.role} token may not do this: it needs ${roles.join(' or ')}`);
    }
    next();
  };
}

/** A merchant sees only its own; SERVICE and SUPPORT see every merchant unless their token names one. */
export const canAccessMerchant = (principal: Principal, merchantId: string): boolean =>
  principal.merchantId === undefined ? principal.role !== 'MERCHANT' : principal.merchantId === merchantId;

/** Another merchant's thing is "not found" (404, not 403), so ids do not leak. */
export function assertMerchantAccess(principal: Principal, merchantId: string, notFoundMessage: string): void {
  if (!canAccessMerchant(principal, merchantId)) throw new NotFoundError(notFoundMessage);
}

/** The merchant a list must be limited to, if any. */
export const merchantScopeOf = (principal: Principal): string | undefined => principal.merchantId;

export interface RoleRule {
  method: string;
  path: RegExp;
  roles: readonly Role[];
}

/**
 * A service's "who may do what" as a table: the first rule that matches the method and path
 * decides; a request no rule names is refused (403), so a new route is closed until it is listed.
 */
export function rolePolicy(service: string, rules: readonly RoleRule[]): RequestHandler {
  return (req, res, next) => {
    const principal = principalOf(res);
    const rule = rules.find((r) => r.method === req.method && r.path.test(req.path));
    if (!rule) throw new ForbiddenError(`${service}: no role may ${req.method} ${req.path}`);
    if (!rule.roles.includes(principal.role)) {
      throw new ForbiddenError(`a ${principal.role} token may not ${req.method} ${req.path} on the ${service}: it needs ${rule.roles.join(' or ')}`);
    }
    next();
  };
}

/**
 * Services that hold data per order but know no merchants (payments, notifications) let a
 * merchant read an order's data only after the order service, which owns the order, shows that
 * order to the same token: its 404 is their 404. The order service's URL is read when asked
 * (ORDER_SERVICE_URL), so it may start after them.
 */
export async function assertOrderVisibleToCaller(authorization: string, orderId: string, orderServiceUrl = process.env.ORDER_SERVICE_URL): Promise<void> {
  if (!orderServiceUrl) {
    throw new ForbiddenError('merchant tokens cannot be checked here (ORDER_SERVICE_URL is not set): use a SUPPORT or SERVICE token');
  }
  let status: number;
  try {
    const response = await fetch(`${orderServiceUrl.replace(/\/+$/, '')}/orders/${encodeURIComponent(orderId)}`, {
      headers: { authorization, accept: 'application/json' },
      signal: AbortSignal.timeout(5_000),
    });
    status = response.status;
    await response.body?.cancel();
  } catch {
    throw new UnavailableError('the order service cannot be reached to check who owns this order: try again shortly');
  }
  if (status === 200) return;
  if (status === 404 || status === 401 || status === 403) throw new NotFoundError(`no order ${orderId}`);
  throw new UnavailableError(`the order service answered ${status} when asked who owns this order: try again shortly`);
}

/** Merchants may use these order-scoped reads once the order service shows them the order. */
export function merchantOrderReads(service: string, orderIdOf: (req: Request) => string | undefined): RequestHandler {
  return async (req, res, next) => {
    const principal = principalOf(res);
    if (principal.role !== 'MERCHANT') return next();
    const orderId = req.method === 'GET' ? orderIdOf(req) : undefined;
    if (!orderId) {
      throw new ForbiddenError(`a MERCHANT token may only read one order's data on the ${service} (e.g. GET /orders/<id>/payments, GET /emails?orderId=<id>)`);
    }
    await assertOrderVisibleToCaller(req.headers.authorization ?? '', orderId);
    next();
  };
}
