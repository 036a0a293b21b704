/**
 * Reads that gather several tables in one statement: PostgreSQL returns each table's rows as a
 * JSON array, and MikroORM maps them to entities by their metadata (column names, dates, JSON).
 * The pages read most often (an order, a cancellation, an eligibility) would otherwise cost a
 * round trip and a query built by the ORM per table, and that is where their time went.
 */
import type { EntityDictionary, EntityName } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { NotFoundError } from '@cancelflow/domain';
import { assertId } from './order-store.ts';

/** The rows of `table` (aliased x) that `condition` selects, as one JSON array, empty when none. */
export const rowsOf = (table: string, condition: string, orderBy?: string): string =>
  `(select coalesce(jsonb_agg(x${orderBy ? ` order by ${orderBy}` : ''}), '[]') from "orders"."${table}" x ${condition})`;

/** The row of one statement about the thing `id` names, whose columns are JSON; none: it is not found (404). */
export async function rowAbout<Columns extends string>(
  em: EntityManager,
  sql: string,
  what: string,
  id: string | undefined,
): Promise<Record<Columns, unknown>> {
  const checked = assertId(id, what);
  const [row] = await em.execute<Record<Columns, unknown>[]>(sql, [checked]);
  if (!row) throw new NotFoundError(`no ${what} ${checked}`);
  return row;
}

/** A JSON row (keyed by column, as the database holds it) as an entity of the fork, in its identity map like a find. */
export const entityOf = <T extends object>(em: EntityManager, entity: EntityName<T>, row: unknown): T =>
  em.map(entity, row as EntityDictionary<T>);

/** The rows of a JSON array column as entities of the fork. */
export const entities = <T extends object>(em: EntityManager, entity: EntityName<T>, rows: unknown): T[] =>
  (rows as unknown[]).map((row) => entityOf(em, entity, row));
