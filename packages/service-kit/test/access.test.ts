import { Router } from 'express';
import { afterAll, beforeAll, describe as suite, expect, it } from 'vitest';
import { authSettingsFromEnv, mintAccessToken, principalOf, type Role } from '../src/auth.ts';
import { bearerAuthenticator, merchantFilter, type Owner } from '../src/access.ts';
import { canonicalise } from '../src/canonical-path.ts';
import { createHttpApp, listen, type RunningServer } from '../src/http.ts';
import { createLogger } from '../src/logger.ts';
import { describe } from '../src/openapi.ts';

const settings = authSettingsFromEnv({ AUTH_TOKEN_SECRET: 'a'.repeat(40) });
const things: Record<string, string> = { 't-1': 'm1', 't-2': 'm2' };
const thing = (at: Owner['at']): Owner => ({ what: 'thing', at, merchantOf: async (id) => things[id] });
const handled: string[] = [];

function routes(): Router {
  const router = Router();
  const answer = (name: string) => (req: { body?: unknown }, res: { json(body: unknown): void; locals: Record<string, unknown> }) => {
    handled.push(name);
    res.json({ name, body: req.body ?? null, principal: res.locals.principal ?? null });
  };
  router.get(
    '/things',
    describe({ summary: 'list', access: { roles: ['MERCHANT', 'SUPPORT'], list: true }, responses: { 200: 'ok' } }),
    (_req, res) => {
      handled.push('list');
      res.json({
        merchant: merchantFilter(principalOf(res), typeof _req.query.merchantId === 'string' ? _req.query.merchantId : undefined) ?? 'all',
      });
    },
  );
  router.get(
    '/things/:id',
    describe({
      summary: 'one',
      access: { roles: ['SERVICE', 'MERCHANT', 'SUPPORT'], owner: thing({ param: 'id' }) },
      responses: { 200: 'ok' },
    }),
    answer('one'),
  );
  router.post(
    '/things/:id/approve',
    describe({ summary: 'approve', access: { roles: ['SUPPORT'], owner: thing({ param: 'id' }) }, responses: { 200: 'ok' } }),
    answer('approve'),
  );
  router.post(
    '/notes',
    describe({ summary: 'note', access: { roles: ['SERVICE', 'MERCHANT'], owner: thing({ body: 'thingId' }) }, responses: { 200: 'ok' } }),
    answer('note'),
  );
  router.post(
    '/imports',
    describe({ summary: 'import', access: { roles: ['SERVICE'], actsFor: { body: 'merchantId' } }, responses: { 200: 'ok' } }),
    answer('import'),
  );
  router.get(
    '/events',
    describe({ summary: 'across', access: { roles: ['SERVICE', 'SUPPORT'], acrossMerchants: true }, responses: { 200: 'ok' } }),
    answer('across'),
  );
  router.get(
    '/by-thing',
    describe({
      summary: 'per thing',
      access: { roles: ['SERVICE', 'MERCHANT', 'SUPPORT'], owner: thing({ query: 'thingId', optional: true }) },
      responses: { 200: 'ok' },
    }),
    answer('by-thing'),
  );
  router.post('/open', describe({ summary: 'open', access: 'public', responses: { 200: 'ok' } }), answer('open'));
  return router;
}

let server: RunningServer;
const token = (role: Role, merchantId?: string) => mintAccessToken(settings, { role, ...(merchantId ? { merchantId } : {}) });
const call = async (method: string, path: string, options: { token?: string; body?: string; headers?: Record<string, string> } = {}) => {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    ...(options.body !== undefined ? { body: options.body } : {}),
  });
  return { status: response.status, body: (await response.json()) as { name?: string; error?: { message: string }; merchant?: string } };
};

beforeAll(async () => {
  server = await listen(createHttpApp(createLogger('access-test'), routes(), { authenticate: bearerAuthenticator(settings) }), 0);
});
afterAll(() => server.close());

