import { describe, expect, it } from 'vitest';
import { isUuid, listCancellationRequestsQuerySchema, sandboxRecordsQuerySchema, uuidSchema } from '../src/index.ts';

describe('the one id check', () => {
  it('takes a UUID of any version in either case, and nothing else', () => {
    for (const id of [
      '0f8fad5b-d9cb-469f-a165-70867728950e',
      '0F8FAD5B-D9CB-469F-A165-70867728950E',
      '00000000-0000-0000-0000-000000000001',
    ]) {
      expect(isUuid(id), id).toBe(true);
      expect(uuidSchema('orderId').safeParse(id).success, id).toBe(true);
    }
    for (const id of [
      '',
      'o-1',
      '0f8fad5bd9cb469fa16570867728950e',
      ' 0f8fad5b-d9cb-469f-a165-70867728950e',
      '0f8fad5b-d9cb-469f-a165-70867728950e\n',
    ]) {
      expect(isUuid(id), id).toBe(false);
      expect(uuidSchema('orderId').safeParse(id).success, id).toBe(false);
    }
  });

  it('refuses a bad id in a query naming the field', () => {
    const refused = listCancellationRequestsQuerySchema.safeParse({ orderId: 'o-1' });
    expect(refused.error?.issues[0]).toMatchObject({ path: ['orderId'], message: expect.stringMatching(/^orderId must be a UUID/) });
    // A missing id is a missing field, which the one formatter words "is required".
    expect(sandboxRecordsQuerySchema.safeParse({}).error?.issues[0]).toMatchObject({ path: ['orderId'], code: 'invalid_type' });
  });
});
