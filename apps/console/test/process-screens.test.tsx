import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { CancellationRequest, CancelledButShippedBody, SelfServiceOrder, Undo } from '../src/web/api/index.ts';
import type { Session } from '../src/web/session.ts';
import { aCancellation, anOrder, eligibilityOf, FakeServices, merchant, renderConsole, support, withEmptySidePanels } from './helpers.tsx';

const warehouse: Session = { token: 'service.token.x', role: 'SERVICE', staffId: 'warehouse' };

const aRequest = (overrides: Partial<CancellationRequest> = {}): CancellationRequest => ({
  id: 'req-1',
  orderId: 'order-1',
  merchantId: 'm-1',
  source: 'CUSTOMER_SELF_SERVICE',
  status: 'REQUESTED',
  reason: 'CUSTOMER_REQUEST',
  comment: 'ordered twice',
  returnInstead: false,
  workflowId: 'cancellation-request-req-1',
  createdAt: '2026-11-20T12:00:00.000Z',
  lines: [{ lineId: 'line-1', lineNo: 1, sku: 'MUG', quantity: 2 }],
  ...overrides,
});

describe('cancellation requests queue', () => {
  it('Proceed -> accept sends who decided, the refund method and restock, then says the cancellation started', async () => {
    const fake = new FakeServices()
      .on('GET', /^\/api\/orders\/cancellation-requests$/, () => ({ body: { items: [aRequest()], total: 1 } }))
      .on('POST', /^\/api\/orders\/cancellation-requests\/req-1\/accept$/, () => ({
        body: { requestId: 'req-1', status: 'ACCEPTED', cancellationId: 'canc-9', workflowId: 'cancellation-canc-9' },
      }));
    renderConsole('/cancellation-requests', fake, merchant);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: /Proceed/ }));
    const dialog = screen.getByRole('dialog');
    await user.selectOptions(within(dialog).getByLabelText('Refund method'), 'STORE_CREDIT');
    await user.click(within(dialog).getByRole('button', { name: 'Accept request' }));
    expect(await screen.findByText(/Accepted: the cancellation has started/)).toBeTruthy();
    const [accept] = fake.callsTo('POST', /accept$/);
    expect(accept!.body).toEqual({ staffId: 'mia', refundMethod: 'STORE_CREDIT', restock: true });
    expect(fake.callsTo('GET', /cancellation-requests$/)[0]!.url.searchParams.get('status')).toBe('REQUESTED');
  });

  it('rejecting needs a reason for the customer (nothing is sent without one) and shows the API refusal as worded', async () => {
    const fake = new FakeServices()
      .on('GET', /^\/api\/orders\/cancellation-requests$/, () => ({ body: { items: [aRequest()], total: 1 } }))
      .on('POST', /^\/api\/orders\/cancellation-requests\/req-1\/reject$/, () => ({
        status: 409,
        body: {
          error: { code: 'CONFLICT', message: 'the cancellation request is withdrawn by the customer: it can no longer be answered' },
        },
      }));
    renderConsole('/cancellation-requests', fake, merchant);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: /Proceed/ }));
    const dialog = screen.getByRole('dialog');
    await user.click(within(dialog).getByLabelText('Reject'));
    await user.click(within(dialog).getByRole('button', { name: 'Reject request' }));
    expect(within(dialog).getByRole('alert').textContent).toMatch(/tell the customer why/);
    expect(fake.callsTo('POST', /reject$/)).toHaveLength(0);
    await user.type(within(dialog).getByLabelText('Reason for the customer'), 'Already packed');
    await user.click(within(dialog).getByRole('button', { name: 'Reject request' }));
    expect(await within(dialog).findByText(/withdrawn by the customer: it can no longer be answered/)).toBeTruthy();
    expect(fake.callsTo('POST', /reject$/)[0]!.body).toEqual({ staffId: 'mia', reason: 'Already packed' });
  });
});

describe('orders dashboard: cancellation requested', () => {
  it('filters on the flag and shows it in the list', async () => {
    const fake = new FakeServices().on('GET', /^\/api\/orders\/orders$/, () => ({
      body: { items: [anOrder({ cancellationRequested: true })], total: 1 },
    }));
    renderConsole('/orders', fake, merchant);
    const user = userEvent.setup();
    await user.click(await screen.findByLabelText('Cancellation requested'));
    await waitFor(() => expect(fake.calls.at(-1)!.url.searchParams.get('cancellationRequested')).toBe('true'));
    expect(screen.getAllByText('Cancellation requested').length).toBeGreaterThan(1);
  });
});

