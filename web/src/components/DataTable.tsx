// A table over @tanstack/react-table: the app's markup and styles, sorting either by the
// server (manual: the parent fetches the sorted page) or in the browser.
import { useMemo, type ReactNode } from 'react';
import { rowSortingFeature, tableFeatures, useTable, type ColumnDef, type RowData, type SortingState, createSortedRowModel, sortFn_basic } from '@tanstack/react-table';

const features = tableFeatures({ rowSortingFeature, sortedRowModel: createSortedRowModel(), sortFns: { basic: sortFn_basic } });

export type Col<T extends RowData> = ColumnDef<typeof features, T, unknown>;

export interface ColSpec<T> {
  id: string;
  header: string;
  cell: (row: T) => ReactNode;
  /** Value for client-side sorting; columns without one (and without server sorting) do not sort. */
  sortValue?: (row: T) => string | number;
  sortable?: boolean;
  className?: string;
}

interface Props<T extends RowData> {
  columns: ColSpec<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  /** Server-side sorting: the current sort and what to do when a header is clicked. */
  sort?: { by: string; order: 'asc' | 'desc'; onChange: (by: string, order: 'asc' | 'desc') => void };
  empty?: ReactNode;
  caption?: string;
  rowClass?: (row: T) => string | undefined;
  testId?: string;
}

export function DataTable<T extends RowData>({ columns, rows, rowKey, sort, empty, caption, rowClass, testId }: Props<T>) {
  const defs = useMemo<Col<T>[]>(
    () => columns.map((c) => ({
      id: c.id,
      header: c.header,
      accessorFn: (r: T) => (c.sortValue !== undefined ? c.sortValue(r) : ''),
      cell: (ctx: { row: { original: T } }) => c.cell(ctx.row.original),
      enableSorting: sort !== undefined ? c.sortable === true : c.sortValue !== undefined,
      sortFn: 'basic',
    })) as Col<T>[],
    [columns, sort],
  );
  const sorting: SortingState | undefined = sort !== undefined ? [{ id: sort.by, desc: sort.order === 'desc' }] : undefined;
  const table = useTable({
    features,
    columns: defs,
    data: rows,
    getRowId: (r: T) => rowKey(r),
    manualSorting: sort !== undefined,
    enableSortingRemoval: false,
    ...(sort !== undefined
      ? {
          state: { sorting },
          onSortingChange: (u: SortingState | ((old: SortingState) => SortingState)) => {
            const next = typeof u === 'function' ? u(sorting ?? []) : u;
            const s = next[0];
            if (s !== undefined) sort.onChange(s.id, s.desc ? 'desc' : 'asc');
          },
        }
      : {}),
  });
  const spec = new Map(columns.map((c) => [c.id, c]));
  return (
    <div className="table-wrap">
      <table className="data" data-testid={testId}>
        {caption !== undefined && <caption className="sr-only">{caption}</caption>}
        <thead>
          {table.getHeaderGroups().map((g) => (
            <tr key={g.id}>
              {g.headers.map((h) => {
                const can = h.column.getCanSort();
                const dir = h.column.getIsSorted();
                return (
                  <th key={h.id} className={spec.get(h.column.id)?.className} aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : undefined} scope="col">
                    {can ? (
                      <button type="button" className="sort" onClick={h.column.getToggleSortingHandler()}>
                        {spec.get(h.column.id)?.header}
                        <span aria-hidden="true" className="sort-mark">{dir === 'asc' ? '▲' : dir === 'desc' ? '▼' : '↕'}</span>
                      </button>
                    ) : (
                      spec.get(h.column.id)?.header
                    )}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((r) => (
            <tr key={r.id} className={rowClass?.(r.original)}>
              {r.getAllCells().map((cell) => (
                <td key={cell.id} className={spec.get(cell.column.id)?.className}>
                  {spec.get(cell.column.id)?.cell(r.original)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && empty !== undefined && <div className="table-empty">{empty}</div>}
    </div>
  );
}
