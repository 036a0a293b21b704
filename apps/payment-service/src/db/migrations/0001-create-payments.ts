import { Migration } from '@mikro-orm/migrations';

/** Payments, refunds of cancellations, the points/credit ledger, provider events, sandbox books. */
export class Migration0001CreatePayments extends Migration {
  override up(): void {
    this.addSql(`
      create table "payments"."payment" (
        "id" uuid primary key,
        "order_id" varchar(64) not null,
        "method" varchar(20) not null check ("method" in ('CARD', 'BANK_TRANSFER', 'POINTS', 'STORE_CREDIT')),
        "amount" bigint not null check ("amount" >= 0),
        "currency" char(3) not null,
        "reference" varchar(200) not null,
        "created_at" timestamptz not null default now(),
        constraint "payment_order_id_reference_unique" unique ("order_id", "reference")
      )`);

    this.addSql(`
      create table "payments"."refund" (
        "id" uuid primary key,
        "cancellation_id" varchar(64) not null constraint "refund_cancellation_id_unique" unique,
        "order_id" varchar(64) not null,
        "amount" bigint not null check ("amount" >= 0),
        "currency" char(3) not null,
        "refund_method" varchar(20) not null
          check ("refund_method" in ('ORIGINAL_PAYMENT', 'BANK_DEPOSIT', 'STORE_CREDIT', 'POINTS', 'NONE')),
        "status" varchar(10) not null check ("status" in ('PENDING', 'SUCCEEDED', 'FAILED')),
        "attempt" integer not null default 1,
        "failure_reason" varchar(500) null,
        "created_at" timestamptz not null default now(),
        "updated_at" timestamptz not null default now()
      )`);
    this.addSql(`create index "refund_order_id_index" on "payments"."refund" ("order_id")`);

    this.addSql(`
      create table "payments"."refund_part" (
        "id" uuid primary key,
        "refund_id" uuid not null references "payments"."refund" ("id") on delete cascade,
        "part_no" integer not null,
        "channel" varchar(20) not null check ("channel" in ('CARD', 'BANK_DEPOSIT', 'STORE_CREDIT', 'POINTS')),
        "amount" bigint not null check ("amount" > 0),
        "payment_reference" varchar(200) null,
        "status" varchar(10) not null check ("status" in ('PENDING', 'SUCCEEDED', 'FAILED')),
        "provider_refund_id" varchar(200) null,
        "idempotency_key" varchar(200) not null constraint "refund_part_idempotency_key_unique" unique,
        "attempt" integer not null default 1,
        "failure_reason" varchar(500) null,
        "settled_at" timestamptz null,
        constraint "refund_part_refund_id_part_no_unique" unique ("refund_id", "part_no")
      )`);
    this.addSql(
      `create unique index "refund_part_provider_refund_id_unique" on "payments"."refund_part" ("provider_refund_id")
       where "provider_refund_id" is not null`,
    );

    this.addSql(`
      create table "payments"."ledger_entry" (
        "id" uuid primary key,
        "order_id" varchar(64) not null,
        "kind" varchar(20) not null check ("kind" in ('POINTS', 'STORE_CREDIT')),
        "amount" bigint not null check ("amount" > 0),
        "currency" char(3) not null,
        "refund_part_id" uuid not null constraint "ledger_entry_refund_part_id_unique" unique
          references "payments"."refund_part" ("id"),
        "created_at" timestamptz not null default now()
      )`);
    this.addSql(`create index "ledger_entry_order_id_index" on "payments"."ledger_entry" ("order_id")`);

    this.addSql(`
      create table "payments"."provider_event" (
        "event_id" varchar(200) primary key,
        "type" varchar(50) not null,
        "payload" jsonb not null,
        "received_at" timestamptz not null default now()
      )`);

    this.addSql(`
      create table "payments"."sandbox_refund" (
        "provider_refund_id" varchar(200) primary key,
        "idempotency_key" varchar(200) not null constraint "sandbox_refund_idempotency_key_unique" unique,
        "kind" varchar(20) not null check ("kind" in ('CARD', 'BANK_DEPOSIT')),
        "order_id" varchar(64) not null,
        "amount" bigint not null,
        "currency" char(3) not null,
        "payment_reference" varchar(200) null,
        "status" varchar(10) not null check ("status" in ('PENDING', 'SETTLED', 'FAILED')),
        "failure_reason" varchar(500) null,
        "auto_settle" boolean not null,
        "created_at" timestamptz not null default now(),
        "settled_at" timestamptz null
      )`);

    this.addSql(`
      create table "payments"."sandbox_fault" (
        "id" uuid primary key,
        "order_id" varchar(64) not null,
        "operation" varchar(20) not null,
        "mode" varchar(20) not null check ("mode" in ('FAIL', 'FAIL_ONCE', 'SETTLE_MANUALLY')),
        "failure_reason" varchar(500) not null,
        "consumed" boolean not null default false,
        "created_at" timestamptz not null default now()
      )`);
    this.addSql(
      `create index "sandbox_fault_order_id_operation_index" on "payments"."sandbox_fault" ("order_id", "operation", "created_at")`,
    );
  }
}
