/**
 * A hostile probe of one service, driven by its own /openapi.json: every operation is called with
 * odd bytes where a person or a program could put them (path ids, query values, body fields,
 * whole bodies, content headers), with and without a valid token. It counts answers by status and
 * keeps every 5xx, which no input may ever cause. `npm run probe` runs it against a running
 * system and prints the figures; the test suite runs it and fails on any 5xx.
 */

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  $ref?: string;
}

interface Operation {
  parameters?: { name: string; in: 'path' | 'query' | 'header'; schema?: JsonSchema }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  security?: Record<string, string[]>[];
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

export interface ProbeTarget {
  baseUrl: string;
  document: OpenApiDocument;
  /** Real ids to put in paths, by parameter name or by the segment before it; others get a made-up one. */
  ids?: Record<string, string>;
  /**
   * A valid body per operation ("POST /orders/{id}/cancellations"), each of whose leaves is then
   * replaced by odd values one at a time, so odd bytes get past the other fields' validation.
   */
  examples?: Record<string, unknown>;
  /** Bearer tokens to call with besides none (e.g. one SERVICE and one SUPPORT token). */
  tokens: string[];
  /** At most this many requests (the probe stops early, never runs unbounded). */
  maxRequests?: number;
}

export interface ProbeFinding {
  operation: string;
  variant: string;
  status: number;
  body: string;
}

export interface ProbeResult {
  requests: number;
  byStatus: Record<string, number>;
  /** Every answer of 500 or more. */
  serverErrors: ProbeFinding[];
  /** Operations that answered 2xx to an odd input (not necessarily wrong: reported for a person to judge). */
  accepted: ProbeFinding[];
}

const PLACEHOLDER_ID = '00000000-0000-4000-8000-000000000000';

/** Odd strings: each once where a string goes. */
const ODD_STRINGS: [string, string][] = [
  ['NUL', 'a\u0000b'],
  ['lone high surrogate', 'x\ud800'],
  ['lone low surrogate', '\udc00y'],
  ['100 000 characters', 'x'.repeat(100_000)],
  ['SQL', "' or 1=1; drop table orders; --"],
  ['path traversal', '../../etc/passwd'],
  ['right-to-left override', 'abc\u202edef'],
  ['empty', ''],
];
const ODD_VALUES: [string, unknown][] = [
  ['2^53', 2 ** 53],
  ['-2^53', -(2 ** 53)],
  ['1e308', 1e308],
  ['a fraction', 0.5],
  ['negative', -1],
  ['null', null],
  ['true', true],
  ['an array', []],
  ['an object', {}],
  ['__proto__', JSON.parse('{"__proto__":{"polluted":1}}')],
];
const ODD_PATH_SEGMENTS: [string, string][] = [
  ['malformed %', '%ZZ'],
  ['%00', 'a%00b'],
  ['overlong UTF-8', '%C0%AF'],
  ['lone surrogate as UTF-8', '%ED%A0%80'],
  ['5000 characters', 'a'.repeat(5000)],
  ['encoded slash', '..%2F..%2Fx'],
  ['unicode', '%E2%82%AC%F0%9F%98%80'],
];
const ODD_BODIES: [string, string, Record<string, string>][] = [
  ['not JSON', '{not json', {}],
  ['JSON null', 'null', {}],
  ['JSON number', '42', {}],
  ['JSON string', '"text"', {}],
  ['nested 10 000 deep', `${'['.repeat(10_000)}${']'.repeat(10_000)}`, {}],
  ['false gzip', '{"a":1}', { 'content-encoding': 'gzip' }],
  ['unknown encoding', '{"a":1}', { 'content-encoding': 'br, zz' }],
  ['text/plain', 'hello', { 'content-type': 'text/plain' }],
  ['charset utf-16', '{"a":1}', { 'content-type': 'application/json; charset=utf-16' }],
  ['unknown charset', '{"a":1}', { 'content-type': 'application/json; charset=klingon' }],
  ['2 MB', `{"a":"${'x'.repeat(2 * 1024 * 1024)}"}`, {}],
];

export async function probeService(target: ProbeTarget): Promise<ProbeResult> {
  const result: ProbeResult = { requests: 0, byStatus: {}, serverErrors: [], accepted: [] };
  const limit = target.maxRequests ?? 20_000;
  const bearers: (string | undefined)[] = [undefined, ...target.tokens];
  for (const [template, item] of Object.entries(target.document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const name = `${method.toUpperCase()} ${template}`;
      for (const variant of variantsOf(template, method.toUpperCase(), operation, target, target.examples?.[name])) {
        for (const bearer of bearers) {
          if (result.requests >= limit) return result;
          const answer = await send(target.baseUrl, method.toUpperCase(), variant, bearer);
          result.requests += 1;
          result.byStatus[answer.status] = (result.byStatus[answer.status] ?? 0) + 1;
          const finding = {
            operation: name,
            variant: `${variant.name}${bearer ? ' (with a token)' : ''}`,
            status: answer.status,
            body: answer.body.slice(0, 300),
          };
          if (answer.status >= 500) result.serverErrors.push(finding);
          else if (answer.status < 300 && variant.odd) result.accepted.push(finding);
        }
      }
    }
  }
  return result;
}

interface Variant {
  name: string;
  path: string;
  body?: string;
  headers?: Record<string, string>;
  /** The input is odd on purpose (a 2xx is worth a look). */
  odd: boolean;
}

function* variantsOf(template: string, method: string, operation: Operation, target: ProbeTarget, example: unknown): Generator<Variant> {
  const segments = template.split('/').slice(1);
  const idFor = (name: string, i: number) => target.ids?.[name] ?? target.ids?.[segments[i - 1] ?? ''] ?? PLACEHOLDER_ID;
  const pathWith = (odd?: { at: number; value: string }) =>
    `/${segments.map((s, i) => (s.startsWith('{') ? (odd?.at === i ? odd.value : encodeURIComponent(idFor(s.slice(1, -1), i))) : s)).join('/')}`;
  const hasBody = method !== 'GET' && method !== 'HEAD';
  const baseBody = hasBody ? '{}' : undefined;
  yield { name: 'as documented, empty body', path: pathWith(), ...(baseBody ? { body: baseBody } : {}), odd: false };

  for (const [i, segment] of segments.entries()) {
    if (!segment.startsWith('{')) continue;
    for (const [what, value] of ODD_PATH_SEGMENTS) {
      yield { name: `path ${segment}: ${what}`, path: pathWith({ at: i, value }), ...(baseBody ? { body: baseBody } : {}), odd: true };
    }
  }

  const query = (operation.parameters ?? []).filter((p) => p.in === 'query');
  for (const parameter of query) {
    for (const [what, value] of ODD_STRINGS) {
      yield { name: `query ${parameter.name}: ${what}`, path: `${pathWith()}?${parameter.name}=${encodeAnything(value)}`, odd: true };
    }
    yield { name: `query ${parameter.name} given twice`, path: `${pathWith()}?${parameter.name}=a&${parameter.name}=b`, odd: true };
    yield {
      name: `query ${parameter.name} as an object`,
      path: `${pathWith()}?${parameter.name}[a]=1&${parameter.name}[__proto__][x]=1`,
      odd: true,
    };
    yield { name: `query ${parameter.name}: malformed %`, path: `${pathWith()}?${parameter.name}=%ZZ`, odd: true };
  }

  if (!hasBody) return;
  for (const [what, body, headers] of ODD_BODIES) {
    yield { name: `body: ${what}`, path: pathWith(), body, headers, odd: true };
  }
  const schema = resolve(operation.requestBody?.content?.['application/json']?.schema, target.document);
  for (const field of Object.keys(schema?.properties ?? {})) {
    for (const [what, value] of [...ODD_STRINGS, ...ODD_VALUES] as [string, unknown][]) {
      yield { name: `body ${field}: ${what}`, path: pathWith(), body: JSON.stringify({ [field]: value }), odd: true };
    }
  }
  if (example === undefined) return;
  yield { name: 'the example body', path: pathWith(), body: JSON.stringify(example), odd: false };
  for (const [where, mutated] of mutations(example))
    yield { name: `example with ${where}`, path: pathWith(), body: JSON.stringify(mutated), odd: true };
}

/** Copies of a value with one leaf (a string, number or boolean, however deep) replaced by an odd value. */
function* mutations(value: unknown, path = 'body'): Generator<[string, unknown]> {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      for (const [where, mutated] of mutations(item, `${path}[${i}]`)) yield [where, value.map((v, j) => (j === i ? mutated : v))];
    }
    return;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      for (const [where, mutated] of mutations(item, `${path}.${key}`)) yield [where, { ...value, [key]: mutated }];
    }
    return;
  }
  const odd = typeof value === 'string' ? [...ODD_STRINGS, ...ODD_VALUES.slice(5)] : ODD_VALUES;
  for (const [what, replacement] of odd) yield [`${path}: ${what}`, replacement];
}

