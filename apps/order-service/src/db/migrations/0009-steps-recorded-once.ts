import { Migration } from '@mikro-orm/migrations';
import { CANCELLATION_STEPS } from '@cancelflow/domain';

/**
 * A cancellation's steps were written twice: as the step and as an order event
 * CANCELLATION_<step>. The timeline now reads the steps, so the copies go. Every copy has its step
 * (both were written in one transaction); going down, nothing is to be restored.
 */
export class Migration0009StepsRecordedOnce extends Migration {
  override up(): void {
    const copies = CANCELLATION_STEPS.map((step) => `'CANCELLATION_${step}'`).join(', ');
    this.addSql(`delete from "orders"."order_event" where "type" in (${copies}) and "detail"->>'cancellationId' is not null`);
  }

  override down(): void {}
}
