import { Router } from 'express';
import { describe as suite, expect, it } from 'vitest';
import { createHttpApp, createLogger, describe, openApiDocument, type ApiSecurity } from '../src/index.ts';

type Doc = ReturnType<typeof openApiDocument>;
type Operation = { security?: unknown; description?: string; responses: Record<string, unknown> };
const op = (doc: Doc, path: string, method: 'get' | 'post') => (doc.paths?.[path] as Record<string, Operation>)[method]!;

const routes = Router();
routes.get('/things/:id', describe({ summary: 'A thing', responses: { 200: 'the thing' } }), (_req, res) => void res.json({}));
routes.post('/things/:id/approve', describe({ summary: 'Approve it', description: 'Support decides.', responses: { 200: 'approved' } }), (_req, res) => void res.json({}));
routes.post('/things/:id/unlisted', describe({ summary: 'Not in the table', responses: { 200: 'never' } }), (_req, res) => void res.json({}));
routes.get('/self-service/things/:id', describe({ summary: 'The customer\'s view', responses: { 200: 'the thing' } }), (_req, res) => void res.json({}));

const table: ApiSecurity['roleTable'] = [
  { method: 'POST', path: /^\/things\/[^/]+\/approve$/, roles: ['SUPPORT'] },
  { method: 'GET', path: /^\//, roles: ['SERVICE', 'MERCHANT', 'SUPPORT'] },
];
const app = createHttpApp(createLogger('kit-openapi-security'), routes, { service: 'kit-test' });

suite('OpenAPI security, from the service\'s role table', () => {
  it('declares the bearer scheme and, per operation, the roles of the first matching rule in security and description', () => {
    const doc = openApiDocument(app, { title: 't', version: '1' }, { roleTable: table, customerTokenPaths: /^\/self-service\// });
    expect(doc.components?.securitySchemes?.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    const approve = op(doc, '/things/{id}/approve', 'post');
    expect(approve.security).toEqual([{ bearerAuth: ['SUPPORT'] }]);
    expect(approve.description).toBe('Support decides.\n\nNeeds a bearer token with the role SUPPORT.');
    expect(approve.responses['403']).toBeDefined();
    expect(op(doc, '/things/{id}', 'get').security).toEqual([{ bearerAuth: ['SERVICE', 'MERCHANT', 'SUPPORT'] }]);
  });

  it('a route the table does not name is refused to every role, unless the service lets unlisted routes through', () => {
    const strict = openApiDocument(app, { title: 't', version: '1' }, { roleTable: table });
    expect(op(strict, '/things/{id}/unlisted', 'post').security).toEqual([{ bearerAuth: [] }]);
    expect(op(strict, '/things/{id}/unlisted', 'post').description).toMatch(/No role may call it/);
    const open = openApiDocument(app, { title: 't', version: '1' }, { roleTable: table, unlistedRoles: ['SERVICE'] });
    expect(op(open, '/things/{id}/unlisted', 'post').security).toEqual([{ bearerAuth: ['SERVICE'] }]);
  });

  it('health, metrics and docs take no token; customer routes take the order token as ?token= or bearer', () => {
    const doc = openApiDocument(app, { title: 't', version: '1' }, { roleTable: table, customerTokenPaths: /^\/self-service\// });
    for (const path of ['/healthz', '/readyz', '/metrics', '/openapi.json', '/docs']) expect(op(doc, path, 'get').security, path).toEqual([]);
    expect(op(doc, '/self-service/things/{id}', 'get').security).toEqual([{ customerToken: [] }, { customerBearer: [] }]);
    expect(doc.components?.securitySchemes?.customerToken).toMatchObject({ type: 'apiKey', in: 'query', name: 'token' });
  });

  it('without a role table the document declares no security (nothing is claimed that the service does not enforce)', () => {
    const doc = openApiDocument(app, { title: 't', version: '1' });
    expect(doc.components?.securitySchemes).toBeUndefined();
    expect(op(doc, '/things/{id}', 'get').security).toBeUndefined();
  });
});
