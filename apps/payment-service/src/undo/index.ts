/**
 * The payment side of undoing a cancellation, over one database and the provider: what the refund
 * gave back and what the provider can still do about it (assess.ts), points and credit taken back
 * (ledger.ts), card refunds stopped and recaptured (card.ts), and payment requests the customer
 * pays through provider events (payment-requests.ts). What all of that adds up to per order is
 * counted in money/totals.ts. Every operation is idempotent on the undo id (and part or round).
 */
import { undoAssessment } from './assess.ts';
import { undoCard } from './card.ts';
import type { UndoMoneyDeps } from './deps.ts';
import { undoLedger } from './ledger.ts';
import { undoPaymentRequests } from './payment-requests.ts';

export type { UndoMoneyDeps } from './deps.ts';
export { LedgerSpentError } from './ledger.ts';
export { paymentRequestView } from './payment-requests.ts';

export function createUndoMoney(deps: UndoMoneyDeps) {
  return { ...undoAssessment(deps), ...undoLedger(deps), ...undoCard(deps), ...undoPaymentRequests(deps) };
}
export type UndoMoney = ReturnType<typeof createUndoMoney>;
