import { Migration } from '@mikro-orm/migrations';

/**
 * The money of an order: VAT rates (basis points) and discounts on lines, discounts and shipping
 * on the order; what each cancellation refunds per line, its VAT and the shipping it gave back.
 * Orders imported before carry no VAT, no discounts and no shipping, so their cancellation
 * lines were worth quantity x unit price.
 */
export class Migration0006OrderMoney extends Migration {
  override up(): void {
    this.addSql(`alter table "orders"."order"
      add column "discounts" jsonb not null default '[]',
      add column "shipping_amount" bigint not null default 0 check ("shipping_amount" >= 0),
      add column "shipping_vat_rate" integer not null default 0 check ("shipping_vat_rate" between 0 and 10000)`);
    this.addSql(`alter table "orders"."order_line"
      add column "vat_rate" integer not null default 0 check ("vat_rate" between 0 and 10000),
      add column "discount" bigint not null default 0 check ("discount" >= 0),
      add constraint "order_line_discount_within_line" check ("discount" <= "quantity" * "unit_price")`);
    this.addSql(`alter table "orders"."cancellation"
      add column "vat" bigint not null default 0 check ("vat" >= 0),
      add column "shipping_amount" bigint not null default 0 check ("shipping_amount" >= 0),
      add column "shipping_vat" bigint not null default 0 check ("shipping_vat" >= 0)`);
    this.addSql(`alter table "orders"."cancellation_line"
      add column "amount" bigint not null default 0 check ("amount" >= 0),
      add column "vat" bigint not null default 0 check ("vat" >= 0)`);
    this.addSql(`update "orders"."cancellation_line" c set "amount" = c."quantity" * l."unit_price"
      from "orders"."order_line" l where l."id" = c."order_line_id"`);
  }

  override down(): void {
    this.addSql(`alter table "orders"."cancellation_line" drop column if exists "amount", drop column if exists "vat"`);
    this.addSql(
      `alter table "orders"."cancellation" drop column if exists "vat", drop column if exists "shipping_amount", drop column if exists "shipping_vat"`,
    );
    this.addSql(
      `alter table "orders"."order_line" drop constraint if exists "order_line_discount_within_line", drop column if exists "vat_rate", drop column if exists "discount"`,
    );
    this.addSql(
      `alter table "orders"."order" drop column if exists "discounts", drop column if exists "shipping_amount", drop column if exists "shipping_vat_rate"`,
    );
  }
}
