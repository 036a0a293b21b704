import { Migration } from '@mikro-orm/migrations';

/**
 * Undoing a cancellation: what the customer is asked to pay again, recaptures on card
 * authorisations, points/credit taken back (and spent), and the sandbox provider's books for
 * authorisations, recaptures and refunds it cancelled before they settled.
 */
export class Migration0002UndoMoney extends Migration {
  override up(): void {
    this.addSql(`
      create table "payments"."payment_request" (
        "id" uuid primary key,
        "undo_id" varchar(64) not null,
        "round" integer not null check ("round" > 0),
        "cancellation_id" varchar(64) not null,
        "order_id" varchar(64) not null,
        "amount" bigint not null check ("amount" > 0),
        "currency" char(3) not null,
        "status" varchar(10) not null check ("status" in ('OPEN', 'PAID', 'EXPIRED')),
        "due_at" timestamptz not null,
        "paid_at" timestamptz null,
        "provider_payment_id" varchar(200) null,
        "created_at" timestamptz not null default now(),
        constraint "payment_request_undo_round_unique" unique ("undo_id", "round")
      )`);
    this.addSql(`create index "payment_request_order_id_index" on "payments"."payment_request" ("order_id")`);

    this.addSql(`
      create table "payments"."recapture" (
        "id" uuid primary key,
        "undo_id" varchar(64) not null,
        "refund_part_id" uuid not null references "payments"."refund_part" ("id"),
        "order_id" varchar(64) not null,
        "amount" bigint not null check ("amount" > 0),
        "currency" char(3) not null,
        "payment_reference" varchar(200) not null,
        "provider_recapture_id" varchar(200) not null,
        "created_at" timestamptz not null default now(),
        constraint "recapture_undo_part_unique" unique ("undo_id", "refund_part_id")
      )`);
    this.addSql(`create index "recapture_order_id_index" on "payments"."recapture" ("order_id")`);

    this.addSql(`
      create table "payments"."ledger_reversal" (
        "id" uuid primary key,
        "undo_id" varchar(64) not null,
        "refund_part_id" uuid not null references "payments"."refund_part" ("id"),
        "order_id" varchar(64) not null,
        "kind" varchar(20) not null check ("kind" in ('POINTS', 'STORE_CREDIT')),
        "amount" bigint not null check ("amount" > 0),
        "restored_at" timestamptz null,
        "created_at" timestamptz not null default now(),
        constraint "ledger_reversal_undo_part_unique" unique ("undo_id", "refund_part_id")
      )`);
    this.addSql(`create index "ledger_reversal_order_id_index" on "payments"."ledger_reversal" ("order_id")`);

    this.addSql(`
      create table "payments"."ledger_spend" (
        "id" uuid primary key,
        "order_id" varchar(64) not null,
        "kind" varchar(20) not null check ("kind" in ('POINTS', 'STORE_CREDIT')),
        "amount" bigint not null check ("amount" > 0),
        "created_at" timestamptz not null default now()
      )`);
    this.addSql(`create index "ledger_spend_order_id_index" on "payments"."ledger_spend" ("order_id")`);

    this.addSql(`
      create table "payments"."sandbox_authorisation" (
        "order_id" varchar(64) not null,
        "payment_reference" varchar(200) not null,
        "expires_at" timestamptz not null,
        primary key ("order_id", "payment_reference")
      )`);
    this.addSql(`
      create table "payments"."sandbox_recapture" (
        "provider_recapture_id" varchar(200) primary key,
        "idempotency_key" varchar(200) not null constraint "sandbox_recapture_idempotency_key_unique" unique,
        "order_id" varchar(64) not null,
        "payment_reference" varchar(200) not null,
        "amount" bigint not null,
        "currency" char(3) not null,
        "created_at" timestamptz not null default now()
      )`);

    // A pending card refund can be cancelled at the provider before it settles.
    this.addSql(`alter table "payments"."sandbox_refund" drop constraint if exists "sandbox_refund_status_check"`);
    this.addSql(
      `alter table "payments"."sandbox_refund" add constraint "sandbox_refund_status_check" check ("status" in ('PENDING', 'SETTLED', 'FAILED', 'CANCELLED'))`,
    );
  }
}
