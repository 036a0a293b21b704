import { Migration } from '@mikro-orm/migrations';

/**
 * The sandbox provider can be down for a while, as a real one is: one row, shared by every
 * process of the service, says until when and how (refusing every call, or losing its answers).
 */
export class Migration0008SandboxOutage extends Migration {
  override up(): void {
    this.addSql(`
      create table "payments"."sandbox_outage" (
        "id" smallint primary key default 1 check ("id" = 1),
        "mode" varchar(20) not null check ("mode" in ('UNAVAILABLE', 'ANSWER_LOST')),
        "started_at" timestamptz not null default now(),
        "until" timestamptz not null
      )`);
  }

  override down(): void {
    this.addSql(`drop table if exists "payments"."sandbox_outage"`);
  }
}
