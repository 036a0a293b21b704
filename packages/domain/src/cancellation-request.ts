/**
 * A customer, or a marketplace on the customer's behalf, asks to cancel.
 * Where the order is decides what happens: not yet retrieved by the shop -> accepted at once;
 * being worked on -> the merchant accepts or rejects; shipped -> the answer is a return.
 */
import { ConflictError, RuleViolationError, ValidationError, type ErrorDetail } from './errors.ts';
import { cancellationEligibility, type EligibilityOrder } from './eligibility.ts';
import { openQuantity, type LineQuantities } from './order.ts';

export const CANCELLATION_REQUEST_SOURCES = ['CUSTOMER_SELF_SERVICE', 'CUSTOMER_CONTACT', 'MARKETPLACE'] as const;
export type CancellationRequestSource = (typeof CANCELLATION_REQUEST_SOURCES)[number];

/**
 * Who asks follows from who calls, never from what the caller says: an integration (SERVICE)
 * passes on the marketplace's request, staff record what the customer told them, and only the
 * customer's own link is self-service (its route sets that itself).
 */
const SOURCE_OF_CALLER: Readonly<Record<string, Exclude<CancellationRequestSource, 'CUSTOMER_SELF_SERVICE'>>> = {
  SERVICE: 'MARKETPLACE',
  MERCHANT: 'CUSTOMER_CONTACT',
  SUPPORT: 'CUSTOMER_CONTACT',
};

/** The source of a request made with a bearer token of this role; a stated source must agree. */
export function requestSourceOfCaller(role: string, stated?: CancellationRequestSource): CancellationRequestSource {
  const source = SOURCE_OF_CALLER[role];
  if (!source) throw new ValidationError(`a ${role} token cannot ask to cancel on a customer's behalf`);
  if (stated !== undefined && stated !== source) {
    throw new ValidationError(
      `source: a ${role} token asks as ${source}, not ${stated}${stated === 'CUSTOMER_SELF_SERVICE' ? ' (customers ask through the link of their order email)' : ''}; leave source out`,
      [{ path: 'source', message: `must be ${source} for a ${role} token, or left out` }],
    );
  }
  return source;
}

export const CANCELLATION_REQUEST_STATUSES = ['REQUESTED', 'ACCEPTED', 'REJECTED', 'AUTO_ACCEPTED', 'WITHDRAWN'] as const;
export type CancellationRequestStatus = (typeof CANCELLATION_REQUEST_STATUSES)[number];

/** Why a request was rejected: the merchant said no, or the goods shipped first (-> a return). */
export const CANCELLATION_REQUEST_REJECTIONS = ['MERCHANT', 'SHIPPED'] as const;
export type CancellationRequestRejection = (typeof CANCELLATION_REQUEST_REJECTIONS)[number];

const TRANSITIONS: Readonly<Record<CancellationRequestStatus, readonly CancellationRequestStatus[]>> = {
  REQUESTED: ['ACCEPTED', 'REJECTED', 'WITHDRAWN'],
  ACCEPTED: [],
  REJECTED: [],
  AUTO_ACCEPTED: [],
  WITHDRAWN: [],
};

const DESCRIBED: Readonly<Record<CancellationRequestStatus, string>> = {
  REQUESTED: 'still waiting for the merchant',
  ACCEPTED: 'already accepted',
  REJECTED: 'already rejected',
  AUTO_ACCEPTED: 'already accepted (the order had not been retrieved by the shop)',
  WITHDRAWN: 'withdrawn by the customer',
};

export const isOpenRequest = (status: CancellationRequestStatus): boolean => status === 'REQUESTED';

export const canRequestTransition = (from: CancellationRequestStatus, to: CancellationRequestStatus): boolean =>
  TRANSITIONS[from].includes(to);

/** Only an open request is answered or withdrawn; the message says what became of it. */
export function assertRequestTransition(from: CancellationRequestStatus, to: CancellationRequestStatus): void {
  if (canRequestTransition(from, to)) return;
  throw new ConflictError(`the cancellation request is ${DESCRIBED[from]}: it cannot become ${to}`);
}

