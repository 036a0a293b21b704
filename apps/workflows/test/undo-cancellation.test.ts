import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelOrder, eventually, importOrder, unique, type ApiClient, type OrderBody } from '@cancelflow/testing';
import { startSystem, type RunningSystem } from '@cancelflow/system';
import { serviceToken, supportToken } from '@cancelflow/testing/tokens';
import type {
  EmailPage,
  OrderPaymentsBody as OrderPayments,
  PaymentRequestBody,
  UndoBody,
  UndoStarted as UndoAccepted,
} from '@cancelflow/domain';
import type { MoneyTotals, UndoStep } from '@cancelflow/domain/undo-cancellation';

let started: RunningSystem;
/** Support staff undo and read; the channel importer (SERVICE) imports; the provider sends events. */
let system: { orders: ApiClient; importer: ApiClient; payments: ApiClient; notifications: ApiClient; temporal: RunningSystem['temporal'] };

beforeAll(async () => {
  started = await startSystem({
    env: { REFUND_RECHECK_INTERVAL: '1s' },
  });
  const [support, service] = await Promise.all([supportToken(), serviceToken()]);
  system = {
    orders: started.orders.withToken(support),
    importer: started.orders.withToken(service),
    payments: started.payments.withToken(service),
    notifications: started.notifications.withToken(support),
    temporal: started.temporal,
  };
});

afterAll(async () => {
  await started?.close();
});

const cancel = (order: OrderBody, body: Record<string, unknown> = {}) =>
  cancelOrder(system.orders, order, { reason: 'CUSTOMER_REQUEST', restock: true, ...body });

const cancellation = async (id: string) =>
  (await system.orders.get<{ status: string; steps: { step: string }[] }>(`/cancellations/${id}`)).body;
const untilCancellation = (id: string, status: string) =>
  eventually(async () => ((await cancellation(id)).status === status ? true : undefined), { what: `cancellation ${id} to be ${status}` });
const untilCancellationStep = (id: string, step: string) =>
  eventually(async () => ((await cancellation(id)).steps.some((s) => s.step === step) ? true : undefined), {
    what: `cancellation ${id} step ${step}`,
  });

async function undo(cancellationId: string, expected = 202): Promise<UndoAccepted> {
  const response = await system.orders.post<UndoAccepted>(`/cancellations/${cancellationId}/undo`, {
    reason: 'customer changed their mind',
    staffId: 'sam',
  });
  expect(response.status, JSON.stringify(response.body)).toBe(expected);
  return response.body;
}
const undoOf = async (undoId: string) => (await system.orders.get<UndoBody>(`/undos/${undoId}`)).body;
/** The status, and the process's last step for it (the status commits with the reopen, steps follow). */
const untilUndo = (undoId: string, status: UndoBody['status'], timeoutMs = 30_000) =>
  eventually(
    async () => {
      const u = await undoOf(undoId);
      const last: UndoStep = status === 'UNDONE' ? 'CUSTOMER_NOTIFIED' : 'FAILED';
      return u.status === status && u.steps.some((s) => s.step === last) ? u : undefined;
    },
    { what: `undo ${undoId} to be ${status}`, timeoutMs },
  );
const untilUndoStep = (undoId: string, step: UndoStep) =>
  eventually(
    async () => {
      const u = await undoOf(undoId);
      return u.steps.some((s) => s.step === step) ? u : undefined;
    },
    { what: `undo ${undoId} to reach ${step}` },
  );
const stepsOf = (u: UndoBody) => u.steps.map((s) => s.step);

const money = async (orderId: string) => (await system.payments.get<OrderPayments>(`/orders/${orderId}/payments`)).body;
const orderOf = async (orderId: string) =>
  (await system.orders.get<OrderBody & { timeline: { type: string }[] }>(`/orders/${orderId}`)).body;

/** After every scenario: what the merchant keeps adds up, and matches what the order holds now. */
async function expectTotals(orderId: string, expected: Partial<MoneyTotals>): Promise<MoneyTotals> {
  const { totals } = await money(orderId);
  expect(totals).toMatchObject(expected);
  expect(totals.net).toBe(
    totals.charged - totals.refunded - totals.ledgerReturned + totals.recaptured + totals.rebilled + totals.paidAgain,
  );
  return totals;
}

