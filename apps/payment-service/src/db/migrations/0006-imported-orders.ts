import { Migration } from '@mikro-orm/migrations';

/**
 * The payment service knows an order from its import on, with the payments it was imported with
 * (none, for an order nobody paid for): an order it was told of, even with no payment, is answered,
 * one it never heard of is 404. The orders it knew before this table, by their payments, are copied in.
 */
export class Migration0006ImportedOrders extends Migration {
  override up(): void {
    this.addSql(`
      create table "payments"."imported_order" (
        "order_id" varchar(64) primary key,
        "currency" char(3) not null,
        "imported_at" timestamptz not null default now()
      )`);
    this.addSql(
      `insert into "payments"."imported_order" ("order_id", "currency", "imported_at")
       select "order_id", min("currency"), min("created_at") from "payments"."payment" group by "order_id"
       on conflict ("order_id") do nothing`,
    );
  }

  override down(): void {
    this.addSql(`drop table if exists "payments"."imported_order"`);
  }
}
