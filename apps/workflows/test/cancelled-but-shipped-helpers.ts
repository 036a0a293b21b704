import nodemailer from 'nodemailer';
import { expect } from 'vitest';
import { eventually, importOrder, unique, type OrderBody } from '@cancelflow/testing';
import type { RunningSystem } from '@cancelflow/system';
import type { CancelledButShippedStep } from '@cancelflow/domain';

/** The answers as the services document them (the domain's answer schemas). */
export type { CancelledButShippedBody, CreditMemoBody, EmailBody } from '@cancelflow/domain';
import type { CancelledButShippedBody, EmailBody } from '@cancelflow/domain';

export interface ShipmentAnswer {
  id: string;
  fillOrKillCancellationId?: string;
  cancelledButShippedId?: string;
  lines: { lineId: string; quantity: number; fromOpen: number; shippedAfterCancel: number }[];
}

/** An order whose first line (2 mugs at 12.50) is cancelled and refunded: CANCELLED for that line. */
export async function orderWithCancelledLine(system: RunningSystem, email = `${unique('cust')}@example.com`): Promise<OrderBody> {
  const order = await importOrder(system.orders, { customer: { email, name: 'Ada Lovelace' } });
  const answer = await system.orders.post<{ cancellationId: string }>(`/orders/${order.id}/cancellations`, {
    lines: [{ lineId: order.lines[0]!.id, quantity: 2 }],
    reason: 'OUT_OF_STOCK',
    merchantCancellationNumber: unique('C'),
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(202);
  await eventually(
    async () => {
      const c = await system.orders.get<{ status: string }>(`/cancellations/${answer.body.cancellationId}`);
      return c.body.status === 'CANCELLED' ? c.body : undefined;
    },
    { what: 'the cancellation to complete' },
  );
  return order;
}

/** The warehouse ships the cancelled mugs anyway: the cancelled-but-shipped process starts. */
export async function shipCancelledMugs(system: RunningSystem, order: OrderBody): Promise<ShipmentAnswer> {
  const answer = await system.orders.post<ShipmentAnswer>(`/orders/${order.id}/shipments`, {
    lines: [{ lineId: order.lines[0]!.id, quantity: 2 }],
    carrier: 'DHL',
    trackingNumber: unique('JJD'),
    shipmentNumber: unique('S'),
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  expect(answer.body.cancelledButShippedId).toBeDefined();
  return answer.body;
}

export const cancelledButShipped = async (system: RunningSystem, id: string): Promise<CancelledButShippedBody> =>
  (await system.orders.get<CancelledButShippedBody>(`/cancelled-but-shipped/${id}`)).body;

export const untilCancelledButShipped = (
  system: RunningSystem,
  id: string,
  done: (c: CancelledButShippedBody) => boolean,
  what: string,
  timeoutMs = 30_000,
) =>
  eventually(
    async () => {
      const c = await cancelledButShipped(system, id);
      return done(c) ? c : undefined;
    },
    { what: `cancelled-but-shipped process ${id}: ${what}`, timeoutMs },
  );

export const hasStep = (step: CancelledButShippedStep) => (c: CancelledButShippedBody) => c.steps.some((s) => s.step === step);
export const stepsOf = (c: CancelledButShippedBody) => c.steps.map((s) => s.step);

export async function emailsOf(system: RunningSystem, orderId: string): Promise<EmailBody[]> {
  const answer = await system.notifications.get<{ items: EmailBody[] }>(`/emails?orderId=${orderId}&limit=200`);
  return answer.body.items;
}

export async function customerEmail(system: RunningSystem, orderId: string): Promise<EmailBody> {
  return eventually(async () => (await emailsOf(system, orderId)).find((e) => e.template === 'CANCELLED_BUT_SHIPPED'), {
    what: 'the cancelled-but-shipped email',
  });
}

/** The customer answers from their mail client: a real SMTP conversation to the Reply-To, threaded by In-Reply-To. */
export async function replyByEmail(system: RunningSystem, to: EmailBody, text: string): Promise<void> {
  expect(to.replyTo, `${to.template} asks for a reply, so it names where replies go`).toBeTruthy();
  const transport = nodemailer.createTransport({ host: system.smtp.host, port: system.smtp.port, ignoreTLS: true });
  try {
    await transport.sendMail({
      from: to.to,
      to: to.replyTo!,
      subject: `Re: ${to.subject}`,
      inReplyTo: to.messageId,
      references: [to.messageId],
      text: `${text}\n\nOn Sat, 21 Nov 2026 CancelFlow wrote:\n${to.text
        .split('\n')
        .map((l) => `> ${l}`)
        .join('\n')}`,
    });
  } finally {
    transport.close();
  }
}

export interface RebillBody {
  id: string;
  cancelledButShippedId: string;
  amount: number;
  approvedBy: string;
}

export const rebillsOf = async (system: RunningSystem, cancelledButShippedId: string): Promise<RebillBody[]> =>
  (await system.payments.get<{ items: RebillBody[] }>(`/rebills?cancelledButShippedId=${cancelledButShippedId}`)).body.items;