async function payRequestOf(undoId: string, amount: number): Promise<PaymentRequestBody> {
  const requested = await untilUndoStep(undoId, 'PAYMENT_REQUESTED');
  // The undo names its payment request: no id lives only inside a step's text.
  const id = requested.paymentRequestId!;
  expect(requested.steps.find((s) => s.step === 'PAYMENT_REQUESTED')!.detail).toContain(`payment request ${id}`);
  const paid = await system.payments.post('/provider-events', {
    eventId: unique('evt'),
    type: 'payment.received',
    paymentRequestId: id,
    amount,
  });
  expect(paid.status, JSON.stringify(paid.body)).toBe(200);
  return (await system.payments.get<PaymentRequestBody>(`/payment-requests/${id}`)).body;
}

async function emailsOf(orderId: string): Promise<string[]> {
  const mails = await system.notifications.get<{ items: { template: string }[] }>(`/emails?orderId=${orderId}`);
  return mails.body.items.map((m) => m.template);
}

describe('undoing a cancellation protects the merchant before anything reopens', () => {
  it('a settled card refund is recaptured on the authorisation, then the quantities reopen and the restock is reversed', async () => {
    const order = await importOrder(system.importer);
    const { cancellationId } = await cancel(order);
    await untilCancellation(cancellationId, 'CANCELLED');
    await expectTotals(order.id, { charged: 5500, refunded: 5500, net: 0 });

    const accepted = await undo(cancellationId);
    const done = await untilUndo(accepted.undoId, 'UNDONE');
    expect(stepsOf(done)).toEqual(expect.arrayContaining(['REQUESTED', 'RECAPTURED', 'REOPENED', 'RESTOCK_REVERSED', 'UNDONE']));
    expect(stepsOf(done).indexOf('RECAPTURED')).toBeLessThan(stepsOf(done).indexOf('REOPENED'));
    // Recorded in the order they happen: the stock and the channel come back before the undo is UNDONE.
    expect(stepsOf(done).filter((s) => ['REOPENED', 'RESTOCK_REVERSED', 'CHANNEL_NOTIFIED', 'UNDONE'].includes(s))).toEqual([
      'REOPENED',
      'RESTOCK_REVERSED',
      'CHANNEL_NOTIFIED',
      'UNDONE',
    ]);
    expect(done.moneySteps.map((s) => s.step)).toEqual(['RECAPTURED', 'RECAPTURED'].slice(0, done.moneySteps.length));

    expect((await cancellation(cancellationId)).status).toBe('UNDONE');
    const after = await orderOf(order.id);
    expect(after.status).toBe('NEW');
    expect(after.lines.map((l) => l.cancelledQuantity)).toEqual([0, 0]);
    expect(after.timeline.map((e) => e.type)).toEqual(expect.arrayContaining(['UNDO_REQUESTED', 'UNDO_RECAPTURED', 'CANCELLATION_UNDONE']));
    await expectTotals(order.id, { charged: 5500, refunded: 5500, recaptured: 5500, net: 5500 });
    const undone = await eventually(
      async () => (await system.notifications.get<EmailPage>(`/emails?orderId=${order.id}&template=CANCELLATION_UNDONE`)).body.items[0],
      { what: 'the undone email' },
    );
    // Money a person reads is formatted with its currency, never minor units.
    expect(undone.text).toContain('55.00 EUR recaptured on your card');
    expect(done.steps.find((s) => s.step === 'RECAPTURED')?.detail).toContain('55.00 EUR');
  });

  it('undoing twice does nothing the second time: same undo, one recapture', async () => {
    const order = await importOrder(system.importer);
    const { cancellationId } = await cancel(order);
    await untilCancellation(cancellationId, 'CANCELLED');
    const [a, b] = await Promise.all([
      system.orders.post<UndoAccepted>(`/cancellations/${cancellationId}/undo`, { reason: 'customer changed their mind', staffId: 'sam' }),
      system.orders.post<UndoAccepted>(`/cancellations/${cancellationId}/undo`, { reason: 'customer changed their mind', staffId: 'kim' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 202]);
    expect(a.body.undoId).toBe(b.body.undoId);
    await untilUndo(a.body.undoId, 'UNDONE');
    const again = await undo(cancellationId, 200);
    expect(again).toMatchObject({ created: false, undoId: a.body.undoId, status: 'UNDONE' });
    await expectTotals(order.id, { recaptured: 5500, net: 5500 });
  });

  it('an expired card authorisation cannot be recaptured: the customer pays again, then it reopens', async () => {
    const order = await importOrder(system.importer);
    const { cancellationId } = await cancel(order);
    await untilCancellation(cancellationId, 'CANCELLED');
    const reference = order.payments[0]!.reference;
    const expired = await system.payments.post('/sandbox/authorisations/expire', { orderId: order.id, paymentReference: reference });
    expect(expired.status).toBe(200);

    const { undoId } = await undo(cancellationId);
    const request = await payRequestOf(undoId, 5500);
    expect(request).toMatchObject({ status: 'PAID', amount: 5500 });
    const done = await untilUndo(undoId, 'UNDONE');
    expect(stepsOf(done)).toEqual(expect.arrayContaining(['PAYMENT_REQUESTED', 'PAYMENT_RECEIVED', 'UNDONE']));
    expect(stepsOf(done)).not.toContain('RECAPTURED');
    expect(done.steps.find((s) => s.step === 'PAYMENT_REQUESTED')!.detail).toMatch(/55.00 EUR refunded by CARD/);
    await expectTotals(order.id, { refunded: 5500, recaptured: 0, paidAgain: 5500, net: 5500 });
    expect(await emailsOf(order.id)).toContain('PAYMENT_REQUEST');
  });

  it('a settled bank-deposit refund must be paid again before the order reopens', async () => {
    const order = await importOrder(system.importer);
    const { cancellationId } = await cancel(order, { refundMethod: 'BANK_DEPOSIT' });
    await untilCancellationStep(cancellationId, 'REFUND_REQUESTED');
    const part = (await money(order.id)).refunds[0]!.parts[0]!;
    await system.payments.post('/provider-events', {
      eventId: unique('evt'),
      type: 'refund.settled',
      providerRefundId: part.providerRefundId,
    });
    await untilCancellation(cancellationId, 'CANCELLED');

    const { undoId } = await undo(cancellationId);
    await untilUndoStep(undoId, 'PAYMENT_REQUESTED');
    expect((await orderOf(order.id)).lines.map((l) => l.cancelledQuantity)).toEqual([2, 1]); // nothing reopened yet
    await payRequestOf(undoId, 5500);
    await untilUndo(undoId, 'UNDONE');
    await expectTotals(order.id, { refunded: 5500, paidAgain: 5500, net: 5500 });
  });

  it('a pending card refund is stopped at the provider: the cancellation process stops without completing', async () => {
    const order = await importOrder(system.importer);
    await system.payments.post('/sandbox/faults', { orderId: order.id, operation: 'refund', mode: 'SETTLE_MANUALLY' });
    const { cancellationId, workflowId } = await cancel(order);
    await untilCancellationStep(cancellationId, 'REFUND_REQUESTED');

    const { undoId } = await undo(cancellationId);
    const done = await untilUndo(undoId, 'UNDONE');
    expect(stepsOf(done)).toEqual(expect.arrayContaining(['CANCELLATION_PROCESS_STOPPED', 'REFUND_STOPPED', 'REOPENED', 'UNDONE']));
    const result = await system.temporal.workflow.getHandle(workflowId).result();
    expect(result).toMatchObject({ status: 'STOPPED_FOR_UNDO', undoId });
    const c = await cancellation(cancellationId);
    expect(c.status).toBe('UNDONE');
    expect(c.steps.map((s) => s.step)).not.toContain('CANCELLED');
    await expectTotals(order.id, { charged: 5500, refunded: 0, recaptured: 0, paidAgain: 0, net: 5500 });
  });

  it('a bank deposit already sent cannot be stopped: treated as settled, the customer pays again', async () => {
    const order = await importOrder(system.importer);
    const { cancellationId } = await cancel(order, { refundMethod: 'BANK_DEPOSIT' });
    await untilCancellationStep(cancellationId, 'REFUND_REQUESTED');
    const { undoId } = await undo(cancellationId);
    await payRequestOf(undoId, 5500);
    await untilUndo(undoId, 'UNDONE');
    // The deposit settles later: the money still adds up.
    const part = (await money(order.id)).refunds[0]!.parts[0]!;
    await system.payments.post('/provider-events', {
      eventId: unique('evt'),
      type: 'refund.settled',
      providerRefundId: part.providerRefundId,
    });
    await expectTotals(order.id, { refunded: 5500, paidAgain: 5500, net: 5500 });
  });

  it('points given back are taken back from the ledger', async () => {
    const order = await importOrder(system.importer, {
      lines: [{ sku: 'MUG', quantity: 2, unitPrice: 1000 }],
      payments: [{ method: 'POINTS', amount: 2000, reference: unique('pts') }],
    });
    const { cancellationId } = await cancel(order);
    await untilCancellation(cancellationId, 'CANCELLED');
    await expectTotals(order.id, { ledgerReturned: 2000, net: 0 });
    const { undoId } = await undo(cancellationId);
    const done = await untilUndo(undoId, 'UNDONE');
    expect(done.moneySteps.map((s) => s.step)).toEqual(['LEDGER_TAKEN_BACK']);
    await expectTotals(order.id, { charged: 2000, ledgerReturned: 0, net: 2000 });
  });

  it('points already spent cannot be taken back: the undo is refused and nothing reopens', async () => {
    const order = await importOrder(system.importer, {
      lines: [{ sku: 'MUG', quantity: 2, unitPrice: 1000 }],
      payments: [{ method: 'POINTS', amount: 2000, reference: unique('pts') }],
    });
    const { cancellationId } = await cancel(order);
    await untilCancellation(cancellationId, 'CANCELLED');
    const spent = await system.payments.post(`/sandbox/ledger/${order.id}/spend`, { kind: 'POINTS' });
    expect(spent.status).toBe(201);
    const { undoId } = await undo(cancellationId);
    const failed = await untilUndo(undoId, 'FAILED');
    expect(failed.failureReason).toMatch(/already spent/);
    expect((await cancellation(cancellationId)).status).toBe('CANCELLED');
    expect((await orderOf(order.id)).lines[0]!.cancelledQuantity).toBe(2);
    await expectTotals(order.id, { ledgerReturned: 2000, net: 0 });
  });
});

describe('undo refusals and races', () => {
  it('refuses bad input, unknown and already undone cancellations, writing nothing', async () => {
    const order = await importOrder(system.importer);
    const { cancellationId } = await cancel(order, { refundMethod: 'NONE' });
    await untilCancellation(cancellationId, 'CANCELLED');
    const bad = await system.orders.post<{ error: { message: string } }>(`/cancellations/${cancellationId}/undo`, { staffId: 'sam' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/reason: is required/);
    expect((await system.orders.get(`/cancellations/${cancellationId}/undo`)).status).toBe(404);
    expect(
      (await system.orders.post(`/cancellations/00000000-0000-4000-8000-000000000000/undo`, { reason: 'changed mind', staffId: 'sam' }))
        .status,
    ).toBe(404);
    expect((await system.orders.get('/undos/not-an-id')).status).toBe(404);

    const { undoId } = await undo(cancellationId);
    const done = await untilUndo(undoId, 'UNDONE');
    expect(stepsOf(done)).toContain('NOTHING_TO_COLLECT');
    await expectTotals(order.id, { refunded: 0, net: 5500 });
  });

  it('undo and a new cancellation of the same line: the new one is refused until the undo reopened it', async () => {
    const order = await importOrder(system.importer);
    await system.payments.post('/sandbox/faults', { orderId: order.id, operation: 'refund', mode: 'SETTLE_MANUALLY' });
    const { cancellationId } = await cancel(order);
    await untilCancellationStep(cancellationId, 'REFUND_REQUESTED');
    const [undone, second] = await Promise.all([
      system.orders.post<UndoAccepted>(`/cancellations/${cancellationId}/undo`, { reason: 'customer changed their mind', staffId: 'sam' }),
      system.orders.post<{ error: { message: string } }>(`/orders/${order.id}/cancellations`, {
        lines: [{ lineId: order.lines[0]!.id, quantity: 2 }],
        reason: 'OUT_OF_STOCK',
        merchantCancellationNumber: unique('C'),
      }),
    ]);
    expect(undone.status).toBe(202);
    expect(second.status).toBe(422);
    expect(second.body.error.message).toMatch(/already cancelled|nothing left to cancel/);
    await untilUndo(undone.body.undoId, 'UNDONE');
    expect((await orderOf(order.id)).lines.map((l) => l.cancelledQuantity)).toEqual([0, 0]);
    await expectTotals(order.id, { refunded: 0, net: 5500 });

    // Reopened, the line can be cancelled again; and a cancellation already undone cannot be undone again.
    const again = await cancel(order, { lines: [{ lineId: order.lines[0]!.id, quantity: 2 }] });
    await untilCancellationStep(again.cancellationId, 'REFUND_REQUESTED');
    const pending = (await money(order.id)).refunds.flatMap((r) => r.parts).find((p) => p.status === 'PENDING')!;
    expect((await system.payments.post(`/sandbox/refunds/${pending.providerRefundId}/settle`, { outcome: 'SETTLED' })).status).toBe(200);
    await untilCancellation(again.cancellationId, 'CANCELLED');
    expect((await orderOf(order.id)).lines.map((l) => l.cancelledQuantity)).toEqual([2, 0]);
    await expectTotals(order.id, { refunded: 2500, net: 3000 });
  });
});
