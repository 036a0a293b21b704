import { describe, expect, it } from 'vitest';
import { Router } from 'express';
import { SignJWT } from 'jose';
import {
  assertMerchantAccess,
  authenticate,
  authSettingsFromEnv,
  canAccessMerchant,
  DEVELOPMENT_AUTH_SECRET,
  mintAccessToken,
  principalOf,
  requireRole,
  verifyAccessToken,
} from '../src/auth.ts';
import { createHttpApp, listen } from '../src/http.ts';
import { createLogger } from '../src/logger.ts';

const settings = authSettingsFromEnv({ AUTH_TOKEN_SECRET: 's'.repeat(40) });

describe('auth settings', () => {
  it('development uses a fixed secret and says so; production without a secret fails', () => {
    expect(authSettingsFromEnv({})).toMatchObject({ secret: DEVELOPMENT_AUTH_SECRET, development: true });
    expect(() => authSettingsFromEnv({ NODE_ENV: 'production' })).toThrow(/AUTH_TOKEN_SECRET: required in production/);
    expect(() => authSettingsFromEnv({ AUTH_TOKEN_SECRET: 'short' })).toThrow(/at least 32/);
    expect(settings.development).toBe(false);
  });
});

describe('bearer tokens', () => {
  it('carry role, merchant and subject', async () => {
    const token = await mintAccessToken(settings, { role: 'MERCHANT', merchantId: 'm1', subject: 'jane' });
    expect(await verifyAccessToken(settings, token)).toEqual({ role: 'MERCHANT', merchantId: 'm1', subject: 'jane' });
  });

  it('a merchant token without its merchant cannot be minted or used', async () => {
    await expect(mintAccessToken(settings, { role: 'MERCHANT' })).rejects.toThrow(/names its merchant/);
    const forged = await new SignJWT({ role: 'MERCHANT' }).setProtectedHeader({ alg: 'HS256' }).setIssuer(settings.issuer).setAudience(settings.audience).setExpirationTime('1h').sign(new TextEncoder().encode(settings.secret));
    await expect(verifyAccessToken(settings, forged)).rejects.toThrow(/must name its merchant/);
  });

  it('expired, other secret, other audience, tampered, no role: refused', async () => {
    const expired = await mintAccessToken(settings, { role: 'SERVICE', expiresIn: -10 });
    await expect(verifyAccessToken(settings, expired)).rejects.toThrow(/expired/);
    const other = await mintAccessToken({ ...settings, secret: 'o'.repeat(40) }, { role: 'SERVICE' });
    await expect(verifyAccessToken(settings, other)).rejects.toThrow(/not valid/);
    const audience = await mintAccessToken({ ...settings, audience: 'elsewhere' }, { role: 'SERVICE' });
    await expect(verifyAccessToken(settings, audience)).rejects.toThrow(/not valid/);
    const good = await mintAccessToken(settings, { role: 'SUPPORT' });
    await expect(verifyAccessToken(settings, `${good}x`)).rejects.toThrow(/not valid/);
    const noRole = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuer(settings.issuer).setAudience(settings.audience).setExpirationTime('1h').sign(new TextEncoder().encode(settings.secret));
    await expect(verifyAccessToken(settings, noRole)).rejects.toThrow(/names no role/);
  });
});

describe('merchant scope', () => {
  it('a merchant sees its own only; SERVICE and SUPPORT see all unless their token names a merchant', () => {
    expect(canAccessMerchant({ role: 'MERCHANT', merchantId: 'm1', subject: 'x' }, 'm1')).toBe(true);
    expect(canAccessMerchant({ role: 'MERCHANT', merchantId: 'm1', subject: 'x' }, 'm2')).toBe(false);
    expect(canAccessMerchant({ role: 'SUPPORT', subject: 'x' }, 'm2')).toBe(true);
    expect(canAccessMerchant({ role: 'SERVICE', merchantId: 'm1', subject: 'x' }, 'm2')).toBe(false);
    expect(() => assertMerchantAccess({ role: 'MERCHANT', merchantId: 'm1', subject: 'x' }, 'm2', 'no order 1')).toThrow('no order 1');
  });
});

describe('the middleware', () => {
  it('401 without or with a bad token, 403 for a role that may not, the principal for the route, /healthz open', async () => {
    const routes = Router();
    routes.use(authenticate(settings));
    routes.get('/who', (_req, res) => {
      res.json(principalOf(res));
    });
    routes.post('/support-only', requireRole('SUPPORT'), (_req, res) => {
      res.json({ ok: true });
    });
    const server = await listen(createHttpApp(createLogger('auth-test'), routes), 0);
    try {
      const call = (path: string, token?: string, method = 'GET') =>
        fetch(`${server.url}${path}`, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });
      expect((await call('/healthz')).status).toBe(200);
      const none = await call('/who');
      expect(none.status).toBe(401);
      expect(((await none.json()) as { error: { message: string } }).error.message).toMatch(/needs a bearer token/);
      expect((await call('/who', 'nonsense')).status).toBe(401);
      const merchant = await mintAccessToken(settings, { role: 'MERCHANT', merchantId: 'm1' });
      expect(await (await call('/who', merchant)).json()).toMatchObject({ role: 'MERCHANT', merchantId: 'm1' });
      const refused = await call('/support-only', merchant, 'POST');
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/needs SUPPORT/);
      expect((await call('/support-only', await mintAccessToken(settings, { role: 'SUPPORT' }), 'POST')).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
