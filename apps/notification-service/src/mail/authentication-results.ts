/**
 * The receiving relay's word on a message's sender (RFC 8601 Authentication-Results), e.g.
 *   Authentication-Results: mx.example.com; spf=pass smtp.mailfrom=example.net;
 *     dkim=pass header.d=example.net; dmarc=pass (p=reject) header.from=example.net
 * Only SPF, DKIM and DMARC are read; other methods and unknown results carry no verdict.
 */
import type { SenderAuthentication } from '@cancelflow/domain';

export interface AuthenticationResults {
  authservId: string;
  /** method -> every result it reported, lower case (a message may carry several DKIM signatures). */
  results: { method: string; result: string }[];
}

/** Parses one header value; undefined when it is not an Authentication-Results at all. */
export function parseAuthenticationResults(value: string): AuthenticationResults | undefined {
  const parts = splitOutsideQuotes(withoutComments(value.replace(/\r?\n[ \t]+/g, ' ')), ';');
  const authservId = parts.shift()?.trim().split(/\s+/)[0];
  if (!authservId) return undefined;
  const results: AuthenticationResults['results'] = [];
  for (const part of parts) {
    const match = /^\s*([a-z0-9_-]+)(?:\/[0-9]+)?\s*=\s*([a-z]+)/i.exec(part);
    if (match) results.push({ method: match[1]!.toLowerCase(), result: match[2]!.toLowerCase() });
  }
  return { authservId, results };
}

/**
 * The verdict on a message from its Authentication-Results headers, topmost first. With a
 * trusted relay (its authserv-id), only that relay's topmost header counts and one is required:
 * any other could have been written by the sender. Without one, every header is read and any
 * failure counts (a forged "pass" grants nothing: a pass is never required then).
 *   dmarc=fail -> FAIL; dmarc=pass -> PASS (DMARC already judged SPF and DKIM for the From domain);
 *   otherwise spf=fail or softfail, or dkim=fail with no passing DKIM signature -> FAIL;
 *   spf=pass or dkim=pass -> PASS; else NONE (none, neutral, temperror, permerror).
 */
export function senderAuthentication(headerValues: readonly string[], trustedAuthservId?: string): SenderAuthentication {
  const parsed = headerValues.map(parseAuthenticationResults).filter((r): r is AuthenticationResults => r !== undefined);
  let considered = parsed;
  if (trustedAuthservId) {
    const ours = parsed.find((r) => r.authservId.toLowerCase() === trustedAuthservId.toLowerCase());
    if (!ours) return { verdict: 'MISSING', authservId: trustedAuthservId };
    considered = [ours];
  }
  const all = considered.flatMap((r) => r.results);
  const of = (method: string) => all.filter((r) => r.method === method).map((r) => r.result);
  const named = (method: string, results: string[]) => [...new Set(results)].map((r) => `${method}=${r}`);
  const [spf, dkim, dmarc] = [of('spf'), of('dkim'), of('dmarc')];

  if (dmarc.includes('fail')) return { verdict: 'FAIL', failed: named('dmarc', ['fail']) };
  if (dmarc.includes('pass')) return { verdict: 'PASS', passed: named('dmarc', ['pass']) };
  const failed = [
    ...named(
      'spf',
      spf.filter((r) => r === 'fail' || r === 'softfail'),
    ),
    ...(dkim.includes('fail') && !dkim.includes('pass') ? named('dkim', ['fail']) : []),
  ];
  if (failed.length > 0) return { verdict: 'FAIL', failed };
  const passed = [
    ...named(
      'spf',
      spf.filter((r) => r === 'pass'),
    ),
    ...named(
      'dkim',
      dkim.filter((r) => r === 'pass'),
    ),
  ];
  return passed.length > 0 ? { verdict: 'PASS', passed } : { verdict: 'NONE' };
}

/** Removes (comments), which may nest, outside quoted strings. */
function withoutComments(value: string): string {
  let out = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && (quoted || depth > 0)) {
      if (depth === 0) out += c + (value[i + 1] ?? '');
      i++;
    } else if (quoted) {
      out += c;
      if (c === '"') quoted = false;
    } else if (c === '(') depth++;
    else if (c === ')' && depth > 0) depth--;
    else if (depth === 0) {
      if (c === '"') quoted = true;
      out += c;
    }
  }
  return out;
}

function splitOutsideQuotes(value: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && quoted) {
      current += c + (value[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === separator && !quoted) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts;
}
