import { describe, expect, it } from 'vitest';
import { createLogger, mountedRoutes, openApiDocument, undocumentedRoutes } from '@cancelflow/service-kit';
import type { HttpDeps } from '../src/http/deps.ts';
import { buildServer } from '../src/server.ts';

// The routers only touch their dependencies when a request comes: building the app is enough.
const app = buildServer({ logger: createLogger('order-service-openapi') } as HttpDeps);

describe('the OpenAPI document of the order service', () => {
  it('describes every route express serves (a route added without describe() fails here)', () => {
    expect(undocumentedRoutes(app)).toEqual([]);
  });

  it('lists exactly the routes express serves, no more', () => {
    const document = openApiDocument(app, { title: 'order-service', version: 'test' });
    const documented = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
      Object.keys(item ?? {}).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const served = mountedRoutes(app).map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
    expect(documented.sort()).toEqual([...new Set(served)].sort());
    expect(documented).toContain('POST /orders/{id}/cancellations');
  });
});
