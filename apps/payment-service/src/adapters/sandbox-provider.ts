/**
 * A payment provider that behaves like a real one, for development and tests: it keeps its own
 * books (sandbox_refund, persisted, so idempotency keys survive restarts and are shared by every
 * process), answers PENDING, and tells us the outcome later through a provider event, the same
 * way a real provider's webhook does. Card refunds settle by themselves after a short delay; bank
 * deposits wait for someone to settle them. Faults per order stand in for a provider's test cards.
 */
import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import { ConflictError, NotFoundError, type SandboxFault as SandboxFaultInput, type SandboxSettleInput } from '@cancelflow/domain';
import type { Database, Logger } from '@cancelflow/service-kit';
import {
  SandboxFaultEntity,
  SandboxRefundEntity,
  type SandboxFault,
  type SandboxRefund,
} from '../db/entities/index.ts';
import type { PaymentProvider, ProviderEventInput, ProviderRefundAnswer, ProviderRefundRequest } from './payment-provider.ts';

export interface SandboxProviderOptions {
  orm: Database;
  logger: Logger;
  /** How long a card refund stays PENDING before it settles by itself. */
  cardSettleMs: number;
  /** Where the sandbox's webhooks go: the service's own provider-event handler. */
  deliverEvent: (event: ProviderEventInput) => Promise<unknown>;
}

export interface SandboxProvider extends PaymentProvider {
  /** Settles card refunds a crash left pending; call once the event handler can take events. */
  start(): Promise<void>;
  addFault(input: SandboxFaultInput): Promise<SandboxFault>;
  /** Ends a PENDING refund the way the provider would, and sends the event. */
  settle(providerRefundId: string, input: SandboxSettleInput): Promise<SandboxRefund>;
  close(): Promise<void>;
}

/** Webhook deliveries are retried like a real provider's: the part may not be linked yet. */
const DELIVERY_RETRY_DELAYS_MS = [100, 250, 500, 1000, 2000, 5000];

