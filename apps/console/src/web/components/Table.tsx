import type { ReactNode } from 'react';

export interface Column<Row> {
  header: string;
  /** Numbers sit right-aligned, header and cells alike. */
  numeric?: boolean;
  cell(row: Row): ReactNode;
}

/** The console's one table: a caption for screen readers, column headers, a row per item. */
export function Table<Row>({
  caption,
  columns,
  rows,
  rowKey,
}: {
  caption?: string;
  columns: readonly Column<Row>[];
  rows: readonly Row[];
  rowKey(row: Row): string;
}) {
  return (
    <div className="table-wrap">
      <table>
        {caption ? <caption className="visually-hidden">{caption}</caption> : null}
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.header} scope="col" className={c.numeric ? 'num' : undefined}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((c) => (
                <td key={c.header} className={c.numeric ? 'num' : undefined}>
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
