import express from 'express';
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { z } from 'zod';
import { ValidationError } from '@cancelflow/domain';
import { errorMapper } from '../src/http-errors.ts';
import { listen } from '../src/http.ts';
import { parse } from '../src/validate.ts';

const body = z.object({
  lines: z.array(z.object({ lineId: z.string(), quantity: z.number().int().min(1) })).min(1),
  reason: z.enum(['OUT_OF_STOCK', 'OTHER']),
  comment: z.string().max(5).optional(),
  quantity: z.number({ error: 'quantity must be a number' }).optional(),
});

const problems = (input: unknown): string[] => {
  try {
    parse(body, input);
  } catch (error) {
    if (error instanceof ValidationError) return error.details.map((d) => `${d.path ? `${d.path}: ` : ''}${d.message}`);
    throw error;
  }
  return [];
};

describe('validation messages speak in one voice: the field path as a client writes it, then what it must be', () => {
  it("names array items by index and says the rule, not zod's wording", () => {
    expect(problems({ lines: [{ lineId: 'l-1', quantity: 0 }], reason: 'OTHER' })).toEqual(['lines[0].quantity: must be at least 1']);
    expect(problems({ lines: [{ lineId: 'l-1', quantity: 1 }], reason: 'NOPE', comment: 'too long' })).toEqual([
      'reason: must be one of OUT_OF_STOCK, OTHER',
      'comment: must be at most 5 characters long',
    ]);
    expect(problems({ lines: [], reason: 'OTHER' })).toEqual(['lines: must list at least 1 item']);
    expect(problems({ lines: [{ quantity: 'two' }], reason: 'OTHER' })).toEqual([
      'lines[0].lineId: is required',
      'lines[0].quantity: must be a number',
    ]);
  });

  it("keeps a schema's own message, without repeating the field it names", () => {
    expect(problems({ lines: [{ lineId: 'l', quantity: 1 }], reason: 'OTHER', quantity: 'x' })).toEqual(['quantity: must be a number']);
  });

  it('a body that is not an object is "must be a JSON object", whether zod or the JSON parser meets it', async () => {
    expect(problems([1, 2])).toEqual(['the request body must be a JSON object']);
    const app = express();
    app.use(express.json());
    app.post('/x', (req, res) => void res.json(parse(body, req.body)));
    app.use(errorMapper(pino({ level: 'silent' })));
    const server = await listen(app, 0);
    try {
      const send = async (raw: string) =>
        (
          (await (
            await fetch(`${server.url}/x`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw })
          ).json()) as { error: { message: string } }
        ).error.message;
      expect(await send('null')).toBe('the request body must be a JSON object');
      expect(await send('42')).toBe('the request body must be a JSON object');
      expect(await send('{"lines": [')).toBe('the request body is not valid JSON');
    } finally {
      await server.close();
    }
  });
});
