import { screen, waitFor } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ApiKey } from '../src/web/api/index.ts';
import { FakeServices, merchant, renderConsole, support } from './helpers.tsx';

const aKey = (overrides: Partial<ApiKey> = {}): ApiKey => ({
  id: 'key-1',
  merchantId: 'm-1',
  name: 'ERP',
  prefix: 'cfk_AbCdEf',
  status: 'ACTIVE',
  createdBy: 'staff-of-m-1',
  createdAt: '2026-12-01T10:00:00.000Z',
  ...overrides,
});

describe('API keys page', () => {
  it('the merchant creates a key and sees it once; the list shows only its prefix', async () => {
    let keys: ApiKey[] = [];
    const fake = new FakeServices()
      .on('GET', /^\/api\/orders\/api-keys$/, () => ({ body: { items: keys } }))
      .on('POST', /^\/api\/orders\/api-keys$/, () => {
        keys = [aKey()];
        return { status: 201, body: { ...aKey(), key: 'cfk_AbCdEf-the-whole-secret-key' } };
      });
    renderConsole('/api-keys', fake, merchant);
    const user = userEvent.setup();
    expect(await screen.findByText('No keys yet.')).toBeTruthy();
    await user.type(screen.getByLabelText('Name of the integration'), 'ERP');
    await user.click(screen.getByRole('button', { name: 'Create key' }));
    expect((await screen.findByLabelText('The new API key')).textContent).toBe('cfk_AbCdEf-the-whole-secret-key');
    expect(screen.getByText(/shown this once/)).toBeTruthy();
    expect(fake.callsTo('POST', /api-keys$/)[0]!.body).toEqual({ name: 'ERP' });
    expect(await screen.findByText('cfk_AbCdEf…')).toBeTruthy();
  });

  it('revoking calls DELETE and shows the key revoked; support sees and revokes but creates none', async () => {
    let keys = [aKey()];
    const fake = new FakeServices()
      .on('GET', /^\/api\/orders\/api-keys$/, () => ({ body: { items: keys } }))
      .on('DELETE', /^\/api\/orders\/api-keys\/key-1$/, () => {
        keys = [aKey({ status: 'REVOKED', revokedAt: '2026-12-02T10:00:00.000Z', revokedBy: 'sam' })];
        return { body: keys[0] };
      });
    renderConsole('/api-keys', fake, support);
    const user = userEvent.setup();
    expect(screen.queryByRole('button', { name: 'Create key' })).toBeNull();
    await user.click(await screen.findByRole('button', { name: 'Revoke ERP' }));
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Revoke ERP' })).toBeNull());
    expect(fake.callsTo('DELETE', /api-keys\/key-1$/)).toHaveLength(1);
  });
});
