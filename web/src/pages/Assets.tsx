// The asset inventory: server-side search, filters, sorting and pages (/api/assets), the
// same filters for the CSV export (/api/assets.csv); the state lives in the URL.
import { useEffect, useMemo, useState } from 'react';
import { qs, type AssetSummary, type Page, type Stats } from '../api.ts';
import { DataTable, type ColSpec } from '../components/DataTable.tsx';
import { ErrorBox, Link, Loading, NoData, Empty, Pager, RoleBadge, Time } from '../components/ui.tsx';
import { bytes, LEVEL_LABEL, num, roleLabel, ROLES, routedAddress } from '../format.ts';
import { useApi, useDebounced } from '../hooks.ts';
import { assetPath, setQuery, useQuery } from '../router.ts';

const LIMIT = 50;

const COLUMNS: ColSpec<AssetSummary>[] = [
  { id: 'name', header: 'Name', sortable: true, cell: (a) => <Link to={assetPath(a.id)} className="asset-link">{a.name !== '' ? a.name : a.ipv4 !== '' ? a.ipv4 : a.ipv6 !== '' ? a.ipv6 : a.mac !== '' ? a.mac : a.id}</Link> },
  { id: 'ipv4', header: 'IP address', sortable: true, cell: (a) => <span className="mono">{a.ipv4 !== '' ? a.ipv4 : a.ipv6}</span> },
  { id: 'mac', header: 'MAC', sortable: true, cell: (a) => <span className="mono">{a.key === 'mac' ? a.mac : a.key === 'bacnet' ? <span title="A BACnet device behind a BACnet router: its network and MAC address">{routedAddress(a)}</span> : a.key === 'modbus' ? <span title="A Modbus device behind a Modbus/TCP gateway: its unit id">{routedAddress(a)}</span> : <span className="muted" title="The router MAC in front of this host">via {a.mac || '–'}</span>}</span> },
  { id: 'role', header: 'Role', sortable: true, cell: (a) => <><RoleBadge role={a.role} /> <span className="muted small">{a.role_confidence > 0 ? `${a.role_confidence}%` : ''}</span></> },
  { id: 'purdue_level', header: 'Level', sortable: true, className: 'num', cell: (a) => (a.purdue_level === null ? <span className="muted">–</span> : String(a.purdue_level)) },
  { id: 'vendor', header: 'Vendor', sortable: true, cell: (a) => a.vendor },
  { id: 'model', header: 'Model', sortable: true, cell: (a) => a.model },
  { id: 'firmware', header: 'Firmware', sortable: true, cell: (a) => a.firmware },
  { id: 'protocols', header: 'Protocols', cell: (a) => <span className="small">{a.protocols.split(',').filter(Boolean).join(', ')}</span> },
  { id: 'last_seen', header: 'Last seen', sortable: true, cell: (a) => <Time t={a.last_seen} /> },
  { id: 'packets', header: 'Packets', sortable: true, className: 'num', cell: (a) => num(a.packets) },
  { id: 'bytes', header: 'Bytes', sortable: true, className: 'num', cell: (a) => bytes(a.bytes) },
  { id: 'flows', header: 'Flows', sortable: true, className: 'num', cell: (a) => num(a.flows) },
];

export function AssetsPage() {
  const q = useQuery();
  const [search, setSearch] = useState(q.get('search') ?? '');
  const debounced = useDebounced(search, 250);
  useEffect(() => {
    if ((q.get('search') ?? '') !== debounced) setQuery({ search: debounced, offset: undefined });
  }, [debounced]);
  const filters = {
    search: q.get('search') ?? undefined,
    role: q.get('role') ?? undefined,
    purdue_level: q.get('purdue_level') ?? undefined,
    vendor: q.get('vendor') ?? undefined,
    protocol: q.get('protocol') ?? undefined,
    sort: q.get('sort') ?? undefined,
    order: q.get('order') ?? undefined,
  };
  const offset = Number(q.get('offset') ?? 0) || 0;
  const page = useApi<Page<AssetSummary>>('/api/assets' + qs({ ...filters, offset, limit: LIMIT }));
  const stats = useApi<Stats>('/api/stats');
  const protocols = useMemo(() => Object.keys(stats.data?.by_protocol ?? {}).filter((p) => p !== 'unknown').sort(), [stats.data]);
  const filtered = filters.search !== undefined || filters.role !== undefined || filters.purdue_level !== undefined || filters.vendor !== undefined || filters.protocol !== undefined;
  const csv = '/api/assets.csv' + qs({ ...filters });
  return (
    <div>
      <div className="page-head">
        <h1>Assets</h1>
        <a className="button" href={csv} download="assets.csv">Export CSV</a>
      </div>
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Search
          <input type="search" placeholder="name, address, vendor, model, firmware, serial" value={search} onChange={(e) => setSearch(e.target.value)} aria-label="Search assets" />
        </label>
        <label>
          Role
          <select value={filters.role ?? ''} onChange={(e) => setQuery({ role: e.target.value, offset: undefined })}>
            <option value="">any</option>
            {ROLES.map((r) => <option key={r} value={r}>{roleLabel(r)}</option>)}
          </select>
        </label>
        <label>
          Purdue level
          <select value={filters.purdue_level ?? ''} onChange={(e) => setQuery({ purdue_level: e.target.value, offset: undefined })}>
            <option value="">any</option>
            {['0', '1', '2', '3', '4', '5'].map((l) => <option key={l} value={l}>{LEVEL_LABEL[l]}</option>)}
          </select>
        </label>
        <label>
          Vendor
          <input value={filters.vendor ?? ''} onChange={(e) => setQuery({ vendor: e.target.value, offset: undefined })} placeholder="e.g. Siemens" />
        </label>
        <label>
          Protocol
          <select value={filters.protocol ?? ''} onChange={(e) => setQuery({ protocol: e.target.value, offset: undefined })}>
            <option value="">any</option>
            {protocols.map((p) => <option key={p} value={p}>{p}</option>)}
          </select>
        </label>
        {filtered && <button type="button" onClick={() => { setSearch(''); setQuery({ search: undefined, role: undefined, purdue_level: undefined, vendor: undefined, protocol: undefined, offset: undefined }); }}>Clear filters</button>}
        <Loading on={page.loading} />
      </form>
      <ErrorBox error={page.error} />
      {page.data !== undefined && page.data.total === 0 && !filtered ? (
        <NoData />
      ) : (
        <>
          <DataTable
            testId="assets-table"
            caption="Assets"
            columns={COLUMNS}
            rows={page.data?.items ?? []}
            rowKey={(a) => a.id}
            sort={{ by: filters.sort ?? 'ipv4', order: filters.order === 'desc' ? 'desc' : 'asc', onChange: (by, order) => setQuery({ sort: by, order, offset: undefined }) }}
            empty={page.data !== undefined ? <Empty>No asset matches these filters. <button type="button" className="link" onClick={() => { setSearch(''); setQuery({ search: undefined, role: undefined, purdue_level: undefined, vendor: undefined, protocol: undefined, offset: undefined }); }}>Clear them</button>.</Empty> : undefined}
          />
          {page.data !== undefined && <Pager total={page.data.total} offset={offset} limit={LIMIT} onChange={(o) => setQuery({ offset: o === 0 ? undefined : o })} />}
        </>
      )}
    </div>
  );
}
