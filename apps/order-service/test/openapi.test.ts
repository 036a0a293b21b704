import { describe, expect, it } from 'vitest';
import { createLogger } from '@cancelflow/service-kit';
import { describeDocumentedAccess, describeRouteCoverage, servedDocument } from '@cancelflow/testing/openapi';
import type { ServiceDeps } from '../src/deps.ts';
import { buildServer } from '../src/server.ts';

// The routers only touch their dependencies when a request comes: building the app is enough.
const app = buildServer({ logger: createLogger('order-service-openapi') } as ServiceDeps);

describeRouteCoverage('order service', app, 'POST /orders/{id}/cancellations');
describeDocumentedAccess('order service', app);

describe('the OpenAPI document of the order service', () => {
  it("declares the bearer scheme (http, bearer, JWT) and the customer's order token (?token= or bearer)", async () => {
    const document = await servedDocument(app);
    expect(document.components?.securitySchemes?.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    expect(document.components?.securitySchemes?.customerToken).toMatchObject({ type: 'apiKey', in: 'query', name: 'token' });
    expect(document.components?.securitySchemes?.customerBearer).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  });

  it('states who may: support records acknowledgements, integrations import orders, staff cancel, everyone reads', async () => {
    const { paths } = await servedDocument(app);
    expect(paths['/cancelled-but-shipped/{id}/acknowledgement']!.post!.security).toEqual([{ bearerAuth: ['SUPPORT'] }]);
    expect(paths['/orders']!.post!.security).toEqual([{ bearerAuth: ['SERVICE'] }]);
    expect(paths['/orders/{id}/acknowledge']!.post!.security).toEqual([{ bearerAuth: ['SERVICE'] }]);
    expect(paths['/orders/{id}/cancellations']!.post!.security).toEqual([{ bearerAuth: ['MERCHANT', 'SUPPORT'] }]);
    expect(paths['/orders/{id}']!.get!.security).toEqual([{ bearerAuth: ['SERVICE', 'MERCHANT', 'SUPPORT'] }]);
    expect(paths['/self-service/cancelled-but-shipped/{id}/acknowledgement']!.post!.security).toEqual([
      { customerToken: [] },
      { customerBearer: [] },
    ]);
    expect(paths['/healthz']!.get!.security).toEqual([]);
  });

  it('says a bulk cancellation takes JSON or the file itself as text/csv, with its options in the query string', async () => {
    const { paths } = await servedDocument(app);
    for (const path of ['/bulk-cancellations', '/bulk-cancellations/dry-run']) {
      const post = paths[path]!.post!;
      expect(Object.keys(post.requestBody?.content ?? {})).toEqual(['application/json', 'text/csv']);
      const query = (post.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      expect(query).toEqual(expect.arrayContaining(['jobId', 'merchantId', 'refundMethod', 'restock']));
    }
  });
});
