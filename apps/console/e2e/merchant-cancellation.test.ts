// @vitest-environment node
// A merchant cancels two lines of an order in the console, in a real Chromium against the real
// system, and sees the order CANCELLED once the refund went through.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { importOrder, merchantToken, unique } from '@cancelflow/testing';
import { describeInBrowser, signIn, startStack, type Stack } from './harness.ts';

let stack: Stack | undefined;

describeInBrowser('console end to end: a merchant cancels in the browser', () => {
  beforeAll(async () => {
    stack = await startStack();
  }, 240_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('cancelling both lines in the dialog ends with the order CANCELLED after the refund succeeded', async () => {
    const { system, console: app } = stack!;
    const order = await importOrder(system.orders, { merchantId: 'merchant-a' });
    const page = await stack!.newPage();
    await signIn(page, app.url, await merchantToken('merchant-a'));

    // Find it on the dashboard by its channel order number, open it.
    await page.getByRole('searchbox', { name: 'Channel order number' }).fill(order.channelOrderNo);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: order.channelOrderNo }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toContain(order.channelOrderNo);

    await page.getByRole('button', { name: 'Create cancellation' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/Line 1 · MUG-BLUE/).check();
    await dialog.getByLabel(/Line 2 · TEAPOT/).check();
    await dialog.getByLabel('Reason').selectOption('OUT_OF_STOCK');
    const number = unique('MC');
    await dialog.getByLabel('Merchant cancellation number').fill(number);
    await expect.poll(() => dialog.getByText(/Worth/).textContent()).toMatch(/55[.,]00/);
    await dialog.getByRole('button', { name: 'Create cancellation' }).click();
    await page.getByText('Cancellation started.').waitFor();

    // The page follows the workflow live: the order turns CANCELLED, the refund SUCCEEDED.
    const heading = page.getByRole('heading', { level: 1 });
    await expect.poll(() => heading.textContent(), { timeout: 45_000, interval: 250 }).toContain('Cancelled');
    const row = page.getByRole('row').filter({ hasText: number });
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('Succeeded');
    expect(await row.textContent()).toContain('Original payment');
    await expect.poll(() => page.getByText(/Refund .*55[.,]00/).count(), { timeout: 10_000 }).toBeGreaterThan(0);

    // The timeline shows the steps in order, who did them, and links to the workflow run.
    const timeline = page.locator('ol.timeline');
    const text = (await timeline.textContent()) ?? '';
    expect(text).toContain(`Cancellation ${number}: Refund succeeded`);
    expect(text.indexOf('Refund succeeded')).toBeLessThan(text.indexOf(`Cancellation ${number}: Cancelled`));
    expect(
      await timeline
        .getByRole('link', { name: /Open the workflow in Temporal/ })
        .first()
        .getAttribute('href'),
    ).toContain('/namespaces/');

    // What the browser showed is what the services hold.
    const after = await system.orders.get<{ status: string; lines: { cancelledQuantity: number }[] }>(`/orders/${order.id}`);
    expect(after.body.status).toBe('CANCELLED');
    expect(after.body.lines.map((l) => l.cancelledQuantity)).toEqual([2, 1]);
  }, 120_000);
});
