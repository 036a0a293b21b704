/**
 * A payment provider that behaves like a real one, for development and tests: it keeps its own
 * books (sandbox_refund, persisted, so idempotency keys survive restarts and are shared by every
 * process), answers PENDING, and tells us the outcome later through a provider event, the same
 * way a real provider's webhook does. Card refunds settle by themselves after a short delay; bank
 * deposits wait for someone to settle them. Faults per order stand in for a provider's test cards.
 *
 * Like a real provider, it never owes an event only in memory: settling a refund (or taking a
 * customer's payment) stores the event in its outbox in the same transaction, and a sweep delivers
 * what is due, with retries over a long window, in whichever process runs next. Its status
 * lookups answer from the same books, so a lost event is found by asking.
 *
 * It can also be down for every order for a while (an outage, shared by every process through
 * its table): it answers 500 to refunds and status lookups, or takes a refund and loses the
 * answer, and sends no event until it is back; refunds it took still settle meanwhile.
 */
import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import {
  ConflictError,
  NotFoundError,
  RuleViolationError,
  UnavailableError,
  ValidationError,
  type PaymentReceivedEvent,
  type SandboxFault as SandboxFaultInput,
  type SandboxOutageInput,
  type SandboxSettleInput,
} from '@cancelflow/domain';
import type { Database, Logger } from '@cancelflow/service-kit';
import { faultPoint } from '@cancelflow/service-kit/faults';
import { SandboxFault, SandboxRefund } from '../db/entities/index.ts';
import type {
  PaymentProvider,
  ProviderEventInput,
  ProviderRefundAnswer,
  ProviderRefundRequest,
  ProviderRefundStatus,
} from './payment-provider.ts';

/** What the sandbox delivers to the service's provider-event handler. */
export type SandboxEvent = ProviderEventInput | PaymentReceivedEvent;

export interface SandboxProviderOptions {
  orm: Database;
  logger: Logger;
  /** How long a card refund stays PENDING before it settles by itself. */
  cardSettleMs: number;
  /** Where the sandbox's webhooks go: the service's own provider-event handler. */
  deliverEvent: (event: SandboxEvent) => Promise<unknown>;
  /** How often stored events and due card settlements are swept (default 1 s). */
  sweepMs?: number;
  /** How long an undelivered event is retried before the sandbox gives up on it (default 3 days). */
  deliveryWindowMs?: number;
  /** It can be taken down for every order (SANDBOX_OUTAGES); without, it never asks whether it is down. */
  outages?: boolean;
}

/** The provider is down until `until`, in the way `mode` says. */
export interface SandboxOutage {
  mode: SandboxOutageInput['mode'];
  startedAt: Date;
  until: Date;
}

export interface SandboxProvider extends PaymentProvider {
  /** Starts the sweep; call once the event handler can take events. */
  start(): Promise<void>;
  addFault(input: SandboxFaultInput): Promise<SandboxFault>;
  /** The provider goes down for every order (a new outage replaces the current one). */
  startOutage(input: SandboxOutageInput): Promise<SandboxOutage>;
  /** The provider is back now; the outage it ended, or null when it was not down. */
  endOutage(): Promise<SandboxOutage | null>;
  /** Ends a PENDING refund the way the provider would, and sends the event. */
  settle(providerRefundId: string, input: SandboxSettleInput): Promise<SandboxRefund>;
  /** The customer pays a payment request (a test control); the provider tells us with payment.received. */
  payPaymentRequest(input: {
    paymentRequestId: string;
    amount: number;
    currency: string;
    silent?: boolean;
  }): Promise<{ providerPaymentId: string; created: boolean }>;
  /** What the provider's books say about the payment of a payment request (null: not paid). */
  paymentOf(paymentRequestId: string): Promise<{ providerPaymentId: string; amount: number; paidAt: string } | null>;
  /** Delivers every stored event that is due now (the sweep calls it; tests may too). */
  deliverDue(): Promise<number>;
  close(): Promise<void>;
}

