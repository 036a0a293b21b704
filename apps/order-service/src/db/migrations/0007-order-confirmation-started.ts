import { Migration } from '@mikro-orm/migrations';

/**
 * The order confirmation is owed from the import's commit until its process has started: a crash
 * in between is found by the sweep (orders whose confirmation never started). Orders imported
 * before this column existed count as confirmed.
 */
export class Migration0007OrderConfirmationStarted extends Migration {
  override up(): void {
    this.addSql(`alter table "orders"."order" add column "confirmation_started_at" timestamptz null`);
    this.addSql(`update "orders"."order" set "confirmation_started_at" = "created_at"`);
    this.addSql(`create index "order_confirmation_owed_index" on "orders"."order" ("created_at") where "confirmation_started_at" is null`);
  }

  override down(): void {
    this.addSql(`drop index if exists "orders"."order_confirmation_owed_index"`);
    this.addSql(`alter table "orders"."order" drop column if exists "confirmation_started_at"`);
  }
}
