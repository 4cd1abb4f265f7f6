// Protocol activity per asset pair (/api/activity): who programs, writes to and controls
// which device, by protocol and category; the dangerous categories come first.
import { useMemo } from 'react';
import { qs, type Edge, type Page, type Stats } from '../api.ts';
import { DataTable, type ColSpec } from '../components/DataTable.tsx';
import { Empty, ErrorBox, Link, Loading, Pager } from '../components/ui.tsx';
import { CATEGORIES, DANGEROUS, num } from '../format.ts';
import { useApi } from '../hooks.ts';
import { assetPath, setQuery, useQuery } from '../router.ts';
import { Operations } from './Asset.tsx';

type Row = Pick<Edge, 'id' | 'source' | 'target' | 'protocols' | 'operation_totals' | 'operations'>;
const LIMIT = 100;

function short(id: string): string {
  return id.replace(/^(ip|mac):/, '');
}

const COLUMNS: ColSpec<Row>[] = [
  { id: 'source', header: 'Initiator', cell: (r) => <Link to={assetPath(r.source)} className="mono">{short(r.source)}</Link>, sortValue: (r) => r.source },
  { id: 'target', header: 'Target', cell: (r) => <Link to={assetPath(r.target)} className="mono">{short(r.target)}</Link>, sortValue: (r) => r.target },
  { id: 'protocols', header: 'Protocols', cell: (r) => r.protocols.join(', '), sortValue: (r) => r.protocols.join(',') },
  ...CATEGORIES.map((c): ColSpec<Row> => ({
    id: c, header: c, className: `num cat-${c}`,
    cell: (r) => ((r.operation_totals[c] ?? 0) > 0 ? <span className={(DANGEROUS as readonly string[]).includes(c) ? `op op-${c}` : ''}>{num(r.operation_totals[c])}</span> : <span className="muted">–</span>),
    sortValue: (r) => r.operation_totals[c] ?? 0,
  })),
  { id: 'ops', header: 'Operations', cell: (r) => <Operations e={r} /> },
];

export function ActivityPage() {
  const q = useQuery();
  const protocol = q.get('protocol') ?? undefined;
  const category = q.get('category') ?? undefined;
  const offset = Number(q.get('offset') ?? 0) || 0;
  const r = useApi<Page<Row>>('/api/activity' + qs({ protocol, category, offset, limit: LIMIT }));
  const stats = useApi<Stats>('/api/stats');
  const protocols = useMemo(() => Object.keys(stats.data?.by_protocol ?? {}).filter((p) => p !== 'unknown').sort(), [stats.data]);
  // Dangerous first. The server orders by program, then write; inside that order, control
  // commands break the ties (within the page).
  const rows = useMemo(() => [...(r.data?.items ?? [])].sort((a, b) => {
    for (const c of ['program', 'write', 'control']) {
      const d = (b.operation_totals[c] ?? 0) - (a.operation_totals[c] ?? 0);
      if (d !== 0) return d;
    }
    return 0;
  }), [r.data]);
  return (
    <div>
      <h1>Protocol activity</h1>
      <p className="muted">What each initiator did to each target: PLC program transfers, writes and control commands (start/stop, operate) come first.</p>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Protocol
          <select value={protocol ?? ''} onChange={(e) => setQuery({ protocol: e.target.value, offset: undefined })}>
            <option value="">any</option>
            {protocols.map((p) => <option key={p} value={p}>{p}</option>)}
          </select>
        </label>
        <fieldset className="chips">
          <legend>Category</legend>
          <button type="button" className={category === undefined ? 'chip active' : 'chip'} onClick={() => setQuery({ category: undefined, offset: undefined })}>all</button>
          {CATEGORIES.map((c) => <button key={c} type="button" className={category === c ? `chip active op-${c}` : `chip op-${c}`} aria-pressed={category === c} onClick={() => setQuery({ category: c, offset: undefined })}>{c}</button>)}
        </fieldset>
        <Loading on={r.loading} />
      </form>
      <ErrorBox error={r.error} />
      {r.data !== undefined && (
        <>
          <DataTable testId="activity-table" columns={COLUMNS} rows={rows} rowKey={(x) => x.id} rowClass={(x) => (DANGEROUS.some((c) => (x.operation_totals[c] ?? 0) > 0) ? 'danger-row' : undefined)}
            empty={<Empty>{protocol !== undefined || category !== undefined ? 'No activity matches these filters.' : <>No protocol operations seen yet: upload a capture with industrial traffic (Modbus, S7comm, CIP, DNP3…) on the <Link to="/captures">Captures</Link> page.</>}</Empty>} />
          <Pager total={r.data.total} offset={offset} limit={LIMIT} onChange={(o) => setQuery({ offset: o === 0 ? undefined : o })} />
        </>
      )}
    </div>
  );
}
