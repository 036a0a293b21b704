import { describe, expect, it } from 'vitest';
import { createLogger, listen, mountedRoutes, openApiDocument, undocumentedRoutes } from '@cancelflow/service-kit';
import { PAYMENT_SERVICE_POLICY } from '../src/http/authorisation.ts';
import { buildServer } from '../src/server.ts';

// The routers only touch their dependencies when a request comes: building the app is enough.
const app = buildServer({ logger: createLogger('payment-service-openapi'), book: {}, sandbox: {}, rebills: {}, undo: { money: {}, sandbox: {} } } as unknown as Parameters<typeof buildServer>[0]);

describe('the OpenAPI document of the payment service', () => {
  it('describes every route express serves (a route added without describe() fails here)', () => {
    expect(undocumentedRoutes(app)).toEqual([]);
  });

  it('lists exactly the routes express serves, no more', () => {
    const document = openApiDocument(app, { title: 'payment-service', version: 'test' });
    const documented = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
      Object.keys(item ?? {}).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const served = mountedRoutes(app).map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
    expect(documented.sort()).toEqual([...new Set(served)].sort());
    expect(documented).toContain('POST /provider-events');
  });
});

interface Operation {
  description?: string;
  security?: Record<string, string[]>[];
  responses: Record<string, unknown>;
}
interface ServedDocument {
  components?: { securitySchemes?: Record<string, Record<string, string>> };
  paths: Record<string, Record<string, Operation>>;
}

const PUBLIC = ['/healthz', '/readyz', '/metrics', '/openapi.json', '/docs'];

describe('the OpenAPI document of the payment service declares how each route is secured', () => {
  it('bearer (JWT) on every route but health, metrics and docs, with the roles of the role table in security and description', async () => {
    const server = await listen(app, 0);
    let document: ServedDocument;
    try {
      document = (await (await fetch(`${server.url}/openapi.json`)).json()) as ServedDocument;
    } finally {
      await server.close();
    }
    expect(document.components?.securitySchemes).toEqual({
      bearerAuth: expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
    });
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const where = `${method.toUpperCase()} ${path}`;
        if (PUBLIC.includes(path)) {
          expect(op.security, where).toEqual([]);
          continue;
        }
        // rolePolicy refuses a route no rule names: every documented route must be in the table.
        const rule = PAYMENT_SERVICE_POLICY.find((r) => r.method === method.toUpperCase() && r.path.test(path.replace(/\{\w+\}/g, '00000000-0000-4000-8000-000000000000')));
        expect(rule, `${where} is in the role table`).toBeDefined();
        expect(op.security, where).toEqual([{ bearerAuth: [...rule!.roles] }]);
        expect(op.description, where).toContain(`Needs a bearer token with the role ${rule!.roles.join(' or ')}.`);
        expect(op.responses['401'], where).toBeDefined();
        expect(op.responses['403'], where).toBeDefined();
      }
    }
  });
});
