import { Migration } from '@mikro-orm/migrations';

/** Undos of cancellations (at most one open or done per cancellation) and their steps. */
export class Migration0004CancellationUndo extends Migration {
  override up(): void {
    this.addSql(`create table "orders"."cancellation_undo" (
      "id" uuid primary key,
      "cancellation_id" uuid not null references "orders"."cancellation" ("id"),
      "order_id" uuid not null references "orders"."order" ("id"),
      "attempt" integer not null check ("attempt" > 0),
      "status" varchar(20) not null check ("status" in ('IN_PROGRESS','UNDONE','FAILED')),
      "reason" text not null,
      "staff_id" varchar(100) not null,
      "workflow_id" varchar(200) not null,
      "lines" jsonb not null,
      "amount" bigint not null check ("amount" >= 0),
      "whole" boolean not null,
      "failure_reason" text null,
      "created_at" timestamptz not null default now(),
      "completed_at" timestamptz null,
      constraint "cancellation_undo_attempt_unique" unique ("cancellation_id", "attempt")
    )`);
    // Undoing twice finds the same undo: only a FAILED one makes room for another attempt.
    this.addSql(
      `create unique index "cancellation_undo_one_live" on "orders"."cancellation_undo" ("cancellation_id") where "status" <> 'FAILED'`,
    );
    this.addSql(`create index "cancellation_undo_order_index" on "orders"."cancellation_undo" ("order_id")`);

    this.addSql(`create table "orders"."cancellation_undo_step" (
      "id" uuid primary key,
      "undo_id" uuid not null references "orders"."cancellation_undo" ("id") on delete cascade,
      "step" varchar(40) not null,
      "key" varchar(200) not null default '',
      "detail" text null,
      "actor" varchar(100) not null,
      "at" timestamptz not null default clock_timestamp(),
      constraint "cancellation_undo_step_once" unique ("undo_id", "step", "key")
    )`);
  }

  override down(): void {
    this.addSql(`drop table if exists "orders"."cancellation_undo_step"`);
    this.addSql(`drop table if exists "orders"."cancellation_undo"`);
  }
}
