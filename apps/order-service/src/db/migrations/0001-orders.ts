import { Migration } from '@mikro-orm/migrations';

/** Orders, their lines and timeline; cancellations with lines and steps; disputes; sandbox logs. */
export class Migration0001Orders extends Migration {
  override up(): void {
    this.addSql(`create table "orders"."order" (
      "id" uuid primary key,
      "merchant_id" varchar(64) not null,
      "channel" varchar(20) not null,
      "channel_order_no" varchar(100) not null,
      "placed_at" timestamptz not null,
      "currency" char(3) not null,
      "customer_email" varchar(320) not null,
      "customer_name" varchar(200) not null,
      "acknowledged" boolean not null default false,
      "third_party_managed" boolean not null default false,
      "self_service_enabled" boolean not null default true,
      "status" varchar(20) not null check ("status" in ('NEW','IN_PROGRESS','PARTIALLY_SHIPPED','SHIPPED','CANCELLED','CLOSED')),
      "payments" jsonb not null default '[]',
      "created_at" timestamptz not null default now(),
      "updated_at" timestamptz not null default now(),
      "version" integer not null default 1,
      constraint "order_channel_order_no_unique" unique ("channel", "channel_order_no")
    )`);
    this.addSql(`create index "order_status_index" on "orders"."order" ("status")`);
    this.addSql(`create index "order_channel_order_no_prefix_index" on "orders"."order" (lower("channel_order_no") text_pattern_ops)`);

    this.addSql(`create table "orders"."order_line" (
      "id" uuid primary key,
      "order_id" uuid not null references "orders"."order" ("id") on delete cascade,
      "line_no" integer not null check ("line_no" > 0),
      "sku" varchar(100) not null,
      "quantity" integer not null check ("quantity" > 0),
      "unit_price" bigint not null check ("unit_price" >= 0),
      "shipped_quantity" integer not null default 0 check ("shipped_quantity" >= 0),
      "cancelled_quantity" integer not null default 0 check ("cancelled_quantity" >= 0),
      "returned_quantity" integer not null default 0 check ("returned_quantity" >= 0),
      constraint "order_line_line_no_unique" unique ("order_id", "line_no"),
      constraint "order_line_not_over_cancelled" check ("shipped_quantity" + "cancelled_quantity" <= "quantity"),
      constraint "order_line_returns_shipped_only" check ("returned_quantity" <= "shipped_quantity")
    )`);

    this.addSql(`create table "orders"."order_event" (
      "id" uuid primary key,
      "order_id" uuid not null references "orders"."order" ("id") on delete cascade,
      "type" varchar(50) not null,
      "detail" jsonb not null default '{}',
      "actor" varchar(100) not null,
      "at" timestamptz not null default clock_timestamp()
    )`);
    this.addSql(`create index "order_event_order_index" on "orders"."order_event" ("order_id", "at")`);

    this.addSql(`create table "orders"."cancellation" (
      "id" uuid primary key,
      "order_id" uuid not null references "orders"."order" ("id"),
      "merchant_id" varchar(64) not null,
      "merchant_cancellation_number" varchar(64) not null,
      "reason" varchar(30) not null,
      "comment" text null,
      "initiator" varchar(20) not null,
      "refund_method" varchar(20) not null,
      "restock" boolean not null,
      "status" varchar(20) not null check ("status" in ('IN_PROGRESS','CANCELLED','UNDONE')),
      "amount" bigint not null check ("amount" >= 0),
      "currency" char(3) not null,
      "workflow_id" varchar(200) not null,
      "refund_status" varchar(20) null check ("refund_status" in ('PENDING','SUCCEEDED','FAILED')),
      "refund_failure_reason" text null,
      "created_at" timestamptz not null default now(),
      "completed_at" timestamptz null,
      constraint "cancellation_merchant_number_unique" unique ("merchant_id", "merchant_cancellation_number")
    )`);
    this.addSql(`create index "cancellation_order_index" on "orders"."cancellation" ("order_id")`);

    this.addSql(`create table "orders"."cancellation_line" (
      "cancellation_id" uuid not null references "orders"."cancellation" ("id") on delete cascade,
      "order_line_id" uuid not null references "orders"."order_line" ("id"),
      "quantity" integer not null check ("quantity" > 0),
      primary key ("cancellation_id", "order_line_id")
    )`);

    this.addSql(`create table "orders"."cancellation_step" (
      "id" uuid primary key,
      "cancellation_id" uuid not null references "orders"."cancellation" ("id") on delete cascade,
      "step" varchar(30) not null,
      "key" varchar(200) not null default '',
      "detail" text null,
      "actor" varchar(100) not null,
      "at" timestamptz not null default clock_timestamp(),
      constraint "cancellation_step_once" unique ("cancellation_id", "step", "key")
    )`);

    this.addSql(`create table "orders"."dispute" (
      "id" uuid primary key,
      "order_id" uuid not null references "orders"."order" ("id"),
      "cancellation_id" uuid not null references "orders"."cancellation" ("id"),
      "status" varchar(10) not null check ("status" in ('OPEN','CLOSED')),
      "resolution" varchar(50) null,
      "note" text null,
      "opened_at" timestamptz not null default now(),
      "closed_at" timestamptz null,
      constraint "dispute_cancellation_unique" unique ("cancellation_id")
    )`);

    this.addSql(`create table "orders"."channel_message" (
      "id" uuid primary key,
      "idempotency_key" varchar(200) not null,
      "order_id" uuid not null,
      "channel" varchar(20) not null,
      "channel_order_no" varchar(100) not null,
      "kind" varchar(50) not null,
      "payload" jsonb not null,
      "created_at" timestamptz not null default clock_timestamp(),
      constraint "channel_message_idempotency_key_unique" unique ("idempotency_key")
    )`);
    this.addSql(`create index "channel_message_order_index" on "orders"."channel_message" ("order_id")`);

    this.addSql(`create table "orders"."inventory_movement" (
      "id" uuid primary key,
      "idempotency_key" varchar(200) not null,
      "order_id" uuid not null,
      "sku" varchar(100) not null,
      "quantity" integer not null,
      "reason" varchar(50) not null,
      "reference" varchar(200) not null,
      "created_at" timestamptz not null default clock_timestamp(),
      constraint "inventory_movement_idempotency_key_unique" unique ("idempotency_key")
    )`);
    this.addSql(`create index "inventory_movement_order_index" on "orders"."inventory_movement" ("order_id")`);
  }

  override down(): void {
    for (const table of [
      'inventory_movement',
      'channel_message',
      'dispute',
      'cancellation_step',
      'cancellation_line',
      'cancellation',
      'order_event',
      'order_line',
      'order',
    ]) {
      this.addSql(`drop table if exists "orders"."${table}"`);
    }
  }
}
