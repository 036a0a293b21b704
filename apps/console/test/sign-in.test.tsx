import { screen } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { loadSession } from '../src/web/session.ts';
import { FakeServices, renderConsole } from './helpers.tsx';

const base64url = (value: object) => btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const jwt = (claims: object) => `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(claims)}.signature`;

describe('sign-in', () => {
  it('keeps a pasted token in session storage and sends it on every request', async () => {
    const services = new FakeServices().on('GET', /^\/api\/orders\/orders$/, () => ({ body: { items: [], total: 0 } }));
    renderConsole('/orders', services, null);
    const user = userEvent.setup();
    const token = jwt({ role: 'SUPPORT', sub: 'sam', exp: Math.floor(Date.now() / 1000) + 3600 });

    await user.type(await screen.findByLabelText('Token'), token);
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    await screen.findByRole('heading', { name: 'Orders' });
    expect(loadSession()).toMatchObject({ token, role: 'SUPPORT', staffId: 'sam' });
    expect(services.calls.at(-1)!.authorization).toBe(`Bearer ${token}`);
  });

  it('refuses an expired token and a token without a role, saying why', async () => {
    renderConsole('/sign-in', new FakeServices(), null);
    const user = userEvent.setup();
    const field = await screen.findByLabelText('Token');

    await user.type(field, jwt({ role: 'MERCHANT', exp: 1000 }));
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/^the token expired at/);

    await user.clear(field);
    await user.type(field, jwt({ sub: 'x' }));
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toContain('the token names no role');

    await user.clear(field);
    await user.type(field, 'not-a-token');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toContain('a token has three parts');
    expect(loadSession()).toBeNull();
  });
});
