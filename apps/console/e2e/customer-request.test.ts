// @vitest-environment node
// A customer asks to cancel from the link in their order confirmation email (on a phone-sized
// browser), and the merchant accepts the request in the console's requests queue.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually, importOrder, merchantToken, unique } from '@cancelflow/testing';
import { describeInBrowser, signIn, startStack, type Stack } from './harness.ts';

let stack: Stack | undefined;

interface EmailBody {
  template: string;
  text: string;
}

describeInBrowser('console end to end: a customer requests cancellation from the email link', () => {
  beforeAll(async () => {
    stack = await startStack();
  }, 240_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('the link opens the customer page, the request waits in the merchant queue, accepting it cancels the order', async () => {
    const { system, console: app } = stack!;
    const order = await importOrder(system.orders, { customer: { email: `${unique('cust')}@example.com`, name: 'Ada Lovelace' } });
    // The shop has retrieved the order: from now on the merchant decides on requests.
    expect((await system.orders.post(`/orders/${order.id}/acknowledge`, {})).status).toBe(200);

    // The order confirmation email carries the customer's personal link.
    const confirmation = await eventually(
      async () => {
        const emails = await system.notifications.get<{ items: EmailBody[] }>(`/emails?orderId=${order.id}`);
        return emails.body.items.find((e) => e.template === 'ORDER_CONFIRMATION');
      },
      { what: 'the order confirmation email' },
    );
    const link = /https?:\/\/\S+\/self-service\/orders\/\S+/.exec(confirmation.text)?.[0];
    expect(link, confirmation.text).toBeDefined();
    expect(link!.startsWith(app.url)).toBe(true);

    // The customer, on a phone.
    const phone = await stack!.newPage({ width: 390, height: 844 });
    await phone.goto(link!);
    await phone.getByRole('heading', { name: 'Your order' }).waitFor();
    await expect.poll(() => phone.getByText(`Order ${order.channelOrderNo}`).count()).toBe(1);
    await phone.getByLabel('2 × MUG-BLUE').check();
    await phone.getByLabel('1 × TEAPOT').check();
    await phone.getByLabel('Why?').selectOption('CUSTOMER_REQUEST');
    await phone.getByLabel(/Anything else/).fill('Ordered twice by mistake');
    await phone.getByRole('button', { name: 'Request cancellation' }).click();
    await phone.getByText('Waiting for the shop to answer.').waitFor();

    // The merchant: the order is flagged on the dashboard, the request waits in the queue.
    const page = await stack!.newPage();
    await signIn(page, app.url, await merchantToken('merchant-a'));
    await page.getByLabel('Cancellation requested').click();
    await page.waitForURL(/requested=true/);
    await page.getByRole('searchbox', { name: 'Channel order number' }).fill(order.channelOrderNo);
    await page.getByRole('button', { name: 'Search' }).click();
    const row = page.getByRole('row').filter({ hasText: order.channelOrderNo });
    await expect.poll(() => row.textContent()).toContain('Cancellation requested');
    await row.getByRole('link', { name: order.channelOrderNo }).click();
    await page.getByRole('link', { name: 'answer in the requests queue' }).click();
    await page.getByRole('heading', { name: 'Cancellation requests' }).waitFor();
    const request = page.getByRole('row').filter({ hasText: 'Ordered twice by mistake' });
    await request.getByRole('button', { name: /Proceed/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Accept: cancel and refund').check();
    await dialog.getByLabel('Refund method').selectOption('ORIGINAL_PAYMENT');
    await dialog.getByRole('button', { name: 'Accept request' }).click();
    await page.getByText(/Accepted: the cancellation/).waitFor();

    // The order is cancelled and refunded; the customer's page says so.
    await eventually(
      async () => {
        const after = await system.orders.get<{ status: string }>(`/orders/${order.id}`);
        return after.body.status === 'CANCELLED' ? after.body : undefined;
      },
      { what: 'the order to be CANCELLED', timeoutMs: 45_000 },
    );
    await phone.reload();
    await phone.getByText(/Accepted: the items are cancelled/).waitFor();
    await page.goto(`${app.url}/orders/${order.id}`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), { timeout: 20_000 }).toContain('Cancelled');
    // The console and the customer page work under the CSP: the browser refused nothing.
    expect(stack!.cspViolations).toEqual([]);
  }, 150_000);
});
