/**
 * Returns take back what was shipped; cancellations take what was not. Neither is ever the other:
 * a return of unshipped goods is refused with "cancel instead".
 */
import { RuleViolationError, type ErrorDetail } from './errors.ts';
import type { OrderLineView } from './order.ts';

export const RETURN_REASONS = ['CHANGED_MIND', 'DEFECTIVE', 'WRONG_ITEM', 'CANCELLATION_REJECTED_SHIPPED', 'OTHER'] as const;
export type ReturnReason = (typeof RETURN_REASONS)[number];

export const RETURN_STATUSES = ['OPEN', 'RECEIVED', 'CLOSED'] as const;
export type ReturnStatus = (typeof RETURN_STATUSES)[number];

/** What can still be returned of a line: shipped and not yet returned. */
export const returnableQuantity = (line: Pick<OrderLineView, 'shippedQuantity' | 'returnedQuantity'>): number =>
  line.shippedQuantity - line.returnedQuantity;

export function assertReturnable(
  lines: readonly Pick<
    OrderLineView,
    'id' | 'lineNo' | 'sku' | 'quantity' | 'shippedQuantity' | 'cancelledQuantity' | 'returnedQuantity'
  >[],
  requested: readonly { lineId: string; quantity: number }[],
): void {
  const problems: ErrorDetail[] = [];
  const seen = new Set<string>();
  for (const [i, r] of requested.entries()) {
    const path = `lines[${i}]`;
    const line = lines.find((l) => l.id === r.lineId);
    if (!line) {
      problems.push({ path, message: `line ${r.lineId} is not a line of this order` });
      continue;
    }
    if (seen.has(r.lineId)) {
      problems.push({ path, message: `line ${line.lineNo} (${line.sku}) is listed twice` });
      continue;
    }
    seen.add(r.lineId);
    const returnable = returnableQuantity(line);
    if (r.quantity <= returnable) continue;
    const unshipped = line.quantity - line.shippedQuantity - line.cancelledQuantity;
    if (line.shippedQuantity === 0) {
      problems.push({
        path,
        message: `line ${line.lineNo} (${line.sku}) has not shipped: a return is only for shipped goods; cancel the unshipped quantity instead`,
      });
    } else if (r.quantity > returnable && unshipped > 0 && r.quantity <= returnable + unshipped) {
      problems.push({
        path,
        message: `line ${line.lineNo} (${line.sku}): only ${returnable} shipped can be returned; the other ${r.quantity - returnable} have not shipped: cancel them instead`,
      });
    } else {
      problems.push({
        path,
        message: `line ${line.lineNo} (${line.sku}): cannot return ${r.quantity}, only ${returnable} shipped and not yet returned`,
      });
    }
  }
  if (problems.length > 0) {
    throw new RuleViolationError(problems.length === 1 ? problems[0]!.message : 'some lines cannot be returned as asked', problems);
  }
}
