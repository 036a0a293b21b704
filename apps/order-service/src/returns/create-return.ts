import { randomUUID } from 'node:crypto';
import { assertReturnable, ConflictError, RuleViolationError, type CreateReturnInput } from '@cancelflow/domain';
import { isUniqueViolation, type Database } from '@cancelflow/service-kit';
import { CancellationRequest, Return, ReturnLine, type OrderLine } from '../db/entities/index.ts';
import { assertId, linesOf, lockOrderOrFail, recordOrderEvent } from '../db/order-store.ts';

export interface CreatedReturn {
  ret: Return;
  lines: ReturnLine[];
  orderLines: OrderLine[];
}

/**
 * A return of shipped quantities (never a cancellation), under the order's row lock; the
 * merchant's return number, when given, is unique per merchant. Used by POST /orders/:id/returns
 * and POST /v2/returns/merchant.
 */
export async function createReturn(db: Database, orderId: string, input: CreateReturnInput): Promise<CreatedReturn> {
  try {
    return await db.em.fork().transactional(async (em) => {
      const order = await lockOrderOrFail(em, orderId);
      const lines = await linesOf(em, order.id);
      assertReturnable(lines, input.lines);
      if (input.cancellationRequestId) {
        const request = await em.findOne(CancellationRequest, {
          id: assertId(input.cancellationRequestId, 'cancellation request'),
          orderId: order.id,
        });
        if (!request) throw new RuleViolationError(`cancellation request ${input.cancellationRequestId} is not a request of this order`);
      }
      const ret = em.create(Return, {
        id: randomUUID(),
        orderId: order.id,
        merchantId: order.merchantId,
        merchantReturnNumber: input.merchantReturnNumber ?? null,
        reason: input.reason,
        comment: input.comment ?? null,
        status: 'OPEN',
        cancellationRequestId: input.cancellationRequestId ?? null,
        createdAt: new Date(),
      });
      await em.flush();
      const returned = input.lines.map((r) => {
        const line = lines.find((l) => l.id === r.lineId)!;
        line.returnedQuantity += r.quantity;
        return em.create(ReturnLine, { returnId: ret.id, orderLineId: line.id, quantity: r.quantity });
      });
      recordOrderEvent(em, order.id, 'RETURN_OPENED', { returnId: ret.id, reason: input.reason, lines: input.lines }, 'merchant');
      await em.flush();
      return { ret, lines: returned, orderLines: lines };
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new ConflictError(
        `merchantReturnNumber ${input.merchantReturnNumber} is already used by another return of this merchant: use a new number for a new return`,
        [{ path: 'merchantReturnNumber', message: 'already used by another return of this merchant' }],
      );
    }
    throw error;
  }
}
