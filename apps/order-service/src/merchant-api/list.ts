import type { EntityManager } from '@mikro-orm/postgresql';
import { MERCHANT_API_PAGE_SIZE } from '@cancelflow/domain';

/** A page of ids by parameterised conditions over a join (the entities are then loaded by id). */
export async function pageOfIds(
  em: EntityManager,
  from: string,
  conditions: readonly [sql: string, ...params: unknown[]][],
  orderBy: string,
  page: number,
): Promise<{ ids: string[]; total: number }> {
  const where = conditions.map(([sql]) => sql).join(' and ');
  const params = conditions.flatMap(([, ...p]) => p);
  const [rows, counted] = await Promise.all([
    em.execute<{ id: string }[]>(`select x."id" from ${from} where ${where} order by ${orderBy} limit ${MERCHANT_API_PAGE_SIZE} offset ?`, [
      ...params,
      (page - 1) * MERCHANT_API_PAGE_SIZE,
    ]),
    em.execute<{ n: number }[]>(`select count(*)::int as n from ${from} where ${where}`, params),
  ]);
  return { ids: rows.map((r) => r.id), total: counted[0]?.n ?? 0 };
}

/** Keeps `entities` in the order of `ids`. */
export const inOrderOf = <T extends { id: string }>(ids: readonly string[], entities: readonly T[]): T[] =>
  ids.map((id) => entities.find((e) => e.id === id)).filter((e): e is T => e !== undefined);
