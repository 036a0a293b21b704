import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeServices, merchant, renderConsole, support } from './helpers.tsx';

const WAITS = /^\/api\/payments\/overdue-waits$/;

describe('overdue waits (support)', () => {
  it('lists what waits on the provider longer than expected, with what it waits for, since when and the cancellation', async () => {
    const services = new FakeServices().on('GET', WAITS, () => ({
      body: {
        waits: [
          {
            kind: 'CARD_REFUND',
            id: 'part-1',
            orderId: 'order-1',
            cancellationId: 'cancel-1',
            waitingFor: 'the provider to settle card refund re_123',
            providerId: 're_123',
            amount: 5500,
            currency: 'EUR',
            since: '2026-12-01T10:00:00.000Z',
            expectedMs: 3_600_000,
            lastAskedAt: null,
          },
        ],
      },
    }));
    renderConsole('/overdue-waits', services, support);

    const table = await screen.findByRole('table');
    expect(within(table).getByText('the provider to settle card refund re_123')).toBeTruthy();
    expect(within(table).getByText('Card refund')).toBeTruthy();
    expect(within(table).getByText('60 minutes')).toBeTruthy();
    expect(within(table).getByText('never')).toBeTruthy();
    expect(within(table).getByRole('link', { name: 'cancel-1' })).toHaveProperty(
      'href',
      expect.stringContaining('/cancellations/cancel-1'),
    );
    expect(screen.getByRole('link', { name: 'Overdue waits' })).toBeTruthy();
  });

  it('says so when nothing is overdue, and merchants do not see the section', async () => {
    const services = new FakeServices().on('GET', WAITS, () => ({ body: { waits: [] } }));
    const first = renderConsole('/overdue-waits', services, support);
    await screen.findByText('Nothing is waiting longer than expected.');
    first.unmount();

    renderConsole(
      '/orders',
      new FakeServices().on('GET', /^\/api\/orders\/orders$/, () => ({ body: { items: [], total: 0 } })),
      merchant,
    );
    await screen.findByText('No orders match.');
    expect(screen.queryByRole('link', { name: 'Overdue waits' })).toBeNull();
  });
});
