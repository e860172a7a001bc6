export interface Column {
  readonly header: string;
  readonly align: 'left' | 'right';
}

/** Prints rows of already-formatted cells under their headers, columns padded to fit. */
export function printTable(columns: readonly Column[], rows: readonly (readonly string[])[]): void {
  const widths = columns.map((column, c) => Math.max(column.header.length, ...rows.map((row) => (row[c] ?? '').length)));
  const line = (cells: readonly string[]) =>
    columns
      .map((column, c) => {
        const cell = cells[c] ?? '';
        const width = widths[c] ?? 0;
        return column.align === 'left' ? cell.padEnd(width) : cell.padStart(width);
      })
      .join('  ')
      .trimEnd();
  console.log(line(columns.map((column) => column.header)));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) console.log(line(row));
}

export const format = {
  ms: (value: number): string => value.toFixed(3),
  signedMs: (value: number): string => `${value >= 0 ? '+' : ''}${value.toFixed(3)}`,
  rate: (value: number): string => Math.round(value).toLocaleString('en-US'),
  ratio: (value: number): string => `${value.toFixed(2)}x`,
};
