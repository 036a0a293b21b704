import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@cancelflow/service-kit';
import type { RunningPaymentService } from '../src/service.ts';
import type { PaymentProvider } from '../src/adapters/payment-provider.ts';
import { createPaymentBook } from '../src/refunds/index.ts';
import { call, countRows, recordPayments, startTestService, uniqueId, waitForRefundStatus } from './helpers.ts';

/**
 * A provider that settles a card refund the instant it accepts it: its event races our storing of
 * the provider's refund id. The part holds the idempotency key the provider echoes from before the
 * provider is called, so the event finds its part on its first delivery, however many race at once.
 */
let service: RunningPaymentService;
const warnings: string[] = [];

beforeAll(async () => {
  const logger = createLogger('payment-service', {
    write: (line: string) => {
      const entry = JSON.parse(line) as { level: number; msg?: string; err?: { message?: string } };
      if (entry.level >= 40) warnings.push(`${entry.msg ?? ''}: ${entry.err?.message ?? ''}`);
    },
  });
  service = await startTestService({ sandboxCardSettleMs: 0 }, { logger });
});

afterAll(async () => {
  await service?.close();
});

const outboxOf = (merchantReferences: string[]) =>
  service.orm.em.fork().execute<{ attempts: number; delivered_at: Date | null; last_error: string | null }[]>(
    `select o."attempts", o."delivered_at", o."last_error" from "payments"."sandbox_outbox" o
        where o."payload"->>'merchantReference' in (${merchantReferences.map(() => '?').join(', ')})`,
    merchantReferences,
  );

describe('a settlement that arrives at once finds its refund part', () => {
  it('the provider settles before it has even answered: the event is applied on its first delivery, before the answer is stored', async () => {
    const orderId = uniqueId('order');
    const cancellationId = uniqueId('cancel');
    await recordPayments(service, orderId, [{ method: 'CARD', amount: 2100 }]);
    await call(service, 'POST', '/sandbox/faults', { orderId, operation: 'refund', mode: 'SETTLE_MANUALLY' });
    // A provider whose webhook overtakes its own answer: settled and delivered, then it answers.
    const overtaking: PaymentProvider = {
      ...service.sandbox,
      async refundCard(input) {
        const answer = await service.sandbox.refundCard(input);
        await service.sandbox.settle(answer.providerRefundId, { outcome: 'SETTLED' });
        return answer;
      },
    };
    const book = createPaymentBook({ orm: service.orm, provider: overtaking });

    const refund = await book.requestRefund({ cancellationId, orderId, currency: 'EUR', amount: 2100, refundMethod: 'ORIGINAL_PAYMENT' });
    expect(refund).toMatchObject({
      status: 'SUCCEEDED',
      parts: [{ channel: 'CARD', status: 'SUCCEEDED', providerRefundId: expect.any(String) }],
    });
    expect(await outboxOf([`${cancellationId}:1:1`])).toEqual([expect.objectContaining({ attempts: 1, last_error: null })]);
    expect(warnings).toEqual([]);
  });

  it('twenty card refunds settled the moment they are accepted: each event is applied on its first delivery, nothing retried or warned', async () => {
    const refunds = Array.from({ length: 20 }, () => {
      const orderId = uniqueId('order');
      const cancellationId = uniqueId('cancel');
      return {
        orderId,
        cancellationId,
        input: { cancellationId, orderId, currency: 'EUR', amount: 1800, refundMethod: 'ORIGINAL_PAYMENT' } as const,
      };
    });
    for (const { orderId } of refunds) await recordPayments(service, orderId, [{ method: 'CARD', amount: 1800 }]);

    const outcomes = await Promise.all(refunds.map(({ input }) => service.activities.requestRefund(input)));
    for (const outcome of outcomes) await waitForRefundStatus(service, outcome.refundId, 'SUCCEEDED');

    const keys = refunds.map(({ cancellationId }) => `${cancellationId}:1:1`);
    const events = await outboxOf(keys);
    expect(events).toHaveLength(refunds.length);
    for (const event of events) expect(event).toMatchObject({ attempts: 1, last_error: null, delivered_at: expect.anything() });
    expect(await countRows(service, 'provider_event', `"payload"->>'merchantReference' in (${keys.map(() => '?').join(', ')})`, keys)).toBe(
      refunds.length,
    );
    expect(warnings).toEqual([]);
  });
});
