// The dashboard: assets by role, vendor and Purdue level, protocols, traffic over time,
// recent changes and alerts.
import { useMemo } from 'react';
import type { Alert, Change, Page, Stats } from '../api.ts';
import { Bars, Traffic, type Bar } from '../components/charts.tsx';
import { Empty, ErrorBox, Link, Loading, NoData, Section, Time } from '../components/ui.tsx';
import { bytes, levelLabel, num, ROLE_COLOR, roleLabel, SEVERITY_LABEL, duration } from '../format.ts';
import { useApi } from '../hooks.ts';
import { assetPath, navigate } from '../router.ts';

function top(rec: Record<string, number>, n: number, label: (k: string) => string = (k) => k, color?: (k: string) => string): Bar[] {
  const rows = Object.entries(rec).sort((a, b) => b[1] - a[1]);
  const out: Bar[] = rows.slice(0, n).map(([k, v]) => ({ key: k, label: label(k), value: v, color: color?.(k) }));
  if (rows.length > n) out.push({ key: '', label: `${rows.length - n} more`, value: rows.slice(n).reduce((s, r) => s + r[1], 0), color: '#bbb' });
  return out;
}

export default function DashboardPage() {
  const stats = useApi<Stats>('/api/stats');
  const changes = useApi<Page<Change>>('/api/changes?limit=10');
  const alerts = useApi<Page<Alert>>('/api/alerts?limit=10&status=open,acknowledged');
  const s = stats.data;
  const charts = useMemo(() => {
    if (s === undefined) return null;
    return {
      roles: top(s.by_role, 13, roleLabel, (k) => ROLE_COLOR[k] ?? '#999'),
      vendors: top(Object.fromEntries(Object.entries(s.by_vendor).filter(([k]) => k !== 'unknown')), 10),
      levels: ['5', '4', '3', '2', '1', '0', 'unknown'].filter((k) => s.by_purdue_level[k] !== undefined).map((k) => ({ key: k, label: levelLabel(k === 'unknown' ? null : k), value: s.by_purdue_level[k] })),
      protocols: top(s.by_protocol, 12),
    };
  }, [s]);
  if (stats.error !== undefined) return <ErrorBox error={stats.error} />;
  if (s === undefined || charts === null) return <Loading on />;
  return (
    <div className="dashboard">
      <h1>Dashboard</h1>
      <dl className="kpis">
        <div><dt>Assets</dt><dd data-testid="kpi-assets">{num(s.assets)}</dd></div>
        <div><dt>Connections</dt><dd>{num(s.edges)}</dd></div>
        <div><dt>Flows</dt><dd>{num(s.flows)}</dd></div>
        <div><dt>Packets</dt><dd>{num(s.packets)}</dd></div>
        <div><dt>Traffic</dt><dd>{bytes(s.bytes)}</dd></div>
        <div><dt>Captures</dt><dd>{num(s.captures)}</dd></div>
        <div><dt>Time span</dt><dd className="small">{s.first_ts > 0 ? <><Time t={s.first_ts} /> · {duration(s.last_ts - s.first_ts)}</> : '–'}</dd></div>
      </dl>
      {s.assets === 0 ? <NoData /> : (
        <>
          <div className="grid2">
            <Section title="Assets by role" id="d-roles"><Bars label="Assets by role" data={charts.roles} onPick={(k) => k !== '' && navigate('/assets?role=' + encodeURIComponent(k))} /></Section>
            <Section title="Assets by Purdue level" id="d-levels"><Bars label="Assets by Purdue level" data={charts.levels} onPick={(k) => k !== 'unknown' && navigate('/assets?purdue_level=' + k)} /></Section>
            <Section title="Top vendors" id="d-vendors">{charts.vendors.length === 0 ? <Empty>No vendor identified.</Empty> : <Bars label="Top vendors" data={charts.vendors} onPick={(k) => k !== '' && navigate('/assets?vendor=' + encodeURIComponent(k))} />}</Section>
            <Section title="Flows by protocol" id="d-protocols"><Bars label="Flows by protocol" data={charts.protocols} onPick={(k) => k !== '' && k !== 'unknown' && navigate('/assets?protocol=' + encodeURIComponent(k))} /></Section>
          </div>
          <Section title="Traffic over time" id="d-traffic">
            {s.traffic.points.length === 0 ? <Empty>No flows.</Empty> : <Traffic points={s.traffic.points} bucket={s.traffic.bucket_seconds} />}
            <p className="muted small">Per {duration(s.traffic.bucket_seconds)}, by flow start time.</p>
          </Section>
        </>
      )}
      <div className="grid2">
        <Section title="Recent changes" id="d-changes" actions={<Link to="/assets">Assets</Link>}>
          <ErrorBox error={changes.error} />
          {changes.data !== undefined && (changes.data.items.length === 0 ? <Empty>No changes seen.</Empty> : (
            <ul className="events">{changes.data.items.map((c, i) => <li key={i}><Time t={c.ts} /> <span className="badge">{c.change}</span> <Link to={assetPath(c.asset_id)}>{c.description}</Link></li>)}</ul>
          ))}
        </Section>
        <Section title="Open alerts" id="d-alerts" actions={<Link to="/alerts">All alerts</Link>}>
          <ErrorBox error={alerts.error} />
          {alerts.data !== undefined && (alerts.data.items.length === 0 ? <Empty>No open alerts.</Empty> : (
            <ul className="events">{alerts.data.items.map((a) => <li key={a.id}><Time t={a.ts} /> <span className={`sev sev-${a.severity}`}>{SEVERITY_LABEL[a.severity] ?? a.severity}</span> {a.signature} <span className="muted">{a.src_ip} → {a.dest_ip}</span></li>)}</ul>
          ))}
        </Section>
      </div>
    </div>
  );
}
