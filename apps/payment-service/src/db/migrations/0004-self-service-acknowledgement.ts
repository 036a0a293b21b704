import { Migration } from '@mikro-orm/migrations';

/** Cancelled but shipped: the customer's acknowledgement can also come from the self-service page. */
export class Migration0004SelfServiceAcknowledgement extends Migration {
  override up(): void {
    this.addSql(`alter table "payments"."customer_acknowledgement" drop constraint if exists "customer_acknowledgement_via_check"`);
    this.addSql(
      `alter table "payments"."customer_acknowledgement" add constraint "customer_acknowledgement_via_check" check ("via" in ('EMAIL_REPLY', 'SUPPORT_STAFF', 'SELF_SERVICE'))`,
    );
  }

  override down(): void {
    this.addSql(`alter table "payments"."customer_acknowledgement" drop constraint if exists "customer_acknowledgement_via_check"`);
    this.addSql(
      `alter table "payments"."customer_acknowledgement" add constraint "customer_acknowledgement_via_check" check ("via" in ('EMAIL_REPLY', 'SUPPORT_STAFF'))`,
    );
  }
}
