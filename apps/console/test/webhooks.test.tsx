import { screen, waitFor } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { WebhookDelivery, WebhookSubscription } from '../src/web/api/index.ts';
import { FakeServices, merchant, renderConsole, support } from './helpers.tsx';

const aSubscription = (overrides: Partial<WebhookSubscription> = {}): WebhookSubscription => ({
  id: 'sub-1',
  merchantId: 'm-1',
  url: 'https://erp.example.com/hook',
  events: ['order.imported', 'cancellation.cancelled'],
  status: 'ACTIVE',
  secretPrefix: 'whsec_AbCd',
  createdBy: 'staff-of-m-1',
  createdAt: '2026-12-01T10:00:00.000Z',
  updatedAt: '2026-12-01T10:00:00.000Z',
  ...overrides,
});

const aDelivery = (overrides: Partial<WebhookDelivery> = {}): WebhookDelivery => ({
  id: 'd-1',
  subscriptionId: 'sub-1',
  eventId: '0f8fad5b-d9cb-469f-a165-70867728950e',
  eventType: 'order.imported',
  orderId: 'o-1',
  occurredAt: '2026-12-01T10:05:00.000Z',
  status: 'PENDING',
  attempts: 3,
  lastAttemptAt: '2026-12-01T10:06:00.000Z',
  lastAnswer: { status: 500, body: 'boom' },
  redelivery: false,
  createdAt: '2026-12-01T10:05:01.000Z',
  ...overrides,
});

describe('Webhooks page', () => {
  it('the merchant subscribes a receiver and sees the signing secret once; the list shows only its prefix', async () => {
    let items: WebhookSubscription[] = [];
    const fake = new FakeServices()
      .on('GET', /^\/api\/orders\/webhook-subscriptions$/, () => ({ body: { items } }))
      .on('POST', /^\/api\/orders\/webhook-subscriptions$/, () => {
        items = [aSubscription()];
        return { status: 201, body: { ...aSubscription(), secret: 'whsec_AbCd-the-whole-secret' } };
      });
    renderConsole('/webhooks', fake, merchant);
    const user = userEvent.setup();
    expect(await screen.findByText('No subscriptions yet.')).toBeTruthy();
    await user.type(screen.getByLabelText('Receiver URL'), 'https://erp.example.com/hook');
    await user.click(screen.getByLabelText('shipment.recorded'));
    await user.click(screen.getByRole('button', { name: 'Subscribe' }));
    expect((await screen.findByLabelText('The signing secret')).textContent).toBe('whsec_AbCd-the-whole-secret');
    const sent = fake.callsTo('POST', /webhook-subscriptions$/)[0]!.body as { url: string; events: string[] };
    expect(sent.url).toBe('https://erp.example.com/hook');
    expect(sent.events).not.toContain('shipment.recorded');
    expect(sent.events).toContain('order.imported');
    expect(await screen.findByText('secret whsec_AbCd…')).toBeTruthy();
  });

  it('shows the delivery log with attempts and the last answer, and sends one event again', async () => {
    const fake = new FakeServices()
      .on('GET', /^\/api\/orders\/webhook-subscriptions$/, () => ({ body: { items: [aSubscription()] } }))
      .on('GET', /^\/api\/orders\/webhook-subscriptions\/sub-1\/deliveries/, () => ({
        body: { items: [aDelivery()], total: 1, limit: 100, offset: 0 },
      }))
      .on('POST', /^\/api\/orders\/webhook-subscriptions\/sub-1\/redeliveries$/, () => ({
        status: 202,
        body: { deliveries: [aDelivery({ id: 'd-2', redelivery: true, attempts: 0 })] },
      }));
    renderConsole('/webhooks', fake, support);
    const user = userEvent.setup();
    expect(screen.queryByRole('button', { name: 'Subscribe' })).toBeNull();
    await user.click(await screen.findByRole('button', { name: 'Deliveries of https://erp.example.com/hook' }));
    expect(await screen.findByText('HTTP 500')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Send order.imported again' }));
    expect(await screen.findByText('1 events queued to be sent again.')).toBeTruthy();
    expect(fake.callsTo('POST', /redeliveries$/)[0]!.body).toEqual({ eventId: '0f8fad5b-d9cb-469f-a165-70867728950e' });
  });

  it('disables and enables a subscription', async () => {
    let subscription = aSubscription({ status: 'DISABLED', disabledReason: 'the receiver did not accept the event in 20 attempts' });
    const fake = new FakeServices()
      .on('GET', /^\/api\/orders\/webhook-subscriptions$/, () => ({ body: { items: [subscription] } }))
      .on('PATCH', /^\/api\/orders\/webhook-subscriptions\/sub-1$/, () => {
        subscription = aSubscription();
        return { body: subscription };
      });
    renderConsole('/webhooks', fake, merchant);
    const user = userEvent.setup();
    expect(await screen.findByText(/did not accept the event/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Enable https://erp.example.com/hook' }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Disable https://erp.example.com/hook' })).toBeTruthy());
    expect(fake.callsTo('PATCH', /sub-1$/)[0]!.body).toEqual({ status: 'ACTIVE' });
  });
});
