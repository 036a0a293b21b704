/**
 * The file of a bulk cancellation: rows of (channelOrderNo, sku, quantity, reason[, channel]) with
 * a header row, read with csv-parse. Every bad row is reported with its line number, all at once,
 * so the merchant fixes the file in one go; nothing starts while one row is wrong.
 */
import { CsvError, parse } from 'csv-parse/sync';
import {
  BULK_CANCELLATION_CSV_COLUMNS,
  bulkCancellationRowSchema,
  MAX_BULK_CANCELLATION_ITEMS,
  ValidationError,
  type BulkCancellationRow,
  type ErrorDetail,
} from '@cancelflow/domain';
import { problemsOf } from '@cancelflow/service-kit';

export interface CsvRow extends BulkCancellationRow {
  /** The line of the file the row is on (the header is line 1). */
  line: number;
}

const KNOWN = [...BULK_CANCELLATION_CSV_COLUMNS, 'channel'] as const;

/**
 * The rows of the file that are well formed, and a problem for each row that is not; a file that
 * cannot be read as CSV at all (or has no header) is refused at once.
 */
export function parseBulkCancellationCsv(text: string): { rows: CsvRow[]; problems: ErrorDetail[] } {
  const problems: ErrorDetail[] = [];
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      info: true,
      columns: (header: string[]) => {
        const names = header.map((h) => KNOWN.find((k) => k.toLowerCase() === h.trim().toLowerCase()) ?? h);
        const unknown = names.filter((n) => !(KNOWN as readonly string[]).includes(n));
        const missing = BULK_CANCELLATION_CSV_COLUMNS.filter((c) => !names.includes(c));
        if (unknown.length > 0 || missing.length > 0) {
          throw new ValidationError(
            `the first line must name the columns ${BULK_CANCELLATION_CSV_COLUMNS.join(', ')} (and channel, if orders share a number across channels)`,
            [
              {
                path: 'line 1',
                message: [
                  missing.length ? `missing ${missing.join(', ')}` : '',
                  unknown.length ? `unknown ${unknown.map((u) => JSON.stringify(u)).join(', ')}` : '',
                ]
                  .filter(Boolean)
                  .join('; '),
              },
            ],
          );
        }
        return names;
      },
    });
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines;
      throw new ValidationError(`the file is not valid CSV${line ? ` at line ${line}` : ''}: ${error.message}`, [
        { path: line ? `line ${line}` : 'csv', message: error.message },
      ]);
    }
    throw error;
  }
  if (records.length === 0) {
    throw new ValidationError('the file has no rows: one row per order and SKU to cancel, under a header row', [
      { path: 'csv', message: 'no rows' },
    ]);
  }
  if (records.length > MAX_BULK_CANCELLATION_ITEMS) {
    throw new ValidationError(`a file holds at most ${MAX_BULK_CANCELLATION_ITEMS} rows; this one has ${records.length}: split it`, [
      { path: 'csv', message: `more than ${MAX_BULK_CANCELLATION_ITEMS} rows` },
    ]);
  }
  const rows: CsvRow[] = [];
  for (const { record, info } of records) {
    const line = info.lines;
    const parsed = bulkCancellationRowSchema.safeParse(record);
    if (!parsed.success) {
      for (const problem of problemsOf(parsed.error, 'row')) {
        problems.push({ path: `line ${line}${problem.path ? `.${problem.path}` : ''}`, message: problem.message });
      }
      continue;
    }
    rows.push({ ...parsed.data, line });
  }
  return { rows, problems };
}

const lineOf = (problem: ErrorDetail): number => Number(/^line (\d+)/.exec(problem.path ?? '')?.[1] ?? 0);

/** Every bad row at once, in the order of the file. */
export function rowsRefused(unordered: ErrorDetail[]): ValidationError {
  const problems = [...unordered].sort((a, b) => lineOf(a) - lineOf(b));
  return new ValidationError(
    `${new Set(problems.map((p) => p.path?.split('.')[0])).size} row(s) of the file cannot be used (nothing was started): ${problems
      .slice(0, 3)
      .map((p) => `${p.path}: ${p.message}`)
      .join('; ')}${problems.length > 3 ? '; …' : ''}`,
    problems,
  );
}
