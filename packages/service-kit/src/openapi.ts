import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import express, { type Express, type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import {
  createDocument,
  type ZodOpenApiObject,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
  type ZodOpenApiResponsesObject,
} from 'zod-openapi';
import { errorBodySchema } from '@cancelflow/domain';
import { enforceAccess, isBearerAccess, isCustomerAccess, type Access } from './access.ts';
import { addLogContext, type LogContext } from './context.ts';

/**
 * What one route does, declared where the route is mounted:
 *
 *   router.post('/orders', describe({ summary: 'Import an order', body: ImportOrderSchema,
 *     access: { roles: ['SERVICE'] }, responses: { 201: 'the order' } }), handler);
 *
 * The OpenAPI document is generated from the routes express really has, reading these
 * descriptions off them, so it cannot list a route that does not exist; a route mounted
 * without a description is reported by undocumentedRoutes() (each service's test fails on it).
 */
export interface RouteDoc {
  summary: string;
  description?: string;
  tags?: string[];
  /** Path parameters; by default every :name of the path is a string. */
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** Request headers the route reads (beyond authorization), by their names. */
  headers?: z.ZodObject;
  body?: z.ZodType;
  /** Other content types the body may come as beside application/json (a file as text/csv, say), each with its schema. */
  bodyAs?: Record<string, z.ZodType>;
  /** Status -> what the answer is (and its schema when there is one). */
  responses: Record<number, string | { description: string; schema?: z.ZodType; contentType?: string }>;
  /** Who may call it (see access.ts): decided after routing, before the body is read. */
  access: Access;
}

const DOC = Symbol.for('cancelflow.routeDoc');
type Documented = DescribedHandler & { [DOC]: RouteDoc };

/** Where a path parameter names a business id, the log context gets it under that name. */
const ID_OF_RESOURCE: Record<string, keyof LogContext> = {
  orders: 'orderId',
  cancellations: 'cancellationId',
  'cancellation-requests': 'cancellationRequestId',
};

/** A handler that fits any route's parameter types (it only reads them as strings). */
export type DescribedHandler = <P>(req: Request<P>, res: Response, next: NextFunction) => Promise<void>;

/**
 * The description of a route, as its first handler. At request time it adds the ids of the path
 * (orders/:id -> orderId, cancellations/:id -> cancellationId, :orderId ...) to the log context,
 * then decides the route's access (access.ts): the route's own handlers run only when it allows.
 */
export function describe(doc: RouteDoc): DescribedHandler {
  const handler: DescribedHandler = async (req, res, next) => {
    const fields: LogContext = {};
    for (const [name, value] of Object.entries((req.params ?? {}) as Record<string, unknown>)) {
      if (typeof value !== 'string') continue;
      if (name === 'id') {
        const resource = (req.route as { path?: unknown } | undefined)?.path?.toString().split('/')[1];
        const key = resource ? ID_OF_RESOURCE[resource] : undefined;
        if (key) fields[key] = value;
      } else if (name.endsWith('Id')) {
        fields[name] = value;
      }
    }
    addLogContext(fields);
    await enforceAccess(doc.access, req as Request, res);
    next();
  };
  return Object.assign(handler, { [DOC]: doc });
}

export interface MountedRoute {
  method: string;
  /** The express path, e.g. /orders/:id */
  path: string;
  doc?: RouteDoc;
}

interface LayerLike {
  route?: { path: unknown; stack: { method?: string; handle: unknown }[] };
  handle?: unknown;
  rawPath?: unknown;
  slash?: boolean;
}

/** Every route express serves, with its description when it has one (walks app.router.stack). */
export function mountedRoutes(app: Express | Router): MountedRoute[] {
  const stack =
    'router' in app && app.router ? (app.router as { stack: LayerLike[] }).stack : (app as unknown as { stack: LayerLike[] }).stack;
  return walk(stack, '');
}

function walk(stack: LayerLike[], prefix: string): MountedRoute[] {
  const routes: MountedRoute[] = [];
  for (const layer of stack) {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      const methods = new Map<string, RouteDoc | undefined>();
      for (const entry of layer.route.stack) {
        if (!entry.method) continue;
        const method = entry.method.toUpperCase();
        const doc = typeof entry.handle === 'function' && DOC in entry.handle ? (entry.handle as Documented)[DOC] : undefined;
        if (!methods.has(method) || doc) methods.set(method, doc ?? methods.get(method));
      }
      for (const path of paths) {
        for (const [method, doc] of methods) routes.push({ method, path: join(prefix, String(path)), ...(doc ? { doc } : {}) });
      }
    } else if (isRouter(layer.handle)) {
      const mount = layer.slash || layer.rawPath === undefined ? '' : String(layer.rawPath);
      routes.push(...walk(layer.handle.stack, join(prefix, mount)));
    }
  }
  return routes;
}

