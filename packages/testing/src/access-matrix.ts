/**
 * Authorisation tests generated from a service's route table: every route express serves, with
 * the access it declares (describe({ access })), is called without a token, with each role it
 * does not name, as another merchant, and with SERVICE and SUPPORT tokens scoped to another
 * merchant; each of those in its canonical spelling and in upper case, with a trailing slash,
 * with a doubled slash and with a percent-encoded id. Every refusal must be the same in every
 * spelling (401, 403, or 404 exactly like a missing thing), and nothing may be written. A route
 * added later is covered by being declared: the fixture only has to name an id of its resource.
 */
import type { Express } from 'express';
import { describe, expect, it } from 'vitest';
import {
  isBearerAccess,
  isCustomerAccess,
  mountedRoutes,
  ROLES,
  type BearerAccess,
  type Role,
  type RouteDoc,
} from '@cancelflow/service-kit';
import { token } from './tokens.ts';

export interface AccessMatrixFixture {
  baseUrl: string;
  /** The merchant whose things are probed. */
  victim: string;
  /** Another merchant, whose tokens must not reach them. */
  intruder: string;
  /**
   * Ids of the victim's things: by path or query parameter name (orderId, providerRefundId ...),
   * else by the path segment before the parameter (orders, cancellations, refunds ...).
   */
  ids: Record<string, string>;
  /** Rows the service holds about the victim (its orders and everything keyed by them). */
  rows(): Promise<number>;
}

interface Probe {
  who: string;
  token: () => Promise<string | undefined>;
  expected: number;
  /** A list answered to another merchant: 200 without any of the victim's ids. */
  list?: boolean;
}

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Generates the matrix for every route of `app` (built as the service builds it; requests go to fixture.baseUrl). */
export function describeAccessMatrix(service: string, app: Express, fixture: () => AccessMatrixFixture): void {
  const routes = mountedRoutes(app).filter(
    (route): route is typeof route & { doc: RouteDoc } => route.doc !== undefined && route.doc.access !== 'public',
  );
  describe(`who may call each route of the ${service}, generated from its route table`, () => {
    it('the route table declares routes to probe', () => {
      expect(routes.length).toBeGreaterThan(0);
    });
    for (const route of routes) {
      it(`${route.method} ${route.path}: refused the same way in every spelling, nothing written`, async () => {
        const f = fixture();
        const request = requestFor(route.method, route.path, route.doc, f);
        const before = await f.rows();
        for (const probe of probesFor(route.doc, f)) {
          const bearer = await probe.token();
          const answers = await Promise.all(request.spellings.map((path) => call(f.baseUrl, route.method, path, request.body, bearer)));
          const [canonical] = answers;
          const where = `${route.method} ${request.spellings[0]} as ${probe.who}`;
          expect(canonical!.status, `${where}: ${canonical!.text.slice(0, 300)}`).toBe(probe.expected);
          if (probe.list) {
            for (const id of Object.values(f.ids)) expect(canonical!.text, `${where} lists none of the victim's things`).not.toContain(id);
          }
          answers.forEach((answer, i) => {
            expect(answer.status, `${route.method} ${request.spellings[i]} as ${probe.who} answers as the canonical path`).toBe(
              canonical!.status,
            );
          });
        }
        expect(await f.rows(), `${route.method} ${route.path}: refused requests write nothing`).toBe(before);
      });
    }
  });
}

function probesFor(doc: RouteDoc, f: AccessMatrixFixture): Probe[] {
  const probes: Probe[] = [{ who: 'no token', token: async () => undefined, expected: 401 }];
  if (isCustomerAccess(doc.access)) {
    probes.push({ who: "a staff token instead of the customer's link", token: () => token('SUPPORT'), expected: 401 });
    return probes;
  }
  if (!isBearerAccess(doc.access)) return probes;
  const access = doc.access;
  for (const role of ROLES.filter((r) => !access.roles.includes(r))) {
    probes.push({ who: `a ${role} token`, token: () => token(role, role === 'MERCHANT' ? { merchantId: f.victim } : {}), expected: 403 });
  }
  const scoped = (role: Role) => () => token(role, { merchantId: f.intruder });
  for (const role of access.roles) {
    const expected = intruderAnswer(access);
    if (expected === undefined) continue;
    probes.push({ who: `a ${role} token of another merchant`, token: scoped(role), expected, ...(access.list ? { list: true } : {}) });
  }
  return probes;
}