/** Retries grow from a second to ten minutes, like a real provider's webhook schedule. */
const FIRST_RETRY_MS = 1000;
const LONGEST_RETRY_MS = 10 * 60 * 1000;
/** A claimed event is not claimed again for this long (a process that died while delivering). */
const DELIVERY_LEASE_MS = 30_000;
const DAY_MS = 24 * 60 * 60 * 1000;

interface OutageRow {
  mode: SandboxOutage['mode'];
  started_at: Date;
  until: Date;
}

const outageOf = (row: OutageRow | undefined): SandboxOutage | null =>
  row ? { mode: row.mode, startedAt: new Date(row.started_at), until: new Date(row.until) } : null;

/** What a caller of a provider that is down sees: a 500, which the refund's activity retries. */
function providerDown(outage: SandboxOutage, what: string): UnavailableError {
  return new UnavailableError(
    `the payment provider answered 500 (the sandbox is down until ${outage.until.toISOString()}): it ${what}; tried again under the same idempotency key`,
  );
}

interface OutboxRow {
  event_id: string;
  payload: SandboxEvent;
  attempts: number;
  created_at: Date;
}

export function createSandboxProvider(options: SandboxProviderOptions): SandboxProvider {
  const { orm, logger, cardSettleMs, deliverEvent } = options;
  const sweepMs = options.sweepMs ?? 1000;
  const deliveryWindowMs = options.deliveryWindowMs ?? 3 * DAY_MS;
  const timers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<Promise<unknown>>();
  let sweeper: NodeJS.Timeout | undefined;
  let sweeping = false;
  let closed = false;

  async function submit(
    kind: SandboxRefund['kind'],
    input: ProviderRefundRequest & { paymentReference?: string },
  ): Promise<ProviderRefundAnswer> {
    const outage = await currentOutage();
    if (outage?.mode === 'UNAVAILABLE') throw providerDown(outage, 'refused the refund before taking it');
    const em = orm.em.fork();
    const { row, created } = await em.transactional(async (tem) => {
      // One decision per idempotency key, even across processes.
      await tem.execute('select pg_advisory_xact_lock(hashtext(?))', [`sandbox-refund:${input.idempotencyKey}`]);
      const existing = await tem.findOne(SandboxRefund, { idempotencyKey: input.idempotencyKey });
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
        const consumed = await tem.nativeUpdate(SandboxFault, { id: fault.id, consumed: false }, { consumed: true });
        if (consumed === 1) {
          status = 'FAILED';
          failureReason = fault.failureReason;
        }
      }
      const now = new Date();
      const row = tem.create(SandboxRefund, {
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
        silent: fault?.mode === 'SETTLE_SILENTLY',
        createdAt: now,
        settledAt: status === 'FAILED' ? now : null,
      });
      await tem.flush();
      return { row, created: true };
    });
    if (created && row.status === 'PENDING' && row.autoSettle) scheduleSettle(row.providerRefundId, cardSettleMs);
    if (outage) throw providerDown(outage, 'took the refund, but its answer was lost');
    return answerOf(row);
  }

  async function currentOutage(): Promise<SandboxOutage | null> {
    // Every refund, status lookup and sweep asks: no query where no outage can be started.
    if (!options.outages) return null;
    const [row] = await orm.em
      .fork()
      .execute<OutageRow[]>(`select "mode", "started_at", "until" from "payments"."sandbox_outage" where "until" > now()`);
    return outageOf(row);
  }

  async function activeFault(em: Database['em'], orderId: string): Promise<SandboxFault | null> {
    return em.findOne(SandboxFault, { orderId, operation: 'refund', consumed: false }, { orderBy: { createdAt: 'desc' } });
  }

  /** The quick path: settle on time in this process. The sweep settles what a restart left behind. */
  function scheduleSettle(providerRefundId: string, delayMs: number): void {
    if (closed) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      track(
        settleAndDeliver(providerRefundId, { outcome: 'SETTLED' }).catch((err: unknown) => {
          // Someone ended it by hand first, or the process is going away: the books say what is left.
          if (!(err instanceof ConflictError) && !closed)
            logger.warn({ err, providerRefundId }, 'sandbox provider could not settle a card refund now; the sweep will');
        }),
      );
    }, delayMs);
    timers.add(timer);
  }

  function track<T>(work: Promise<T>): Promise<T> {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work)).catch(() => undefined);
    return work;
  }

  async function settleAndDeliver(providerRefundId: string, input: SandboxSettleInput): Promise<SandboxRefund> {
    const row = await markSettled(providerRefundId, input);
    // The event is stored with the settlement: a crash here only delays it until the next sweep.
    faultPoint('sandbox.refund-settled', row.orderId);
    await deliverStored(eventOf(row).eventId);
    return row;
  }

  /** Settles a PENDING refund and stores the event it owes, in one transaction. */
  async function markSettled(providerRefundId: string, input: SandboxSettleInput): Promise<SandboxRefund> {
    const em = orm.em.fork();
    return em.transactional(async (tem) => {
      const row = await tem.findOne(SandboxRefund, { providerRefundId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!row) throw new NotFoundError(`the sandbox provider has no refund ${providerRefundId}`);
      if (row.status === 'PENDING') {
        row.status = input.outcome;
        row.failureReason = input.outcome === 'FAILED' ? (input.failureReason ?? 'refund_failed') : null;
        row.settledAt = new Date();
        await tem.flush();
        if (!row.silent) await storeEvent(tem, eventOf(row));
      } else if (row.status !== input.outcome) {
        throw new ConflictError(`sandbox refund ${providerRefundId} is already ${row.status}; it cannot become ${input.outcome}`);
      }
      return row;
    });
  }

  async function storeEvent(em: Database['em'], event: SandboxEvent): Promise<void> {
    await em.execute(
      `insert into "payments"."sandbox_outbox" ("event_id", "type", "payload") values (?, ?, ?::jsonb) on conflict ("event_id") do nothing`,
      [event.eventId, event.type, JSON.stringify(event)],
    );
  }

  /** Claims due events (or one event) for this process, so two processes never deliver one at once. */
  async function claim(eventId?: string): Promise<OutboxRow[]> {
    return orm.em.fork().execute<OutboxRow[]>(
      `update "payments"."sandbox_outbox" o set "attempts" = o."attempts" + 1, "next_attempt_at" = now() + (? * interval '1 millisecond')
        where o."event_id" in (
          select "event_id" from "payments"."sandbox_outbox"
           where "delivered_at" is null and "abandoned_at" is null and "next_attempt_at" <= now() ${eventId ? 'and "event_id" = ?' : ''}
           order by "next_attempt_at" limit 50 for update skip locked)
        returning o."event_id", o."payload", o."attempts", o."created_at"`,
      eventId ? [DELIVERY_LEASE_MS, eventId] : [DELIVERY_LEASE_MS],
    );
  }

  async function deliver(row: OutboxRow): Promise<boolean> {
    const em = orm.em.fork();
    try {
      await deliverEvent(row.payload);
      await em.execute(`update "payments"."sandbox_outbox" set "delivered_at" = now(), "last_error" = null where "event_id" = ?`, [
        row.event_id,
      ]);
      return true;
    } catch (err) {
      const age = Date.now() - new Date(row.created_at).getTime();
      const message = (err instanceof Error ? err.message : String(err)).slice(0, 500);
      // Refused for a reason a retry cannot change (a payment for an expired request): the
      // receiver answered; like a real provider's dashboard, the event stays marked with why.
      const refused = err instanceof ConflictError || err instanceof RuleViolationError || err instanceof ValidationError;
      if (refused) {
        await em.execute(`update "payments"."sandbox_outbox" set "abandoned_at" = now(), "last_error" = ? where "event_id" = ?`, [
          message,
          row.event_id,
        ]);
        logger.warn({ err, eventId: row.event_id }, 'the receiver refused an event of the sandbox provider; it is not sent again');
        return false;
      }
      if (age >= deliveryWindowMs) {
        await em.execute(`update "payments"."sandbox_outbox" set "abandoned_at" = now(), "last_error" = ? where "event_id" = ?`, [
          message,
          row.event_id,
        ]);
        logger.error(
          { err, eventId: row.event_id, attempts: row.attempts },
          'sandbox provider gave up delivering an event; asking for the status still finds it',
        );
        return false;
      }
      const delay = Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, row.attempts - 1));
      await em.execute(
        `update "payments"."sandbox_outbox" set "next_attempt_at" = now() + (? * interval '1 millisecond'), "last_error" = ? where "event_id" = ?`,
        [delay, message, row.event_id],
      );
      if (!closed)
        logger.warn(
          { err, eventId: row.event_id, attempt: row.attempts, retryInMs: delay },
          'sandbox provider will retry delivering an event',
        );
      return false;
    }
  }

  async function deliverStored(eventId: string): Promise<void> {
    // Down: the event waits in the outbox; the first sweep after the outage sends it.
    if (await currentOutage()) return;
    for (const row of await claim(eventId)) await deliver(row);
  }

  /** Settles card refunds whose time has come (a restart, or a timer that never fired) and delivers due events. */
  async function sweep(): Promise<number> {
    if (sweeping || closed) return 0;
    sweeping = true;
    try {
      const due = await orm.em
        .fork()
        .find(
          SandboxRefund,
          { kind: 'CARD', status: 'PENDING', autoSettle: true, createdAt: { $lte: new Date(Date.now() - cardSettleMs) } },
          { limit: 100 },
        );
      for (const row of due) {
        if (closed) break;
        const settled = await markSettled(row.providerRefundId, { outcome: 'SETTLED' }).catch((err: unknown) => {
          if (!(err instanceof ConflictError)) throw err;
        });
        if (settled) faultPoint('sandbox.refund-settled', row.orderId);
      }
      let delivered = 0;
      const down = await currentOutage();
      for (;;) {
        if (closed || down) break;
        const batch = await claim();
        for (const row of batch) if (await deliver(row)) delivered += 1;
        if (batch.length < 50) break;
      }
      return delivered;
    } finally {
      sweeping = false;
    }
  }

  async function refundStatus(providerRefundId: string): Promise<ProviderRefundStatus> {
    const outage = await currentOutage();
    if (outage) throw providerDown(outage, 'could not say how the refund stands');
    const row = await orm.em.fork().findOne(SandboxRefund, { providerRefundId });
    if (!row) return { providerRefundId, status: 'UNKNOWN' };
    return row.status === 'FAILED'
      ? { providerRefundId, status: 'FAILED', failureReason: row.failureReason ?? 'refund_failed' }
      : { providerRefundId, status: row.status };
  }

  return {
    refundCard: (input) => submit('CARD', input),
    sendBankDeposit: (input) => submit('BANK_DEPOSIT', input),
    refundStatus,

    async start() {
      if (closed || sweeper) return;
      const tick = () => {
        track(sweep())
          .catch((err: unknown) => {
            if (!closed) logger.warn({ err }, 'sandbox provider sweep failed; it runs again shortly');
          })
          .finally(() => {
            if (!closed) sweeper = setTimeout(tick, sweepMs);
          });
      };
      tick();
    },

    async addFault(input) {
      const em = orm.em.fork();
      return em.transactional(async (tem) => {
        // The newest fault for an order decides: earlier ones are superseded.
        await tem.nativeUpdate(SandboxFault, { orderId: input.orderId, operation: input.operation, consumed: false }, { consumed: true });
        const fault = tem.create(SandboxFault, {
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

    async startOutage(input) {
      if (!options.outages) throw new RuleViolationError('the sandbox provider runs without SANDBOX_OUTAGES: it cannot be taken down');
      const [row] = await orm.em.fork().execute<OutageRow[]>(
        `insert into "payments"."sandbox_outage" ("id", "mode", "started_at", "until") values (1, ?, now(), now() + (? * interval '1 second'))
           on conflict ("id") do update set "mode" = excluded."mode", "started_at" = excluded."started_at", "until" = excluded."until"
         returning "mode", "started_at", "until"`,
        [input.mode, input.seconds],
      );
      logger.warn({ mode: input.mode, seconds: input.seconds }, 'sandbox provider: down for every order (a testing aid)');
      return outageOf(row)!;
    },

    async endOutage() {
      const [row] = await orm.em
        .fork()
        .execute<OutageRow[]>(`delete from "payments"."sandbox_outage" returning "mode", "started_at", "until"`);
      const ended = outageOf(row);
      return ended && ended.until > new Date() ? ended : null;
    },

    settle: (providerRefundId, input) => track(settleAndDeliver(providerRefundId, input)),

    async payPaymentRequest(input) {
      const { providerPaymentId, created } = await orm.em.fork().transactional(async (tem) => {
        await tem.execute('select pg_advisory_xact_lock(hashtext(?))', [`sandbox-payment:${input.paymentRequestId}`]);
        const [existing] = await tem.execute<{ provider_payment_id: string }[]>(
          `select "provider_payment_id" from "payments"."sandbox_payment" where "payment_request_id" = ?`,
          [input.paymentRequestId],
        );
        if (existing) return { providerPaymentId: existing.provider_payment_id, created: false };
        const id = `py_${randomUUID().replaceAll('-', '')}`;
        await tem.execute(
          `insert into "payments"."sandbox_payment" ("provider_payment_id", "payment_request_id", "amount", "currency") values (?, ?, ?, ?)`,
          [id, input.paymentRequestId, input.amount, input.currency],
        );
        if (!input.silent) await storeEvent(tem, paymentEventOf(input.paymentRequestId, id, input.amount));
        return { providerPaymentId: id, created: true };
      });
      faultPoint('sandbox.payment-received');
      await track(deliverStored(paymentEventOf(input.paymentRequestId, providerPaymentId, input.amount).eventId));
      return { providerPaymentId, created };
    },

    async paymentOf(paymentRequestId) {
      const [row] = await orm.em
        .fork()
        .execute<{ provider_payment_id: string; amount: string | number; paid_at: Date }[]>(
          `select "provider_payment_id", "amount", "paid_at" from "payments"."sandbox_payment" where "payment_request_id" = ?`,
          [paymentRequestId],
        );
      return row
        ? { providerPaymentId: row.provider_payment_id, amount: Number(row.amount), paidAt: new Date(row.paid_at).toISOString() }
        : null;
    },

    deliverDue: () => track(sweep()),

    async close() {
      closed = true;
      if (sweeper) clearTimeout(sweeper);
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

/**
 * One event id per refund and outcome: delivering it again is a provider retry, deduplicated. It
 * echoes our idempotency key, so it finds its part even before our side stored the provider's id.
 */
function eventOf(row: SandboxRefund): ProviderEventInput {
  const base = { providerRefundId: row.providerRefundId, merchantReference: row.idempotencyKey };
  return row.status === 'FAILED'
    ? {
        ...base,
        eventId: `sandbox:${row.providerRefundId}:failed`,
        type: 'refund.failed',
        failureReason: row.failureReason ?? 'refund_failed',
      }
    : { ...base, eventId: `sandbox:${row.providerRefundId}:settled`, type: 'refund.settled' };
}

function paymentEventOf(paymentRequestId: string, providerPaymentId: string, amount: number): PaymentReceivedEvent {
  return { eventId: `sandbox:${providerPaymentId}:received`, type: 'payment.received', paymentRequestId, amount, providerPaymentId };
}
