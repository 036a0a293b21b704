/**
 * Points and store credit an undo takes back from the customer (and gives back again when the undo
 * fails), and the sandbox control that spends them. Every write decides on what is left of the
 * ledger under the order's ledger lock, so two of them never both take the same points.
 */
import { randomUUID } from 'node:crypto';
import { ACTIVITY_FAILURES, RuleViolationError } from '@cancelflow/domain';
import type { Database } from '@cancelflow/service-kit';
import { ledgerBalanceOf, type LedgerKind } from '../money/totals.ts';
import { refundPartOrFail } from '../refunds/store.ts';
import type { UndoMoneyDeps } from './deps.ts';

/** The points or credit given back were spent: they cannot be taken back, the undo is refused. */
export class LedgerSpentError extends RuleViolationError {
  override get failureType() {
    return ACTIVITY_FAILURES.ledgerSpent;
  }
}

const lockLedger = (em: Database['em'], orderId: string) => em.execute('select pg_advisory_xact_lock(hashtext(?))', [`ledger:${orderId}`]);

export function undoLedger(deps: Pick<UndoMoneyDeps, 'orm'>) {
  const em = () => deps.orm.em.fork();
  return {
    /** Atomically: what is left of the points/credit given back on the order covers the amount, or nothing happens. */
    async takeBackLedger(input: { undoId: string; orderId: string; partId: string; amount: number }): Promise<void> {
      const part = await refundPartOrFail(em(), input.partId);
      if (part.channel !== 'POINTS' && part.channel !== 'STORE_CREDIT') {
        throw new RuleViolationError(`refund part ${part.id} went back by ${part.channel}, not through the ledger`);
      }
      const kind = part.channel;
      await em().transactional(async (tem) => {
        await lockLedger(tem, input.orderId);
        const done = await tem.execute<{ id: string }[]>(
          `select "id" from "payments"."ledger_reversal" where "undo_id" = ? and "refund_part_id" = ? and "restored_at" is null`,
          [input.undoId, part.id],
        );
        if (done.length > 0) return;
        const { given, spent, left } = await ledgerBalanceOf(tem, input.orderId, kind);
        const what = kind === 'POINTS' ? 'points' : 'store credit';
        if (left < input.amount) {
          throw new LedgerSpentError(
            `the ${what} given back for this cancellation were already spent (${spent} of ${given} spent, ${Math.max(left, 0)} left, ${input.amount} needed): ` +
              'they cannot be taken back, so the cancellation cannot be undone; sell the items again as a new order instead',
          );
        }
        await tem.execute(
          `insert into "payments"."ledger_reversal" ("id", "undo_id", "refund_part_id", "order_id", "kind", "amount")
           values (?, ?, ?, ?, ?, ?) on conflict ("undo_id", "refund_part_id") do update set "restored_at" = null, "amount" = excluded."amount"`,
          [randomUUID(), input.undoId, part.id, input.orderId, kind, input.amount],
        );
      });
    },

    async restoreLedger(input: { undoId: string }): Promise<{ restored: number }> {
      const rows = await em().execute<{ amount: string | number }[]>(
        `update "payments"."ledger_reversal" set "restored_at" = now() where "undo_id" = ? and "restored_at" is null returning "amount"`,
        [input.undoId],
      );
      return { restored: rows.reduce((n, r) => n + Number(r.amount), 0) };
    },

    /** Sandbox control: the customer spends points/credit given back on the order. */
    async spendLedger(orderId: string, input: { kind: LedgerKind; amount?: number }): Promise<{ spent: number }> {
      return em().transactional(async (tem) => {
        await lockLedger(tem, orderId);
        const { left } = await ledgerBalanceOf(tem, orderId, input.kind);
        const amount = input.amount ?? left;
        if (amount <= 0 || amount > left) {
          throw new RuleViolationError(`order ${orderId} has ${left} ${input.kind} given back and unspent: cannot spend ${amount}`);
        }
        await tem.execute(`insert into "payments"."ledger_spend" ("id", "order_id", "kind", "amount") values (?, ?, ?, ?)`, [
          randomUUID(),
          orderId,
          input.kind,
          amount,
        ]);
        return { spent: amount };
      });
    },
  };
}
