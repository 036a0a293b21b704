import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelOrder, eventually, importOrder, unique, type ApiClient, type OrderBody } from '@cancelflow/testing';
import { startSystem, type RunningSystem } from '@cancelflow/system';
import { serviceToken, supportToken } from '@cancelflow/testing/tokens';
import type { MoneyTotals, UndoStep } from '@cancelflow/domain/undo-cancellation';

interface UndoAccepted {
  created: boolean;
  undoId: string;
  workflowId: string;
  status: string;
}
interface UndoBody {
  id: string;
  status: 'IN_PROGRESS' | 'UNDONE' | 'FAILED';
  failureReason?: string;
  amount: number;
  lines: { lineId: string; quantity: number }[];
  steps: { step: UndoStep; detail?: string }[];
}
interface ShipmentAnswer {
  id: string;
  fillOrKillCancellationId?: string;
  cancelledButShippedId?: string;
  lines: { lineId: string; quantity: number; fromOpen: number; shippedAfterCancel: number }[];
}
interface ErrorAnswer {
  error: { code: string; message: string };
}
interface OrderDetail extends OrderBody {
  timeline: { type: string }[];
  cancellations: { id: string; reason: string; initiator: string; amount: number; status?: string }[];
}

let started: RunningSystem;
/** Support staff undo and read; the channel importer and the warehouse (SERVICE) import and ship. */
let system: { orders: ApiClient; service: ApiClient; payments: ApiClient };

beforeAll(async () => {
  // Reminders and deadlines are not what this file is about.
  started = await startSystem({ env: { CANCELLED_BUT_SHIPPED_REMINDER_INTERVAL: '1h', CANCELLED_BUT_SHIPPED_DEADLINE: '1d' } });
  const [support, service] = await Promise.all([supportToken(), serviceToken()]);
  system = {
    orders: started.orders.withToken(support),
    service: started.orders.withToken(service),
    payments: started.payments.withToken(service),
  };
});

afterAll(async () => {
  await started?.close();
});

const cancel = (order: OrderBody, body: Record<string, unknown> = {}) =>
  cancelOrder(system.orders, order, { reason: 'CUSTOMER_REQUEST', restock: true, ...body });

const cancellation = async (id: string) => (await system.orders.get<{ status: string }>(`/cancellations/${id}`)).body;
const untilCancellation = (id: string, status: string) =>
  eventually(async () => ((await cancellation(id)).status === status ? true : undefined), { what: `cancellation ${id} to be ${status}` });

const undoBody = { reason: 'customer changed their mind', staffId: 'sam' };
const undoOf = async (undoId: string) => (await system.orders.get<UndoBody>(`/undos/${undoId}`)).body;
/** The undo finished either way: UNDONE (customer told) or FAILED. */
const untilUndoFinished = (undoId: string) =>
  eventually(
    async () => {
      const u = await undoOf(undoId);
      const steps = u.steps.map((s) => s.step);
      return (u.status === 'UNDONE' && steps.includes('CUSTOMER_NOTIFIED')) || (u.status === 'FAILED' && steps.includes('FAILED'))
        ? u
        : undefined;
    },
    { what: `undo ${undoId} to finish` },
  );

const ship = (order: OrderBody, lines: { lineId: string; quantity: number }[]) =>
  system.service.post<ShipmentAnswer & ErrorAnswer>(`/orders/${order.id}/shipments`, {
    lines,
    carrier: 'DHL',
    trackingNumber: unique('JJD'),
    shipmentNumber: unique('S'),
  });

const orderOf = async (orderId: string) => (await system.orders.get<OrderDetail>(`/orders/${orderId}`)).body;
const money = async (orderId: string) =>
  (await system.payments.get<{ totals: MoneyTotals; refunds: { parts: { providerRefundId?: string }[] }[] }>(`/orders/${orderId}/payments`))
    .body;
const expectTotalsOf = async (orderId: string, expected: Partial<MoneyTotals>) => expect(await totalsOf(orderId)).toMatchObject(expected);
const totalsOf = async (orderId: string) => (await system.payments.get<{ totals: MoneyTotals }>(`/orders/${orderId}/payments`)).body.totals;
const cancelledButShippedAmount = async (cancelledButShippedId: string) =>
  (await system.orders.get<{ amount: number; status: string }>(`/cancelled-but-shipped/${cancelledButShippedId}`)).body;

/**
 * Quantities and money agree, whoever won: no line has more shipped and cancelled than ordered,
 * and what the merchant keeps (net), plus what cancelled-but-shipped processes are still to rebill,
 * is exactly what the units not cancelled are worth: nothing collected twice, nothing lost.
 */
