/**
 * The money of cancelled but shipped: the customer's recorded acknowledgement, the rebill and the credit memo.
 * The rule this service enforces itself, whoever asks (a workflow's activity or POST /credit-memos):
 * no credit memo, and no rebill, without a recorded acknowledgement in which the customer accepted
 * the item, for the same cancelled-but-shipped process, order and amount. Each is idempotent on the cancelled-but-shipped process id.
 */
import { randomUUID } from 'node:crypto';
import {
  ConflictError,
  NotFoundError,
  RuleViolationError,
  type CreateCreditMemoInput,
  type CustomerAcknowledgementBody,
  type RebillBody,
  type CreditMemoBody,
} from '@cancelflow/domain';
import { isUniqueViolation, type Database } from '@cancelflow/service-kit';
import type { ChargeProvider } from '../adapters/charge-provider.ts';
import { CreditMemo, CustomerAcknowledgement, Payment, Rebill } from '../db/entities/index.ts';
import type { CancelledButShippedPaymentActivities } from '@cancelflow/workflows/contracts/cancelled-but-shipped';
import { isUuid } from '@cancelflow/domain';

type RecordInput = Parameters<CancelledButShippedPaymentActivities['recordCustomerAcknowledgement']>[0];
type RebillInput = Parameters<CancelledButShippedPaymentActivities['rebillCustomer']>[0];

export function createRebillBook(deps: { orm: Database; charges: ChargeProvider }) {
  const em = () => deps.orm.em.fork();

  /** The acknowledgement a rebill or credit memo stands on; refuses anything else, saying why. */
  async function acceptedAcknowledgement(
    what: string,
    ref: { acknowledgementId?: string; cancelledButShippedId: string; orderId: string; amount: number; currency: string },
  ): Promise<CustomerAcknowledgement> {
    const ack = ref.acknowledgementId
      ? isUuid(ref.acknowledgementId)
        ? await em().findOne(CustomerAcknowledgement, { id: ref.acknowledgementId })
        : null
      : await em().findOne(CustomerAcknowledgement, { cancelledButShippedId: ref.cancelledButShippedId });
    if (!ack) {
      throw new RuleViolationError(
        `${what} refused: no customer acknowledgement ${ref.acknowledgementId ?? `of cancelled-but-shipped process ${ref.cancelledButShippedId}`} is recorded; ` +
          'the customer must accept the item and the rebill first (by replying to the email or through support)',
        [{ path: 'acknowledgementId', message: 'no recorded customer acknowledgement' }],
      );
    }
    if (ack.cancelledButShippedId !== ref.cancelledButShippedId || ack.orderId !== ref.orderId) {
      throw new RuleViolationError(
        `${what} refused: acknowledgement ${ack.id} belongs to cancelled-but-shipped process ${ack.cancelledButShippedId} of order ${ack.orderId}, not to cancelled-but-shipped process ${ref.cancelledButShippedId} of order ${ref.orderId}`,
        [{ path: 'acknowledgementId', message: 'belongs to another cancelled-but-shipped process or order' }],
      );
    }
    if (!ack.accepted) {
      throw new RuleViolationError(
        `${what} refused: the customer refused the item (acknowledgement ${ack.id}): it is returned, nothing is paid`,
      );
    }
    if (ack.amount !== ref.amount || ack.currency !== ref.currency) {
      throw new RuleViolationError(
        `${what} refused: the customer acknowledged ${ack.amount} ${ack.currency}, not ${ref.amount} ${ref.currency}`,
        [{ path: 'amount', message: `must be the acknowledged ${ack.amount} ${ack.currency}` }],
      );
    }
    return ack;
  }

  return {
    async recordAcknowledgement(input: RecordInput): Promise<CustomerAcknowledgement> {
      const existing = await em().findOne(CustomerAcknowledgement, { cancelledButShippedId: input.cancelledButShippedId });
      if (existing) return existing;
      const a = input.acknowledgement;
      if (!a.evidence.trim()) throw new RuleViolationError("an acknowledgement needs the customer's words as evidence");
      try {
        const fork = em();
        const row = fork.create(CustomerAcknowledgement, {
          id: randomUUID(),
          cancelledButShippedId: input.cancelledButShippedId,
          orderId: input.orderId,
          merchantId: input.merchantId,
          accepted: a.accepted,
          via: a.via,
          recordedBy: a.by,
          evidence: a.evidence,
          messageId: a.messageId ?? null,
          amount: input.amount,
          currency: input.currency,
          acknowledgedAt: new Date(a.at),
        });
        await fork.flush();
        return row;
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        return (await em().findOne(CustomerAcknowledgement, { cancelledButShippedId: input.cancelledButShippedId }))!;
      }
    },

    async acknowledgement(id: string): Promise<CustomerAcknowledgement | null> {
      return isUuid(id) ? em().findOne(CustomerAcknowledgement, { id }) : null;
    },

    async rebill(input: RebillInput): Promise<Rebill> {
      const done = await em().findOne(Rebill, { cancelledButShippedId: input.cancelledButShippedId });
      if (done) return done;
      if (input.amount <= 0) throw new RuleViolationError('a rebill is for more than 0');
      const ack = await acceptedAcknowledgement('the rebill', input);
      const card = await em().findOne(Payment, { orderId: input.orderId, method: 'CARD' }, { orderBy: { createdAt: 'asc' } });
      const charge = await deps.charges.charge({
        idempotencyKey: `rebill:${input.cancelledButShippedId}`,
        orderId: input.orderId,
        amount: input.amount,
        currency: input.currency,
        ...(card ? { paymentReference: card.reference } : {}),
      });
      try {
        const fork = em();
        const row = fork.create(Rebill, {
          id: randomUUID(),
          cancelledButShippedId: input.cancelledButShippedId,
          orderId: input.orderId,
          acknowledgementId: ack.id,
          amount: input.amount,
          currency: input.currency,
          status: charge.status,
          providerChargeId: charge.providerChargeId,
          approvedBy: input.approvedBy,
        });
        await fork.flush();
        return row;
      } catch (error) {
        // A racing request recorded the same charge (same provider key) first.
        if (!isUniqueViolation(error)) throw error;
        return (await em().findOne(Rebill, { cancelledButShippedId: input.cancelledButShippedId }))!;
      }
    },

    async rebillsOf(query: { cancelledButShippedId?: string; orderId?: string }): Promise<Rebill[]> {
      return em().find(Rebill, {
        ...(query.cancelledButShippedId ? { cancelledButShippedId: query.cancelledButShippedId } : {}),
        ...(query.orderId ? { orderId: query.orderId } : {}),
      });
    },

    /** Pays the seller. Refused unless it references the cancelled-but-shipped process's recorded, accepting acknowledgement. */
    async issueCreditMemo(input: CreateCreditMemoInput): Promise<{ creditMemo: CreditMemo; created: boolean }> {
      const ack = await acceptedAcknowledgement('the credit memo', input);
      const existing = await em().findOne(CreditMemo, { cancelledButShippedId: input.cancelledButShippedId });
      if (existing) {
        if (existing.amount !== input.amount || existing.acknowledgementId !== ack.id || existing.merchantId !== input.merchantId) {
          throw new ConflictError(
            `cancelled-but-shipped process ${input.cancelledButShippedId} already has credit memo ${existing.id} of ${existing.amount} ${existing.currency}`,
          );
        }
        return { creditMemo: existing, created: false };
      }
      if (ack.merchantId !== input.merchantId) {
        throw new RuleViolationError(
          `the credit memo refused: cancelled-but-shipped process ${input.cancelledButShippedId} is of merchant ${ack.merchantId}, not ${input.merchantId}`,
        );
      }
      try {
        const fork = em();
        const row = fork.create(CreditMemo, {
          id: randomUUID(),
          cancelledButShippedId: input.cancelledButShippedId,
          orderId: input.orderId,
          merchantId: input.merchantId,
          acknowledgementId: ack.id,
          amount: input.amount,
          currency: input.currency,
        });
        await fork.flush();
        return { creditMemo: row, created: true };
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        return {
          creditMemo: (await em().findOne(CreditMemo, { cancelledButShippedId: input.cancelledButShippedId }))!,
          created: false,
        };
      }
    },

    async creditMemo(id: string): Promise<CreditMemo> {
      const memo = isUuid(id) ? await em().findOne(CreditMemo, { id }) : null;
      if (!memo) throw new NotFoundError(`no credit memo ${id}`);
      return memo;
    },
  };
}
export type RebillBook = ReturnType<typeof createRebillBook>;

