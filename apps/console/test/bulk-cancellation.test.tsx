import { screen } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { BulkCancellation, BulkCancellationDryRun } from '../src/web/api/index.ts';
import { FakeServices, merchant, renderConsole } from './helpers.tsx';

const JOB_ID = '0f8fad5b-d9cb-469f-a165-70867728950e';

const dryRun: BulkCancellationDryRun = {
  jobId: JOB_ID,
  items: [
    {
      itemNo: 1,
      orderId: 'o-1',
      channel: 'webshop',
      channelOrderNo: 'WS-1',
      sku: 'MUG',
      reason: 'OUT_OF_STOCK',
      outcome: 'WOULD_CANCEL',
      cancelQuantity: 2,
      refund: 2500,
      currency: 'EUR',
    },
    {
      itemNo: 2,
      orderId: 'o-2',
      channel: 'walmart',
      channelOrderNo: 'WM-2',
      sku: 'MUG',
      reason: 'OUT_OF_STOCK',
      outcome: 'REFUSED',
      cancelQuantity: 0,
      currency: 'EUR',
      detail: 'line 1 (MUG): Walmart cancels whole lines only',
    },
  ],
  totals: { orders: 2, wouldCancel: 1, units: 2, refused: 1, skipped: 0, refunds: [{ currency: 'EUR', amount: 2500 }] },
};

const job = (overrides: Partial<BulkCancellation> = {}): BulkCancellation => ({
  id: JOB_ID,
  merchantId: 'm-1',
  source: 'SKU',
  sku: 'MUG',
  reason: 'OUT_OF_STOCK',
  refundMethod: 'ORIGINAL_PAYMENT',
  restock: false,
  status: 'RUNNING',
  workflowId: `bulk-cancellation-${JOB_ID}`,
  createdBy: 'staff-of-m-1',
  createdAt: '2026-12-03T10:00:00.000Z',
  progress: { total: 2, processed: 1, cancelled: 1, refused: 0, skipped: 0, failed: 0 },
  ...overrides,
});

describe('bulk cancellation page', () => {
  it('the merchant sees the dry run, confirms under its job id, and watches the job; pausing it asks the job', async () => {
    let current = job();
    const fake = new FakeServices()
      .on('POST', /^\/api\/orders\/bulk-cancellations\/dry-run$/, () => ({ body: dryRun }))
      .on('POST', /^\/api\/orders\/bulk-cancellations$/, () => ({ status: 202, body: current }))
      .on('GET', /^\/api\/orders\/bulk-cancellations$/, () => ({ body: { items: [], total: 0, limit: 20, offset: 0 } }))
      .on('GET', /^\/api\/orders\/bulk-cancellations\/[^/]+$/, () => ({ body: current }))
      .on('POST', /\/pause$/, () => {
        current = job({ status: 'PAUSED', statusChangedBy: 'anna', statusChangedAt: '2026-12-03T10:05:00.000Z' });
        return { body: current };
      });
    renderConsole('/bulk-cancellations', fake, merchant);
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('SKU'), 'MUG');
    await user.click(screen.getByRole('button', { name: 'Dry run' }));
    expect(await screen.findByText(/would be cancelled/)).toBeTruthy();
    expect(screen.getByText('line 1 (MUG): Walmart cancels whole lines only')).toBeTruthy();
    expect(fake.callsTo('POST', /dry-run$/)[0]!.body).toEqual({
      sku: 'MUG',
      reason: 'OUT_OF_STOCK',
      refundMethod: 'ORIGINAL_PAYMENT',
      restock: false,
    });

    await user.click(screen.getByRole('button', { name: 'Confirm: cancel 1 order(s)' }));
    expect(fake.callsTo('POST', /bulk-cancellations$/)[0]!.body).toMatchObject({ sku: 'MUG', jobId: JOB_ID });
    const bar = (await screen.findByLabelText('Orders handled')) as HTMLProgressElement;
    expect(bar.value).toBe(1);
    expect(bar.max).toBe(2);
    expect(screen.getByText('1 of 2 order(s) handled')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Pause' }));
    expect(await screen.findByRole('button', { name: 'Resume' })).toBeTruthy();
    expect(fake.callsTo('POST', /pause$/)).toHaveLength(1);
    expect(screen.getByText(/paused by anna/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Download result (CSV)' })).toBeTruthy();
  });

  it("the start page lists the merchant's jobs, newest first, each a link to the job", async () => {
    const stopped = job({ status: 'STOPPED', statusChangedBy: 'anna', statusChangedAt: '2026-12-03T10:05:00.000Z' });
    const fake = new FakeServices().on('GET', /^\/api\/orders\/bulk-cancellations$/, () => ({
      body: { items: [stopped], total: 1, limit: 20, offset: 0 },
    }));
    renderConsole('/bulk-cancellations', fake, merchant);
    const table = await screen.findByRole('table', { name: 'Bulk cancellation jobs, newest first' });
    expect(table.textContent).toContain('every open unit of MUG');
    expect(table.textContent).toContain('1 of 2');
    expect(table.textContent).toContain('anna');
    expect(screen.getByRole('link', { name: /2026|10:00/ }).getAttribute('href')).toBe(`/bulk-cancellations/${JOB_ID}`);
  });
});