function isRouter(handle: unknown): handle is { stack: LayerLike[] } {
  return typeof handle === 'function' && Array.isArray((handle as { stack?: unknown }).stack);
}

const join = (prefix: string, path: string) =>
  prefix === '' || prefix === '/' ? path : `${prefix.replace(/\/$/, '')}${path === '/' ? '' : path}`;

/** Routes express serves that have no description: the document would not show them. */
export function undocumentedRoutes(app: Express | Router): string[] {
  return mountedRoutes(app)
    .filter((route) => !route.doc)
    .map((route) => `${route.method} ${route.path}`);
}

/** The one error body of every service (written in the domain with the other answers). */
export const ErrorBodySchema = errorBodySchema;

export interface ApiInfo {
  title: string;
  version: string;
  description?: string;
}

/** The staff/service bearer token (JWT), and the customer's order-scoped token from the email link. */
export const SECURITY_SCHEMES = {
  bearerAuth: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A staff or integration token (JWT) carrying a role (SERVICE, MERCHANT or SUPPORT) and, for merchants, the merchant id.',
  },
  customerToken: {
    type: 'apiKey',
    in: 'query',
    name: 'token',
    description: "The customer's order-scoped token from the signed link of the order email (a JWT for that one order, expiring).",
  },
  customerBearer: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'The same customer\'s order-scoped token, sent as "Authorization: Bearer …" instead of ?token=.',
  },
} as const;

/** Who may call a route, as the document states it. */
export type RouteAccess = { kind: 'public' } | { kind: 'customer' } | { kind: 'bearer'; roles: readonly string[] };

export function accessOf(doc: RouteDoc): RouteAccess {
  if (isCustomerAccess(doc.access)) return { kind: 'customer' };
  if (isBearerAccess(doc.access)) return { kind: 'bearer', roles: doc.access.roles };
  return { kind: 'public' };
}

function accessText(access: RouteAccess): string | undefined {
  switch (access.kind) {
    case 'public':
      return 'No token: open to anyone who can reach the service.';
    case 'customer':
      return 'Takes the customer\'s order-scoped token from the email link, as ?token= or as "Authorization: Bearer …"; a staff or integration token is not accepted.';
    case 'bearer':
      return `Needs a bearer token with the role ${access.roles.join(' or ')}.`;
  }
}

/** OpenAPI 3.1 of what the app serves, generated from the routes and the zod schemas they name. */
export function openApiDocument(app: Express | Router, info: ApiInfo): ReturnType<typeof createDocument> {
  const paths: ZodOpenApiPathsObject = {};
  const used = new Set<RouteAccess['kind']>();
  for (const route of mountedRoutes(app)) {
    if (!route.doc) continue;
    const openApiPath = route.path.replace(/:(\w+)/g, '{$1}');
    const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    const access = accessOf(route.doc);
    used.add(access.kind);
    const operation = toOperation(route, route.doc, access);
    paths[openApiPath] = { ...paths[openApiPath], [method]: operation };
  }
  const schemes = {
    ...(used.has('bearer') ? { bearerAuth: SECURITY_SCHEMES.bearerAuth } : {}),
    ...(used.has('customer') ? { customerToken: SECURITY_SCHEMES.customerToken, customerBearer: SECURITY_SCHEMES.customerBearer } : {}),
  };
  const document: ZodOpenApiObject = {
    openapi: '3.1.0',
    info: { ...info },
    paths,
    ...(Object.keys(schemes).length > 0 ? { components: { securitySchemes: schemes } } : {}),
  };
  return createDocument(document);
}

function securityOf(access: RouteAccess): ZodOpenApiOperationObject['security'] {
  switch (access.kind) {
    case 'public':
      return [];
    case 'customer':
      // Either one: the token from the link as ?token=, or the same token as a bearer header.
      return [{ customerToken: [] }, { customerBearer: [] }];
    case 'bearer':
      // OpenAPI 3.1: for non-OAuth schemes the array lists the role names the call needs.
      return [{ bearerAuth: [...access.roles] }];
  }
}

