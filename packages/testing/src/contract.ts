/**
 * Every answer a test receives is checked against the OpenAPI document the service serves: the
 * status must be one the operation describes (an error status may fall to its `default`), and the
 * body must match the schema documented for that status. The test clients (api.ts) run the check on
 * every call, so each existing test also tests the contract, and a route that answers a status or a
 * field its document does not describe fails the test that met it.
 */
import { z } from 'zod';

interface OpenApiResponse {
  description?: string;
  content?: Record<string, { schema?: unknown }>;
}

interface OpenApiDocument {
  paths?: Record<string, Record<string, { responses?: Record<string, OpenApiResponse> }>>;
  components?: { schemas?: Record<string, unknown> };
}

interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  /** Literal segments: a more literal template wins over one with a parameter in the same place. */
  literals: number;
  responses: Record<string, OpenApiResponse>;
}

export interface ServiceContract {
  operations: Operation[];
  definitions: Record<string, unknown>;
  validators: Map<string, z.ZodType>;
}

const contracts = new Map<string, Promise<ServiceContract | undefined>>();

/** The service's document, read once per base URL; undefined when the base URL serves none. */
export function contractOf(baseUrl: string): Promise<ServiceContract | undefined> {
  let contract = contracts.get(baseUrl);
  if (!contract) {
    contract = load(baseUrl);
    contracts.set(baseUrl, contract);
  }
  return contract;
}

async function load(baseUrl: string): Promise<ServiceContract | undefined> {
  const response = await fetch(`${baseUrl}/openapi.json`, { headers: { accept: 'application/json' } });
  if (!response.ok || !response.headers.get('content-type')?.includes('json')) return undefined;
  const document = (await response.json()) as OpenApiDocument;
  const operations: Operation[] = [];
  for (const [template, item] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(item)) {
      const segments = template.split('/').filter(Boolean);
      operations.push({
        method: method.toUpperCase(),
        template,
        pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}/?$`),
        literals: segments.filter((s) => !s.startsWith('{')).length,
        responses: operation.responses ?? {},
      });
    }
  }
  operations.sort((a, b) => b.literals - a.literals);
  return { operations, definitions: document.components?.schemas ?? {}, validators: new Map() };
}

export interface Answer {
  method: string;
  /** The path as called, with its query. */
  path: string;
  status: number;
  contentType: string | null;
  body: unknown;
  /** The body as received, when it is not JSON. */
  text: string;
}

/**
 * What is wrong with an answer by the service's document, or undefined when it keeps to it. An
 * unknown path answered 404 is the app's own "no such route", which no document lists.
 */
export function contractViolation(contract: ServiceContract, answer: Answer): string | undefined {
  const path = answer.path.split('?')[0]!;
  const what = `${answer.method} ${path} answered ${answer.status}`;
  const operation = contract.operations.find((o) => o.method === answer.method && o.pattern.test(path));
  if (!operation) {
    return answer.status === 404 || answer.status === 405
      ? undefined
      : `${what}, but its OpenAPI document has no ${answer.method} operation for this path`;
  }
  const where = `${answer.method} ${operation.template}`;
  const documented = operation.responses[String(answer.status)] ?? (answer.status >= 400 ? operation.responses.default : undefined);
  if (!documented) {
    const statuses = Object.keys(operation.responses).filter((s) => s !== 'default');
    return `${what}, a status its OpenAPI document does not describe for ${where} (it describes ${statuses.join(', ')})`;
  }
  const media = documented.content ? Object.keys(documented.content) : [];
  const hasBody = answer.text !== '';
  if (media.length === 0) {
    return hasBody ? `${what} with a body, but the document describes no body for ${where} ${answer.status}` : undefined;
  }
  const json = media.find((m) => m.includes('json'));
  if (!json) return undefined; // HTML, text: not checked field by field
  if (!answer.contentType?.includes('json')) {
    return `${what} with content-type ${answer.contentType ?? 'none'}, but the document describes ${json} for ${where} ${answer.status}`;
  }
  const schema = documented.content![json]!.schema;
  if (schema === undefined) return undefined;
  const key = `${operation.method} ${operation.template} ${answer.status in operation.responses ? answer.status : 'default'}`;
  let validator = contract.validators.get(key);
  if (!validator) {
    validator = z.fromJSONSchema(withDefinitions(schema, contract.definitions) as Parameters<typeof z.fromJSONSchema>[0]);
    contract.validators.set(key, validator);
  }
  const result = validator.safeParse(answer.body);
  if (result.success) return undefined;
  const problems = result.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
  return `${what} with a body that does not match the schema its OpenAPI document gives for ${where} ${answer.status}:\n  ${problems.join('\n  ')}\nbody: ${JSON.stringify(answer.body).slice(0, 2000)}`;
}

/** One JSON Schema with the document's components as its $defs (the converter resolves local refs only). */
function withDefinitions(schema: unknown, definitions: Record<string, unknown>): unknown {
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        k === '$ref' && typeof v === 'string' ? v.replace('#/components/schemas/', '#/$defs/') : rewrite(v),
      ]),
    );
  };
  return { ...(rewrite(schema) as object), $defs: rewrite(definitions), $schema: 'https://json-schema.org/draft/2020-12/schema' };
}

/** Throws, naming the fault, when an answer breaks its service's contract. */
export async function assertKeepsContract(baseUrl: string, answer: Answer): Promise<void> {
  const contract = await contractOf(baseUrl);
  if (!contract) return;
  const violation = contractViolation(contract, answer);
  if (violation) throw new ContractViolationError(violation);
}

export class ContractViolationError extends Error {
  override name = 'ContractViolationError';
}
