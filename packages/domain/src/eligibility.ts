import { policyFor, type Channel } from './channel-policies.ts';
import { openQuantity, type LineQuantities, type OrderStatus } from './order.ts';

export interface EligibilityOrder {
  channel: Channel;
  status: OrderStatus;
  placedAt: Date;
  /** Store setting: the web shop may turn customer self-service off. */
  selfServiceEnabled: boolean;
  lines: readonly (LineQuantities & { id: string; lineNo: number; sku: string })[];
}

export interface PartyEligibility {
  allowed: boolean;
  /** Why the party cannot cancel at all, when it cannot. */
  reason?: string;
  /** Until when the party can still ask (ISO time), for windows that close. */
  until?: string;
}

export interface LineEligibility {
  lineId: string;
  lineNo: number;
  sku: string;
  quantity: number;
  shippedQuantity: number;
  cancelledQuantity: number;
  /** What can be cancelled now. */
  cancellableQuantity: number;
  /** On whole-lines-only channels the cancellable quantity must be taken whole. */
  wholeLineOnly: boolean;
  /** Why the rest of the line cannot be cancelled. */
  notCancellable: string[];
}

export interface CancellationEligibility {
  channel: Channel;
  merchant: PartyEligibility;
  customer: PartyEligibility;
  lines: LineEligibility[];
}

/**
 * The web shop's store setting that turns self-service off. It closes the customer's own page
 * (and the order confirmation's cancel link) only: a customer who contacts the shop, or a
 * marketplace asking on the customer's behalf, is still heard.
 */
export const selfServiceTurnedOff = (order: Pick<EligibilityOrder, 'channel' | 'selfServiceEnabled'>): boolean =>
  policyFor(order.channel).selfServiceConfigurable && !order.selfServiceEnabled;

/**
 * What can be cancelled now, by whom, and why not the rest. `customer` is the customer's own
 * eligibility on the self-service page; `{ selfService: false }` asks for a customer who reached
 * the shop another way (contact, marketplace), whom the store's self-service setting does not bar.
 */
export function cancellationEligibility(
  order: EligibilityOrder,
  now: Date,
  { selfService = true }: { selfService?: boolean } = {},
): CancellationEligibility {
  const policy = policyFor(order.channel);
  const finished = finishedReason(order.status);
  const merchant: PartyEligibility = finished ? { allowed: false, reason: finished } : { allowed: true };
  const customer = customerEligibility(order, now, finished, selfService);

  const lines = order.lines.map((line): LineEligibility => {
    const open = finished ? 0 : openQuantity(line);
    const notCancellable: string[] = [];
    if (line.shippedQuantity > 0) {
      notCancellable.push(`${line.shippedQuantity} shipped: a return, not a cancellation`);
    }
    if (line.cancelledQuantity > 0) notCancellable.push(`${line.cancelledQuantity} already cancelled`);
    let cancellable = open;
    if (!policy.partialQuantity && line.shippedQuantity > 0 && open > 0) {
      cancellable = 0;
      notCancellable.push(`${policy.label} cancels whole unshipped lines only`);
    }
    if (finished && openQuantity(line) > 0) notCancellable.push(finished);
    return {
      lineId: line.id,
      lineNo: line.lineNo,
      sku: line.sku,
      quantity: line.quantity,
      shippedQuantity: line.shippedQuantity,
      cancelledQuantity: line.cancelledQuantity,
      cancellableQuantity: cancellable,
      wholeLineOnly: !policy.partialQuantity,
      notCancellable,
    };
  });
  return { channel: order.channel, merchant, customer, lines };
}

function finishedReason(status: OrderStatus): string | undefined {
  switch (status) {
    case 'SHIPPED':
      return 'the order has shipped: open a return instead';
    case 'CANCELLED':
      return 'the order is already cancelled';
    case 'CLOSED':
      return 'the order is closed';
    default:
      return undefined;
  }
}

function customerEligibility(order: EligibilityOrder, now: Date, finished: string | undefined, selfService: boolean): PartyEligibility {
  if (finished) return { allowed: false, reason: finished };
  const policy = policyFor(order.channel);
  if (selfService && selfServiceTurnedOff(order)) {
    return { allowed: false, reason: 'the shop has turned self-service cancellation off: contact the shop' };
  }
  const window = policy.customerCancelWindow;
  if (window.kind === 'MINUTES_AFTER_ORDER') {
    const until = new Date(order.placedAt.getTime() + window.minutes * 60_000);
    if (now.getTime() > until.getTime()) {
      return {
        allowed: false,
        reason: `${policy.label} lets customers cancel within ${window.minutes} minutes of ordering; that window closed at ${until.toISOString()}`,
        until: until.toISOString(),
      };
    }
    return { allowed: true, until: until.toISOString() };
  }
  return { allowed: true };
}
