import { describe, expect, it } from 'vitest';
import { createLogger } from '@cancelflow/service-kit';
import { describeRouteCoverage, PUBLIC_PATHS, ruleFor, servedDocument } from '@cancelflow/testing/openapi';
import { ORDER_SERVICE_POLICY } from '../src/http/authorisation.ts';
import type { HttpDeps } from '../src/http/deps.ts';
import { buildServer } from '../src/server.ts';

// The routers only touch their dependencies when a request comes: building the app is enough.
const app = buildServer({ logger: createLogger('order-service-openapi') } as HttpDeps);

describeRouteCoverage('order service', app, 'POST /orders/{id}/cancellations');

const ALL_ROLES = ['SERVICE', 'MERCHANT', 'SUPPORT'];

/** What the role table lets call a route (checkRole: the first matching rule; an unnamed route is open to every role). */
const rolesInTable = (method: string, path: string) => ruleFor(ORDER_SERVICE_POLICY, method, path)?.roles ?? ALL_ROLES;

describe('the OpenAPI document declares how each route is secured', () => {
  it('declares the bearer scheme (http, bearer, JWT) and the customer\'s order token (?token= or bearer)', async () => {
    const document = await servedDocument(app);
    expect(document.components?.securitySchemes?.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    expect(document.components?.securitySchemes?.customerToken).toMatchObject({ type: 'apiKey', in: 'query', name: 'token' });
    expect(document.components?.securitySchemes?.customerBearer).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  });

  it('every operation: none for health, metrics and docs; the customer\'s token for self-service; otherwise bearer with the roles of the role table, also in its description', async () => {
    const document = await servedDocument(app);
    const operations = Object.entries(document.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method: method.toUpperCase(), op })));
    expect(operations.length).toBeGreaterThan(20);
    for (const { path, method, op } of operations) {
      const where = `${method} ${path}`;
      if (PUBLIC_PATHS.includes(path)) {
        expect(op.security, where).toEqual([]);
      } else if (path.startsWith('/self-service/')) {
        expect(op.security, where).toEqual([{ customerToken: [] }, { customerBearer: [] }]);
        expect(op.description, where).toMatch(/customer's order-scoped token .* \?token= or as "Authorization: Bearer/);
        expect(op.responses['401'], where).toBeDefined();
      } else {
        const roles = rolesInTable(method, path);
        expect(op.security, where).toEqual([{ bearerAuth: [...roles] }]);
        expect(op['x-roles'], where).toEqual([...roles]);
        expect(op.description, where).toContain(`Needs a bearer token with the role ${roles.join(' or ')}.`);
        expect(op.responses['401'], where).toBeDefined();
        expect(op.responses['403'], where).toBeDefined();
      }
    }
  });

  it('states the roles of the table: support records acknowledgements, integrations import orders, everyone reads', async () => {
    const { paths } = await servedDocument(app);
    expect(paths['/cancelled-but-shipped/{id}/acknowledgement']!.post!.security).toEqual([{ bearerAuth: ['SUPPORT'] }]);
    expect(paths['/orders']!.post!.security).toEqual([{ bearerAuth: ['SERVICE'] }]);
    expect(paths['/orders/{id}/cancellations']!.post!.security).toEqual([{ bearerAuth: ['MERCHANT', 'SUPPORT'] }]);
    expect(paths['/orders/{id}']!.get!.security).toEqual([{ bearerAuth: ALL_ROLES }]);
    expect(paths['/self-service/cancelled-but-shipped/{id}/acknowledgement']!.post!.security).toEqual([{ customerToken: [] }, { customerBearer: [] }]);
    expect(paths['/healthz']!.get!.security).toEqual([]);
  });
});
