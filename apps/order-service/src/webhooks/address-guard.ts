/**
 * Outbound requests go to public addresses only (no SSRF into our own network): the receiver's
 * host name is resolved and every address it resolves to must be public, IPv6 included, and an
 * IPv4 address written inside IPv6 (::ffff:10.0.0.1, 64:ff9b::a00:1) counts as the IPv4 address
 * it carries. The request then connects to an address that was checked (never resolving again,
 * so a second answer cannot point elsewhere). A development setting lets local receivers through.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import type { HostLookup } from './settings.ts';

/** Why an address is not public, or undefined when it is. */
export function privateRangeOf(address: string): string | undefined {
  const family = isIP(address);
  if (family === 4) return ipv4Range(ipv4Octets(address)!);
  if (family === 6) return ipv6Range(address);
  return 'not an IP address';
}

function ipv4Octets(address: string): number[] | undefined {
  const parts = address.split('.');
  if (parts.length !== 4) return undefined;
  const octets = parts.map(Number);
  return octets.every((o) => Number.isInteger(o) && o >= 0 && o <= 255) ? octets : undefined;
}

function ipv4Range([a, b, c]: number[]): string | undefined {
  if (a === 0) return 'the "this network" range 0.0.0.0/8';
  if (a === 10) return 'the private range 10.0.0.0/8';
  if (a === 100 && b! >= 64 && b! <= 127) return 'the shared range 100.64.0.0/10';
  if (a === 127) return 'loopback 127.0.0.0/8';
  if (a === 169 && b === 254) return 'link-local 169.254.0.0/16';
  if (a === 172 && b! >= 16 && b! <= 31) return 'the private range 172.16.0.0/12';
  if (a === 192 && b === 0 && (c === 0 || c === 2)) return 'a reserved range 192.0.0.0/24 or 192.0.2.0/24';
  if (a === 192 && b === 168) return 'the private range 192.168.0.0/16';
  if (a === 198 && (b === 18 || b === 19)) return 'the benchmarking range 198.18.0.0/15';
  if (a === 198 && b === 51 && c === 100) return 'the documentation range 198.51.100.0/24';
  if (a === 203 && b === 0 && c === 113) return 'the documentation range 203.0.113.0/24';
  if (a! >= 224) return 'multicast or reserved 224.0.0.0/3';
  return undefined;
}

/** The eight 16-bit groups of an IPv6 address (a dotted IPv4 tail becomes the last two). */
function ipv6Groups(address: string): number[] | undefined {
  let text = address.toLowerCase().split('%')[0]!;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const octets = ipv4Octets(dotted[1]!);
    if (!octets) return undefined;
    text = `${text.slice(0, -dotted[1]!.length)}${((octets[0]! << 8) | octets[1]!).toString(16)}:${((octets[2]! << 8) | octets[3]!).toString(16)}`;
  }
  const [head, tail, more] = text.split('::');
  if (more !== undefined) return undefined;
  const left = head ? head.split(':') : [];
  const right = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return undefined;
  const groups = [...left, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...right].map((g) => Number.parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

function ipv6Range(address: string): string | undefined {
  const g = ipv6Groups(address);
  if (!g) return 'not an IP address';
  const embedded = () => ipv4Range([g[6]! >> 8, g[6]! & 0xff, g[7]! >> 8, g[7]! & 0xff]);
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 8)) return 'the unspecified address ::';
  if (zeros(0, 7) && g[7] === 1) return 'loopback ::1';
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d): the IPv4 address decides.
  if (zeros(0, 5) && (g[5] === 0xffff || g[5] === 0)) return embedded() ?? undefined;
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return embedded();
  if ((g[0]! & 0xffc0) === 0xfe80) return 'link-local fe80::/10';
  if ((g[0]! & 0xffc0) === 0xfec0) return 'site-local fec0::/10';
  if ((g[0]! & 0xfe00) === 0xfc00) return 'the unique local range fc00::/7';
  if ((g[0]! & 0xff00) === 0xff00) return 'multicast ff00::/8';
  if (g[0] === 0x2001 && g[1] === 0x0db8) return 'the documentation range 2001:db8::/32';
  // 6to4 carries an IPv4 address in its second and third groups.
  if (g[0] === 0x2002) return ipv4Range([g[1]! >> 8, g[1]! & 0xff, g[2]! >> 8, g[2]! & 0xff]);
  return undefined;
}

export class RefusedAddressError extends Error {
  override readonly name = 'RefusedAddressError';
}

const systemLookup: HostLookup = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
  );

/**
 * The addresses a request to `hostname` may connect to: all of them public (or any, when private
 * ones are allowed). Throws RefusedAddressError naming the first address that is not.
 */
export async function checkedAddresses(
  hostname: string,
  { allowPrivate, lookup = systemLookup }: { allowPrivate: boolean; lookup?: HostLookup | undefined },
): Promise<LookupAddress[]> {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  let addresses: LookupAddress[];
  if (isIP(bare)) addresses = [{ address: bare, family: isIP(bare) }];
  else {
    try {
      addresses = await lookup(bare);
    } catch (error) {
      throw new RefusedAddressError(`${bare} does not resolve (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  }
  if (addresses.length === 0) throw new RefusedAddressError(`${bare} does not resolve to any address`);
  if (allowPrivate) return addresses;
  for (const { address } of addresses) {
    const range = privateRangeOf(address);
    if (range) {
      throw new RefusedAddressError(
        `${bare} resolves to ${address}, in ${range}: webhooks go to public addresses only (WEBHOOKS_ALLOW_PRIVATE_ADDRESSES=true allows others in development)`,
      );
    }
  }
  return addresses;
}
