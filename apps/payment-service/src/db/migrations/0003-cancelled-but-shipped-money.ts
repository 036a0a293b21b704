import { Migration } from '@mikro-orm/migrations';

/**
 * Cancelled but shipped: the customer's recorded acknowledgement, the rebill (one per
 * chain), the credit memo to the seller (one per chain, only with an accepting acknowledgement)
 * and the sandbox provider's charges.
 */
export class Migration0003CancelledButShippedMoney extends Migration {
  override up(): void {
    this.addSql(`
      create table "payments"."customer_acknowledgement" (
        "id" uuid primary key,
        "chain_id" varchar(64) not null,
        "order_id" varchar(64) not null,
        "merchant_id" varchar(64) not null,
        "accepted" boolean not null,
        "via" varchar(20) not null check ("via" in ('EMAIL_REPLY', 'SUPPORT_STAFF')),
        "recorded_by" varchar(320) not null,
        "evidence" text not null check (length("evidence") > 0),
        "message_id" varchar(255) null,
        "amount" bigint not null check ("amount" >= 0),
        "currency" char(3) not null,
        "acknowledged_at" timestamptz not null,
        "created_at" timestamptz not null default now(),
        constraint "customer_acknowledgement_chain_unique" unique ("chain_id")
      )`);
    this.addSql(`
      create table "payments"."rebill" (
        "id" uuid primary key,
        "chain_id" varchar(64) not null,
        "order_id" varchar(64) not null,
        "acknowledgement_id" uuid not null references "payments"."customer_acknowledgement" ("id"),
        "amount" bigint not null check ("amount" > 0),
        "currency" char(3) not null,
        "status" varchar(20) not null check ("status" in ('SUCCEEDED')),
        "provider_charge_id" varchar(200) not null,
        "approved_by" varchar(100) not null,
        "created_at" timestamptz not null default now(),
        constraint "rebill_chain_unique" unique ("chain_id")
      )`);
    this.addSql(`
      create table "payments"."credit_memo" (
        "id" uuid primary key,
        "chain_id" varchar(64) not null,
        "order_id" varchar(64) not null,
        "merchant_id" varchar(64) not null,
        "acknowledgement_id" uuid not null references "payments"."customer_acknowledgement" ("id"),
        "amount" bigint not null check ("amount" > 0),
        "currency" char(3) not null,
        "created_at" timestamptz not null default now(),
        constraint "credit_memo_chain_unique" unique ("chain_id")
      )`);
    this.addSql(`
      create table "payments"."sandbox_charge" (
        "provider_charge_id" varchar(200) primary key,
        "idempotency_key" varchar(200) not null,
        "order_id" varchar(64) not null,
        "amount" bigint not null,
        "currency" char(3) not null,
        "payment_reference" varchar(200) null,
        "created_at" timestamptz not null default now(),
        constraint "sandbox_charge_idempotency_key_unique" unique ("idempotency_key")
      )`);
  }

  override down(): void {
    for (const table of ['sandbox_charge', 'credit_memo', 'rebill', 'customer_acknowledgement']) {
      this.addSql(`drop table if exists "payments"."${table}"`);
    }
  }
}
