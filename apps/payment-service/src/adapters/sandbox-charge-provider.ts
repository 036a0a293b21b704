import { randomUUID } from 'node:crypto';
import { ConflictError } from '@cancelflow/domain';
import type { Database } from '@cancelflow/service-kit';
import { SandboxCharge } from '../db/entities/index.ts';
import type { ChargeProvider, ChargeRequest } from './charge-provider.ts';

/** A provider's charges for development and tests: kept in sandbox_charge, one per key, always succeed. */
export function createSandboxChargeProvider(orm: Database): ChargeProvider {
  return {
    async charge(input: ChargeRequest) {
      return orm.em.fork().transactional(async (em) => {
        await em.execute('select pg_advisory_xact_lock(hashtext(?))', [`sandbox-charge:${input.idempotencyKey}`]);
        const existing = await em.findOne(SandboxCharge, { idempotencyKey: input.idempotencyKey });
        if (existing) {
          if (existing.amount !== input.amount || existing.orderId !== input.orderId) {
            throw new ConflictError(`idempotency key ${input.idempotencyKey} was used for a different charge`);
          }
          return { providerChargeId: existing.providerChargeId, status: 'SUCCEEDED' as const };
        }
        const row = em.create(SandboxCharge, {
          providerChargeId: `ch_${randomUUID().replaceAll('-', '')}`,
          idempotencyKey: input.idempotencyKey,
          orderId: input.orderId,
          amount: input.amount,
          currency: input.currency,
          paymentReference: input.paymentReference ?? null,
        });
        await em.flush();
        return { providerChargeId: row.providerChargeId, status: 'SUCCEEDED' as const };
      });
    },
  };
}
