/**
 * Stuck work, made visible: every process of ours waiting on the outside world (the provider
 * settling a card refund or a bank deposit, a customer paying a payment request) longer than it
 * is expected to take, with what it waits for and since when. The reconciliation heals what a
 * lost message left behind; what is still here after that needs a person (support) to look.
 */
import type { Database } from '@cancelflow/service-kit';

export const OVERDUE_WAIT_KINDS = ['CARD_REFUND', 'BANK_DEPOSIT', 'PAYMENT_REQUEST'] as const;
export type OverdueWaitKind = (typeof OVERDUE_WAIT_KINDS)[number];

export interface OverdueWait {
  kind: OverdueWaitKind;
  /** The refund part or payment request that waits. */
  id: string;
  orderId: string;
  cancellationId: string;
  /** What it waits for, as support reads it. */
  waitingFor: string;
  /** The provider's id of what it waits for, when the provider gave one. */
  providerId: string | null;
  amount: number;
  currency: string;
  since: string;
  /** How long this kind of wait is expected to take, in milliseconds. */
  expectedMs: number;
  /** When we last asked the provider about it (null: never needed to, or never could). */
  lastAskedAt: string | null;
}

export interface WaitExpectations {
  /** A card refund is expected to settle within this long (milliseconds). */
  cardRefundMs: number;
  /** A bank deposit is expected to settle within this long (milliseconds). */
  bankDepositMs: number;
}

interface PartRow {
  id: string;
  order_id: string;
  cancellation_id: string;
  channel: 'CARD' | 'BANK_DEPOSIT';
  provider_refund_id: string | null;
  amount: string | number;
  currency: string;
  since: Date;
  provider_checked_at: Date | null;
}

interface RequestRow {
  id: string;
  order_id: string;
  cancellation_id: string;
  amount: string | number;
  currency: string;
  created_at: Date;
  due_at: Date;
  provider_checked_at: Date | null;
}

/** Oldest first. A payment request is overdue once its due date passed while it is still OPEN. */
export async function overdueWaits(orm: Database, expected: WaitExpectations, now = new Date()): Promise<OverdueWait[]> {
  const em = orm.em.fork();
  const [parts, requests] = await Promise.all([
    em.execute<PartRow[]>(
      `select p."id", r."order_id", r."cancellation_id", p."channel", p."provider_refund_id", p."amount", r."currency",
              r."created_at" as since, p."provider_checked_at"
         from "payments"."refund_part" p join "payments"."refund" r on r."id" = p."refund_id"
        where p."status" = 'PENDING' and p."channel" in ('CARD', 'BANK_DEPOSIT')
          and r."created_at" < case p."channel" when 'CARD' then ?::timestamptz else ?::timestamptz end
        order by r."created_at" asc limit 500`,
      [new Date(now.getTime() - expected.cardRefundMs), new Date(now.getTime() - expected.bankDepositMs)],
    ),
    em.execute<RequestRow[]>(
      `select "id", "order_id", "cancellation_id", "amount", "currency", "created_at", "due_at", "provider_checked_at"
         from "payments"."payment_request" where "status" = 'OPEN' and "due_at" < ? order by "created_at" asc limit 500`,
      [now],
    ),
  ]);
  const waits: OverdueWait[] = [
    ...parts.map((p): OverdueWait => {
      const card = p.channel === 'CARD';
      return {
        kind: card ? 'CARD_REFUND' : 'BANK_DEPOSIT',
        id: p.id,
        orderId: p.order_id,
        cancellationId: p.cancellation_id,
        waitingFor: p.provider_refund_id
          ? `the provider to settle ${card ? 'card refund' : 'bank deposit'} ${p.provider_refund_id}`
          : `the provider to accept the ${card ? 'card refund' : 'bank deposit'} (no answer stored yet)`,
        providerId: p.provider_refund_id,
        amount: Number(p.amount),
        currency: p.currency,
        since: new Date(p.since).toISOString(),
        expectedMs: card ? expected.cardRefundMs : expected.bankDepositMs,
        lastAskedAt: p.provider_checked_at ? new Date(p.provider_checked_at).toISOString() : null,
      };
    }),
    ...requests.map(
      (r): OverdueWait => ({
        kind: 'PAYMENT_REQUEST',
        id: r.id,
        orderId: r.order_id,
        cancellationId: r.cancellation_id,
        waitingFor: `the customer to pay payment request ${r.id}, due ${new Date(r.due_at).toISOString()} (the undo should have ended it)`,
        providerId: null,
        amount: Number(r.amount),
        currency: r.currency,
        since: new Date(r.created_at).toISOString(),
        expectedMs: new Date(r.due_at).getTime() - new Date(r.created_at).getTime(),
        lastAskedAt: r.provider_checked_at ? new Date(r.provider_checked_at).toISOString() : null,
      }),
    ),
  ];
  return waits.sort((a, b) => a.since.localeCompare(b.since));
}
