/**
 * What the undo workflow may ask the payment service to do (task queue "payments"). Idempotent on
 * the undo id. A broken rule (points already spent: LedgerSpentError) fails for good; the database
 * or the provider being unreachable is retried by Temporal.
 */
import { failingForGood } from '@cancelflow/service-kit';
import type { UndoMoney } from '../undo/index.ts';
import type { UndoPaymentActivities } from '@cancelflow/workflows/contracts/undo-cancellation';

export function createUndoPaymentActivities(money: UndoMoney): UndoPaymentActivities {
  return {
    assessUndoMoney: (input) => failingForGood(() => money.assess(input)),
    takeBackLedger: (input) => failingForGood(() => money.takeBackLedger(input)),
    restoreLedger: (input) => failingForGood(() => money.restoreLedger(input)),
    stopRefundPart: (input) => failingForGood(() => money.stopRefundPart(input)),
    recapture: (input) => failingForGood(() => money.recapture(input)),
    requestPayment: (input) => failingForGood(() => money.requestPayment(input)),
    getPaymentRequest: (id) => failingForGood(() => money.getPaymentRequest(id)),
    reconcilePaymentRequest: (id) => failingForGood(() => money.reconcilePaymentRequest(id)),
    expirePaymentRequest: (id) => failingForGood(() => money.expirePaymentRequest(id)),
  };
}
