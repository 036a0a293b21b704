/** From the Merchant API's words (MerchantOrderNo, MerchantProductNo) to CancelFlow's ids. */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Response } from 'express';
import { ForbiddenError } from '@cancelflow/domain';
import { principalOf } from '@cancelflow/service-kit';
import { Order, type OrderLine } from '../db/entities/index.ts';
import { MerchantApiError } from './envelope.ts';

/** The merchant the key (or token) acts for: the Merchant API is always one merchant's. */
export function merchantOf(res: Response): string {
  const { merchantId } = principalOf(res);
  if (merchantId === undefined) throw new ForbiddenError("the Merchant API works for one merchant: use that merchant's API key");
  return merchantId;
}

/**
 * The caller's order by the shop's own number (named when acknowledging): another merchant's
 * order with that number is not there, exactly like a missing one.
 */
export async function orderByMerchantOrderNo(em: EntityManager, merchantId: string, merchantOrderNo: string): Promise<Order> {
  const order = await em.findOne(Order, { merchantId, merchantOrderNo });
  if (!order) {
    const message = `no order has MerchantOrderNo ${merchantOrderNo}: an order gets its MerchantOrderNo when it is acknowledged (POST /v2/orders/acknowledge)`;
    throw new MerchantApiError(404, message, { MerchantOrderNo: [message] });
  }
  return order;
}

export interface ProductLine {
  MerchantProductNo: string;
  Quantity: number;
}

export interface NativeLines {
  lines: { lineId: string; quantity: number }[];
  /** For each native line, the index of the request line it came from (for error paths). */
  origins: number[];
}

/**
 * Products and quantities as the order's lines: a product on several lines fills them in line
 * order, each up to `room` (what it can still take); what does not fit goes to the product's last
 * line, where the native rule refuses it with its own message. Quantities of 0 name nothing.
 */
export function nativeLines(
  orderLines: readonly OrderLine[],
  requested: readonly ProductLine[],
  room: (line: OrderLine) => number,
  what: string,
): NativeLines {
  const taken = new Map<string, number>();
  const origins = new Map<string, number>();
  const unknown: Record<string, string[]> = {};
  requested.forEach((r, i) => {
    const candidates = orderLines.filter((l) => l.sku === r.MerchantProductNo);
    if (candidates.length === 0) {
      unknown[`Lines[${i}].MerchantProductNo`] = [`the order has no line of product ${r.MerchantProductNo}`];
      return;
    }
    let left = r.Quantity;
    for (const line of candidates) {
      if (left === 0) break;
      const fits = Math.min(left, Math.max(0, room(line) - (taken.get(line.id) ?? 0)));
      if (fits === 0) continue;
      taken.set(line.id, (taken.get(line.id) ?? 0) + fits);
      if (!origins.has(line.id)) origins.set(line.id, i);
      left -= fits;
    }
    if (left > 0) {
      const last = candidates[candidates.length - 1]!;
      taken.set(last.id, (taken.get(last.id) ?? 0) + left);
      if (!origins.has(last.id)) origins.set(last.id, i);
    }
  });
  const [firstUnknown] = Object.values(unknown);
  if (firstUnknown) throw new MerchantApiError(400, `cannot ${what}: ${firstUnknown[0]}`, unknown);
  const lines = orderLines.filter((l) => taken.has(l.id)).map((l) => ({ lineId: l.id, quantity: taken.get(l.id)! }));
  if (lines.length === 0)
    throw new MerchantApiError(400, `name at least one line with a Quantity of 1 or more to ${what}`, {
      Lines: [`name at least one line with a Quantity of 1 or more to ${what}`],
    });
  return { lines, origins: lines.map((l) => origins.get(l.lineId)!) };
}
