// @vitest-environment node
// Cancelled items ship anyway: support records the shipment in the console, follows the cancelled-but-shipped process,
// records the customer's answer and approves the rebilling; the credit memo is issued.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually, importOrder, serviceToken, supportToken, unique } from '@cancelflow/testing';
import { describeInBrowser, signIn, startStack, type Stack } from './harness.ts';

let stack: Stack | undefined;

describeInBrowser('console end to end: support approves the rebilling of a cancelled-but-shipped process', () => {
  beforeAll(async () => {
    // Reminders would come after an hour: not what this file is about.
    stack = await startStack({ env: { CANCELLED_BUT_SHIPPED_REMINDER_INTERVAL: '1h', CANCELLED_BUT_SHIPPED_DEADLINE: '1d' } });
  }, 240_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('shipping cancelled mugs starts the cancelled-but-shipped process; the recorded acknowledgement and support approval rebill once and issue the credit memo', async () => {
    const { system, console: app } = stack!;
    // The mugs (line 1) were cancelled and refunded.
    const order = await importOrder(system.orders, { customer: { email: `${unique('cust')}@example.com`, name: 'Ada Lovelace' } });
    const cancelled = await system.orders.post<{ cancellationId: string }>(`/orders/${order.id}/cancellations`, {
      lines: [{ lineId: order.lines[0]!.id, quantity: 2 }],
      reason: 'OUT_OF_STOCK',
      merchantCancellationNumber: unique('C'),
    });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(202);
    await eventually(
      async () => {
        const c = await system.orders.get<{ status: string }>(`/cancellations/${cancelled.body.cancellationId}`);
        return c.body.status === 'CANCELLED' ? c.body : undefined;
      },
      { what: 'the cancellation to complete' },
    );

    // The warehouse shipped them anyway and records it (shipments are integrations' calls: a SERVICE token).
    const warehouse = await stack!.newPage();
    await signIn(warehouse, app.url, await serviceToken({ subject: 'warehouse' }));
    await warehouse.goto(`${app.url}/orders/${order.id}`);
    await warehouse.getByRole('button', { name: 'Create shipment' }).click();
    const dialog = warehouse.getByRole('dialog');
    await dialog.getByLabel(/Line 1 · MUG-BLUE/).fill('2');
    await dialog.getByLabel('Carrier').fill('DHL');
    await dialog.getByLabel('Tracking number').fill(unique('JJD'));
    await dialog.getByLabel("Shipment number (the warehouse's)").fill(unique('S'));
    await dialog.getByRole('button', { name: 'Record shipment' }).click();
    await warehouse.getByRole('link', { name: 'follow the cancelled-but-shipped process' }).waitFor();

    // Support finds the cancelled-but-shipped process in its queue.
    const page = await stack!.newPage();
    await signIn(page, app.url, await supportToken());
    await page.goto(`${app.url}/orders/${order.id}`);
    expect(await page.getByRole('button', { name: 'Create shipment' }).isDisabled()).toBe(true);
    await page.getByRole('link', { name: /^Cancelled but shipped / }).click();

    await page.getByRole('heading', { name: /^Cancelled but shipped/ }).waitFor();
    // The customer was emailed (carrier and tracking, no links): the thread shows it.
    await expect.poll(() => page.locator('ol.timeline').textContent(), { timeout: 30_000 }).toContain('Customer emailed');
    await expect
      .poll(async () => (await page.getByRole('region', { name: 'Email thread' }).textContent()) ?? '', { timeout: 15_000 })
      .toMatch(/shipped/i);

    // The customer called: support records their words.
    await page.getByLabel('keeps the items and accepts the rebill').check();
    await page.getByLabel("The customer's words").fill('Phone call: "Yes, I keep the mugs, charge me again."');
    await page.getByRole('button', { name: 'Record the answer' }).click();

    const approve = page.getByRole('button', { name: 'Approve rebilling' });
    await approve.waitFor({ timeout: 30_000 });
    await approve.click();

    const heading = page.getByRole('heading', { level: 1 });
    await expect.poll(() => heading.textContent(), { timeout: 45_000, interval: 250 }).toContain('Completed');
    const facts = page.locator('dl.facts');
    await expect.poll(() => facts.textContent(), { timeout: 10_000 }).toMatch(/Credit memo\s*Issued/);
    expect(await facts.textContent()).toContain('Accepted: keeps the items and pays');
    expect(await page.locator('ol.timeline').textContent()).toContain('Rebill approved');

    // What the browser showed is what the services hold: one rebill of the two mugs.
    const cancelledButShippedList = await system.orders.get<{ items: { id: string; status: string; rebillApprovedBy?: string }[] }>(
      `/cancelled-but-shipped?orderId=${order.id}`,
    );
    expect(cancelledButShippedList.body.items).toHaveLength(1);
    expect(cancelledButShippedList.body.items[0]).toMatchObject({ status: 'COMPLETED', rebillApprovedBy: 'test-support' });
    const rebills = await system.payments.get<{ items: { amount: number }[] }>(
      `/rebills?cancelledButShippedId=${cancelledButShippedList.body.items[0]!.id}`,
    );
    expect(rebills.body.items.map((r) => r.amount)).toEqual([2500]);
  }, 150_000);
});
