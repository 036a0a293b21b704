import { Migration } from '@mikro-orm/migrations';

/** The cancelled-but-shipped emails are named after their process, like every other template. */
export class Migration0004CancelledButShippedTemplates extends Migration {
  override up(): void {
    this.addSql(
      `update "outbound_email" set "template" = replace("template", 'SHIPPED_AFTER_CANCELLATION', 'CANCELLED_BUT_SHIPPED') where "template" like 'SHIPPED\\_AFTER\\_CANCELLATION%'`,
    );
  }

  override down(): void {
    this.addSql(
      `update "outbound_email" set "template" = replace("template", 'CANCELLED_BUT_SHIPPED', 'SHIPPED_AFTER_CANCELLATION') where "template" like 'CANCELLED\\_BUT\\_SHIPPED%'`,
    );
  }
}