/** Percent-encodes any string, lone surrogates too (as the bytes WTF-8 gives them, which no UTF-8 decoder accepts). */
function encodeAnything(value: string): string {
  return [...value]
    .map((character) => {
      const code = character.charCodeAt(0);
      if (character.length === 1 && code >= 0xd800 && code <= 0xdfff) {
        return [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
          .map((b) => `%${b.toString(16).toUpperCase()}`)
          .join('');
      }
      return encodeURIComponent(character);
    })
    .join('');
}

function resolve(schema: JsonSchema | undefined, document: OpenApiDocument): JsonSchema | undefined {
  if (!schema) return undefined;
  if (schema.$ref) return resolve(document.components?.schemas?.[schema.$ref.split('/').pop()!], document);
  const alternative = schema.anyOf ?? schema.oneOf;
  if (!schema.properties && alternative) {
    return { properties: Object.assign({}, ...alternative.map((s) => resolve(s, document)?.properties ?? {})) };
  }
  return schema;
}

async function send(
  baseUrl: string,
  method: string,
  variant: Variant,
  bearer: string | undefined,
): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    ...(variant.body !== undefined ? { 'content-type': 'application/json' } : {}),
    ...variant.headers,
    ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
  };
  try {
    const response = await fetch(`${baseUrl}${variant.path}`, {
      method,
      headers,
      ...(variant.body !== undefined ? { body: variant.body } : {}),
      signal: AbortSignal.timeout(15_000),
    });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    // A connection the server dropped or never answered counts as a server error.
    return { status: 599, body: `no answer: ${String(error)}` };
  }
}
