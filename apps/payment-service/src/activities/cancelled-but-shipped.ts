/** The payments task queue's side of the cancelled-but-shipped process; idempotent on the cancelled-but-shipped process id. */
import { createCreditMemoSchema } from '@cancelflow/domain';
import { failingForGood, parse } from '@cancelflow/service-kit';
import type { RebillBook } from '../rebills/index.ts';
import type { CancelledButShippedPaymentActivities } from '@cancelflow/workflows/contracts/cancelled-but-shipped';

export function createCancelledButShippedPaymentActivities(book: RebillBook): CancelledButShippedPaymentActivities {
  return {
    recordCustomerAcknowledgement: (input) =>
      failingForGood(async () => ({ acknowledgementId: (await book.recordAcknowledgement(input)).id })),
    rebillCustomer: (input) =>
      failingForGood(async () => {
        const rebill = await book.rebill(input);
        return { rebillId: rebill.id, status: rebill.status };
      }),
    issueCreditMemo: (input) =>
      failingForGood(async () => {
        // The same checks as POST /credit-memos: this service decides, whoever asks.
        const parsed = parse(createCreditMemoSchema, input, 'issueCreditMemo input');
        return { creditMemoId: (await book.issueCreditMemo(parsed)).creditMemo.id };
      }),
  };
}
