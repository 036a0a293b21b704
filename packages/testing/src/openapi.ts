/**
 * The checks every service's OpenAPI test makes: the document describes exactly the routes express
 * serves, and each operation states how it is secured, as the service's role table says.
 */
import type { Express } from 'express';
import { describe, expect, it } from 'vitest';
import { listen, mountedRoutes, openApiDocument, undocumentedRoutes } from '@cancelflow/service-kit';
import type { RoleRule } from '@cancelflow/service-kit/auth';

export interface Operation {
  description?: string;
  security?: Record<string, string[]>[];
  'x-roles'?: string[];
  responses: Record<string, unknown>;
}

export interface ServedDocument {
  components?: { securitySchemes?: Record<string, Record<string, string>> };
  paths: Record<string, Record<string, Operation>>;
}

/** Routes anyone may call: health, metrics and the documentation itself. */
export const PUBLIC_PATHS = ['/healthz', '/readyz', '/metrics', '/openapi.json', '/docs'];

/** The document as the service serves it at /openapi.json. */
export async function servedDocument(app: Express): Promise<ServedDocument> {
  const server = await listen(app, 0);
  try {
    return (await (await fetch(`${server.url}/openapi.json`)).json()) as ServedDocument;
  } finally {
    await server.close();
  }
}

/** The rule of a role table that decides a documented operation (path with {params}). */
export const ruleFor = (table: readonly RoleRule[], method: string, path: string): RoleRule | undefined =>
  table.find((r) => r.method === method && r.path.test(path.replace(/\{\w+\}/g, '00000000-0000-4000-8000-000000000000')));

/**
 * The document and express agree: every served route is described (a route added without
 * describe() fails here) and the document lists no route that is not served.
 */
export function describeRouteCoverage(service: string, app: Express, aRoute: string): void {
  describe(`the OpenAPI document of the ${service}`, () => {
    it('describes every route express serves (a route added without describe() fails here)', () => {
      expect(undocumentedRoutes(app)).toEqual([]);
    });

    it('lists exactly the routes express serves, no more', () => {
      const document = openApiDocument(app, { title: service, version: 'test' });
      const documented = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
        Object.keys(item ?? {}).map((method) => `${method.toUpperCase()} ${path}`),
      );
      const served = mountedRoutes(app).map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
      expect(documented.sort()).toEqual([...new Set(served)].sort());
      expect(documented).toContain(aRoute);
    });
  });
}

/**
 * For a service whose role table refuses a route no rule names: bearer (JWT) on every route but
 * the public ones, with the roles of the table in security and description.
 */
export function describeBearerSecurity(service: string, app: Express, table: readonly RoleRule[]): void {
  describe(`the OpenAPI document of the ${service} declares how each route is secured`, () => {
    it('bearer (JWT) on every route but health, metrics and docs, with the roles of the role table in security and description', async () => {
      const document = await servedDocument(app);
      expect(document.components?.securitySchemes).toEqual({
        bearerAuth: expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
      });
      for (const [path, item] of Object.entries(document.paths)) {
        for (const [method, op] of Object.entries(item)) {
          const where = `${method.toUpperCase()} ${path}`;
          if (PUBLIC_PATHS.includes(path)) {
            expect(op.security, where).toEqual([]);
            continue;
          }
          // rolePolicy refuses a route no rule names: every documented route must be in the table.
          const rule = ruleFor(table, method.toUpperCase(), path);
          expect(rule, `${where} is in the role table`).toBeDefined();
          expect(op.security, where).toEqual([{ bearerAuth: [...rule!.roles] }]);
          expect(op.description, where).toContain(`Needs a bearer token with the role ${rule!.roles.join(' or ')}.`);
          expect(op.responses['401'], where).toBeDefined();
          expect(op.responses['403'], where).toBeDefined();
        }
      }
    });
  });
}