describe('create shipment', () => {
  const order = anOrder({ lines: anOrder().lines.map((l) => (l.id === 'line-1' ? { ...l, cancelledQuantity: 2, openQuantity: 0 } : l)) });
  const fake = () =>
    withEmptySidePanels(new FakeServices())
      .on('GET', /^\/api\/orders\/orders\/order-1$/, () => ({ body: order }))
      .on('GET', /^\/api\/orders\/orders\/order-1\/cancellation-eligibility$/, () => ({ body: eligibilityOf(order) }))
      .on('POST', /^\/api\/orders\/orders\/order-1\/shipments$/, () => ({
        status: 201,
        body: { id: 'ship-1', cancelledButShippedId: 'cancelled-but-shipped-1', lines: [] },
      }));

  it('a SERVICE session records what shipped and is led to the cancelled-but-shipped process it started', async () => {
    const services = fake();
    renderConsole('/orders/order-1', services, warehouse);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Create shipment' }));
    const dialog = screen.getByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Record shipment' }));
    expect(within(dialog).getByRole('alert').textContent).toMatch(/at least one line.*carrier.*tracking/s);
    await user.clear(within(dialog).getByLabelText(/Line 1 · MUG/));
    await user.type(within(dialog).getByLabelText(/Line 1 · MUG/), '2');
    await user.type(within(dialog).getByLabelText('Carrier'), 'DHL');
    await user.type(within(dialog).getByLabelText('Tracking number'), 'JJD-1');
    await user.type(within(dialog).getByLabelText("Shipment number (the warehouse's)"), 'S-1');
    await user.click(within(dialog).getByRole('button', { name: 'Record shipment' }));
    expect((await screen.findByRole('link', { name: 'follow the cancelled-but-shipped process' })).getAttribute('href')).toBe(
      '/cancelled-but-shipped/cancelled-but-shipped-1',
    );
    expect(services.callsTo('POST', /shipments$/)[0]!.body).toEqual({
      lines: [{ lineId: 'line-1', quantity: 2 }],
      carrier: 'DHL',
      trackingNumber: 'JJD-1',
      shipmentNumber: 'S-1',
    });
  });

  it('is disabled for merchant staff, saying the warehouse records shipments', async () => {
    renderConsole('/orders/order-1', fake(), merchant);
    const button = await screen.findByRole('button', { name: 'Create shipment' });
    expect((button as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText(/Shipments are recorded by the warehouse/)).toBeTruthy();
  });
});

const aCancelledButShipped = (overrides: Partial<CancelledButShippedBody> = {}): CancelledButShippedBody => ({
  id: 'cancelled-but-shipped-1',
  orderId: 'order-1',
  shipmentId: 'ship-1',
  merchantId: 'm-1',
  status: 'AWAITING_REBILL_APPROVAL',
  amount: 3000,
  currency: 'EUR',
  workflowId: 'cancelled-but-shipped-ship-1',
  cancellationIds: ['canc-1'],
  acknowledgement: {
    accepted: true,
    via: 'EMAIL_REPLY',
    by: 'ann@example.com',
    evidence: 'I accept, I keep them',
    at: '2026-11-20T12:00:00.000Z',
  },
  acknowledgementId: 'ack-1',
  createdAt: '2026-11-20T12:00:00.000Z',
  updatedAt: '2026-11-20T12:00:00.000Z',
  lines: [{ lineId: 'line-1', lineNo: 1, sku: 'MUG', quantity: 2, unitPrice: 1500 }],
  steps: [
    { step: 'STARTED', actor: 'system', at: '2026-11-20T12:00:00.000Z' },
    { step: 'CUSTOMER_EMAILED', actor: 'workflow', at: '2026-11-20T12:00:01.000Z' },
  ],
  ...overrides,
});

function cancelledButShippedServices(current: () => CancelledButShippedBody): FakeServices {
  return new FakeServices()
    .on('GET', /^\/api\/orders\/cancelled-but-shipped\/cancelled-but-shipped-1$/, () => ({ body: current() }))
    .on('GET', /^\/api\/payments\/rebills$/, () => ({ body: { items: [] } }))
    .on('GET', /^\/api\/notifications\/replies$/, () => ({ body: { items: [], total: 0 } }))
    .on('GET', /^\/api\/notifications\/emails$/, () => ({
      body: {
        items: [
          {
            id: 'e-1',
            to: 'ann@example.com',
            template: 'CANCELLED_BUT_SHIPPED',
            subject: 'Your cancelled order WS-1001 was shipped: please confirm',
            text: 'Carrier: DHL',
            status: 'SENT',
            error: null,
            orderId: 'order-1',
            createdAt: '2026-11-20T12:00:01.000Z',
            sentAt: '2026-11-20T12:00:01.000Z',
          },
          {
            id: 'e-2',
            to: 'ann@example.com',
            template: 'ORDER_CONFIRMATION',
            subject: 'Thank you for your order',
            text: '',
            status: 'SENT',
            error: null,
            orderId: 'order-1',
            createdAt: '2026-11-20T10:00:01.000Z',
            sentAt: null,
          },
        ],
        total: 2,
      },
    }));
}

describe('cancelled-but-shipped process', () => {
  it('support approves the rebilling once the customer accepted; the page shows the thread, then the credit memo', async () => {
    let state = aCancelledButShipped();
    const fake = cancelledButShippedServices(() => state).on(
      'POST',
      /^\/api\/orders\/cancelled-but-shipped\/cancelled-but-shipped-1\/rebill-approval$/,
      () => {
        state = aCancelledButShipped({
          status: 'COMPLETED',
          rebillApprovedBy: 'sam',
          steps: [
            ...aCancelledButShipped().steps,
            { step: 'CREDIT_MEMO_ISSUED', actor: 'workflow', detail: 'credit memo cm-1', at: '2026-11-20T12:05:00.000Z' },
          ],
        });
        return { status: 202, body: { cancelledButShippedId: 'cancelled-but-shipped-1', approvedBy: 'sam', duplicate: false } };
      },
    );
    renderConsole('/cancelled-but-shipped/cancelled-but-shipped-1', fake, support);
    const user = userEvent.setup();
    expect(await screen.findByText(/Accepted: keeps the items and pays/)).toBeTruthy();
    const thread = screen.getByRole('region', { name: 'Email thread' });
    expect(await within(thread).findByText(/was shipped: please confirm/)).toBeTruthy();
    expect(within(thread).queryByText(/Thank you for your order/)).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Approve rebilling' }));
    expect(await screen.findByText(/credit memo cm-1/, { selector: 'dd *' })).toBeTruthy();
    expect(fake.callsTo('POST', /rebill-approval$/)[0]!.body).toEqual({ staffId: 'sam' });
  });

  it('a merchant sees the approval waiting but cannot give it', async () => {
    renderConsole(
      '/cancelled-but-shipped/cancelled-but-shipped-1',
      cancelledButShippedServices(() => aCancelledButShipped()),
      merchant,
    );
    const button = await screen.findByRole('button', { name: 'Approve rebilling' });
    expect((button as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText('Only support staff approve rebilling.')).toBeTruthy();
  });

  it("support records the customer's answer with their words; without them nothing is sent", async () => {
    const fake = cancelledButShippedServices(() =>
      aCancelledButShipped({ status: 'AWAITING_ACKNOWLEDGEMENT', acknowledgement: undefined }),
    ).on('POST', /acknowledgement$/, () => ({ status: 202, body: { cancelledButShippedId: 'cancelled-but-shipped-1', accepted: false } }));
    renderConsole('/cancelled-but-shipped/cancelled-but-shipped-1', fake, support);
    const user = userEvent.setup();
    await user.click(await screen.findByLabelText(/refuses/));
    await user.click(screen.getByRole('button', { name: 'Record the answer' }));
    expect(screen.getByRole('alert').textContent).toMatch(/customer's own words/);
    await user.type(screen.getByLabelText("The customer's words"), 'Chat: I will send them back');
    await user.click(screen.getByRole('button', { name: 'Record the answer' }));
    await waitFor(() => expect(fake.callsTo('POST', /acknowledgement$/)).toHaveLength(1));
    expect(fake.callsTo('POST', /acknowledgement$/)[0]!.body).toEqual({
      staffId: 'sam',
      accepted: false,
      evidence: 'Chat: I will send them back',
    });
  });
});

describe('cancelled-but-shipped process: replies that do not count', () => {
  const forged = {
    id: 'r-1',
    status: 'UNDECIDED',
    reasons: ['it comes from attacker@evil.test, not from ann@example.com, to whom our email went'],
    orderId: 'order-1',
    senderAuthentication: null,
    messageId: '<x@evil.test>',
    from: 'attacker@evil.test',
    subject: 'Re: your order',
    text: 'I accept the item and the rebilling.',
    receivedAt: '2026-11-20T12:03:00.000Z',
  };
  const waiting = () =>
    cancelledButShippedServices(() => aCancelledButShipped({ status: 'AWAITING_ACKNOWLEDGEMENT', acknowledgement: undefined })).on(
      'GET',
      /^\/api\/notifications\/replies$/,
      (call) =>
        call.url.searchParams.get('orderId') === 'order-1' && call.url.searchParams.get('status') === 'UNDECIDED'
          ? { body: { items: [forged], total: 1 } }
          : undefined,
    );

  it('support sees them with the reason, the acknowledgement still waits for support to record it', async () => {
    renderConsole('/cancelled-but-shipped/cancelled-but-shipped-1', waiting(), support);
    const section = await screen.findByRole('region', { name: 'Replies for support to judge' });
    expect(within(section).getByText(/· from attacker@evil\.test/)).toBeTruthy();
    expect(within(section).getByText(/not from ann@example\.com/)).toBeTruthy();
    expect(screen.getByText('Not yet')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Record the answer' })).toBeTruthy();
  });

  it("a merchant is not shown them (the replies are support's to judge)", async () => {
    const fake = waiting();
    renderConsole('/cancelled-but-shipped/cancelled-but-shipped-1', fake, merchant);
    expect(await screen.findByRole('button', { name: 'Record the answer' })).toBeTruthy();
    expect(screen.queryByRole('region', { name: 'Replies for support to judge' })).toBeNull();
    expect(fake.callsTo('GET', /\/replies$/)).toHaveLength(0);
  });
});

describe('undo a cancellation', () => {
  const undone: Undo = {
    id: 'undo-1',
    cancellationId: 'canc-1',
    orderId: 'order-1',
    attempt: 1,
    status: 'IN_PROGRESS',
    reason: 'customer changed their mind',
    staffId: 'mia',
    workflowId: 'undo-cancellation-canc-1',
    amount: 3000,
    whole: true,
    createdAt: '2026-11-20T13:00:00.000Z',
    lines: [{ lineId: 'line-1', quantity: 2 }],
    steps: [{ step: 'REQUESTED', actor: 'mia', at: '2026-11-20T13:00:00.000Z' }],
    moneySteps: [
      { step: 'PAYMENT_REQUESTED', actor: 'workflow', detail: '3000 EUR requested from the customer', at: '2026-11-20T13:00:01.000Z' },
    ],
  };

  it('starts the undo with a reason, then shows its money steps', async () => {
    let started = false;
    const fake = new FakeServices()
      .on('GET', /^\/api\/orders\/cancellations\/canc-1$/, () => ({ body: aCancellation({ status: 'CANCELLED' }) }))
      .on('GET', /^\/api\/payments\/orders\/order-1\/payments$/, () => ({
        status: 404,
        body: { error: { code: 'NOT_FOUND', message: 'none' } },
      }))
      .on('GET', /^\/api\/orders\/cancellations\/canc-1\/undo$/, () =>
        started ? { body: undone } : { status: 404, body: { error: { code: 'NOT_FOUND', message: 'not undone' } } },
      )
      .on('POST', /^\/api\/orders\/cancellations\/canc-1\/undo$/, () => {
        started = true;
        return { status: 202, body: { undoId: 'undo-1', created: true } };
      });
    renderConsole('/cancellations/canc-1', fake, merchant);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Undo cancellation' }));
    expect(screen.getByText(/say why the cancellation is undone/)).toBeTruthy();
    expect(fake.callsTo('POST', /undo$/)).toHaveLength(0);
    await user.type(screen.getByLabelText('Why undo this cancellation?'), 'customer changed their mind');
    await user.click(screen.getByRole('button', { name: 'Undo cancellation' }));
    expect(await screen.findByText('Payment requested')).toBeTruthy();
    expect(screen.getByText('3000 EUR requested from the customer')).toBeTruthy();
    expect(fake.callsTo('POST', /undo$/)[0]!.body).toEqual({ staffId: 'mia', reason: 'customer changed their mind' });
  });

  it('says why a refusal happened in the API words', async () => {
    const fake = new FakeServices()
      .on('GET', /^\/api\/orders\/cancellations\/canc-1$/, () => ({ body: aCancellation({ status: 'CANCELLED' }) }))
      .on('GET', /^\/api\/payments\/orders\/order-1\/payments$/, () => ({
        status: 404,
        body: { error: { code: 'NOT_FOUND', message: 'none' } },
      }))
      .on('GET', /^\/api\/orders\/cancellations\/canc-1\/undo$/, () => ({
        status: 404,
        body: { error: { code: 'NOT_FOUND', message: 'not undone' } },
      }))
      .on('POST', /^\/api\/orders\/cancellations\/canc-1\/undo$/, () => ({
        status: 422,
        body: { error: { code: 'RULE_VIOLATION', message: 'the items have shipped since: nothing can be reopened' } },
      }));
    renderConsole('/cancellations/canc-1', fake, merchant);
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Why undo this cancellation?'), 'changed mind');
    await user.click(screen.getByRole('button', { name: 'Undo cancellation' }));
    expect(await screen.findByText('the items have shipped since: nothing can be reopened')).toBeTruthy();
  });
});

describe('customer self-service page', () => {
  const order = anOrder();
  const view = (requests: SelfServiceOrder['cancellationRequests']): SelfServiceOrder => ({
    id: order.id,
    channel: order.channel,
    channelOrderNo: order.channelOrderNo,
    status: order.status,
    placedAt: order.placedAt,
    currency: order.currency,
    customer: { name: 'Ann' },
    cancellationRequested: requests.some((r) => r.status === 'REQUESTED'),
    lines: order.lines,
    total: order.total,
    eligibility: { customer: eligibilityOf(order).customer, lines: eligibilityOf(order).lines },
    cancellationRequests: requests,
    cancelledButShipped: [],
  });

  it('asks through the self-service API with the link token, then shows the request waiting for the shop', async () => {
    let requests: SelfServiceOrder['cancellationRequests'] = [];
    const fake = new FakeServices()
      .on('GET', /^\/api\/orders\/self-service\/orders\/order-1$/, () => ({ body: view(requests) }))
      .on('POST', /^\/api\/orders\/self-service\/orders\/order-1\/cancellation-requests$/, () => {
        requests = [{ id: 'req-1', status: 'REQUESTED', createdAt: '2026-11-20T12:00:00.000Z', returnInstead: false }];
        return { status: 201, body: { requestId: 'req-1' } };
      });
    renderConsole('/self-service/orders/order-1?token=tok-123', fake, null);
    const user = userEvent.setup();
    await user.click(await screen.findByLabelText('2 × MUG'));
    await user.selectOptions(screen.getByLabelText('Why?'), 'CUSTOMER_REQUEST');
    await user.click(screen.getByRole('button', { name: 'Request cancellation' }));
    expect(await screen.findByText('Waiting for the shop to answer.')).toBeTruthy();
    const post = fake.callsTo('POST', /cancellation-requests$/)[0]!;
    expect(post.url.searchParams.get('token')).toBe('tok-123');
    expect(post.body).toEqual({ lines: [{ lineId: 'line-1', quantity: 2 }], reason: 'CUSTOMER_REQUEST' });
  });

  it('shows a rejected request with the shop reason', async () => {
    const fake = new FakeServices().on('GET', /^\/api\/orders\/self-service\/orders\/order-1$/, () => ({
      body: view([
        { id: 'req-1', status: 'REJECTED', createdAt: '2026-11-20T12:00:00.000Z', returnInstead: false, rejectionReason: 'Already packed' },
      ]),
    }));
    renderConsole('/self-service/orders/order-1?token=tok-123', fake, null);
    expect(await screen.findByText('The shop could not cancel this.')).toBeTruthy();
    expect(screen.getByText('Why: Already packed')).toBeTruthy();
  });
});