async function expectConsistent(
  orderId: string,
  cancelledButShippedIds: readonly string[],
): Promise<{ order: OrderDetail; totals: MoneyTotals }> {
  const order = await orderOf(orderId);
  for (const line of order.lines) {
    expect(line.shippedQuantity + line.cancelledQuantity, `line ${line.lineNo}`).toBeLessThanOrEqual(line.quantity);
    expect(line.openQuantity, `line ${line.lineNo}`).toBe(line.quantity - line.shippedQuantity - line.cancelledQuantity);
  }
  const totals = await totalsOf(orderId);
  expect(totals.net).toBe(
    totals.charged - totals.refunded - totals.ledgerReturned + totals.recaptured + totals.rebilled + totals.paidAgain,
  );
  expect(totals.charged).toBe(5500);
  expect(totals.rebilled).toBe(0); // no cancelled-but-shipped process got as far as rebilling in this file
  const toRebill = (await Promise.all(cancelledButShippedIds.map(cancelledButShippedAmount))).reduce((n, c) => n + c.amount, 0);
  const keptUnits = order.lines.reduce((n, l) => n + (l.quantity - l.cancelledQuantity) * l.unitPrice, 0);
  expect(totals.net + toRebill, `net ${totals.net} + to rebill ${toRebill} against units kept ${keptUnits}`).toBe(keptUnits);
  return { order, totals };
}

describe('undo and a shipment racing on the same line', () => {
  it('one wins: quantities never add up to more than ordered, and nothing is collected twice (recaptured and rebilled)', async () => {
    const order = await importOrder(system.service);
    const [mugs] = order.lines;
    const { cancellationId } = await cancel(order); // card refund of everything: 5500
    await untilCancellation(cancellationId, 'CANCELLED');

    const [undone, shipped] = await Promise.all([
      system.orders.post<UndoAccepted & ErrorAnswer>(`/cancellations/${cancellationId}/undo`, undoBody),
      ship(order, [{ lineId: mugs!.id, quantity: 2 }]),
    ]);
    // The teapot is left to reopen whoever wins: the undo is always accepted.
    expect(undone.status, JSON.stringify(undone.body)).toBe(202);
    const u = await untilUndoFinished(undone.body.undoId);
    expect(u.status).toBe('UNDONE');
    const cancelledButShippedList: string[] = [];
    if (shipped.status === 201) {
      // The shipment won: the mugs shipped though cancelled (the cancelled-but-shipped process rebills them); the undo reopened only the teapot.
      expect(shipped.body.lines[0]).toMatchObject({ quantity: 2, fromOpen: 0, shippedAfterCancel: 2 });
      cancelledButShippedList.push(shipped.body.cancelledButShippedId!);
      expect(u.lines).toEqual([expect.objectContaining({ lineId: order.lines[1]!.id, quantity: 1 })]);
      expect(u.amount).toBe(3000);
      expect(u.steps.find((s) => s.step === 'REQUESTED')!.detail).toMatch(/line 1: 2 shipped since/);
      await expectTotalsOf(order.id, { refunded: 5500, recaptured: 3000, net: 3000 });
    } else {
      // The undo won: the shipment was refused clearly, and goes through as open units once they reopened.
      expect(shipped.status, JSON.stringify(shipped.body)).toBe(409);
      expect(shipped.body.error.message).toMatch(/being reopened by undo .* send the ship notice again once the undo finished/);
      expect(u.amount).toBe(5500);
      const again = await ship(order, [{ lineId: mugs!.id, quantity: 2 }]);
      expect(again.status, JSON.stringify(again.body)).toBe(201);
      expect(again.body.lines[0]).toMatchObject({ quantity: 2, fromOpen: 2, shippedAfterCancel: 0 });
      expect(again.body.cancelledButShippedId).toBeUndefined();
      await expectTotalsOf(order.id, { refunded: 5500, recaptured: 5500, net: 5500 });
    }

    const { order: after } = await expectConsistent(order.id, cancelledButShippedList);
    expect(after.lines[0]).toMatchObject({ shippedQuantity: 2, cancelledQuantity: 0 });
  });

  it('cancelled units an undo is collecting the money for cannot ship meanwhile (they would be paid twice): 409, nothing written; once reopened they ship as open units', async () => {
    const order = await importOrder(system.service);
    const [mugs] = order.lines;
    // Refunded by bank deposit: the undo waits for the customer to pay again, for as long as it takes.
    const { cancellationId } = await cancel(order, { refundMethod: 'BANK_DEPOSIT' });
    await eventually(async () => ((await money(order.id)).refunds[0]?.parts[0]?.providerRefundId ? true : undefined), {
      what: 'the bank refund requested',
    });
    const part = (await money(order.id)).refunds[0]!.parts[0]!;
    await system.payments.post('/provider-events', {
      eventId: unique('evt'),
      type: 'refund.settled',
      providerRefundId: part.providerRefundId,
    });
    await untilCancellation(cancellationId, 'CANCELLED');
    const accepted = await system.orders.post<UndoAccepted>(`/cancellations/${cancellationId}/undo`, undoBody);
    expect(accepted.status).toBe(202);
    const { undoId } = accepted.body;
    const requested = await eventually(
      async () => {
        const u = await undoOf(undoId);
        return u.steps.find((s) => s.step === 'PAYMENT_REQUESTED');
      },
      { what: 'the payment request' },
    );

    const early = await ship(order, [{ lineId: mugs!.id, quantity: 2 }]);
    expect(early.status, JSON.stringify(early.body)).toBe(409);
    expect(early.body.error.message).toMatch(new RegExp(`line 1 \\(MUG-BLUE\\) are being reopened by undo ${undoId}`));
    expect(early.body.error.message).toMatch(/send the ship notice again once the undo finished/);
    const during = await orderOf(order.id);
    expect(during.lines.map((l) => [l.shippedQuantity, l.cancelledQuantity])).toEqual([
      [0, 2],
      [0, 1],
    ]);
    expect(during.timeline.map((e) => e.type)).not.toContain('SHIPMENT_RECORDED');

    const id = /payment request ([0-9a-f-]{36})/.exec(requested.detail!)![1]!;
    const paid = await system.payments.post('/provider-events', {
      eventId: unique('evt'),
      type: 'payment.received',
      paymentRequestId: id,
      amount: 5500,
    });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect((await untilUndoFinished(undoId)).status).toBe('UNDONE');

    const again = await ship(order, [{ lineId: mugs!.id, quantity: 2 }]);
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect(again.body.lines[0]).toMatchObject({ quantity: 2, fromOpen: 2, shippedAfterCancel: 0 });
    expect(again.body.cancelledButShippedId).toBeUndefined();
    await expectTotalsOf(order.id, { refunded: 5500, paidAgain: 5500, net: 5500 });
    await expectConsistent(order.id, []);
  });
});