function toOperation(route: MountedRoute, doc: RouteDoc, access: RouteAccess): ZodOpenApiOperationObject {
  const names = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  const params = doc.params ?? (names.length > 0 ? z.object(Object.fromEntries(names.map((n) => [n, z.string()]))) : undefined);
  const responses: ZodOpenApiResponsesObject = {};
  const errorBody = { content: { 'application/json': { schema: ErrorBodySchema } } };
  for (const [status, answer] of Object.entries(doc.responses)) {
    const { description, schema, contentType } =
      typeof answer === 'string' ? { description: answer, schema: undefined, contentType: undefined } : answer;
    // Every refusal and failure answers the one error body; a success states its own schema.
    const content = schema ? { content: { [contentType ?? 'application/json']: { schema } } } : Number(status) >= 400 ? errorBody : {};
    responses[status as `${1 | 2 | 3 | 4 | 5}${string}`] = { description, ...content };
  }
  if ((doc.body || doc.query || doc.headers || params) && !responses['400'])
    responses['400'] = { description: 'the input is invalid: the message names the field and why', ...errorBody };
  if (access.kind === 'bearer' && !responses['401']) responses['401'] = { description: 'no valid bearer token', ...errorBody };
  if (access.kind === 'customer' && !responses['401'])
    responses['401'] = { description: "the link's token is missing, invalid or expired", ...errorBody };
  if (access.kind === 'bearer' && !responses['403'])
    responses['403'] = {
      description: `the token's role is not ${access.roles.join(' or ')}, or it is scoped to another merchant where the route works across merchants`,
      ...errorBody,
    };
  const accessLine = accessText(access);
  const description = [doc.description, accessLine].filter((d): d is string => d !== undefined).join('\n\n');
  const security = securityOf(access);
  responses.default = {
    description: 'an error: 404 not found, 409 conflict, 422 a business rule refuses it, 503 unavailable',
    ...errorBody,
  };
  return {
    summary: doc.summary,
    ...(description ? { description } : {}),
    ...(access.kind === 'bearer' ? { 'x-roles': [...access.roles] } : {}),
    ...(doc.tags ? { tags: doc.tags } : {}),
    operationId: `${route.method.toLowerCase()}${route.path.replace(/[:/{}-](\w)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    ...(params || doc.query || doc.headers
      ? {
          requestParams: {
            ...(params ? { path: params } : {}),
            ...(doc.query ? { query: doc.query } : {}),
            ...(doc.headers ? { header: doc.headers } : {}),
          },
        }
      : {}),
    ...(doc.body ? { requestBody: { required: true, content: requestContent(doc.body, doc.bodyAs) } } : {}),
    security,
    responses,
  };
}

function requestContent(json: z.ZodType, others: Record<string, z.ZodType> = {}): Record<string, { schema: z.ZodType }> {
  return Object.fromEntries([['application/json', json] as const, ...Object.entries(others)].map(([type, schema]) => [type, { schema }]));
}

const swaggerUiDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/**
 * GET /openapi.json and the browsable reference at GET /docs (Swagger UI served from
 * node_modules: no CDN, works offline). The document is generated on first request, once every
 * router is mounted.
 */
export function serveApiDocs(app: Express, info: ApiInfo): void {
  let document: ReturnType<typeof createDocument> | undefined;
  app.get(
    '/openapi.json',
    describe({
      summary: 'This API as an OpenAPI 3.1 document',
      tags: ['operations'],
      access: 'public',
      responses: { 200: { description: 'the OpenAPI document', schema: z.record(z.string(), z.unknown()) } },
    }),
    (_req, res) => {
      document ??= openApiDocument(app, info);
      res.json(document);
    },
  );
  app.get(
    '/docs',
    describe({
      summary: 'Browsable API reference (Swagger UI)',
      tags: ['operations'],
      access: 'public',
      responses: { 200: { description: 'an HTML page', contentType: 'text/html', schema: z.string() } },
    }),
    (_req, res) => {
      res.type('html').send(docsPage(info.title));
    },
  );
  app.use('/docs/assets', express.static(swaggerUiDir, { index: false, maxAge: '1h' }));
  // A file, not an inline script: the CSP (security-headers.ts) allows scripts from 'self' only.
  app.use('/docs/start.js', (_req, res) => {
    res.type('js').send("window.ui = SwaggerUIBundle({ url: 'openapi.json', dom_id: '#reference', deepLinking: true });\n");
  });
}

function docsPage(title: string): string {
  const safe = title.replace(/[<>&"]/g, '');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${safe} — API reference</title>
<link rel="stylesheet" href="docs/assets/swagger-ui.css">
</head>
<body>
<div id="reference"></div>
<script src="docs/assets/swagger-ui-bundle.js"></script>
<script src="docs/start.js"></script>
</body>
</html>
`;
}
