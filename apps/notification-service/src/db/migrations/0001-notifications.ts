import { Migration } from '@mikro-orm/migrations';

/** The notification schema: emails sent (once per message key) and the embedded mailbox. */
export class Migration0001Notifications extends Migration {
  override up(): void {
    this.addSql(`
      create table "outbound_email" (
        "id" uuid primary key,
        "message_key" varchar(200) not null,
        "to_address" varchar(320) not null,
        "template" text not null,
        "subject" text not null,
        "text_body" text not null,
        "html_body" text not null,
        "message_id" varchar(255) not null,
        "order_id" varchar(64) null,
        "status" text not null check ("status" in ('PENDING', 'SENT', 'FAILED')),
        "error" text null,
        "attempts" integer not null default 0,
        "created_at" timestamptz not null default now(),
        "sent_at" timestamptz null,
        constraint "outbound_email_message_key_unique" unique ("message_key")
      );`);
    this.addSql(`create index "outbound_email_order_id_index" on "outbound_email" ("order_id");`);
    this.addSql(`create index "outbound_email_to_address_index" on "outbound_email" ("to_address");`);
    this.addSql(`
      create table "mailbox_message" (
        "id" uuid primary key,
        "message_id" text null,
        "in_reply_to" text null,
        "references" text[] not null default '{}',
        "from_address" text null,
        "to_addresses" text[] not null default '{}',
        "subject" text null,
        "text_body" text null,
        "html_body" text null,
        "raw" text not null,
        "received_at" timestamptz not null default now()
      );`);
    this.addSql(`create index "mailbox_message_message_id_index" on "mailbox_message" ("message_id");`);
    this.addSql(`create index "mailbox_message_in_reply_to_index" on "mailbox_message" ("in_reply_to");`);
    this.addSql(`create index "mailbox_message_to_addresses_index" on "mailbox_message" using gin ("to_addresses");`);
  }

  override down(): void {
    this.addSql(`drop table if exists "mailbox_message";`);
    this.addSql(`drop table if exists "outbound_email";`);
  }
}