describe('fill or kill', () => {
  it('the rest of a partly shipped walmart line, cancelled FILL_OR_KILL by the system, cannot be undone: 422, nothing written', async () => {
    const order = await importOrder(system.service, {
      channel: 'walmart',
      lines: [
        { sku: 'CHAIR', quantity: 10, unitPrice: 1000 },
        { sku: 'TABLE', quantity: 1, unitPrice: 5000 },
      ],
    });
    const shipped = await ship(order, [{ lineId: order.lines[0]!.id, quantity: 3 }]);
    expect(shipped.status, JSON.stringify(shipped.body)).toBe(201);
    const fok = shipped.body.fillOrKillCancellationId!;
    expect(fok).toBeDefined();
    await untilCancellation(fok, 'CANCELLED');
    const before = await orderOf(order.id);
    expect(before.cancellations.find((c) => c.id === fok)).toMatchObject({ reason: 'FILL_OR_KILL', initiator: 'SYSTEM', amount: 7000 });
    expect(before.lines[0]).toMatchObject({ shippedQuantity: 3, cancelledQuantity: 7, openQuantity: 0 });
    const totalsBefore = await totalsOf(order.id);

    const refused = await system.orders.post<ErrorAnswer>(`/cancellations/${fok}/undo`, undoBody);
    expect(refused.status, JSON.stringify(refused.body)).toBe(422);
    expect(refused.body.error.message).toMatch(/FILL_OR_KILL cancellation can never be undone/);
    expect(refused.body.error.message).toMatch(/new order/);

    expect((await system.orders.get(`/cancellations/${fok}/undo`)).status).toBe(404);
    expect((await cancellation(fok)).status).toBe('CANCELLED');
    const after = await orderOf(order.id);
    expect(after.lines.map((l) => [l.shippedQuantity, l.cancelledQuantity])).toEqual([
      [3, 7],
      [0, 0],
    ]);
    expect(after.status).toBe(before.status);
    expect(after.timeline.map((e) => e.type)).not.toContain('UNDO_REQUESTED');
    expect(await totalsOf(order.id)).toEqual(totalsBefore);
  });
});
