import { Migration } from '@mikro-orm/migrations';

/**
 * One name for the cancelled-but-shipped process: its lines and steps point to it by
 * cancelled_but_shipped_id, and order events that named it carry cancelledButShippedId.
 */
export class Migration0012CancelledButShippedName extends Migration {
  override up(): void {
    for (const table of ['cancelled_but_shipped_line', 'cancelled_but_shipped_step']) {
      this.addSql(`alter table "orders"."${table}" rename column "chain_id" to "cancelled_but_shipped_id"`);
    }
    this.addSql(
      `update "orders"."order_event" set "detail" = ("detail" - 'chainId') || jsonb_build_object('cancelledButShippedId', "detail" -> 'chainId') where "detail" ? 'chainId'`,
    );
  }

  override down(): void {
    for (const table of ['cancelled_but_shipped_line', 'cancelled_but_shipped_step']) {
      this.addSql(`alter table "orders"."${table}" rename column "cancelled_but_shipped_id" to "chain_id"`);
    }
    this.addSql(
      `update "orders"."order_event" set "detail" = ("detail" - 'cancelledButShippedId') || jsonb_build_object('chainId', "detail" -> 'cancelledButShippedId') where "detail" ? 'cancelledButShippedId'`,
    );
  }
}
