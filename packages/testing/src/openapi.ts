/**
 * The checks every service's OpenAPI test makes: the document describes exactly the routes express
 * serves, and each operation states how it is secured, as the route's declared access says.
 */
import type { Express } from 'express';
import { describe, expect, it } from 'vitest';
import { accessOf, listen, mountedRoutes, openApiDocument, undocumentedRoutes } from '@cancelflow/service-kit';

export interface Operation {
  description?: string;
  security?: Record<string, string[]>[];
  'x-roles'?: string[];
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
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

    it('gives every answer a body schema: each success its own, each error the error body', () => {
      const document = openApiDocument(app, { title: service, version: 'test' });
      const bare = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
        Object.entries(item ?? {}).flatMap(([method, op]) =>
          Object.entries((op as { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }).responses ?? {})
            .filter(([, answer]) => !Object.values(answer.content ?? {}).some((media) => media.schema !== undefined))
            .map(([status]) => `${method.toUpperCase()} ${path} ${status}`),
        ),
      );
      expect(bare).toEqual([]);
    });
  });
}

/**
 * Every operation of the served document states the access its route declares: nothing for
 * health, metrics and docs; the customer's order token for self-service; otherwise bearer with
 * the route's roles in security, x-roles and description, and 401 and 403 among its answers.
 */
export function describeDocumentedAccess(service: string, app: Express): void {
  describe(`the OpenAPI document of the ${service} declares how each route is secured`, () => {
    it('each operation states the access its route declares', async () => {
      const document = await servedDocument(app);
      const routes = mountedRoutes(app).filter((route) => route.doc);
      expect(routes.length).toBeGreaterThan(PUBLIC_PATHS.length);
      for (const route of routes) {
        const path = route.path.replace(/:(\w+)/g, '{$1}');
        const where = `${route.method} ${path}`;
        const op = document.paths[path]?.[route.method.toLowerCase()];
        expect(op, where).toBeDefined();
        const access = accessOf(route.doc!);
        if (access.kind === 'public') {
          expect(op!.security, where).toEqual([]);
        } else if (access.kind === 'customer') {
          expect(op!.security, where).toEqual([{ customerToken: [] }, { customerBearer: [] }]);
          expect(op!.description, where).toMatch(/customer's order-scoped token .* \?token= or as "Authorization: Bearer/);
          expect(op!.responses['401'], where).toBeDefined();
        } else {
          expect(op!.security, where).toEqual([{ bearerAuth: [...access.roles] }]);
          expect(op!['x-roles'], where).toEqual([...access.roles]);
          expect(op!.description, where).toContain(`Needs a bearer token with the role ${access.roles.join(' or ')}.`);
          expect(op!.responses['401'], where).toBeDefined();
          expect(op!.responses['403'], where).toBeDefined();
        }
      }
    });
  });
}