/** The initiator of the cancellation that an accepted request becomes. */
export const initiatorOfRequest = (source: CancellationRequestSource): 'CUSTOMER' | 'MARKETPLACE' =>
  source === 'MARKETPLACE' ? 'MARKETPLACE' : 'CUSTOMER';

export interface RequestedCancellationLine {
  lineId: string;
  quantity: number;
}

export type RequestDecision =
  /** Not yet retrieved by the shop: cancelled at once. */
  | { kind: 'AUTO_ACCEPT' }
  /** The shop is working on it: the merchant decides. */
  | { kind: 'ASK_MERCHANT' };

/**
 * Decides whether the customer may ask at all (the channel's window, what is still unshipped,
 * and for the self-service page the store setting) and what happens next. Throws a RuleViolation that says why not, naming each
 * line that cannot be asked for; nothing is to be written when it throws.
 */
export function decideCancellationRequest(
  order: EligibilityOrder & { acknowledged: boolean },
  requested: readonly RequestedCancellationLine[],
  now: Date,
  source: CancellationRequestSource,
): RequestDecision {
  const eligibility = cancellationEligibility(order, now, { selfService: source === 'CUSTOMER_SELF_SERVICE' });
  if (!eligibility.customer.allowed) {
    throw new RuleViolationError(`the customer cannot cancel this order: ${eligibility.customer.reason ?? 'not allowed'}`);
  }
  const problems: ErrorDetail[] = [];
  const seen = new Set<string>();
  for (const [i, r] of requested.entries()) {
    const path = `lines[${i}]`;
    const line = eligibility.lines.find((l) => l.lineId === r.lineId);
    if (!line) {
      problems.push({ path, message: `line ${r.lineId} is not a line of this order` });
      continue;
    }
    if (seen.has(r.lineId)) {
      problems.push({ path, message: `line ${line.lineNo} (${line.sku}) is listed twice` });
      continue;
    }
    seen.add(r.lineId);
    if (r.quantity > line.cancellableQuantity) {
      const why = line.notCancellable.length > 0 ? `: ${line.notCancellable.join('; ')}` : '';
      problems.push({
        path,
        message: `line ${line.lineNo} (${line.sku}): cannot cancel ${r.quantity}, only ${line.cancellableQuantity} can still be cancelled${why}`,
      });
    } else if (line.wholeLineOnly && r.quantity !== line.cancellableQuantity) {
      problems.push({
        path,
        message: `line ${line.lineNo} (${line.sku}): this channel cancels whole lines only; ask for all ${line.cancellableQuantity}`,
      });
    }
  }
  if (problems.length > 0) {
    throw new RuleViolationError(problems.length === 1 ? problems[0]!.message : 'some lines cannot be cancelled as asked', problems);
  }
  return order.status === 'NEW' && !order.acknowledged ? { kind: 'AUTO_ACCEPT' } : { kind: 'ASK_MERCHANT' };
}

/** A shipment overtook the request when a requested quantity is no longer unshipped. */
export function overtakenByShipment(
  lines: readonly (LineQuantities & { id: string })[],
  requested: readonly RequestedCancellationLine[],
): boolean {
  return requested.some((r) => {
    const line = lines.find((l) => l.id === r.lineId);
    return line !== undefined && openQuantity(line) < r.quantity;
  });
}

/** A rejected request whose goods have (partly) shipped answers with a return. */
export function rejectionPointsToReturn(
  lines: readonly (LineQuantities & { id: string })[],
  requested: readonly RequestedCancellationLine[],
): boolean {
  return requested.some((r) => (lines.find((l) => l.id === r.lineId)?.shippedQuantity ?? 0) > 0);
}

/** Workflow ids derive from business ids, so a repeated start finds the running process. */
export const cancellationRequestWorkflowId = (requestId: string): string => `cancellation-request-${requestId}`;

/** The merchant's cancellation number of the cancellation an accepted request becomes. */
export const requestCancellationNumber = (requestId: string): string => `REQ-${requestId}`;
