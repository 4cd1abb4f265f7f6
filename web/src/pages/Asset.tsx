// One asset: every field's claims with their evidence, role and Purdue level with their
// reasons, services, connections, changes, alerts and its records by type.
import { useEffect, useMemo, useState } from 'react';
import { api, qs, type Alert, type Asset, type AssetSummary, type Change, type Claim, type Edge, type Page, type Service } from '../api.ts';
import { DataTable, type ColSpec } from '../components/DataTable.tsx';
import { Empty, ErrorBox, Link, Loading, Pager, RoleBadge, Section, Tabs, Time } from '../components/ui.tsx';
import { bytes, DANGEROUS, levelLabel, num, roleLabel, routedAddress, SEVERITY_LABEL } from '../format.ts';
import { useApi, useDataVersion } from '../hooks.ts';
import { assetPath } from '../router.ts';
import { RecordTable } from './Flows.tsx';

interface AssetReply {
  asset: Asset;
  edges: Edge[];
  changes: Change[];
  alerts: Alert[];
  /** Devices behind this BACnet router or Modbus gateway (absent from servers older than it). */
  behind?: AssetSummary[];
}

const FIELDS: { key: keyof Asset; label: string }[] = [
  { key: 'names', label: 'Names' }, { key: 'ipv4', label: 'IPv4' }, { key: 'ipv6', label: 'IPv6' }, { key: 'mac', label: 'MAC' }, { key: 'bacnet', label: 'BACnet address' }, { key: 'routed_via', label: 'Via BACnet router' },
  { key: 'vendor', label: 'Vendor' }, { key: 'model', label: 'Model' }, { key: 'firmware', label: 'Firmware' }, { key: 'serial', label: 'Serial' },
  { key: 'device_type', label: 'Device type' }, { key: 'os', label: 'OS' }, { key: 'software', label: 'Software' }, { key: 'hardware', label: 'Hardware' },
];

export function uidLink(uid: string | undefined) {
  if (uid === undefined || uid === '') return <span className="muted">–</span>;
  return <Link to={'/flows' + qs({ uid })} className="mono" title="The flow's conn record and its other records">{uid}</Link>;
}

function label(a: Asset): string {
  return a.names[0]?.value ?? a.ipv4[0]?.value ?? a.ipv6[0]?.value ?? a.mac[0]?.value ?? a.id;
}

