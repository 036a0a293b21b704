import { Migration } from '@mikro-orm/migrations';

/** Who paused, resumed or stopped a bulk cancellation, and when: support asks who stopped a job. */
export class Migration0013BulkCancellationStatusChanged extends Migration {
  override up(): void {
    this.addSql(`alter table "orders"."bulk_cancellation" add column "status_changed_by" varchar(255) null`);
    this.addSql(`alter table "orders"."bulk_cancellation" add column "status_changed_at" timestamptz null`);
    // The list of a merchant's jobs, newest first.
    this.addSql(`create index "bulk_cancellation_merchant_index" on "orders"."bulk_cancellation" ("merchant_id", "created_at" desc)`);
  }

  override down(): void {
    this.addSql(`drop index if exists "orders"."bulk_cancellation_merchant_index"`);
    this.addSql(`alter table "orders"."bulk_cancellation" drop column if exists "status_changed_at"`);
    this.addSql(`alter table "orders"."bulk_cancellation" drop column if exists "status_changed_by"`);
  }
}
