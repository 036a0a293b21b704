import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Cancellation, OrderDetail, TimelineEvent } from '../src/web/api/index.ts';
import { aCancellation, anOrder, eligibilityOf, FakeServices, renderConsole, withEmptySidePanels } from './helpers.tsx';

const ORDER = /^\/api\/orders\/orders\/order-1$/;
const ELIGIBILITY = /^\/api\/orders\/orders\/order-1\/cancellation-eligibility$/;
const CANCEL = /^\/api\/orders\/orders\/order-1\/cancellations$/;

function servicesFor(order: () => OrderDetail, wholeLineOnly = false): FakeServices {
  return withEmptySidePanels(new FakeServices())
    .on('GET', ORDER, () => ({ body: order() }))
    .on('GET', ELIGIBILITY, () => ({ body: eligibilityOf(order(), wholeLineOnly) }));
}

describe('order detail', () => {
  it('shows each line with ordered, shipped, cancelled, returned and open quantities, and why the rest cannot be cancelled', async () => {
    renderConsole(
      '/orders/order-1',
      servicesFor(() => anOrder()),
    );
    const lines = await screen.findByRole('table');
    const bowl = within(lines).getByText('BOWL').closest('tr')!;
    const cells = within(bowl)
      .getAllByRole('cell')
      .map((c) => c.textContent);
    expect(cells.slice(3, 8)).toEqual(['1', '1', '0', '0', '0']);
    expect(bowl.textContent).toContain('1 shipped: a return, not a cancellation');
  });

  it('offers in the cancellation dialog only the lines and quantities the eligibility endpoint allows, and sends what was chosen', async () => {
    const services = servicesFor(() => anOrder()).on('POST', CANCEL, () => ({
      status: 202,
      body: { cancellationId: 'canc-9', workflowId: 'cancellation-canc-9' },
    }));
    renderConsole('/orders/order-1', services);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Create cancellation' }));

    const dialog = await screen.findByRole('dialog', { name: 'Cancel items of order WS-1001' });
    expect(within(dialog).getByLabelText(/Line 1 · MUG/)).toBe(document.activeElement);
    expect(within(dialog).queryByLabelText(/Line 3 · BOWL/)).toBeNull();
    expect(within(dialog).getByText(/Line 3 · BOWL: 1 shipped/)).toBeTruthy();
    const quantity = within(dialog).getByLabelText('Quantity for line 1');
    expect(quantity.getAttribute('max')).toBe('2');

    await user.click(within(dialog).getByLabelText(/Line 1 · MUG/));
    await user.clear(quantity);
    await user.type(quantity, '1');
    await user.click(within(dialog).getByLabelText(/Line 2 · PLATE/));
    await user.selectOptions(within(dialog).getByLabelText('Reason'), 'OUT_OF_STOCK');
    await user.type(within(dialog).getByLabelText('Merchant cancellation number'), 'MC-77');
    await user.selectOptions(within(dialog).getByLabelText('Refund method'), 'BANK_DEPOSIT');
    await user.click(within(dialog).getByLabelText('Put the cancelled items back in stock'));
    await user.type(within(dialog).getByLabelText('Comment (optional)'), 'supplier ran out');
    expect(within(dialog).getByText(/Worth/).textContent).toContain('35.00');
    await user.click(within(dialog).getByRole('button', { name: 'Create cancellation' }));

    await screen.findByText(/Cancellation started/);
    expect(services.callsTo('POST', CANCEL)[0]!.body).toEqual({
      lines: [
        { lineId: 'line-1', quantity: 1 },
        { lineId: 'line-2', quantity: 1 },
      ],
      reason: 'OUT_OF_STOCK',
      comment: 'supplier ran out',
      merchantCancellationNumber: 'MC-77',
      refundMethod: 'BANK_DEPOSIT',
      restock: true,
    });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByRole('link', { name: 'open it in Temporal' }).getAttribute('href')).toBe(
      'http://temporal.test/namespaces/default/workflows/cancellation-canc-9',
    );
  });

  it('takes whole lines only on a whole-lines-only channel: no quantity to choose', async () => {
    const services = servicesFor(() => anOrder({ channel: 'walmart' }), true).on('POST', CANCEL, () => ({
      status: 202,
      body: { cancellationId: 'c', workflowId: 'w' },
    }));
    renderConsole('/orders/order-1', services);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Create cancellation' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).queryByLabelText('Quantity for line 1')).toBeNull();
    expect(within(dialog).getAllByText(/whole line only/).length).toBe(2);

    await user.click(within(dialog).getByLabelText(/Line 1 · MUG/));
    await user.selectOptions(within(dialog).getByLabelText('Reason'), 'DEFECTIVE');
    await user.type(within(dialog).getByLabelText('Merchant cancellation number'), 'W-1');
    await user.click(within(dialog).getByRole('button', { name: 'Create cancellation' }));
    await screen.findByText(/Cancellation started/);
    expect((services.callsTo('POST', CANCEL)[0]!.body as { lines: unknown }).lines).toEqual([{ lineId: 'line-1', quantity: 2 }]);
  });

  it('shows in the dialog what the chosen lines would refund, as the order service prices them (discounts, VAT, shipping)', async () => {
    const order = anOrder({
      money: {
        subtotal: 7000,
        discount: 500,
        discounts: [{ amount: 500, description: 'WINTER5' }],
        shipping: { amount: 495, vatRate: 2100, vat: 86 },
        total: 6995,
        vat: 1200,
      },
    });
    const services = withEmptySidePanels(new FakeServices())
      .on('GET', ORDER, () => ({ body: order }))
      .on('GET', ELIGIBILITY, (call) => {
        const lines = call.url.searchParams.get('lines');
        if (!lines) return { body: eligibilityOf(order) };
        const mugs = Number(
          lines
            .split(',')
            .find((l) => l.startsWith('line-1:'))
            ?.split(':')[1] ?? 0,
        );
        const plate = lines.includes('line-2:1');
        const mugLine = { lineId: 'line-1', lineNo: 1, sku: 'MUG', quantity: mugs, amount: 1375 * mugs, vat: 239 * mugs };
        const plateLine = { lineId: 'line-2', lineNo: 2, sku: 'PLATE', quantity: 1, amount: 1833, vat: 318 };
        const chosen = [...(mugs > 0 ? [mugLine] : []), ...(plate ? [plateLine] : [])];
        const shipping = mugs === 2 && plate ? { amount: 495, vat: 86 } : { amount: 0, vat: 0 };
        return {
          body: {
            ...eligibilityOf(order),
            refundPreview: {
              currency: 'EUR',
              lines: chosen,
              shipping,
              amount: chosen.reduce((n, l) => n + l.amount, 0) + shipping.amount,
              vat: chosen.reduce((n, l) => n + l.vat, 0) + shipping.vat,
            },
          },
        };
      });
    renderConsole('/orders/order-1', services);
    expect((await screen.findByText('Discounts')).nextElementSibling!.textContent).toContain('5.00');
    expect(screen.getByText('VAT included').nextElementSibling!.textContent).toContain('12.00');
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Create cancellation' }));
    const dialog = await screen.findByRole('dialog');

    await user.click(within(dialog).getByLabelText(/Line 1 · MUG/));
    const refunds = await within(dialog).findByText(/^Refunds/);
    await waitFor(() => expect(refunds.textContent).toContain('27.50'));
    expect(refunds.textContent).toContain('VAT €4.78 included');
    expect(services.callsTo('GET', ELIGIBILITY).at(-1)!.url.searchParams.get('lines')).toBe('line-1:2');

    await user.click(within(dialog).getByLabelText(/Line 2 · PLATE/));
    await waitFor(() => expect(within(dialog).getByText(/^Refunds/).textContent).toContain('50.78'));
    expect(within(dialog).getByText(/^Shipping:/).textContent).toContain('4.95');
    expect(within(dialog).getByText(/Worth/).textContent).toContain('50.00');
  });

  it('keeps the dialog open and shows the refusal as the API words it', async () => {
    const services = servicesFor(() => anOrder()).on('POST', CANCEL, () => ({
      status: 409,
      body: { error: { code: 'CONFLICT', message: 'merchant cancellation number MC-1 is already used by another cancellation' } },
    }));
    renderConsole('/orders/order-1', services);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Create cancellation' }));
    const dialog = await screen.findByRole('dialog');

    await user.click(within(dialog).getByRole('button', { name: 'Create cancellation' }));
    const problems = within(dialog).getByRole('alert');
    expect(problems.textContent).toContain('choose at least one line to cancel');
    expect(services.callsTo('POST', CANCEL)).toHaveLength(0);

    await user.click(within(dialog).getByLabelText(/Line 2 · PLATE/));
    await user.selectOptions(within(dialog).getByLabelText('Reason'), 'OTHER');
    await user.type(within(dialog).getByLabelText('Merchant cancellation number'), 'MC-1');
    await user.click(within(dialog).getByRole('button', { name: 'Create cancellation' }));
    expect((await within(dialog).findByText(/already used/)).textContent).toBe(
      'merchant cancellation number MC-1 is already used by another cancellation',
    );
    expect(screen.getByRole('dialog')).toBeTruthy();
  });

  it('disables "Create cancellation" and says why when the merchant cannot cancel', async () => {
    const order = anOrder({ status: 'SHIPPED' });
    const services = withEmptySidePanels(new FakeServices())
      .on('GET', ORDER, () => ({ body: order }))
      .on('GET', ELIGIBILITY, () => ({
        body: { ...eligibilityOf(order), merchant: { allowed: false, reason: 'the order has shipped: open a return instead' } },
      }));
    renderConsole('/orders/order-1', services);
    const button = await screen.findByRole('button', { name: 'Create cancellation' });
    expect(button).toHaveProperty('disabled', true);
    expect(screen.getByText('Cannot cancel: the order has shipped: open a return instead')).toBeTruthy();
  });

  it('follows a running cancellation live until it is CANCELLED, with its steps in the timeline', async () => {
    let polls = 0;
    const steps: Cancellation['steps'] = [
      { step: 'RESERVED', actor: 'mia', at: '2026-11-20T11:00:00.000Z' },
      { step: 'REFUND_SUCCEEDED', actor: 'payments', at: '2026-11-20T11:00:04.000Z' },
      { step: 'CANCELLED', actor: 'workflow', at: '2026-11-20T11:00:05.000Z' },
      { step: 'CUSTOMER_NOTIFIED', actor: 'workflow', at: '2026-11-20T11:00:06.000Z' },
    ];
    const order = () => {
      polls += 1;
      const done = polls >= 2;
      return anOrder({
        cancellations: [
          aCancellation(done ? { status: 'CANCELLED', refundStatus: 'SUCCEEDED', completedAt: '2026-11-20T11:00:05.000Z', steps } : {}),
        ],
        timeline: [
          { type: 'IMPORTED', detail: {}, actor: 'channel', at: '2026-11-20T10:00:00.000Z' },
          ...(done ? steps.map((s) => stepEntry('canc-1', s)) : []),
        ],
      });
    };
    const services = withEmptySidePanels(new FakeServices())
      .on('GET', ORDER, () => ({ body: order() }))
      .on('GET', ELIGIBILITY, () => ({ body: eligibilityOf(anOrder()) }));
    renderConsole('/orders/order-1', services);

    expect(await screen.findByText('A cancellation is in progress; this page follows it live.')).toBeTruthy();
    await waitFor(() => expect(screen.getByText('Cancellation MC-1: Customer notified')).toBeTruthy(), { timeout: 5_000 });
    expect(screen.queryByText('A cancellation is in progress; this page follows it live.')).toBeNull();
    const row = screen.getByRole('link', { name: 'MC-1' }).closest('tr')!;
    expect(row.textContent).toContain('Cancelled');
    expect(row.textContent).toContain('Succeeded');
  });
});

