import { Migration } from '@mikro-orm/migrations';

/** Replies threaded to workflows: which emails a workflow watches, and which replies it was given. */
export class Migration0002ReplyWatches extends Migration {
  override up(): void {
    this.addSql(`
      create table "reply_watch" (
        "id" uuid primary key,
        "message_key" varchar(200) not null,
        "message_id" varchar(255) not null,
        "workflow_id" varchar(255) not null,
        "created_at" timestamptz not null default now(),
        constraint "reply_watch_message_workflow_unique" unique ("message_id", "workflow_id")
      );`);
    this.addSql(`
      create table "reply_delivery" (
        "mailbox_message_id" uuid not null references "mailbox_message" ("id") on delete cascade,
        "workflow_id" varchar(255) not null,
        "watched_message_id" varchar(255) not null,
        "attempts" integer not null default 0,
        "last_error" text null,
        "created_at" timestamptz not null default now(),
        "signalled_at" timestamptz null,
        primary key ("mailbox_message_id", "workflow_id")
      );`);
    this.addSql(`create index "reply_delivery_pending_index" on "reply_delivery" ("created_at") where "signalled_at" is null;`);
  }

  override down(): void {
    this.addSql(`drop table if exists "reply_delivery";`);
    this.addSql(`drop table if exists "reply_watch";`);
  }
}
