import { Migration } from '@mikro-orm/migrations';

/**
 * Bulk cancellation jobs and their orders. An order appears once per job and SKU; the item's
 * outcome and the cancellation it started are written together.
 */
export class Migration0010BulkCancellations extends Migration {
  override up(): void {
    this.addSql(`create table "orders"."bulk_cancellation" (
      "id" uuid primary key,
      "merchant_id" varchar(64) not null,
      "source" varchar(8) not null,
      "sku" varchar(100) null,
      "reason" varchar(32) null,
      "comment" text null,
      "refund_method" varchar(32) not null,
      "restock" boolean not null,
      "status" varchar(16) not null,
      "workflow_id" varchar(100) not null,
      "request_digest" char(64) not null,
      "item_count" integer not null,
      "created_by" varchar(200) not null,
      "created_at" timestamptz not null,
      "finished_at" timestamptz null
    )`);
    this.addSql(`create index "bulk_cancellation_merchant" on "orders"."bulk_cancellation" ("merchant_id", "created_at")`);
    this.addSql(`create table "orders"."bulk_cancellation_item" (
      "bulk_cancellation_id" uuid not null references "orders"."bulk_cancellation" ("id"),
      "item_no" integer not null,
      "order_id" uuid not null,
      "sku" varchar(100) not null,
      "quantity" integer null,
      "reason" varchar(32) not null,
      "outcome" varchar(16) null,
      "cancelled_quantity" integer not null default 0,
      "cancellation_id" uuid null,
      "detail" text null,
      "processed_at" timestamptz null,
      primary key ("bulk_cancellation_id", "item_no"),
      constraint "bulk_cancellation_item_order_sku_unique" unique ("bulk_cancellation_id", "order_id", "sku")
    )`);
  }

  override down(): void {
    this.addSql(`drop table if exists "orders"."bulk_cancellation_item"`);
    this.addSql(`drop table if exists "orders"."bulk_cancellation"`);
  }
}
