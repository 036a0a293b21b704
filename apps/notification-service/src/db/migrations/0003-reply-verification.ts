import { Migration } from '@mikro-orm/migrations';

/**
 * Replies are verified: outbound emails get a random Message-ID (those sent before keep their
 * computed one, marked guessable) and their Reply-To; each received reply keeps its verdict
 * (COUNTED or UNDECIDED, and why); watches name the email by its key, as its id is random now;
 * the SMTP server counts messages per client in a table every replica shares.
 */
export class Migration0003ReplyVerification extends Migration {
  override up(): void {
    this.addSql(`alter table "outbound_email" add column "reply_to" varchar(320) null;`);
    this.addSql(`alter table "outbound_email" add column "message_id_unguessable" boolean not null default false;`);
    this.addSql(`alter table "outbound_email" alter column "message_id_unguessable" set default true;`);
    this.addSql(`create index "outbound_email_message_id_index" on "outbound_email" ("message_id");`);

    this.addSql(`alter table "mailbox_message" add column "reply_status" text null check ("reply_status" in ('COUNTED', 'UNDECIDED'));`);
    this.addSql(`alter table "mailbox_message" add column "reply_reasons" text[] not null default '{}';`);
    this.addSql(`alter table "mailbox_message" add column "sender_authentication" text null;`);
    this.addSql(`alter table "mailbox_message" add column "order_id" varchar(64) null;`);
    this.addSql(`alter table "mailbox_message" add column "replied_email_id" uuid null;`);
    this.addSql(
      `create index "mailbox_message_reply_index" on "mailbox_message" ("reply_status", "order_id", "received_at") where "reply_status" is not null;`,
    );

    this.addSql(`alter table "reply_watch" alter column "message_id" drop not null;`);
    this.addSql(`create unique index "reply_watch_key_workflow_unique" on "reply_watch" ("message_key", "workflow_id");`);

    this.addSql(`
      create table "smtp_rate_limit" (
        "key" varchar(255) primary key,
        "points" integer not null default 0,
        "expire" bigint null
      );`);
  }

  override down(): void {
    this.addSql(`drop table if exists "smtp_rate_limit";`);
    this.addSql(`drop index if exists "reply_watch_key_workflow_unique";`);
    this.addSql(`drop index if exists "mailbox_message_reply_index";`);
    this.addSql(
      `alter table "mailbox_message" drop column "replied_email_id", drop column "order_id", drop column "sender_authentication", drop column "reply_reasons", drop column "reply_status";`,
    );
    this.addSql(`drop index if exists "outbound_email_message_id_index";`);
    this.addSql(`alter table "outbound_email" drop column "message_id_unguessable", drop column "reply_to";`);
  }
}