export function createSandboxProvider(options: SandboxProviderOptions): SandboxProvider {
  const { orm, logger, cardSettleMs, deliverEvent } = options;
  const timers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<Promise<void>>();
  let closed = false;

  async function submit(
    kind: SandboxRefund['kind'],
    input: ProviderRefundRequest & { paymentReference?: string },
  ): Promise<ProviderRefundAnswer> {
    const em = orm.em.fork();
    const { row, created } = await em.transactional(async (tem) => {
      // One decision per idempotency key, even across processes.
      await tem.execute('select pg_advisory_xact_lock(hashtext(?))', [`sandbox-refund:${input.idempotencyKey}`]);
      const existing = await tem.findOne(SandboxRefundEntity, { idempotencyKey: input.idempotencyKey });
      if (existing) {
        if (existing.kind !== kind || existing.amount !== input.amount || existing.orderId !== input.orderId) {
          throw new ConflictError(
            `idempotency key ${input.idempotencyKey} was used for a different refund (${existing.kind} of ${existing.amount} ${existing.currency} for order ${existing.orderId})`,
          );
        }
        return { row: existing, created: false };
      }
      const fault = await activeFault(tem, input.orderId);
      let status: SandboxRefund['status'] = 'PENDING';
      let failureReason: string | null = null;
      if (fault?.mode === 'FAIL') {
        status = 'FAILED';
        failureReason = fault.failureReason;
      } else if (fault?.mode === 'FAIL_ONCE') {
        const consumed = await tem.nativeUpdate(SandboxFaultEntity, { id: fault.id, consumed: false }, { consumed: true });
        if (consumed === 1) {
          status = 'FAILED';
          failureReason = fault.failureReason;
        }
      }
      const now = new Date();
      const row = tem.create(SandboxRefundEntity, {
        providerRefundId: `${kind === 'CARD' ? 're' : 'bd'}_${randomUUID().replaceAll('-', '')}`,
        idempotencyKey: input.idempotencyKey,
        kind,
        orderId: input.orderId,
        amount: input.amount,
        currency: input.currency,
        paymentReference: input.paymentReference ?? null,
        status,
        failureReason,
        autoSettle: kind === 'CARD' && fault?.mode !== 'SETTLE_MANUALLY',
        createdAt: now,
        settledAt: status === 'FAILED' ? now : null,
      });
      await tem.flush();
      return { row, created: true };
    });
    if (created && row.status === 'PENDING' && row.autoSettle) scheduleSettle(row.providerRefundId, cardSettleMs);
    return answerOf(row);
  }

  async function activeFault(em: Database['em'], orderId: string): Promise<SandboxFault | null> {
    return em.findOne(
      SandboxFaultEntity,
      { orderId, operation: 'refund', consumed: false },
      { orderBy: { createdAt: 'desc' } },
    );
  }

  function scheduleSettle(providerRefundId: string, delayMs: number): void {
    if (closed) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      track(autoSettle(providerRefundId));
    }, delayMs);
    timers.add(timer);
  }

  function track(work: Promise<void>): void {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  }

  async function autoSettle(providerRefundId: string): Promise<void> {
    let row: SandboxRefund;
    try {
      row = await markSettled(providerRefundId, { outcome: 'SETTLED' });
    } catch (err) {
      // Someone ended it by hand first: nothing left to do.
      if (err instanceof ConflictError) return;
      if (!closed) logger.error({ err, providerRefundId }, 'sandbox provider could not settle a card refund');
      return;
    }
    for (let attempt = 0; ; attempt++) {
      if (closed) return;
      try {
        await deliverEvent(eventOf(row));
        return;
      } catch (err) {
        const delay = DELIVERY_RETRY_DELAYS_MS[attempt];
        if (delay === undefined || closed) {
          if (!closed) logger.error({ err, providerRefundId }, 'sandbox provider gave up delivering refund.settled');
          return;
        }
        logger.warn({ err, providerRefundId, attempt }, 'sandbox provider will retry delivering refund.settled');
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  async function markSettled(providerRefundId: string, input: SandboxSettleInput): Promise<SandboxRefund> {
    const em = orm.em.fork();
    return em.transactional(async (tem) => {
      const row = await tem.findOne(SandboxRefundEntity, { providerRefundId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!row) throw new NotFoundError(`the sandbox provider has no refund ${providerRefundId}`);
      if (row.status === 'PENDING') {
        row.status = input.outcome;
        row.failureReason = input.outcome === 'FAILED' ? (input.failureReason ?? 'refund_failed') : null;
        row.settledAt = new Date();
        await tem.flush();
      } else if (row.status !== input.outcome) {
        throw new ConflictError(
          `sandbox refund ${providerRefundId} is already ${row.status}; it cannot become ${input.outcome}`,
        );
      }
      return row;
    });
  }

  return {
    refundCard: (input) => submit('CARD', input),
    sendBankDeposit: (input) => submit('BANK_DEPOSIT', input),

    async start() {
      const em = orm.em.fork();
      const pending = await em.find(SandboxRefundEntity, { kind: 'CARD', status: 'PENDING', autoSettle: true });
      for (const row of pending) {
        scheduleSettle(row.providerRefundId, Math.max(0, row.createdAt.getTime() + cardSettleMs - Date.now()));
      }
      if (pending.length > 0) logger.info({ count: pending.length }, 'sandbox provider settles card refunds left pending');
    },

    async addFault(input) {
      const em = orm.em.fork();
      return em.transactional(async (tem) => {
        // The newest fault for an order decides: earlier ones are superseded.
        await tem.nativeUpdate(
          SandboxFaultEntity,
          { orderId: input.orderId, operation: input.operation, consumed: false },
          { consumed: true },
        );
        const fault = tem.create(SandboxFaultEntity, {
          id: randomUUID(),
          orderId: input.orderId,
          operation: input.operation,
          mode: input.mode,
          failureReason: input.failureReason,
          consumed: false,
          createdAt: new Date(),
        });
        await tem.flush();
        return fault;
      });
    },

    async settle(providerRefundId, input) {
      const row = await markSettled(providerRefundId, input);
      await deliverEvent(eventOf(row));
      return row;
    },

    async close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled([...inFlight]);
    },
  };
}

function answerOf(row: SandboxRefund): ProviderRefundAnswer {
  return row.status === 'FAILED'
    ? { providerRefundId: row.providerRefundId, status: 'FAILED', failureReason: row.failureReason ?? 'refund_failed' }
    : { providerRefundId: row.providerRefundId, status: 'PENDING' };
}

/** One event id per refund and outcome: delivering it again is a provider retry, deduplicated. */
function eventOf(row: SandboxRefund): ProviderEventInput {
  return row.status === 'FAILED'
    ? {
        eventId: `sandbox:${row.providerRefundId}:failed`,
        type: 'refund.failed',
        providerRefundId: row.providerRefundId,
        failureReason: row.failureReason ?? 'refund_failed',
      }
    : { eventId: `sandbox:${row.providerRefundId}:settled`, type: 'refund.settled', providerRefundId: row.providerRefundId };
}
