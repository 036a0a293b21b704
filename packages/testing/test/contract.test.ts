import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describe as describeRoute, listen, serveApiDocs, type RunningServer } from '@cancelflow/service-kit';
import { apiClient } from '../src/api.ts';
import { contractOf, contractViolation } from '../src/contract.ts';

/** A service whose routes keep to their documents, and some that do not. */
function app() {
  const a = express();
  const thing = z.object({ id: z.string(), quantity: z.number().int() }).meta({ id: 'Thing' });
  const router = express.Router();
  router.get(
    '/things/:id',
    describeRoute({
      summary: 'a thing',
      access: 'public',
      responses: { 200: { description: 'the thing', schema: thing }, 404: 'no such thing' },
    }),
    (req, res) => {
      if (req.params.id === 'missing') return void res.status(404).json({ error: { code: 'NOT_FOUND', message: 'no such thing' } });
      if (req.params.id === 'extra') return void res.json({ id: 'extra', quantity: 1, secret: 'x' });
      if (req.params.id === 'wrong') return void res.json({ id: 'wrong', quantity: '1' });
      res.json({ id: req.params.id, quantity: 1 });
    },
  );
  router.post(
    '/things',
    describeRoute({ summary: 'make a thing', access: 'public', responses: { 201: { description: 'the thing', schema: thing } } }),
    (_req, res) => {
      res.status(202).json({ id: 'late', quantity: 1 });
    },
  );
  router.get(
    '/things/:id/history',
    describeRoute({ summary: 'no body documented', access: 'public', responses: { 204: 'nothing' } }),
    (_req, res) => {
      res.json({ surprise: true });
    },
  );
  a.use(express.json());
  serveApiDocs(a, { title: 'things', version: 'test' });
  a.use(router);
  return a;
}

let server: RunningServer;
beforeAll(async () => {
  server = await listen(app(), 0);
});
afterAll(async () => {
  await server.close();
});

const answerOf = async (method: string, path: string) => {
  const response = await fetch(`${server.url}${path}`, {
    method,
    ...(method === 'POST' ? { headers: { 'content-type': 'application/json' }, body: '{}' } : {}),
  });
  const text = await response.text();
  return {
    method,
    path,
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: text ? (JSON.parse(text) as unknown) : undefined,
    text,
  };
};

describe('every answer a test receives is held to the OpenAPI document of its service', () => {
  it('an answer with the documented status and body passes, and so does a documented error', async () => {
    const contract = (await contractOf(server.url))!;
    expect(contractViolation(contract, await answerOf('GET', '/things/t-1?x=1'))).toBeUndefined();
    expect(contractViolation(contract, await answerOf('GET', '/things/missing'))).toBeUndefined();
  });

  it('a status the operation does not describe fails, naming the statuses it does', async () => {
    const contract = (await contractOf(server.url))!;
    expect(contractViolation(contract, await answerOf('POST', '/things'))).toMatch(
      /POST \/things answered 202, a status its OpenAPI document does not describe for POST \/things \(it describes 201/,
    );
  });

  it('a field the schema does not have, or a field of the wrong type, fails with the field path', async () => {
    const contract = (await contractOf(server.url))!;
    expect(contractViolation(contract, await answerOf('GET', '/things/extra'))).toMatch(/does not match the schema[\s\S]*secret/);
    expect(contractViolation(contract, await answerOf('GET', '/things/wrong'))).toMatch(/quantity:/);
  });

  it('a body where the document describes none fails', async () => {
    const contract = (await contractOf(server.url))!;
    expect(contractViolation(contract, await answerOf('GET', '/things/t-1/history'))).toMatch(
      /answered 200, a status its OpenAPI document does not describe/,
    );
  });

  it('the test client refuses the answer, so the test that met it fails', async () => {
    const client = apiClient(server.url, null);
    await expect(client.get('/things/t-1')).resolves.toMatchObject({ status: 200 });
    await expect(client.get('/things/extra')).rejects.toThrow(/does not match the schema/);
    await expect(client.post('/things', {})).rejects.toThrow(/answered 202/);
  });
});
