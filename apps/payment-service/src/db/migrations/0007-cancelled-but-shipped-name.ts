import { Migration } from '@mikro-orm/migrations';

const TABLES = ['customer_acknowledgement', 'rebill', 'credit_memo'] as const;

/** One name for the cancelled-but-shipped process: its money rows point to it by cancelled_but_shipped_id. */
export class Migration0007CancelledButShippedName extends Migration {
  override up(): void {
    for (const table of TABLES) {
      this.addSql(`alter table "payments"."${table}" rename column "chain_id" to "cancelled_but_shipped_id"`);
      this.addSql(`alter table "payments"."${table}" rename constraint "${table}_chain_unique" to "${table}_cancelled_but_shipped_unique"`);
    }
  }

  override down(): void {
    for (const table of TABLES) {
      this.addSql(`alter table "payments"."${table}" rename constraint "${table}_cancelled_but_shipped_unique" to "${table}_chain_unique"`);
      this.addSql(`alter table "payments"."${table}" rename column "cancelled_but_shipped_id" to "chain_id"`);
    }
  }
}
