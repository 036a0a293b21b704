import { describe, expect, it } from 'vitest';
import { parseAuthenticationResults, senderAuthentication } from '../src/mail/authentication-results.ts';

describe('Authentication-Results (RFC 8601)', () => {
  it('reads the relay, and each method with its result, past comments, versions and quoted strings', () => {
    const parsed = parseAuthenticationResults(
      'mx.shop.example 1; spf=pass (sender is authorised; ok) smtp.mailfrom=example.com;\r\n dkim/1=pass reason="good; signature" header.d=example.com; dmarc=fail (p=reject) header.from=example.com',
    );
    expect(parsed).toEqual({
      authservId: 'mx.shop.example',
      results: [
        { method: 'spf', result: 'pass' },
        { method: 'dkim', result: 'pass' },
        { method: 'dmarc', result: 'fail' },
      ],
    });
    expect(parseAuthenticationResults('mx.shop.example; none')).toEqual({ authservId: 'mx.shop.example', results: [] });
  });

  it.each([
    [['mx; dmarc=fail header.from=example.com'], 'FAIL'],
    [['mx; spf=fail smtp.mailfrom=example.com'], 'FAIL'],
    [['mx; spf=softfail smtp.mailfrom=example.com'], 'FAIL'],
    [['mx; dkim=fail header.d=example.com'], 'FAIL'],
    // Forwarded mail breaks SPF, DMARC passes on the aligned DKIM signature: genuine.
    [['mx; spf=fail smtp.mailfrom=example.com; dkim=pass header.d=example.com; dmarc=pass'], 'PASS'],
    // A mailing list broke one signature, another passes.
    [['mx; dkim=fail header.d=list.example; dkim=pass header.d=example.com'], 'PASS'],
    [['mx; spf=pass smtp.mailfrom=example.com'], 'PASS'],
    [['mx; spf=neutral; dkim=none; dmarc=temperror'], 'NONE'],
    [[], 'NONE'],
    // Every header is read without a trusted relay: a failure anywhere counts.
    [['mx; spf=pass', 'other.example; dmarc=fail'], 'FAIL'],
  ])('%j -> %s', (headers, verdict) => {
    expect(senderAuthentication(headers).verdict).toBe(verdict);
  });

  it('says which checks failed', () => {
    expect(senderAuthentication(['mx; spf=softfail; dkim=fail'])).toEqual({ verdict: 'FAIL', failed: ['spf=softfail', 'dkim=fail'] });
  });

  it('with a trusted relay, only its topmost header counts, and one is required', () => {
    const forgedBelow = ['mx.shop.example; spf=pass smtp.mailfrom=example.com', 'mx.shop.example; dmarc=pass', 'evil.test; dmarc=pass'];
    expect(senderAuthentication(forgedBelow, 'MX.shop.example')).toEqual({ verdict: 'PASS', passed: ['spf=pass'] });
    expect(senderAuthentication(['evil.test; dmarc=pass'], 'mx.shop.example')).toEqual({
      verdict: 'MISSING',
      authservId: 'mx.shop.example',
    });
    expect(senderAuthentication(['mx.shop.example; dmarc=fail'], 'mx.shop.example').verdict).toBe('FAIL');
  });
});
