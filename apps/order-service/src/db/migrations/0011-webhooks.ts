import { Migration } from '@mikro-orm/migrations';

/**
 * Outbound webhooks. Every change of an order writes an entry of its timeline (order_event), or
 * a cancellation's step (cancellation_step), in the change's own transaction; triggers copy each
 * into webhook_outbox in that same transaction, so no committed change can miss its event and no rolled-back one can send one,
 * whichever code path wrote it. The sweep turns outbox rows into events (with the resource as the
 * API shows it) and one delivery per subscription that wants them, and deletes the rows.
 *
 * The signing secret is kept encrypted (AES-256-GCM under WEBHOOK_SECRETS_KEY), not hashed: the
 * service must sign with it on every delivery, so it has to be able to read it back.
 */
export class Migration0011Webhooks extends Migration {
  override up(): void {
    this.addSql(`create table "orders"."webhook_subscription" (
      "id" uuid primary key,
      "merchant_id" varchar(64) not null,
      "url" varchar(2000) not null,
      "events" jsonb not null,
      "description" varchar(200) null,
      "email" varchar(320) null,
      "status" varchar(16) not null,
      "disabled_reason" text null,
      "disabled_at" timestamptz null,
      "disabled_by_delivery_id" uuid null,
      "secret_ciphertext" text not null,
      "secret_prefix" varchar(16) not null,
      "created_by" varchar(200) not null,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null
    )`);
    this.addSql(`create index "webhook_subscription_merchant" on "orders"."webhook_subscription" ("merchant_id")`);
    this.addSql(`create table "orders"."webhook_outbox" (
      "seq" bigint generated always as identity primary key,
      "source_id" uuid not null,
      "order_id" uuid not null,
      "timeline_type" varchar(100) not null,
      "detail" jsonb not null,
      "at" timestamptz not null
    )`);
    this.addSql(`create table "orders"."webhook_event" (
      "id" uuid primary key,
      "seq" bigint not null unique,
      "source_id" uuid not null unique,
      "merchant_id" varchar(64) not null,
      "order_id" uuid not null,
      "type" varchar(64) not null,
      "occurred_at" timestamptz not null,
      "payload" text not null
    )`);
    this.addSql(`create index "webhook_event_merchant_time" on "orders"."webhook_event" ("merchant_id", "occurred_at")`);
    this.addSql(`create table "orders"."webhook_delivery" (
      "id" uuid primary key,
      "subscription_id" uuid not null references "orders"."webhook_subscription" ("id") on delete cascade,
      "event_id" uuid not null references "orders"."webhook_event" ("id"),
      "event_seq" bigint not null,
      "order_id" uuid not null,
      "status" varchar(16) not null,
      "attempts" integer not null default 0,
      "first_attempt_at" timestamptz null,
      "last_attempt_at" timestamptz null,
      "last_status" integer null,
      "last_error" text null,
      "last_body" text null,
      "delivered_at" timestamptz null,
      "redelivery" boolean not null default false,
      "nudged_at" timestamptz null,
      "created_at" timestamptz not null
    )`);
    this.addSql(
      `create index "webhook_delivery_queue" on "orders"."webhook_delivery" ("subscription_id", "order_id", "event_seq") where "status" = 'PENDING'`,
    );
    this.addSql(`create index "webhook_delivery_log" on "orders"."webhook_delivery" ("subscription_id", "created_at")`);
    this.addSql(`create index "webhook_delivery_unnudged" on "orders"."webhook_delivery" ("created_at") where "nudged_at" is null`);
    this.addSql(`create function "orders"."webhook_outbox_capture"() returns trigger language plpgsql as $$
      begin
        insert into "orders"."webhook_outbox" ("source_id", "order_id", "timeline_type", "detail", "at")
        values (new."id", new."order_id", new."type", new."detail", new."at");
        return null;
      end
    $$`);
    this.addSql(`create trigger "order_event_webhook_outbox" after insert on "orders"."order_event"
      for each row execute function "orders"."webhook_outbox_capture"()`);
    // A cancellation's steps are recorded in cancellation_step only (not copied to the timeline).
    this.addSql(`create function "orders"."webhook_outbox_capture_cancellation_step"() returns trigger language plpgsql as $$
      begin
        insert into "orders"."webhook_outbox" ("source_id", "order_id", "timeline_type", "detail", "at")
        select new."id", c."order_id", 'CANCELLATION_STEP',
               jsonb_build_object('cancellationId', new."cancellation_id", 'step', new."step", 'key', new."key"), new."at"
          from "orders"."cancellation" c where c."id" = new."cancellation_id";
        return null;
      end
    $$`);
    this.addSql(`create trigger "cancellation_step_webhook_outbox" after insert on "orders"."cancellation_step"
      for each row execute function "orders"."webhook_outbox_capture_cancellation_step"()`);
  }

  override down(): void {
    this.addSql(`drop trigger if exists "cancellation_step_webhook_outbox" on "orders"."cancellation_step"`);
    this.addSql(`drop function if exists "orders"."webhook_outbox_capture_cancellation_step"()`);
    this.addSql(`drop trigger if exists "order_event_webhook_outbox" on "orders"."order_event"`);
    this.addSql(`drop function if exists "orders"."webhook_outbox_capture"()`);
    this.addSql(`drop table if exists "orders"."webhook_delivery"`);
    this.addSql(`drop table if exists "orders"."webhook_event"`);
    this.addSql(`drop table if exists "orders"."webhook_outbox"`);
    this.addSql(`drop table if exists "orders"."webhook_subscription"`);
  }
}
