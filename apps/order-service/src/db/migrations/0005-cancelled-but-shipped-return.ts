import { Migration } from '@mikro-orm/migrations';

/** The return a cancelled-but-shipped chain opens when the customer refuses or does not answer. */
export class Migration0005CancelledButShippedReturn extends Migration {
  override up(): void {
    this.addSql(`alter table "orders"."cancelled_but_shipped" add column "return_id" uuid null references "orders"."return" ("id")`);
  }

  override down(): void {
    this.addSql(`alter table "orders"."cancelled_but_shipped" drop column if exists "return_id"`);
  }
}
