// `npm run screenshots` (or: node apps/console/e2e/screenshots.ts with Node 24): starts PostgreSQL
// and Temporal as the test run does, the whole system and the console, makes real data through
// the APIs (orders, a finished cancellation, a customer's request from the email link, a cancelled-but-shipped process of
// cancelled items that shipped), and saves the main screens from headless Chromium into
// docs/screenshots/*.png. Needs Debian's chromium (or CHROMIUM_PATH).

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import setupInfra from '../../../infra/src/vitest-global-setup.ts';
import { repoRoot } from '../../../infra/src/repo.ts';
import { eventually, importOrder, merchantToken, supportToken, unique, type OrderBody } from '@cancelflow/testing';
import { CHROMIUM, signIn, startStack } from './harness.ts';

const out = join(repoRoot, 'docs', 'screenshots');
const say = (message: string) => process.stderr.write(`[screenshots] ${message}\n`);

if (!CHROMIUM) {
  say('no Chromium: apt-get install -y chromium, or set CHROMIUM_PATH');
  process.exit(1);
}
mkdirSync(out, { recursive: true });
const teardown = await setupInfra({ provide: () => undefined } as unknown as TestProject);
const stack = await startStack({ env: { CANCELLED_BUT_SHIPPED_REMINDER_INTERVAL: '1h', CANCELLED_BUT_SHIPPED_DEADLINE: '1d' } });
try {
  const { system, console: app } = stack;
  const customers = [
    ['Ada Lovelace', 'ada'],
    ['Grace Hopper', 'grace'],
    ['Alan Turing', 'alan'],
    ['Katherine Johnson', 'katherine'],
    ['Edsger Dijkstra', 'edsger'],
  ] as const;
  const orders: OrderBody[] = [];
  for (const [name, mail] of customers) {
    orders.push(await importOrder(system.orders, { customer: { email: `${mail}@example.com`, name } }));
  }
  const untilCancelled = (cancellationId: string) =>
    eventually(
      async () => {
        const c = await system.orders.get<{ status: string }>(`/cancellations/${cancellationId}`);
        return c.body.status === 'CANCELLED' ? c.body : undefined;
      },
      { what: 'the cancellation to complete', timeoutMs: 60_000 },
    );
  const cancel = async (order: OrderBody, lines: { lineId: string; quantity: number }[]) => {
    const answer = await system.orders.post<{ cancellationId: string }>(`/orders/${order.id}/cancellations`, {
      lines,
      reason: 'OUT_OF_STOCK',
      merchantCancellationNumber: unique('MC'),
      restock: true,
    });
    if (answer.status !== 202) throw new Error(`cancelling answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    await untilCancelled(answer.body.cancellationId);
    return answer.body.cancellationId;
  };

  // 1. A whole order cancelled and refunded: the detail page with its timeline.
  const [cancelled, requested, shipped, open] = orders as [OrderBody, OrderBody, OrderBody, OrderBody, OrderBody];
  await cancel(
    cancelled,
    cancelled.lines.map((l) => ({ lineId: l.id, quantity: l.quantity })),
  );

  // 2. The shop retrieved an order; its customer asks to cancel from the email link.
  await system.orders.post(`/orders/${requested.id}/acknowledge`, {});
  const confirmation = await eventually(
    async () => {
      const emails = await system.notifications.get<{ items: { template: string; text: string }[] }>(`/emails?orderId=${requested.id}`);
      return emails.body.items.find((e) => e.template === 'ORDER_CONFIRMATION');
    },
    { what: 'the order confirmation email' },
  );
  const link = /https?:\/\/\S+\/self-service\/orders\/\S+/.exec(confirmation.text)![0];
  const token = new URL(link).searchParams.get('token')!;
  const asked = await fetch(
    `${system.orders.baseUrl}/self-service/orders/${requested.id}/cancellation-requests?token=${encodeURIComponent(token)}`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        lines: [{ lineId: requested.lines[1]!.id, quantity: 1 }],
        reason: 'CUSTOMER_REQUEST',
        comment: 'Found the teapot cheaper in a shop nearby',
      }),
    },
  );
  if (!asked.ok) throw new Error(`the customer's request answered ${asked.status}: ${await asked.text()}`);

  // 3. Mugs cancelled, then shipped anyway; the customer said yes on the phone: waits for support.
  await cancel(shipped, [{ lineId: shipped.lines[0]!.id, quantity: 2 }]);
  const shipment = await system.orders.post<{ cancelledButShippedId?: string }>(`/orders/${shipped.id}/shipments`, {
    lines: [{ lineId: shipped.lines[0]!.id, quantity: 2 }],
    carrier: 'DHL',
    trackingNumber: unique('JJD'),
    shipmentNumber: unique('S'),
  });
  const cancelledButShippedId = shipment.body.cancelledButShippedId;
  if (!cancelledButShippedId) throw new Error(`the shipment started no cancelled-but-shipped process: ${JSON.stringify(shipment.body)}`);
  await eventually(
    async () => {
      const c = await system.orders.get<{ steps: { step: string }[] }>(`/cancelled-but-shipped/${cancelledButShippedId}`);
      return c.body.steps.some((s) => s.step === 'CUSTOMER_EMAILED') ? c.body : undefined;
    },
    { what: 'the customer to be emailed' },
  );
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const ack = await system.orders.post(`/cancelled-but-shipped/${cancelledButShippedId}/acknowledgement`, {
    staffId: 'grace',
    accepted: true,
    evidence: 'Phone call: "Yes, I keep the mugs, charge me again."',
  });
  if (ack.status >= 300) throw new Error(`recording the acknowledgement answered ${ack.status}: ${JSON.stringify(ack.body)}`);
  await eventually(
    async () => {
      const c = await system.orders.get<{ status: string }>(`/cancelled-but-shipped/${cancelledButShippedId}`);
      return c.body.status === 'AWAITING_REBILL_APPROVAL' ? c.body : undefined;
    },
    { what: 'the cancelled-but-shipped process to wait for the rebill approval' },
  );

  // The screens.
  const shot = async (page: import('playwright-core').Page, name: string) => {
    await page.waitForLoadState('networkidle').catch(() => undefined);
    await page.screenshot({ path: join(out, `${name}.png`), fullPage: true });
    say(`saved docs/screenshots/${name}.png`);
  };
  const merchant = await stack.newPage({ width: 1280, height: 800 });
  await signIn(merchant, app.url, await merchantToken('merchant-a', { subject: 'mia (merchant-a)' }));
  await merchant.goto(`${app.url}/orders`);
  await merchant.getByRole('link', { name: open.channelOrderNo }).waitFor();
  await shot(merchant, 'dashboard');

  await merchant.goto(`${app.url}/orders/${cancelled.id}`);
  await merchant.getByText('Refund succeeded', { exact: false }).first().waitFor();
  await shot(merchant, 'order-detail');

  await merchant.goto(`${app.url}/orders/${open.id}`);
  await merchant.getByRole('button', { name: 'Create cancellation' }).click();
  const dialog = merchant.getByRole('dialog');
  await dialog.getByLabel(/Line 1 · MUG-BLUE/).check();
  await dialog.getByLabel('Quantity for line 1').fill('1');
  await dialog.getByLabel('Reason').selectOption('OUT_OF_STOCK');
  await dialog.getByLabel('Merchant cancellation number').fill('MC-2026-0042');
  await dialog.getByLabel('Comment (optional)').fill('One blue mug broke in the warehouse');
  await merchant.screenshot({ path: join(out, 'create-cancellation.png') });
  say('saved docs/screenshots/create-cancellation.png');

  await merchant.goto(`${app.url}/cancellation-requests`);
  await merchant.getByText('Found the teapot cheaper').first().waitFor();
  await shot(merchant, 'requests-queue');

  const support = await stack.newPage({ width: 1280, height: 800 });
  await signIn(support, app.url, await supportToken({ subject: 'grace (support)' }));
  await support.goto(`${app.url}/cancelled-but-shipped/${cancelledButShippedId}`);
  await support.getByRole('button', { name: 'Approve rebilling' }).waitFor();
  await shot(support, 'cancelled-but-shipped-cancelled-but-shipped');

  const phone = await stack.newPage({ width: 390, height: 844 });
  await phone.goto(link);
  await phone.getByText('Waiting for the shop to answer.').waitFor();
  await shot(phone, 'customer-phone');
} finally {
  await stack.close();
  await teardown();
}
process.exit(0);
