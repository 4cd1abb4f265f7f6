// Records: a flow by its uid (its conn record and every other record of that flow), and
// the record table the asset page reuses.
import { useEffect, useState } from 'react';
import { api, qs, type Page } from '../api.ts';
import { Empty, ErrorBox, Link, Loading, Section, Time } from '../components/ui.tsx';
import { bytes, duration, num } from '../format.ts';
import { useApi } from '../hooks.ts';
import { useQuery } from '../router.ts';

type Rec = Record<string, unknown>;

const ENDPOINT = new Set(['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p']);

function cellText(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function endpoint(r: Rec, side: 'orig' | 'resp'): string {
  const h = r[`id.${side}_h`];
  const p = r[`id.${side}_p`];
  if (h === undefined) return '';
  const host = String(h).includes(':') ? `[${String(h)}]` : String(h);
  return p === undefined ? host : `${host}:${String(p)}`;
}

export function RecordTable({ type, rows }: { type: string; rows: Rec[] }) {
  if (rows.length === 0) return <Empty>No {type} records.</Empty>;
  if (type === 'conn') {
    return (
      <div className="table-wrap">
        <table className="data records" data-testid="records-conn">
          <thead><tr><th scope="col">Time</th><th scope="col">uid</th><th scope="col">Originator</th><th scope="col">Responder</th><th scope="col">Proto</th><th scope="col">Service</th><th scope="col">State</th><th scope="col" className="num">Duration</th><th scope="col" className="num">Packets</th><th scope="col" className="num">Bytes</th></tr></thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={String(r.uid) + i}>
                <td><Time t={Number(r.ts)} /></td>
                <td><Link to={'/flows' + qs({ uid: String(r.uid) })} className="mono">{String(r.uid)}</Link></td>
                <td className="mono">{endpoint(r, 'orig')}</td>
                <td className="mono">{endpoint(r, 'resp')}</td>
                <td>{cellText(r.proto)}</td>
                <td>{cellText(r.service)}</td>
                <td title={cellText(r.history)}>{cellText(r.conn_state)}</td>
                <td className="num">{r.duration === undefined ? '' : duration(Number(r.duration))}</td>
                <td className="num">{num(Number(r.orig_pkts ?? 0) + Number(r.resp_pkts ?? 0))}</td>
                <td className="num">{bytes(Number(r.orig_ip_bytes ?? 0) + Number(r.resp_ip_bytes ?? 0))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  }
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) if (!ENDPOINT.has(k) && !seen.has(k)) { seen.add(k); keys.push(k); }
  return (
    <div className="table-wrap">
      <table className="data records" data-testid={`records-${type}`}>
        <thead><tr><th scope="col">Time</th><th scope="col">uid</th><th scope="col">Originator</th><th scope="col">Responder</th>{keys.map((k) => <th key={k} scope="col">{k}</th>)}</tr></thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              <td><Time t={Number(r.ts)} /></td>
              <td>{r.uid !== undefined ? <Link to={'/flows' + qs({ uid: String(r.uid) })} className="mono">{String(r.uid)}</Link> : ''}</td>
              <td className="mono">{endpoint(r, 'orig')}</td>
              <td className="mono">{endpoint(r, 'resp')}</td>
              {keys.map((k) => <td key={k} className="clip" title={cellText(r[k])}>{cellText(r[k])}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function FlowsPage() {
  const q = useQuery();
  const uid = q.get('uid') ?? '';
  const [input, setInput] = useState(uid);
  const types = useApi<{ type: string; count: number }[]>('/api/records');
  const [found, setFound] = useState<{ uid: string; byType: [string, Rec[]][] } | null>(null);
  const [error, setError] = useState<Error | undefined>();
  useEffect(() => {
    if (uid === '' || types.data === undefined) return;
    let live = true;
    setError(undefined);
    void Promise.all(types.data.map(async (t) => {
      const path = t.type === 'conn' ? '/api/flows' : `/api/records/${encodeURIComponent(t.type)}`;
      const p = await api<Page<Rec>>(path + qs({ uid, limit: 200 }));
      return [t.type, p.items] as [string, Rec[]];
    })).then((r) => live && setFound({ uid, byType: r.filter(([, items]) => items.length > 0) }), (e: Error) => live && setError(e));
    return () => {
      live = false;
    };
  }, [uid, types.data]);
  return (
    <div>
      <h1>Flow</h1>
      <form className="filters" onSubmit={(e) => { e.preventDefault(); window.history.replaceState(null, '', '/flows' + qs({ uid: input.trim() })); window.dispatchEvent(new PopStateEvent('popstate')); }}>
        <label>Flow uid <input value={input} onChange={(e) => setInput(e.target.value)} placeholder="C…" className="mono" /></label>
        <button type="submit">Show</button>
      </form>
      <ErrorBox error={error ?? types.error} />
      {uid === '' ? <Empty>Enter a flow uid (the <code>uid</code> of a conn record; every record of the flow carries it).</Empty>
        : found === null || found.uid !== uid ? <Loading on />
        : found.byType.length === 0 ? <Empty>No records with uid {uid}.</Empty>
        : found.byType.map(([type, rows]) => <Section key={type} title={`${type} (${num(rows.length)})`}><RecordTable type={type} rows={rows} /></Section>)}
    </div>
  );
}
