/**
 * Who may call a route, declared where the route is mounted and decided after express matched it:
 *
 *   router.post('/orders/:id/cancellations', describe({ summary: ..., body: ...,
 *     access: { roles: ['MERCHANT', 'SUPPORT'], owner: owners.order({ param: 'id' }) } }), handler);
 *
 * The decision never looks at the raw path: express has already chosen the route (whatever the
 * spelling: case, trailing slash, percent-encoding), and the owner of the addressed thing is
 * loaded by its decoded id. In this order, before the handler runs:
 *
 *   1. the caller is authenticated (401), before any body is read or inflated;
 *   2. its role must be one the route names (403);
 *   3. a route that acts across merchants refuses tokens scoped to one merchant (403);
 *   4. the JSON body is parsed;
 *   5. the merchant owning the addressed thing must be the caller's: another merchant's thing is
 *      404, exactly like a missing one, so ids never leak.
 *
 * A route that declares no access is refused to everyone (describe() requires one), so a new
 * route is closed until someone says who may call it. Lists filter by merchantScopeOf(principal)
 * in their SQL.
 */
import express, { type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { ForbiddenError, NotFoundError, text, UnauthenticatedError, ValidationError } from '@cancelflow/domain';
import { authSettingsFromEnv, canAccessMerchant, verifyAccessToken, type AuthSettings, type Principal, type Role } from './auth.ts';
import { parse } from './validate.ts';

/** Where the id of the addressed thing is: a path parameter, a query parameter or a body field. */
export type IdLocation =
  | { param: string }
  /** optional: the route also lists across orders; then only tokens that name no merchant may omit it. */
  | { query: string; optional?: boolean }
  | { body: string };

/** The merchant owning a thing, given its id; undefined when there is no such thing. */
export type MerchantLookup = (id: string) => Promise<string | undefined>;

export interface Owner {
  /** What the id names, in the merchant's words ("order", "cancellation request"). */
  what: string;
  at: IdLocation;
  merchantOf: MerchantLookup;
}

export interface BearerAccess {
  /** The roles that may call the route. */
  roles: readonly Role[];
  /** The thing the route reads or changes: its merchant must be the caller's. */
  owner?: Owner;
  /**
   * The merchant the request acts for is named in the body (an import): a token scoped to a
   * merchant may only name its own.
   */
  actsFor?: { body: string };
  /**
   * The route works across merchants (provider events, the mailbox, sandbox switches that are
   * not about one order): a token scoped to one merchant may not call it.
   */
  acrossMerchants?: true;
  /** The route lists things: the handler limits them to merchantScopeOf(principal) in SQL. */
  list?: true;
}

export interface CustomerAccess {
  /** Checks the customer's order-scoped link token; what it returns goes to res.locals.customer. */
  customer: (req: Request) => Promise<unknown>;
}

/** Who may call a route: anyone, the customer holding a link, or a bearer token with a role. */
export type Access = 'public' | CustomerAccess | BearerAccess;

export const isBearerAccess = (access: Access): access is BearerAccess => typeof access === 'object' && 'roles' in access;
export const isCustomerAccess = (access: Access): access is CustomerAccess => typeof access === 'object' && 'customer' in access;

/** Turns the request's credentials into a principal, or throws UnauthenticatedError. */
export type Authenticator = (req: Request) => Promise<Principal>;

/** Bearer JWTs signed with AUTH_TOKEN_SECRET (service-kit/auth.ts). */
export function bearerAuthenticator(settings: AuthSettings = authSettingsFromEnv()): Authenticator {
  return async (req) => {
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!match)
      throw new UnauthenticatedError('this API needs a bearer token (Authorization: Bearer <token>): mint one with npm run token');
    return verifyAccessToken(settings, match[1]!);
  };
}

/** What the app gives every route's access check: how callers are authenticated, how bodies are read. */
export interface AccessContext {
  authenticate: Authenticator;
  parseBody: RequestHandler;
}

const CONTEXT = Symbol.for('cancelflow.accessContext');

/** createHttpApp calls this once; routes find it through req.app. */
export function setAccessContext(app: express.Express, context: AccessContext): void {
  (app.locals as Record<symbol, unknown>)[CONTEXT] = context;
}

