import { Migration } from '@mikro-orm/migrations';

/**
 * No wait on the provider depends on one message arriving: the sandbox provider stores the events
 * it owes (an outbox, delivered with retries after any restart) and keeps books of what customers
 * paid, so its status lookups answer from its own tables; we record when we last asked.
 */
export class Migration0005ProviderReconciliation extends Migration {
  override up(): void {
    this.addSql(`
      create table "payments"."sandbox_outbox" (
        "event_id" varchar(200) primary key,
        "type" varchar(50) not null,
        "payload" jsonb not null,
        "attempts" integer not null default 0,
        "next_attempt_at" timestamptz not null default now(),
        "delivered_at" timestamptz null,
        "abandoned_at" timestamptz null,
        "last_error" varchar(500) null,
        "created_at" timestamptz not null default now()
      )`);
    this.addSql(
      `create index "sandbox_outbox_due_index" on "payments"."sandbox_outbox" ("next_attempt_at") where "delivered_at" is null and "abandoned_at" is null`,
    );
    this.addSql(`
      create table "payments"."sandbox_payment" (
        "provider_payment_id" varchar(200) primary key,
        "payment_request_id" uuid not null constraint "sandbox_payment_request_unique" unique,
        "amount" bigint not null check ("amount" > 0),
        "currency" char(3) not null,
        "paid_at" timestamptz not null default now()
      )`);
    // A provider that never sends the event, as a test mode: only asking finds the outcome.
    this.addSql(`alter table "payments"."sandbox_refund" add column "silent" boolean not null default false`);
    this.addSql(`alter table "payments"."sandbox_fault" drop constraint if exists "sandbox_fault_mode_check"`);
    this.addSql(
      `alter table "payments"."sandbox_fault" add constraint "sandbox_fault_mode_check" check ("mode" in ('FAIL', 'FAIL_ONCE', 'SETTLE_MANUALLY', 'SETTLE_SILENTLY'))`,
    );
    this.addSql(`alter table "payments"."refund_part" add column "provider_checked_at" timestamptz null`);
    this.addSql(`alter table "payments"."payment_request" add column "provider_checked_at" timestamptz null`);
    // The stuck-work view and metric look for pending parts by age.
    this.addSql(`create index "refund_part_pending_index" on "payments"."refund_part" ("status") where "status" = 'PENDING'`);
  }

  override down(): void {
    this.addSql(`drop index if exists "payments"."refund_part_pending_index"`);
    this.addSql(`alter table "payments"."payment_request" drop column if exists "provider_checked_at"`);
    this.addSql(`alter table "payments"."refund_part" drop column if exists "provider_checked_at"`);
    this.addSql(`alter table "payments"."sandbox_fault" drop constraint if exists "sandbox_fault_mode_check"`);
    this.addSql(
      `alter table "payments"."sandbox_fault" add constraint "sandbox_fault_mode_check" check ("mode" in ('FAIL', 'FAIL_ONCE', 'SETTLE_MANUALLY'))`,
    );
    this.addSql(`alter table "payments"."sandbox_refund" drop column if exists "silent"`);
    this.addSql(`drop table if exists "payments"."sandbox_payment"`);
    this.addSql(`drop table if exists "payments"."sandbox_outbox"`);
  }
}