/** A cancellation step as the order's timeline holds it. */
const stepEntry = (cancellationId: string, s: Cancellation['steps'][number]): TimelineEvent => ({
  type: `CANCELLATION_${s.step}`,
  detail: { cancellationId, ...(s.detail ? { detail: s.detail } : {}) },
  actor: s.actor,
  at: s.at,
  cancellationId,
  step: s.step as NonNullable<TimelineEvent['step']>,
});

describe('order timeline', () => {
  it("shows each step once, as the order's timeline holds it, named by its cancellation, the first linking to its workflow", async () => {
    const steps: Cancellation['steps'] = [
      { step: 'RESTOCKED', actor: 'workflow', at: '2026-11-20T11:00:01.000Z' },
      { step: 'CHANNEL_NOTIFIED', detail: 'marketplace told', actor: 'workflow', at: '2026-11-20T11:00:02.000Z' },
    ];
    const order = anOrder({
      cancellations: [aCancellation({ steps })],
      timeline: [
        { type: 'IMPORTED', detail: {}, actor: 'channel', at: '2026-11-20T10:00:00.000Z' },
        ...steps.map((s) => stepEntry('canc-1', s)),
      ],
    });
    renderConsole(
      '/orders/order-1',
      servicesFor(() => order),
    );
    expect(await screen.findByText('Cancellation MC-1: Restocked')).toBeTruthy();
    const timeline = screen.getByRole('heading', { name: 'Timeline' }).parentElement!;
    expect(timeline.querySelectorAll('li')).toHaveLength(3);
    expect(timeline.textContent).toContain('Cancellation MC-1: Channel notified');
    expect(timeline.textContent).toContain('marketplace told');
    expect(timeline.querySelectorAll('a[href*="workflows"]')).toHaveLength(1);
  });
});

describe('order detail side panels', () => {
  it('says so when the payment service has recorded nothing for the order yet, instead of an error', async () => {
    const services = servicesFor(() => anOrder()).on('GET', /^\/api\/payments\/orders\/order-1\/payments$/, () => ({
      status: 404,
      body: { error: { code: 'NOT_FOUND', message: 'no payments or refunds are recorded for order order-1' } },
    }));
    renderConsole('/orders/order-1', services);
    expect(await screen.findByText('The payment service has recorded nothing for this order yet.')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
