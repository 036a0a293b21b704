import { screen, waitFor } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Cancellation } from '../src/web/api/index.ts';
import { aCancellation, FakeServices, merchant, renderConsole, support } from './helpers.tsx';

const CANCELLATION = /^\/api\/orders\/cancellations\/canc-1$/;
const RETRY = /^\/api\/orders\/cancellations\/canc-1\/retry-refund$/;

const failed = (): Cancellation =>
  aCancellation({
    refundStatus: 'FAILED',
    refundFailureReason: 'card_declined',
    live: { cancellationId: 'canc-1', phase: 'REFUND_FAILED', refundAttempt: 1, steps: ['RESERVED', 'REFUND_FAILED'] },
  });

function services(current: () => Cancellation): FakeServices {
  return new FakeServices()
    .on('GET', CANCELLATION, () => ({ body: current() }))
    .on('GET', /^\/api\/payments\/orders\/order-1\/payments$/, () => ({
      body: { orderId: 'order-1', payments: [], refunds: [], totals: { currency: 'EUR', charged: 0, refunded: 0, ledgerReturned: 0 } },
    }));
}

describe('cancellation detail', () => {
  it('lets support retry a failed refund, sending who acted, and follows the retried refund live', async () => {
    let state = failed();
    const fake = services(() => state).on('POST', RETRY, () => {
      state = aCancellation({
        refundStatus: 'PENDING',
        live: { cancellationId: 'canc-1', phase: 'WAITING_FOR_REFUND', refundAttempt: 2, steps: [] },
      });
      return { body: { cancellationId: 'canc-1', workflowId: 'cancellation-canc-1', attempt: 2 } };
    });
    renderConsole('/cancellations/canc-1', fake, support);
    const user = userEvent.setup();

    const retry = await screen.findByRole('button', { name: 'Retry refund' });
    expect(screen.getByText('card_declined')).toBeTruthy();
    await user.type(screen.getByLabelText('Note (optional)'), 'customer updated card');
    await user.click(retry);

    await screen.findByText('Refund retried (attempt 2).');
    expect(fake.callsTo('POST', RETRY)[0]!.body).toEqual({ staffId: 'sam', note: 'customer updated card' });
    // A step is pending again: the action waits.
    await waitFor(() => expect(screen.getByRole('button', { name: 'Retry refund' })).toHaveProperty('disabled', true));
    expect(screen.getByText('Not now: a step is still pending: the refund has not failed.')).toBeTruthy();
  });

  it('keeps "Retry refund" disabled while a step is pending', async () => {
    renderConsole(
      '/cancellations/canc-1',
      services(() =>
        aCancellation({
          refundStatus: 'PENDING',
          live: { cancellationId: 'canc-1', phase: 'WAITING_FOR_REFUND', refundAttempt: 1, steps: [] },
        }),
      ),
      support,
    );
    expect(await screen.findByRole('button', { name: 'Retry refund' })).toHaveProperty('disabled', true);
  });

  it('shows a merchant that support can retry, without the action', async () => {
    renderConsole('/cancellations/canc-1', services(failed), merchant);
    expect(await screen.findByText('The refund failed: support staff can retry it.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Retry refund' })).toBeNull();
  });

  it('shows the refusal of a retry as the API words it', async () => {
    const fake = services(failed).on('POST', RETRY, () => ({
      status: 409,
      body: { error: { code: 'CONFLICT', message: 'the refund cannot be retried: a refund attempt is still pending' } },
    }));
    renderConsole('/cancellations/canc-1', fake, support);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Retry refund' }));
    expect((await screen.findByRole('alert')).textContent).toContain('the refund cannot be retried: a refund attempt is still pending');
  });

  it('links the run in the Temporal web UI', async () => {
    renderConsole(
      '/cancellations/canc-1',
      services(() => aCancellation({ status: 'CANCELLED' })),
      merchant,
    );
    const link = await screen.findByRole('link', { name: /cancellation-canc-1/ });
    expect(link.getAttribute('href')).toBe('http://temporal.test/namespaces/default/workflows/cancellation-canc-1');
  });
});
