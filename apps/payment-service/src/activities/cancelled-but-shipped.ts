/** The payments task queue's side of the cancelled-but-shipped chain; idempotent on the chain id. */
import { ApplicationFailure } from '@temporalio/common';
import { DomainError, UnavailableError, createCreditMemoSchema, type CancelledButShippedPaymentActivities } from '@cancelflow/domain';
import { parse } from '@cancelflow/service-kit';
import type { RebillBook } from '../rebills/index.ts';

export function createCancelledButShippedPaymentActivities(book: RebillBook): CancelledButShippedPaymentActivities {
  return {
    recordCustomerAcknowledgement: (input) =>
      forGood(async () => ({ acknowledgementId: (await book.recordAcknowledgement(input)).id })),
    rebillCustomer: (input) =>
      forGood(async () => {
        const rebill = await book.rebill(input);
        return { rebillId: rebill.id, status: rebill.status };
      }),
    issueCreditMemo: (input) =>
      forGood(async () => {
        // The same checks as POST /credit-memos: this service decides, whoever asks.
        const parsed = parse(createCreditMemoSchema, input, 'issueCreditMemo input');
        return { creditMemoId: (await book.issueCreditMemo(parsed)).creditMemo.id };
      }),
  };
}

/** A broken rule is final: retrying gives the same answer. */
async function forGood<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DomainError && !(error instanceof UnavailableError)) {
      throw ApplicationFailure.nonRetryable(error.message, error.name, { code: error.code, details: error.details });
    }
    throw error;
  }
}