export const acknowledgementView = (a: CustomerAcknowledgement): CustomerAcknowledgementBody => ({
  id: a.id,
  cancelledButShippedId: a.cancelledButShippedId,
  orderId: a.orderId,
  merchantId: a.merchantId,
  accepted: a.accepted,
  via: a.via,
  recordedBy: a.recordedBy,
  evidence: a.evidence,
  messageId: a.messageId ?? undefined,
  amount: a.amount,
  currency: a.currency,
  acknowledgedAt: a.acknowledgedAt.toISOString(),
});

export const rebillView = (r: Rebill): RebillBody => ({
  id: r.id,
  cancelledButShippedId: r.cancelledButShippedId,
  orderId: r.orderId,
  acknowledgementId: r.acknowledgementId,
  amount: r.amount,
  currency: r.currency,
  status: r.status,
  providerChargeId: r.providerChargeId,
  approvedBy: r.approvedBy,
  createdAt: r.createdAt.toISOString(),
});

export const creditMemoView = (m: CreditMemo): CreditMemoBody => ({
  id: m.id,
  cancelledButShippedId: m.cancelledButShippedId,
  orderId: m.orderId,
  merchantId: m.merchantId,
  acknowledgementId: m.acknowledgementId,
  amount: m.amount,
  currency: m.currency,
  createdAt: m.createdAt.toISOString(),
});
