import { screen } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { SelfServiceCancelledButShipped, SelfServiceOrder } from '../src/web/api/index.ts';
import { anOrder, FakeServices, renderConsole } from './helpers.tsx';

const ORDER = /^\/api\/orders\/self-service\/orders\/order-1$/;
const ACKNOWLEDGE = /^\/api\/orders\/self-service\/cancelled-but-shipped\/cancelled-but-shipped-1\/acknowledgement$/;

const order = anOrder();
const waiting: SelfServiceCancelledButShipped = {
  id: 'cancelled-but-shipped-1',
  status: 'AWAITING_ACKNOWLEDGEMENT',
  awaitingAcknowledgement: true,
  carrier: 'DHL',
  trackingNumber: 'JJD0001',
  shippedAt: '2026-11-21T09:00:00.000Z',
  amount: 2500,
  currency: 'EUR',
  lines: [{ lineId: 'line-1', lineNo: 1, sku: 'MUG', quantity: 2, unitPrice: 1250 }],
};

const view = (cancelledButShippedList: SelfServiceCancelledButShipped[]): SelfServiceOrder => ({
  id: order.id,
  channel: order.channel,
  channelOrderNo: order.channelOrderNo,
  status: order.status,
  placedAt: order.placedAt,
  currency: order.currency,
  customer: { name: 'Ann' },
  cancellationRequested: false,
  lines: order.lines,
  total: order.total,
  eligibility: { customer: { allowed: false, reason: 'the order has shipped' }, lines: [] },
  cancellationRequests: [],
  cancelledButShipped: cancelledButShippedList,
});

describe('customer self-service page: items shipped although cancelled', () => {
  it("shows what shipped, the carrier, tracking number and the amount to be charged again, and sends the customer's answer in their own words with the link token", async () => {
    let cancelledButShippedList = [waiting];
    const fake = new FakeServices()
      .on('GET', ORDER, () => ({ body: view(cancelledButShippedList) }))
      .on('POST', ACKNOWLEDGE, () => {
        cancelledButShippedList = [
          {
            ...waiting,
            status: 'ACKNOWLEDGED',
            awaitingAcknowledgement: false,
            acknowledgement: { accepted: true, at: '2026-11-21T10:00:00.000Z' },
          },
        ];
        return { status: 202, body: { cancelledButShippedId: 'cancelled-but-shipped-1', accepted: true } };
      });
    renderConsole('/self-service/orders/order-1?token=tok-123', fake, null);
    const user = userEvent.setup();

    const section = await screen.findByRole('region', { name: 'Shipped although you cancelled' });
    expect(section.textContent).toContain('2 × MUG');
    expect(section.textContent).toContain('DHL');
    expect(section.textContent).toContain('JJD0001');
    expect(section.textContent).toMatch(/25[.,]00/);

    await user.click(screen.getByLabelText(/Yes, I keep them/));
    await user.type(screen.getByLabelText('In your own words'), 'I keep the mugs, charge me.');
    await user.click(screen.getByRole('button', { name: 'Send my answer' }));

    expect(await screen.findByText(/Thank you: you keep the items/)).toBeTruthy();
    const post = fake.callsTo('POST', ACKNOWLEDGE)[0]!;
    expect(post.url.searchParams.get('token')).toBe('tok-123');
    expect(post.body).toEqual({ accepted: true, statement: 'I keep the mugs, charge me.' });
    expect(screen.queryByRole('button', { name: 'Send my answer' })).toBeNull();
  });

  it('is reachable by keyboard: a radio group with a legend, a labelled statement and a submit button', async () => {
    const fake = new FakeServices()
      .on('GET', ORDER, () => ({ body: view([waiting]) }))
      .on('POST', ACKNOWLEDGE, () => ({ status: 202, body: { cancelledButShippedId: 'cancelled-but-shipped-1', accepted: false } }));
    renderConsole('/self-service/orders/order-1?token=tok-123', fake, null);
    const user = userEvent.setup();
    const group = await screen.findByRole('group', { name: 'Do you keep the items?' });
    expect(group).toBeTruthy();
    expect(screen.getAllByRole('radio')).toHaveLength(2);
    expect(screen.getByRole('textbox', { name: 'In your own words' })).toBeTruthy();

    screen.getByLabelText(/No, I send them back/).focus();
    await user.keyboard(' ');
    await user.tab();
    await user.keyboard('Please pick them up.');
    await user.tab();
    await user.keyboard('{Enter}');
    expect(await screen.findByText(/you send the items back/)).toBeTruthy();
    expect(fake.callsTo('POST', ACKNOWLEDGE)[0]!.body).toEqual({ accepted: false, statement: 'Please pick them up.' });
  });

  it("asks for a choice and the customer's words before sending, and shows the API's refusal as it words it", async () => {
    const fake = new FakeServices()
      .on('GET', ORDER, () => ({ body: view([waiting]) }))
      .on('POST', ACKNOWLEDGE, () => ({
        status: 409,
        body: {
          error: {
            code: 'CONFLICT',
            message: 'the acknowledgement of this cancelled-but-shipped process is already settled (ACKNOWLEDGED, accepted by grace)',
          },
        },
      }));
    renderConsole('/self-service/orders/order-1?token=tok-123', fake, null);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Send my answer' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/choose whether you keep the items/);
    await user.click(screen.getByLabelText(/Yes, I keep them/));
    await user.click(screen.getByRole('button', { name: 'Send my answer' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/in your own words/);
    expect(fake.callsTo('POST', ACKNOWLEDGE)).toHaveLength(0);

    await user.type(screen.getByLabelText('In your own words'), 'Keep them');
    await user.click(screen.getByRole('button', { name: 'Send my answer' }));
    expect((await screen.findByRole('alert')).textContent).toContain('already settled (ACKNOWLEDGED, accepted by grace)');
  });

  it('shows no form for a cancelled-but-shipped process that no longer waits for the customer', async () => {
    const fake = new FakeServices().on('GET', ORDER, () => ({
      body: view([{ ...waiting, status: 'AWAITING_REBILL_APPROVAL', awaitingAcknowledgement: false }]),
    }));
    renderConsole('/self-service/orders/order-1?token=tok-123', fake, null);
    expect(await screen.findByText(/nothing more is needed from you/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Send my answer' })).toBeNull();
  });
});
