import { Migration } from '@mikro-orm/migrations';

/**
 * Shipments (advance ship notices) with what each took from its lines, and the cancelled-but-
 * shipped chains they start, with their lines and steps.
 */
export class Migration0003Shipments extends Migration {
  override up(): void {
    this.addSql(`create table "orders"."shipment" (
      "id" uuid primary key,
      "order_id" uuid not null references "orders"."order" ("id"),
      "shipment_number" varchar(100) not null,
      "carrier" varchar(100) not null,
      "tracking_number" varchar(100) not null,
      "shipped_at" timestamptz not null,
      "created_at" timestamptz not null default now(),
      constraint "shipment_number_unique" unique ("order_id", "shipment_number")
    )`);
    this.addSql(`create table "orders"."shipment_line" (
      "shipment_id" uuid not null references "orders"."shipment" ("id") on delete cascade,
      "order_line_id" uuid not null references "orders"."order_line" ("id"),
      "quantity" integer not null check ("quantity" > 0),
      "from_open" integer not null check ("from_open" >= 0),
      "from_cancelled" integer not null check ("from_cancelled" >= 0),
      constraint "shipment_line_split" check ("from_open" + "from_cancelled" = "quantity"),
      primary key ("shipment_id", "order_line_id")
    )`);
    this.addSql(`create table "orders"."cancelled_but_shipped" (
      "id" uuid primary key,
      "order_id" uuid not null references "orders"."order" ("id"),
      "shipment_id" uuid not null references "orders"."shipment" ("id"),
      "merchant_id" varchar(64) not null,
      "status" varchar(30) not null,
      "amount" bigint not null check ("amount" >= 0),
      "currency" char(3) not null,
      "workflow_id" varchar(200) not null,
      "cancellation_ids" jsonb not null default '[]',
      "acknowledgement" jsonb null,
      "acknowledgement_id" varchar(64) null,
      "rebill_approved_by" varchar(100) null,
      "created_at" timestamptz not null default now(),
      "updated_at" timestamptz not null default now(),
      constraint "cancelled_but_shipped_shipment_unique" unique ("shipment_id")
    )`);
    this.addSql(`create index "cancelled_but_shipped_status_index" on "orders"."cancelled_but_shipped" ("status", "created_at")`);
    this.addSql(`create index "cancelled_but_shipped_order_index" on "orders"."cancelled_but_shipped" ("order_id")`);
    this.addSql(`create table "orders"."cancelled_but_shipped_line" (
      "chain_id" uuid not null references "orders"."cancelled_but_shipped" ("id") on delete cascade,
      "order_line_id" uuid not null references "orders"."order_line" ("id"),
      "quantity" integer not null check ("quantity" > 0),
      "unit_price" bigint not null check ("unit_price" >= 0),
      primary key ("chain_id", "order_line_id")
    )`);
    this.addSql(`create table "orders"."cancelled_but_shipped_step" (
      "id" uuid primary key,
      "chain_id" uuid not null references "orders"."cancelled_but_shipped" ("id") on delete cascade,
      "step" varchar(30) not null,
      "key" varchar(200) not null default '',
      "detail" text null,
      "actor" varchar(320) not null,
      "at" timestamptz not null default clock_timestamp(),
      constraint "cancelled_but_shipped_step_once" unique ("chain_id", "step", "key")
    )`);
  }

  override down(): void {
    for (const table of [
      'cancelled_but_shipped_step',
      'cancelled_but_shipped_line',
      'cancelled_but_shipped',
      'shipment_line',
      'shipment',
    ]) {
      this.addSql(`drop table if exists "orders"."${table}"`);
    }
  }
}