export function AssetPage({ id }: { id: string }) {
  const r = useApi<AssetReply>('/api/assets/' + encodeURIComponent(id));
  if (r.error !== undefined) return <div><h1>Asset</h1><ErrorBox error={r.error} /><p><Link to="/assets">Back to the assets</Link></p></div>;
  if (r.data === undefined) return <Loading on />;
  const { asset: a, edges, changes, alerts } = r.data;
  const behind = r.data.behind ?? [];
  return (
    <div className="asset-page" data-testid="asset-page" data-asset-id={a.id}>
      <div className="page-head">
        <div>
          <p className="crumbs"><Link to="/assets">Assets</Link> ›</p>
          <h1>{label(a)}</h1>
          <p className="muted mono">{a.id}</p>
        </div>
        <dl className="facts">
          <div><dt>Role</dt><dd><RoleBadge role={a.role.value} /> {roleLabel(a.role.value)} <span className="muted">({a.role.confidence}%)</span></dd></div>
          <div><dt>Purdue level</dt><dd>{levelLabel(a.purdue_level.level)}</dd></div>
          <div><dt>Seen</dt><dd><Time t={a.first_seen} /> – <Time t={a.last_seen} /></dd></div>
          <div><dt>Traffic</dt><dd>{num(a.flows)} flows · sent {bytes(a.bytes_sent)} ({num(a.packets_sent)} pkts) · received {bytes(a.bytes_received)} ({num(a.packets_received)} pkts)</dd></div>
          {(a.modbus_units ?? []).length > 0 && <div><dt>Modbus units</dt><dd className="mono" title={a.key === 'modbus' ? 'Its unit id behind the gateway' : 'Unit ids it answered Modbus requests for'}>{(a.modbus_units ?? []).join(', ')}</dd></div>}
          {a.vlans.length > 0 && <div><dt>VLANs</dt><dd>{a.vlans.join(', ')}</dd></div>}
          {a.subnets.length > 0 && <div><dt>Subnets</dt><dd className="mono">{a.subnets.join(', ')}</dd></div>}
        </dl>
      </div>

      <div className="grid2">
        <Section title="Role" id="s-role">
          <p><RoleBadge role={a.role.value} /> <strong>{roleLabel(a.role.value)}</strong>, confidence {a.role.confidence}%</p>
          {a.role.reasons.length > 0 ? <ul>{a.role.reasons.map((x, i) => <li key={i}>{x}</li>)}</ul> : <p className="muted">No traffic pointed to a role.</p>}
          {a.role.alternatives.length > 0 && <p className="small">Also scored: {a.role.alternatives.map((x) => `${roleLabel(x.role)} (${x.confidence}%)`).join(', ')}</p>}
          {Object.keys(a.features).length > 0 && (
            <details>
              <summary>Role features seen</summary>
              <ul className="small">{Object.entries(a.features).map(([k, v]) => <li key={k}><code>{k}</code>: {num(v)}</li>)}</ul>
            </details>
          )}
        </Section>
        <Section title="Purdue level" id="s-level">
          <p><strong>{levelLabel(a.purdue_level.level)}</strong></p>
          <p>{a.purdue_level.reason !== '' ? a.purdue_level.reason : <span className="muted">No reason recorded.</span>}</p>
          <p className="small">Protocols: {a.protocols.length > 0 ? a.protocols.join(', ') : <span className="muted">none identified</span>}</p>
        </Section>
      </div>

      <Section title="Identity: claims and evidence" id="s-claims">
        <ClaimsTable asset={a} />
      </Section>

      <div className="grid2">
        <Section title={`Services offered (${a.services_offered.length})`} id="s-offered"><ServiceTable rows={a.services_offered} peers="Clients" /></Section>
        <Section title={`Services used (${a.services_used.length})`} id="s-used"><ServiceTable rows={a.services_used} peers="Servers" /></Section>
      </div>

      {behind.length > 0 && (
        <Section title={`Devices behind it (${behind.length})`} id="s-behind">
          <div className="table-wrap">
            <table className="data" data-testid="behind-table">
              <thead><tr><th scope="col">Device</th><th scope="col">Address</th><th scope="col">Role</th><th scope="col">Vendor</th><th scope="col">Model</th></tr></thead>
              <tbody>
                {behind.map((d) => (
                  <tr key={d.id}>
                    <td><Link to={assetPath(d.id)} className="asset-link">{d.name !== '' ? d.name : d.id}</Link></td>
                    <td className="mono">{routedAddress(d)}</td>
                    <td><RoleBadge role={d.role} /> {roleLabel(d.role)}</td>
                    <td>{d.vendor}</td>
                    <td>{d.model}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Section>
      )}

      <Section title={`Connections (${edges.length})`} id="s-edges"><EdgeTable asset={a.id} edges={edges} /></Section>

      <div className="grid2">
        <Section title={`Changes (${changes.length})`} id="s-changes">
          {changes.length === 0 ? <Empty>No changes seen for this asset.</Empty> : (
            <ul className="events">
              {changes.map((c, i) => <li key={i}><Time t={c.ts} /> <span className="badge">{c.change}</span> {c.description} {c.uid !== undefined && <>({uidLink(c.uid)})</>}</li>)}
            </ul>
          )}
        </Section>
        <Section title={`Alerts (${alerts.length})`} id="s-alerts">
          {alerts.length === 0 ? <Empty>No alerts for this asset.</Empty> : (
            <ul className="events">
              {alerts.map((x) => <li key={x.id}><Time t={x.ts} /> <span className={`sev sev-${x.severity}`}>{SEVERITY_LABEL[x.severity] ?? x.severity}</span> {x.signature} <span className="badge">{x.status}</span></li>)}
            </ul>
          )}
          <p><Link to={'/alerts' + qs({ asset_id: a.id })}>All alerts of this asset</Link></p>
        </Section>
      </div>

      <Section title="Records" id="s-records"><AssetRecords asset={a.id} /></Section>
    </div>
  );
}

function ClaimsTable({ asset }: { asset: Asset }) {
  const rows: { field: string; c: Claim; i: number }[] = [];
  for (const f of FIELDS) {
    // Inventories stored by an older version lack the newer fields.
    const claims = (asset[f.key] as Claim[] | undefined) ?? [];
    const label = f.key === 'routed_via' && asset.key === 'modbus' ? 'Via Modbus gateway' : f.label;
    claims.forEach((c, i) => rows.push({ field: label, c, i }));
  }
  if (rows.length === 0) return <Empty>No identity claims.</Empty>;
  return (
    <div className="table-wrap">
      <table className="data claims">
        <thead>
          <tr><th scope="col">Field</th><th scope="col">Value</th><th scope="col">Source</th><th scope="col" className="num">Confidence</th><th scope="col">First seen</th><th scope="col">Last seen</th><th scope="col" className="num">Seen</th><th scope="col">Evidence</th></tr>
        </thead>
        <tbody>
          {rows.map(({ field, c, i }) => (
            <tr key={field + i} className={i === 0 ? 'first' : 'alt'}>
              <th scope="row">{i === 0 ? field : ''}</th>
              <td className="mono">{c.value}{c.kind !== undefined && <span className="badge small">{c.kind}</span>}</td>
              <td>{c.source}</td>
              <td className="num"><span className="conf" style={{ ['--c' as string]: `${c.confidence}%` }}>{c.confidence}</span></td>
              <td><Time t={c.first_seen} /></td>
              <td><Time t={c.last_seen} /></td>
              <td className="num">{num(c.count)}</td>
              <td className="small"><code>{c.evidence.record}.{c.evidence.field}</code> at <Time t={c.evidence.ts} /> · flow {uidLink(c.evidence.uid)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ServiceTable({ rows, peers }: { rows: Service[]; peers: string }) {
  const cols = useMemo<ColSpec<Service>[]>(() => [
    { id: 'port', header: 'Port', cell: (s) => `${s.proto}/${s.port}`, sortValue: (s) => s.port },
    { id: 'service', header: 'Service', cell: (s) => s.service || <span className="muted">–</span>, sortValue: (s) => s.service },
    { id: 'flows', header: 'Flows', className: 'num', cell: (s) => num(s.flows), sortValue: (s) => s.flows },
    { id: 'peers', header: peers, className: 'num', cell: (s) => num(s.peers), sortValue: (s) => s.peers },
    { id: 'last', header: 'Last seen', cell: (s) => <Time t={s.last_seen} />, sortValue: (s) => s.last_seen },
  ], [peers]);
  if (rows.length === 0) return <Empty>None seen.</Empty>;
  return <DataTable columns={cols} rows={rows} rowKey={(s) => `${s.proto}/${s.port}`} />;
}

function EdgeTable({ asset, edges }: { asset: string; edges: Edge[] }) {
  const cols = useMemo<ColSpec<Edge>[]>(() => [
    // A routed edge: the peer is behind this router or gateway, or this device behind the peer.
    { id: 'dir', header: 'Direction', cell: (e) => (e.routed ? (e.source === asset ? 'behind it →' : '← behind') : e.source === asset ? 'to →' : '← from'), sortValue: (e) => (e.source === asset ? 0 : 1) },
    { id: 'peer', header: 'Peer', cell: (e) => { const p = e.source === asset ? e.target : e.source; return <Link to={assetPath(p)} className="mono">{p.replace(/^(ip|mac):/, '')}</Link>; }, sortValue: (e) => (e.source === asset ? e.target : e.source) },
    { id: 'protocols', header: 'Protocols', cell: (e) => e.protocols.join(', ') || <span className="muted">–</span>, sortValue: (e) => e.protocols.join(',') },
    { id: 'ports', header: 'Ports', cell: (e) => <span className="small">{e.ports.slice(0, 4).map((p) => p.port).join(', ')}{e.ports.length > 4 ? ` +${e.ports.length - 4}` : ''}</span> },
    { id: 'ops', header: 'Operations (by the initiator)', cell: (e) => <Operations e={e} /> , sortValue: (e) => DANGEROUS.reduce((n, k) => n + (e.operation_totals[k] ?? 0), 0) },
    { id: 'flows', header: 'Flows', className: 'num', cell: (e) => num(e.flows), sortValue: (e) => e.flows },
    { id: 'bytes', header: 'Bytes', className: 'num', cell: (e) => bytes(e.bytes), sortValue: (e) => e.bytes },
    { id: 'last', header: 'Last seen', cell: (e) => <Time t={e.last_seen} />, sortValue: (e) => e.last_seen },
  ], [asset]);
  if (edges.length === 0) return <Empty>No connections.</Empty>;
  return <DataTable columns={cols} rows={edges} rowKey={(e) => e.id} />;
}

export function OperationTotals({ totals }: { totals: Record<string, number> }) {
  const keys = Object.keys(totals).sort((a, b) => rank(a) - rank(b));
  if (keys.length === 0) return <span className="muted">–</span>;
  return <span className="ops">{keys.map((k) => <span key={k} className={`op op-${k}`}>{k} {num(totals[k])}</span>)}</span>;
}

function rank(c: string): number {
  const i = ['program', 'control', 'write', 'read', 'discovery', 'other'].indexOf(c);
  return i < 0 ? 99 : i;
}

export function Operations({ e }: { e: { operations: Edge['operations']; operation_totals: Record<string, number> } }) {
  const list: { proto: string; name: string; count: number; category: string }[] = [];
  for (const [proto, ops] of Object.entries(e.operations)) for (const [name, o] of Object.entries(ops)) list.push({ proto, name, count: o.count, category: o.category });
  list.sort((a, b) => rank(a.category) - rank(b.category) || b.count - a.count);
  if (list.length === 0) return <span className="muted">–</span>;
  return (
    <details>
      <summary><OperationTotals totals={e.operation_totals} /></summary>
      <ul className="small oplist">{list.map((o) => <li key={o.proto + o.name}><span className={`op op-${o.category}`}>{o.category}</span> {o.proto} <code>{o.name}</code> × {num(o.count)}</li>)}</ul>
    </details>
  );
}

function AssetRecords({ asset }: { asset: string }) {
  const version = useDataVersion();
  const types = useApi<{ type: string; count: number }[]>('/api/records');
  const [counts, setCounts] = useState<Record<string, number> | null>(null);
  const [tab, setTab] = useState('conn');
  useEffect(() => {
    if (types.data === undefined) return;
    let live = true;
    // Which record types hold records of this asset (one small request per type).
    void Promise.all(types.data.map(async (t) => {
      const path = t.type === 'conn' ? '/api/flows' : `/api/records/${encodeURIComponent(t.type)}`;
      try {
        const p = await api<Page<unknown>>(path + qs({ asset, limit: 1 }));
        return [t.type, p.total] as const;
      } catch {
        return [t.type, 0] as const;
      }
    })).then((r) => live && setCounts(Object.fromEntries(r)));
    return () => {
      live = false;
    };
  }, [types.data, asset, version]);
  if (counts === null) return <Loading on />;
  const tabs = Object.entries(counts).filter(([, n]) => n > 0).sort((a, b) => (a[0] === 'conn' ? -1 : b[0] === 'conn' ? 1 : a[0] < b[0] ? -1 : 1));
  if (tabs.length === 0) return <Empty>No records of this asset.</Empty>;
  const active = tabs.some(([t]) => t === tab) ? tab : tabs[0][0];
  return (
    <div>
      <Tabs label="Record types" tabs={tabs.map(([t, n]) => ({ key: t, label: <>{t} <span className="count">{num(n)}</span></> }))} active={active} onChange={setTab} />
      <PagedRecords key={active} type={active} asset={asset} />
    </div>
  );
}

function PagedRecords({ type, asset }: { type: string; asset: string }) {
  const [offset, setOffset] = useState(0);
  const path = (type === 'conn' ? '/api/flows' : `/api/records/${encodeURIComponent(type)}`) + qs({ asset, offset, limit: 50, order: type === 'conn' ? undefined : 'desc', sort: type === 'conn' ? 'ts' : undefined });
  const r = useApi<Page<Record<string, unknown>>>(path);
  return (
    <div>
      <ErrorBox error={r.error} />
      {r.data !== undefined && <RecordTable type={type} rows={r.data.items} />}
      {r.data !== undefined && <Pager total={r.data.total} offset={offset} limit={50} onChange={setOffset} />}
    </div>
  );
}
