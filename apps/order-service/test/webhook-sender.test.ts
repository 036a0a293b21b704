import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkedAddresses, privateRangeOf, RefusedAddressError } from '../src/webhooks/address-guard.ts';
import { decryptSecret, encryptSecret } from '../src/webhooks/secrets.ts';
import { postEvent } from '../src/webhooks/sender.ts';
import { signatureHeader, verifySignature } from '../src/webhooks/signature.ts';

let server: Server;
let port: number;
const hits: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/redirect') return void res.writeHead(302, { location: `http://127.0.0.1:${port}/target` }).end();
    if (req.url === '/silent') return;
    if (req.url === '/close') return void req.socket.destroy();
    res.writeHead(200).end('x'.repeat(5_000));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const post = (path: string, allowPrivate = true, lookup?: Parameters<typeof postEvent>[0]['lookup'], host = '127.0.0.1') =>
  postEvent({
    url: `http://${host}:${port}${path}`,
    body: '{}',
    headers: { 'Content-Type': 'application/json' },
    timeoutMs: 500,
    allowPrivate,
    lookup,
  });

describe('outbound requests go to public addresses only, unless development allows private ones', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.0.0.7', 'private'],
    ['172.16.4.4', 'private'],
    ['192.168.0.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'shared'],
    ['0.0.0.0', 'this network'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['fc00::1', 'unique local'],
    ['fd12:3456::1', 'unique local'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['::ffff:10.0.0.1', 'private'],
    ['64:ff9b::a00:1', 'private'],
    ['2002:c0a8:0101::1', 'private'],
    ['ff02::1', 'multicast'],
  ])('%s is refused (%s)', (address, kind) => {
    expect(privateRangeOf(address)).toContain(kind);
  });

  it.each(['93.184.215.14', '8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8', '2a00:1450:4001:80b::200e'])('%s is public', (address) => {
    expect(privateRangeOf(address)).toBeUndefined();
  });

  it('checks every address a name resolves to: one private address among public ones refuses it', async () => {
    const lookup = async () => [
      { address: '93.184.215.14', family: 4 },
      { address: '::ffff:192.168.1.1', family: 6 },
    ];
    await expect(checkedAddresses('erp.example.com', { allowPrivate: false, lookup })).rejects.toThrow(RefusedAddressError);
    await expect(checkedAddresses('erp.example.com', { allowPrivate: false, lookup })).rejects.toThrow(/192\.168\.1\.1/);
    await expect(checkedAddresses('nowhere.invalid', { allowPrivate: false, lookup: async () => [] })).rejects.toThrow(/does not resolve/);
  });

  it('sends nothing to a loopback receiver when private addresses are not allowed, whether named by address or by a name that resolves to it', async () => {
    const before = hits.length;
    expect(await post('/ok', false)).toEqual({ error: expect.stringContaining('refused') });
    const rebinding = async () => [{ address: '127.0.0.1', family: 4 }];
    expect(await post('/ok', false, rebinding, 'receiver.example.com')).toEqual({
      error: expect.stringContaining('public addresses only'),
    });
    expect(hits.length).toBe(before);
  });

  it('connects to the address that was checked, not to what the name resolves to later', async () => {
    let asked = 0;
    const lookup = async () => {
      asked++;
      return [{ address: '127.0.0.1', family: 4 }];
    };
    expect(await post('/ok', true, lookup, 'receiver.example.com')).toMatchObject({ status: 200 });
    expect(asked).toBe(1);
  });
});

describe('one POST: no redirects, a time limit, only the start of the answer kept', () => {
  it('does not follow a redirect: a 3xx is an answer that did not accept the event', async () => {
    expect(await post('/redirect')).toMatchObject({ status: 302 });
    expect(hits).not.toContain('/target');
  });

  it('gives up on a receiver that does not answer in time, or closes the connection', async () => {
    expect(await post('/silent')).toEqual({ error: 'no answer within 500 ms' });
    expect(await post('/close')).toEqual({ error: expect.stringContaining('closed the connection') });
  });

  it('keeps the first 1000 characters of the answer', async () => {
    const answer = await post('/ok');
    expect(answer).toMatchObject({ status: 200 });
    expect('body' in answer && answer.body.length).toBe(1_000);
  });
});

describe('signatures and secrets', () => {
  it('signs t.body with HMAC-SHA256; a receiver verifies it within 300 s and refuses a changed body, another secret or an old timestamp', () => {
    const now = 1_800_000_000;
    const header = signatureHeader('whsec_a', now, '{"id":"e"}');
    expect(header).toMatch(/^t=1800000000,v1=[0-9a-f]{64}$/);
    expect(verifySignature('whsec_a', header, '{"id":"e"}', now + 299)).toBe(true);
    expect(verifySignature('whsec_a', header, '{"id":"f"}', now)).toBe(false);
    expect(verifySignature('whsec_b', header, '{"id":"e"}', now)).toBe(false);
    expect(verifySignature('whsec_a', header, '{"id":"e"}', now + 301)).toBe(false);
    expect(verifySignature('whsec_a', 'garbage', '{"id":"e"}', now)).toBe(false);
  });

  it('keeps a secret encrypted: another key cannot read it, a changed ciphertext is refused', () => {
    const sealed = encryptSecret('key-one-key-one-key-one-key-one!', 'whsec_x');
    expect(sealed).not.toContain('whsec_x');
    expect(decryptSecret('key-one-key-one-key-one-key-one!', sealed)).toBe('whsec_x');
    expect(() => decryptSecret('key-two-key-two-key-two-key-two!', sealed)).toThrow();
    const [v, iv, tag, body] = sealed.split(':');
    expect(() => decryptSecret('key-one-key-one-key-one-key-one!', [v, iv, tag, `A${body!.slice(1)}`].join(':'))).toThrow();
  });
});
