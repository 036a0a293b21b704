import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { anOrder, FakeServices, merchant, renderConsole } from './helpers.tsx';

const ORDERS = /^\/api\/orders\/orders$/;

describe('order dashboard', () => {
  it('lists the orders the order service returns, each linking to its detail, with the token on the request', async () => {
    const services = new FakeServices().on('GET', ORDERS, () => ({
      body: { items: [anOrder(), anOrder({ id: 'order-2', channelOrderNo: 'AMZ-7', channel: 'amazon', status: 'NEW' })], total: 2 },
    }));
    renderConsole('/orders', services);

    const table = await screen.findByRole('table');
    expect(within(table).getByRole('link', { name: 'WS-1001' })).toHaveProperty('href', expect.stringContaining('/orders/order-1'));
    expect(within(table).getByText('Amazon')).toBeTruthy();
    expect(screen.getByText('Showing 1–2 of 2 orders.')).toBeTruthy();
    expect(services.calls[0]!.authorization).toBe(`Bearer ${merchant.token}`);
  });

  it('searches by channel order number and filters by status and channel through the API', async () => {
    const services = new FakeServices().on('GET', ORDERS, () => ({ body: { items: [], total: 0 } }));
    renderConsole('/orders', services);
    const user = userEvent.setup();
    await screen.findByText('No orders match.');

    await user.type(screen.getByLabelText('Channel order number'), 'AMZ-7{Enter}');
    await waitFor(() => expect(services.callsTo('GET', ORDERS).at(-1)!.url.searchParams.get('q')).toBe('AMZ-7'));

    await user.selectOptions(screen.getByLabelText('Status'), 'IN_PROGRESS');
    await user.selectOptions(screen.getByLabelText('Channel'), 'amazon');
    await waitFor(() => {
      const params = services.callsTo('GET', ORDERS).at(-1)!.url.searchParams;
      expect(params.get('status')).toBe('IN_PROGRESS');
      expect(params.get('channel')).toBe('amazon');
      expect(params.get('q')).toBe('AMZ-7');
    });
  });

  it('shows the "cancellation requested" column only once the API sends the flag', async () => {
    const without = new FakeServices().on('GET', ORDERS, () => ({
      body: { items: [{ ...anOrder(), cancellationRequested: undefined }], total: 1 },
    }));
    const first = renderConsole('/orders', without);
    await screen.findByRole('table');
    expect(screen.queryByRole('columnheader', { name: 'Cancellation requested' })).toBeNull();
    first.unmount();

    const flagged = new FakeServices().on('GET', ORDERS, () => ({
      body: {
        items: [anOrder({ cancellationRequested: true }), anOrder({ id: 'o-2', channelOrderNo: 'WS-2', cancellationRequested: false })],
        total: 2,
      },
    }));
    renderConsole('/orders', flagged);
    await screen.findByRole('columnheader', { name: 'Cancellation requested' });
    expect(screen.getAllByText('Cancellation requested', { selector: '.badge' })).toHaveLength(1);
  });

  it('shows the error as the order service words it', async () => {
    const services = new FakeServices().on('GET', ORDERS, () => ({
      status: 400,
      body: {
        error: {
          code: 'VALIDATION',
          message: 'the query is not valid',
          details: [{ path: 'status', message: 'status must be one of NEW, IN_PROGRESS' }],
        },
      },
    }));
    renderConsole('/orders', services);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('the query is not valid');
    expect(alert.textContent).toContain('status must be one of NEW, IN_PROGRESS');
  });

  it('sends a signed-out person to the sign-in screen, and a 401 from a service signs them out', async () => {
    const services = new FakeServices().on('GET', ORDERS, () => ({
      status: 401,
      body: { error: { code: 'UNAUTHORIZED', message: 'the token expired' } },
    }));
    const { unmount } = renderConsole('/orders', services, null);
    expect(await screen.findByRole('heading', { name: 'Sign in to CancelFlow' })).toBeTruthy();
    unmount();

    renderConsole('/orders', services);
    expect(await screen.findByText('Please sign in again: the token expired')).toBeTruthy();
  });
});
