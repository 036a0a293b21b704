/**
 * What moved on an order, counted in one place: paid, refunded to the card or the bank, given back
 * through our ledger, stopped, recaptured, taken back, paid again and rebilled. The refund plan
 * (how much is still refundable), the undo (what the ledger still holds) and the API's totals all
 * read these, so no two of them count the same money differently.
 */
import { netOf, type MoneyTotals } from '@cancelflow/domain/undo-cancellation';
import type { Database } from '@cancelflow/service-kit';
import type { Payment, RefundPartRow } from '../db/entities/index.ts';

type EntityManager = Database['em'];

/** How a refund part stopped by an undo is marked: it moved no money and never will. */
export const STOPPED_FOR_UNDO = 'stopped at the provider before it settled: the cancellation is being undone';

export type LedgerKind = 'POINTS' | 'STORE_CREDIT';

const sum = async (em: EntityManager, sql: string, params: unknown[]): Promise<number> => {
  const rows = await em.execute<{ total: string | number | null }[]>(sql, params);
  return Number(rows[0]?.total ?? 0);
};

const sumOf = (rows: readonly { amount: number }[]): number => rows.reduce((total, row) => total + row.amount, 0);

/**
 * What undos got back on an order, per payment reference: refunds stopped, recaptures, points and
 * credit taken back, plus what was paid again. Refund planning adds it back to what is refundable,
 * so a cancellation after an undo can refund again.
 */
export async function undoCreditsOf(em: EntityManager, orderId: string): Promise<{ total: number; byReference: Map<string, number> }> {
  const rows = await em.execute<{ reference: string | null; amount: string | number }[]>(
    `select p."payment_reference" as reference, p."amount" as amount from "payments"."refund_part" p
       join "payments"."refund" r on r."id" = p."refund_id"
      where r."order_id" = ? and p."status" = 'FAILED' and p."failure_reason" like ?
     union all
     select "payment_reference", "amount" from "payments"."recapture" where "order_id" = ?
     union all
     select p."payment_reference", lr."amount" from "payments"."ledger_reversal" lr
       join "payments"."refund_part" p on p."id" = lr."refund_part_id"
      where lr."order_id" = ? and lr."restored_at" is null
     union all
     select null, "amount" from "payments"."payment_request" where "order_id" = ? and "status" = 'PAID'`,
    [orderId, `${STOPPED_FOR_UNDO}%`, orderId, orderId, orderId],
  );
  const byReference = new Map<string, number>();
  let total = 0;
  for (const row of rows) {
    const amount = Number(row.amount);
    total += amount;
    if (row.reference) byReference.set(row.reference, (byReference.get(row.reference) ?? 0) + amount);
  }
  return { total, byReference };
}

export interface UndoTotals {
  recaptured: number;
  paidAgain: number;
  ledgerTakenBack: number;
  rebilled: number;
}

/** Recaptured, paid again, taken back and rebilled per order. */
export async function undoTotalsOf(em: EntityManager, orderId: string): Promise<UndoTotals> {
  const [recaptured, paidAgain, ledgerTakenBack, rebilled] = await Promise.all([
    sum(em, `select sum("amount") as total from "payments"."recapture" where "order_id" = ?`, [orderId]),
    sum(em, `select sum("amount") as total from "payments"."payment_request" where "order_id" = ? and "status" = 'PAID'`, [orderId]),
    sum(em, `select sum("amount") as total from "payments"."ledger_reversal" where "order_id" = ? and "restored_at" is null`, [orderId]),
    sum(em, `select sum("amount") as total from "payments"."rebill" where "order_id" = ? and "status" = 'SUCCEEDED'`, [orderId]),
  ]);
  return { recaptured, paidAgain, ledgerTakenBack, rebilled };
}

export interface LedgerBalance {
  given: number;
  takenBack: number;
  spent: number;
  /** What is left of the points or credit given back: given - taken back - spent. */
  left: number;
}

/**
 * The points or store credit of one kind given back on an order and what became of them. Call it
 * under the order's ledger lock when what is left decides a write.
 */
export async function ledgerBalanceOf(em: EntityManager, orderId: string, kind: LedgerKind): Promise<LedgerBalance> {
  const given = await sum(em, `select sum("amount") as total from "payments"."ledger_entry" where "order_id" = ? and "kind" = ?`, [
    orderId,
    kind,
  ]);
  const takenBack = await sum(
    em,
    `select sum("amount") as total from "payments"."ledger_reversal" where "order_id" = ? and "kind" = ? and "restored_at" is null`,
    [orderId, kind],
  );
  const spent = await sum(em, `select sum("amount") as total from "payments"."ledger_spend" where "order_id" = ? and "kind" = ?`, [
    orderId,
    kind,
  ]);
  return { given, takenBack, spent, left: given - takenBack - spent };
}

/**
 * What is still refundable on an order: what was paid, less what its refunds give back, plus what
 * undos got back (those can be refunded again). Per payment too, for the plan to draw from.
 */
export async function refundableOf(
  em: EntityManager,
  orderId: string,
  known: {
    payments: readonly Payment[];
    refunds: readonly { amount: number }[];
    refundParts: readonly RefundPartRow[];
  },
) {
  const paid = sumOf(known.payments);
  const undone = await undoCreditsOf(em, orderId);
  const alreadyRefunded = sumOf(known.refunds) - undone.total;
  return {
    paid,
    alreadyRefunded,
    left: paid - alreadyRefunded,
    byPayment: known.payments.map((payment) => ({
      method: payment.method,
      reference: payment.reference,
      refundable:
        payment.amount -
        sumOf(known.refundParts.filter((part) => part.paymentReference === payment.reference)) +
        (undone.byReference.get(payment.reference) ?? 0),
    })),
  };
}

/** The order's money as the API shows it: what moved each way, and the net. */
export async function orderTotalsOf(
  em: EntityManager,
  orderId: string,
  known: { payments: readonly { amount: number }[]; refundParts: readonly RefundPartRow[] },
): Promise<MoneyTotals> {
  const [ledgerGiven, undone] = await Promise.all([
    sum(em, `select sum("amount") as total from "payments"."ledger_entry" where "order_id" = ?`, [orderId]),
    undoTotalsOf(em, orderId),
  ]);
  const refunded = sumOf(
    known.refundParts.filter((part) => part.status === 'SUCCEEDED' && (part.channel === 'CARD' || part.channel === 'BANK_DEPOSIT')),
  );
  const moved = {
    charged: sumOf(known.payments),
    refunded,
    ledgerReturned: ledgerGiven - undone.ledgerTakenBack,
    recaptured: undone.recaptured,
    rebilled: undone.rebilled,
    paidAgain: undone.paidAgain,
  };
  return { ...moved, net: netOf(moved) };
}
