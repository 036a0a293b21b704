import { Migration } from '@mikro-orm/migrations';

/**
 * Cancellation requests: customers' cancellation requests (with the order's visible "cancellation requested"
 * flag), and returns of shipped quantities.
 */
export class Migration0002CancellationRequests extends Migration {
  override up(): void {
    this.addSql(`alter table "orders"."order" add column "cancellation_requested" boolean not null default false`);
    this.addSql(
      `create index "order_cancellation_requested_index" on "orders"."order" ("cancellation_requested") where "cancellation_requested"`,
    );

    this.addSql(`create table "orders"."cancellation_request" (
      "id" uuid primary key,
      "order_id" uuid not null references "orders"."order" ("id"),
      "merchant_id" varchar(64) not null,
      "source" varchar(30) not null check ("source" in ('CUSTOMER_SELF_SERVICE','CUSTOMER_CONTACT','MARKETPLACE')),
      "status" varchar(20) not null check ("status" in ('REQUESTED','ACCEPTED','REJECTED','AUTO_ACCEPTED','WITHDRAWN')),
      "reason" varchar(30) not null,
      "comment" text null,
      "rejection" varchar(20) null check ("rejection" in ('MERCHANT','SHIPPED')),
      "rejection_reason" text null,
      "return_instead" boolean not null default false,
      "decided_by" varchar(100) null,
      "cancellation_id" uuid null references "orders"."cancellation" ("id"),
      "workflow_id" varchar(200) not null,
      "created_at" timestamptz not null default now(),
      "decided_at" timestamptz null
    )`);
    this.addSql(`create index "cancellation_request_order_index" on "orders"."cancellation_request" ("order_id")`);
    this.addSql(`create index "cancellation_request_queue_index" on "orders"."cancellation_request" ("status", "created_at")`);

    this.addSql(`create table "orders"."cancellation_request_line" (
      "request_id" uuid not null references "orders"."cancellation_request" ("id") on delete cascade,
      "order_line_id" uuid not null references "orders"."order_line" ("id"),
      "quantity" integer not null check ("quantity" > 0),
      primary key ("request_id", "order_line_id")
    )`);

    this.addSql(`create table "orders"."return" (
      "id" uuid primary key,
      "order_id" uuid not null references "orders"."order" ("id"),
      "merchant_id" varchar(64) not null,
      "reason" varchar(40) not null,
      "comment" text null,
      "status" varchar(20) not null check ("status" in ('OPEN','RECEIVED','CLOSED')),
      "cancellation_request_id" uuid null references "orders"."cancellation_request" ("id"),
      "created_at" timestamptz not null default now()
    )`);
    this.addSql(`create index "return_order_index" on "orders"."return" ("order_id")`);

    this.addSql(`create table "orders"."return_line" (
      "return_id" uuid not null references "orders"."return" ("id") on delete cascade,
      "order_line_id" uuid not null references "orders"."order_line" ("id"),
      "quantity" integer not null check ("quantity" > 0),
      primary key ("return_id", "order_line_id")
    )`);
  }

  override down(): void {
    for (const table of ['return_line', 'return', 'cancellation_request_line', 'cancellation_request']) {
      this.addSql(`drop table if exists "orders"."${table}"`);
    }
    this.addSql(`alter table "orders"."order" drop column if exists "cancellation_requested"`);
  }
}
