/**
 * The sandbox provider's side of undoing a cancellation, on its own persisted books:
 * - a pending CARD refund can be cancelled before it settles; a bank deposit, once sent, cannot;
 * - every card payment carries an authorisation that expires `authorisationDays` after the
 *   payment (or earlier, when a test expires it: POST /sandbox/authorisations/expire);
 * - a recapture succeeds while the authorisation holds, once per idempotency key;
 * - what a customer paid for a payment request is in its books (sandbox_payment, written by the
 *   sandbox provider's pay control), so asking finds a payment whose event was lost.
 */
import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { Database } from '@cancelflow/service-kit';
import { Payment, SandboxAuthorisation, SandboxRecapture, SandboxRefund } from '../db/entities/index.ts';
import type { RecaptureAnswer, UndoPaymentProvider } from './undo-provider.ts';

export interface SandboxUndoProvider extends UndoPaymentProvider {
  /** Makes the authorisation of a payment lapse now (a test control). */
  expireAuthorisation(input: { orderId: string; paymentReference: string }): Promise<{ expiresAt: string }>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function createSandboxUndoProvider(options: { orm: Database; authorisationDays: number }): SandboxUndoProvider {
  const { orm } = options;

  async function authorisation(input: { orderId: string; paymentReference: string }) {
    const em = orm.em.fork();
    const payment = await em.findOne(Payment, { orderId: input.orderId, reference: input.paymentReference, method: 'CARD' });
    if (!payment) return { active: false, expiresAt: null };
    const override = await em.findOne(SandboxAuthorisation, { orderId: input.orderId, paymentReference: input.paymentReference });
    const expiresAt = override?.expiresAt ?? new Date(payment.createdAt.getTime() + options.authorisationDays * DAY_MS);
    return { active: expiresAt.getTime() > Date.now(), expiresAt: expiresAt.toISOString() };
  }

  return {
    async canCancelRefund(providerRefundId) {
      const row = await orm.em.fork().findOne(SandboxRefund, { providerRefundId });
      return row?.kind === 'CARD' && row.status === 'PENDING';
    },

    async cancelRefund(providerRefundId) {
      return orm.em.fork().transactional(async (em) => {
        const row = await em.findOne(SandboxRefund, { providerRefundId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (!row) return false;
        if (row.status === 'CANCELLED') return true;
        if (row.kind !== 'CARD' || row.status !== 'PENDING') return false;
        row.status = 'CANCELLED';
        row.settledAt = new Date();
        await em.flush();
        return true;
      });
    },

    authorisation,

    async recapture(input): Promise<RecaptureAnswer> {
      return orm.em.fork().transactional(async (em) => {
        await em.execute('select pg_advisory_xact_lock(hashtext(?))', [`sandbox-recapture:${input.idempotencyKey}`]);
        const existing = await em.findOne(SandboxRecapture, { idempotencyKey: input.idempotencyKey });
        if (existing) return { status: 'SUCCEEDED', providerRecaptureId: existing.providerRecaptureId };
        const auth = await authorisation(input);
        if (!auth.active) {
          return {
            status: 'REFUSED',
            reason: auth.expiresAt ? `the card authorisation expired at ${auth.expiresAt}` : 'no card authorisation for this payment',
          };
        }
        const row = em.create(SandboxRecapture, {
          providerRecaptureId: `rc_${randomUUID().replaceAll('-', '')}`,
          idempotencyKey: input.idempotencyKey,
          orderId: input.orderId,
          paymentReference: input.paymentReference,
          amount: input.amount,
          currency: input.currency,
          createdAt: new Date(),
        });
        await em.flush();
        return { status: 'SUCCEEDED', providerRecaptureId: row.providerRecaptureId };
      });
    },

    async paymentOf(paymentRequestId) {
      const [row] = await orm.em
        .fork()
        .execute<{ provider_payment_id: string; amount: string | number }[]>(
          `select "provider_payment_id", "amount" from "payments"."sandbox_payment" where "payment_request_id" = ?`,
          [paymentRequestId],
        );
      return row ? { providerPaymentId: row.provider_payment_id, amount: Number(row.amount) } : null;
    },

    async expireAuthorisation(input) {
      const expiresAt = new Date(Date.now() - 1000);
      await orm.em.fork().execute(
        `insert into "payments"."sandbox_authorisation" ("order_id", "payment_reference", "expires_at") values (?, ?, ?)
         on conflict ("order_id", "payment_reference") do update set "expires_at" = excluded."expires_at"`,
        [input.orderId, input.paymentReference, expiresAt],
      );
      return { expiresAt: expiresAt.toISOString() };
    },
  };
}