suite('access declared on the route, decided after routing', () => {
  it('401 before the body is read: malformed JSON or a false gzip without a token is refused as unauthenticated', async () => {
    expect((await call('POST', '/notes', { body: '{not json' })).status).toBe(401);
    expect((await call('POST', '/notes', { body: 'plain', headers: { 'content-encoding': 'gzip' } })).status).toBe(401);
    expect((await call('POST', '/notes', { token: 'not-a-token', body: '{}' })).status).toBe(401);
    expect(handled).not.toContain('note');
  });

  it('403 naming the roles that may, for a role the route does not name', async () => {
    const refused = await call('POST', '/things/t-1/approve', { token: await token('MERCHANT', 'm1'), body: '{}' });
    expect(refused.status).toBe(403);
    expect(refused.body.error?.message).toMatch(/needs SUPPORT/);
    expect((await call('POST', '/things/t-1/approve', { token: await token('SUPPORT'), body: '{}' })).status).toBe(200);
  });

  it("another merchant's thing is 404 exactly like a missing one, for merchants and for scoped SERVICE and SUPPORT tokens", async () => {
    const a = await token('MERCHANT', 'm1');
    expect((await call('GET', '/things/t-1', { token: a })).status).toBe(200);
    const other = await call('GET', '/things/t-2', { token: a });
    const missing = await call('GET', '/things/t-9', { token: a });
    expect(other).toEqual({ status: 404, body: { error: { code: 'NOT_FOUND', message: 'no thing t-2' } } });
    expect(missing.status).toBe(404);
    expect((await call('GET', '/things/t-2', { token: await token('SERVICE', 'm1') })).status).toBe(404);
    expect((await call('POST', '/things/t-2/approve', { token: await token('SUPPORT', 'm1'), body: '{}' })).status).toBe(404);
    expect((await call('GET', '/things/t-2', { token: await token('SUPPORT') })).status).toBe(200);
  });

  it("the owner may be named in the body: another merchant's id there is 404, and nothing is handled", async () => {
    handled.length = 0;
    expect((await call('POST', '/notes', { token: await token('MERCHANT', 'm1'), body: JSON.stringify({ thingId: 't-2' }) })).status).toBe(
      404,
    );
    expect((await call('POST', '/notes', { token: await token('MERCHANT', 'm1'), body: JSON.stringify({ thingId: 42 }) })).status).toBe(
      400,
    );
    expect((await call('POST', '/notes', { token: await token('MERCHANT', 'm1'), body: '{}' })).status).toBe(400);
    expect(handled).toEqual([]);
    expect((await call('POST', '/notes', { token: await token('MERCHANT', 'm1'), body: JSON.stringify({ thingId: 't-1' }) })).status).toBe(
      200,
    );
  });

  it('a scoped token acts for its merchant only; routes across merchants refuse scoped tokens', async () => {
    expect(
      (await call('POST', '/imports', { token: await token('SERVICE', 'm1'), body: JSON.stringify({ merchantId: 'm2' }) })).status,
    ).toBe(403);
    expect(
      (await call('POST', '/imports', { token: await token('SERVICE', 'm1'), body: JSON.stringify({ merchantId: 'm1' }) })).status,
    ).toBe(200);
    expect((await call('GET', '/events', { token: await token('SERVICE', 'm1') })).status).toBe(403);
    expect((await call('GET', '/events', { token: await token('SERVICE') })).status).toBe(200);
  });

  it('an optional owner in the query: scoped tokens must name it, unscoped ones may list across', async () => {
    expect((await call('GET', '/by-thing', { token: await token('MERCHANT', 'm1') })).status).toBe(403);
    expect((await call('GET', '/by-thing?thingId=t-2', { token: await token('MERCHANT', 'm1') })).status).toBe(404);
    expect((await call('GET', '/by-thing?thingId=t-1', { token: await token('MERCHANT', 'm1') })).status).toBe(200);
    expect((await call('GET', '/by-thing', { token: await token('SUPPORT') })).status).toBe(200);
  });

  it("lists are limited to the token's merchant; asking for another merchant's list matches nothing", async () => {
    expect((await call('GET', '/things', { token: await token('MERCHANT', 'm1') })).body.merchant).toBe('m1');
    expect((await call('GET', '/things?merchantId=m2', { token: await token('MERCHANT', 'm1') })).body.merchant).toBe('all');
    expect((await call('GET', '/things?merchantId=m2', { token: await token('SUPPORT') })).body.merchant).toBe('m2');
  });

  it("every spelling of a path gets the canonical path's answer", async () => {
    const a = await token('MERCHANT', 'm1');
    for (const path of [
      '/THINGS/t-2',
      '/things/t-2/',
      '/things//t-2',
      '/things/./t-2',
      '/x/../things/t-2',
      '/things/t-2;x=1',
      '/%74hings/t-2',
      '/things/%74-2',
      '/things/t%2D2',
    ]) {
      expect((await call('GET', path, { token: a })).status, path).toBe(404);
    }
    for (const path of ['/THINGS/t-1', '/things/t-1/', '//things/t-1', '/things/%74-1', '/things/t-1;jsessionid=1']) {
      expect((await call('GET', path, { token: a })).status, path).toBe(200);
    }
    expect((await call('GET', '/things/%ZZ', { token: a })).status).toBe(400);
    expect((await call('GET', '/things/%C0', { token: a })).status).toBe(400);
  });

  it('public routes take no token; their bodies are parsed', async () => {
    expect((await call('POST', '/open', { body: JSON.stringify({ a: 1 }) })).body).toMatchObject({ name: 'open', body: { a: 1 } });
  });
});

suite('canonical paths', () => {
  it('normalises dot segments, empty segments, ;params and encoded unreserved characters', () => {
    expect(canonicalise('/a//b/./c/../d;x=1/')).toBe('/a/b/d');
    expect(canonicalise('/%61%2Fb/%7e')).toBe('/a%2Fb/~');
    expect(canonicalise('/../../a')).toBe('/a');
    expect(() => canonicalise('/a/%G1')).toThrow(/percent-encoding/);
  });
});
