import { Router } from 'express';
import { describe as suite, expect, it } from 'vitest';
import { createHttpApp, createLogger, describe, openApiDocument } from '../src/index.ts';

type Doc = ReturnType<typeof openApiDocument>;
type Operation = { security?: unknown; description?: string; responses: Record<string, unknown> };
const op = (doc: Doc, path: string, method: 'get' | 'post') => ((doc.paths?.[path] ?? {}) as Record<string, Operation>)[method]!;

const routes = Router();
routes.get(
  '/things/:id',
  describe({ summary: 'A thing', access: { roles: ['SERVICE', 'MERCHANT', 'SUPPORT'] }, responses: { 200: 'the thing' } }),
  (_req, res) => void res.json({}),
);
routes.post(
  '/things/:id/approve',
  describe({ summary: 'Approve it', description: 'Support decides.', access: { roles: ['SUPPORT'] }, responses: { 200: 'approved' } }),
  (_req, res) => void res.json({}),
);
routes.get(
  '/self-service/things/:id',
  describe({ summary: "The customer's view", access: { customer: async () => 'thing' }, responses: { 200: 'the thing' } }),
  (_req, res) => void res.json({}),
);
const app = createHttpApp(createLogger('kit-openapi-security'), routes, { service: 'kit-test' });

suite('OpenAPI security, from the access each route declares', () => {
  it('declares the bearer scheme and, per operation, the roles in security and description', () => {
    const doc = openApiDocument(app, { title: 't', version: '1' });
    expect(doc.components?.securitySchemes?.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    const approve = op(doc, '/things/{id}/approve', 'post');
    expect(approve.security).toEqual([{ bearerAuth: ['SUPPORT'] }]);
    expect(approve.description).toBe('Support decides.\n\nNeeds a bearer token with the role SUPPORT.');
    expect(approve.responses['403']).toBeDefined();
    expect(op(doc, '/things/{id}', 'get').security).toEqual([{ bearerAuth: ['SERVICE', 'MERCHANT', 'SUPPORT'] }]);
  });

  it('health, metrics and docs take no token; customer routes take the order token as ?token= or bearer', () => {
    const doc = openApiDocument(app, { title: 't', version: '1' });
    for (const path of ['/healthz', '/readyz', '/metrics', '/openapi.json', '/docs'])
      expect(op(doc, path, 'get').security, path).toEqual([]);
    expect(op(doc, '/self-service/things/{id}', 'get').security).toEqual([{ customerToken: [] }, { customerBearer: [] }]);
    expect(doc.components?.securitySchemes?.customerToken).toMatchObject({ type: 'apiKey', in: 'query', name: 'token' });
  });
});
