import { describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { authSettingsFromEnv, canAccessMerchant, DEVELOPMENT_AUTH_SECRET, mintAccessToken, verifyAccessToken } from '../src/auth.ts';

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
    const forged = await new SignJWT({ role: 'MERCHANT' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(settings.issuer)
      .setAudience(settings.audience)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(settings.secret));
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
    const noRole = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(settings.issuer)
      .setAudience(settings.audience)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(settings.secret));
    await expect(verifyAccessToken(settings, noRole)).rejects.toThrow(/names no role/);
  });
});

describe('merchant scope', () => {
  it('a merchant sees its own only; SERVICE and SUPPORT see all unless their token names a merchant', () => {
    expect(canAccessMerchant({ role: 'MERCHANT', merchantId: 'm1', subject: 'x' }, 'm1')).toBe(true);
    expect(canAccessMerchant({ role: 'MERCHANT', merchantId: 'm1', subject: 'x' }, 'm2')).toBe(false);
    expect(canAccessMerchant({ role: 'SUPPORT', subject: 'x' }, 'm2')).toBe(true);
    expect(canAccessMerchant({ role: 'SERVICE', merchantId: 'm1', subject: 'x' }, 'm2')).toBe(false);
  });
});