/** What a token of another merchant gets: 404 for the victim's thing, 403 across merchants or acting for the victim, the intruder's own (empty) list. */
function intruderAnswer(access: BearerAccess): number | undefined {
  if (access.acrossMerchants || access.actsFor) return 403;
  if (access.owner) return 404;
  if (access.list) return 200;
  return undefined;
}

interface Request {
  /** The canonical path first, then its other spellings. */
  spellings: string[];
  body?: unknown;
}

function requestFor(method: string, path: string, doc: RouteDoc, f: AccessMatrixFixture): Request {
  const idOf = (name: string, segment: string | undefined) => {
    const id = f.ids[name] ?? (segment ? f.ids[segment] : undefined);
    if (!id)
      throw new Error(
        `the access matrix fixture names no id for :${name} of ${method} ${path}: add one (by parameter name or by "${segment}")`,
      );
    return id;
  };
  const segments = path.split('/').slice(1);
  const parts = segments.map((segment, i) =>
    segment.startsWith(':') ? { id: idOf(segment.slice(1), segments[i - 1]) } : { text: segment },
  );
  const join = (render: (part: { id?: string; text?: string }) => string) => `/${parts.map(render).join('/')}`;
  const canonical = join((p) => p.id ?? p.text!);
  const access = doc.access;
  const owner = isBearerAccess(access) ? access.owner : undefined;
  const query = owner && 'query' in owner.at ? `?${owner.at.query}=${encodeURIComponent(idOf(owner.at.query, undefined))}` : '';
  const body: Record<string, unknown> | undefined = METHODS_WITH_BODY.has(method) ? {} : undefined;
  if (body && owner && 'body' in owner.at) body[owner.at.body] = idOf(owner.at.body, undefined);
  if (body && isBearerAccess(access) && access.actsFor) body[access.actsFor.body] = f.victim;
  const spellings = [
    canonical,
    join((p) => p.id ?? p.text!.toUpperCase()),
    `${canonical}/`,
    `/${canonical}`,
    join((p) => (p.id ? percentEncodeFirst(p.id) : p.text!)),
  ];
  return { spellings: [...new Set(spellings)].map((s) => s + query), ...(body ? { body } : {}) };
}

const percentEncodeFirst = (id: string) => `%${id.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}${id.slice(1)}`;

async function call(
  baseUrl: string,
  method: string,
  path: string,
  body: unknown,
  bearer: string | undefined,
): Promise<{ status: number; text: string }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      accept: 'application/json',
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, text: await response.text() };
}

/**
 * Counts the rows of every table of the given schemas that are about these orders or this
 * merchant (a column order_id or merchant_id), so tests running beside it do not disturb it.
 */
export async function rowsAbout(
  execute: (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>,
  schemas: readonly string[],
  about: { merchantId: string; orderIds: readonly string[] },
): Promise<number> {
  const columns = (await execute(
    `select table_schema, table_name, column_name from information_schema.columns where table_schema in (?) and column_name in ('order_id', 'merchant_id')`,
    [[...schemas]],
  )) as { table_schema: string; table_name: string; column_name: string }[];
  let total = 0;
  for (const { table_schema, table_name, column_name } of columns) {
    const values = column_name === 'merchant_id' ? [about.merchantId] : about.orderIds;
    if (values.length === 0) continue;
    const rows = (await execute(`select count(*)::int as n from "${table_schema}"."${table_name}" where "${column_name}"::text in (?)`, [
      values,
    ])) as { n: number }[];
    total += rows[0]?.n ?? 0;
  }
  return total;
}
