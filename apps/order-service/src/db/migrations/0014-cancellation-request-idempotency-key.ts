import { Migration } from '@mikro-orm/migrations';

/** A retried POST of a cancellation request, with the caller's Idempotency-Key, finds the request it created. */
export class Migration0014CancellationRequestIdempotencyKey extends Migration {
  override up(): void {
    this.addSql(`alter table "orders"."cancellation_request" add column "idempotency_key" varchar(200) null`);
    this.addSql(
      `alter table "orders"."cancellation_request" add constraint "cancellation_request_idempotency_key_unique" unique ("order_id", "idempotency_key")`,
    );
  }

  override down(): void {
    this.addSql(`alter table "orders"."cancellation_request" drop constraint if exists "cancellation_request_idempotency_key_unique"`);
    this.addSql(`alter table "orders"."cancellation_request" drop column if exists "idempotency_key"`);
  }
}