function accessContextOf(req: Request): AccessContext {
  const context = (req.app?.locals as Record<symbol, unknown> | undefined)?.[CONTEXT] as AccessContext | undefined;
  // A router used outside createHttpApp (never in a service) falls back to the environment's settings.
  return context ?? { authenticate: bearerAuthenticator(), parseBody: express.json({ limit: '1mb' }) };
}

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function parseBody(req: Request, res: Response, parser: RequestHandler): Promise<void> {
  if (!METHODS_WITH_BODY.has(req.method)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    void parser(req, res, (error?: unknown) => (error ? reject(error) : resolve()));
  });
}

/** Path parameters are text from outside like any other: what PostgreSQL cannot store is the caller's error, on every route. */
const pathParameters = z.record(z.string(), text().max(500, 'a path segment is at most 500 characters'));

/** Decides one request against its route's access; the principal goes to res.locals.principal. */
export async function enforceAccess(access: Access, req: Request, res: Response): Promise<void> {
  parse(pathParameters, req.params, 'path');
  const context = accessContextOf(req);
  if (access === 'public') return parseBody(req, res, context.parseBody);
  if (isCustomerAccess(access)) {
    res.locals.customer = await access.customer(req);
    return parseBody(req, res, context.parseBody);
  }
  const principal = await context.authenticate(req);
  res.locals.principal = principal;
  if (!access.roles.includes(principal.role)) {
    throw new ForbiddenError(`a ${principal.role} token may not do this: it needs ${access.roles.join(' or ')}`);
  }
  if (access.acrossMerchants && principal.merchantId !== undefined) {
    throw new ForbiddenError(`this works across merchants: a token scoped to merchant ${principal.merchantId} may not call it`);
  }
  await parseBody(req, res, context.parseBody);
  if (access.actsFor) {
    const named = bodyField(req, access.actsFor.body);
    if (principal.merchantId !== undefined && named !== undefined && named !== principal.merchantId) {
      throw new ForbiddenError(`this token acts for merchant ${principal.merchantId} only, not for ${String(named)}`);
    }
  }
  if (access.owner) await assertOwner(access.owner, principal, req);
}

async function assertOwner(owner: Owner, principal: Principal, req: Request): Promise<void> {
  // Tokens that name no merchant (SERVICE, SUPPORT) reach every merchant: whether the thing exists,
  // and what is wrong with its id, is the route's answer.
  if (principal.merchantId === undefined) return;
  const given = idAt(owner.at, req);
  if (given === undefined) {
    if ('query' in owner.at && owner.at.optional) {
      throw new ForbiddenError(`a token for merchant ${principal.merchantId} reads these per ${owner.what} only: add ?${owner.at.query}=`);
    }
    throw new ValidationError(`${placeOf(owner.at)}: the ${owner.what} is required`, [{ path: placeOf(owner.at), message: 'required' }]);
  }
  if (typeof given !== 'string' || given.length === 0 || given.length > 200) {
    throw new ValidationError(`${placeOf(owner.at)}: must be the id of the ${owner.what}`, [
      { path: placeOf(owner.at), message: 'must be an id' },
    ]);
  }
  const merchantId = await owner.merchantOf(given);
  if (merchantId === undefined || !canAccessMerchant(principal, merchantId)) throw new NotFoundError(`no ${owner.what} ${given}`);
}

function idAt(at: IdLocation, req: Request): unknown {
  if ('param' in at) return (req.params as Record<string, unknown>)[at.param];
  if ('query' in at) return (req.query as Record<string, unknown>)[at.query];
  return bodyField(req, at.body);
}

function bodyField(req: Request, name: string): unknown {
  const body: unknown = req.body;
  return typeof body === 'object' && body !== null && !Array.isArray(body) && Object.hasOwn(body, name)
    ? (body as Record<string, unknown>)[name]
    : undefined;
}

const placeOf = (at: IdLocation) => ('param' in at ? at.param : 'query' in at ? at.query : at.body);

/** The merchant a list must be limited to, if any; `null` when the caller asked for another merchant's (an empty list). */
export function merchantFilter(principal: Principal, requested: string | undefined): string | null | undefined {
  if (principal.merchantId === undefined) return requested;
  return requested === undefined || requested === principal.merchantId ? principal.merchantId : null;
}

/** A lookup remembered per id: owners never change, so one answer per id is enough (bounded). */
export function rememberedLookup(lookup: MerchantLookup, max = 10_000): MerchantLookup {
  const known = new Map<string, string>();
  return async (id) => {
    const hit = known.get(id);
    if (hit !== undefined) return hit;
    const merchantId = await lookup(id);
    if (merchantId !== undefined) {
      if (known.size >= max) known.delete(known.keys().next().value!);
      known.set(id, merchantId);
    }
    return merchantId;
  };
}
