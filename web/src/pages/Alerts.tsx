// Alerts and their triage (PATCH /api/alerts/:id): acknowledge, close, reopen, assign.
// Viewers see the list only; analysts and admins get the triage buttons.
import { useState } from 'react';
import { api, can, qs, type Alert, type Page } from '../api.ts';
import { DataTable, type ColSpec } from '../components/DataTable.tsx';
import { Empty, ErrorBox, Link, Loading, Pager, Tabs, Time } from '../components/ui.tsx';
import { SEVERITY_LABEL } from '../format.ts';
import { useApi } from '../hooks.ts';
import { assetPath, setQuery, useQuery } from '../router.ts';
import { useUser } from '../session.tsx';

const LIMIT = 50;
type Status = 'open' | 'acknowledged' | 'closed' | 'all';

export function AlertsPage() {
  const user = useUser();
  const q = useQuery();
  const status = (q.get('status') ?? 'open') as Status;
  const assetId = q.get('asset_id') ?? undefined;
  const minSeverity = q.get('min_severity') ?? undefined;
  const offset = Number(q.get('offset') ?? 0) || 0;
  const r = useApi<Page<Alert>>('/api/alerts' + qs({ status: status === 'all' ? undefined : status, asset_id: assetId, min_severity: minSeverity, offset, limit: LIMIT }));
  const [error, setError] = useState<Error | undefined>();
  const [busy, setBusy] = useState<number | null>(null);
  const triage = can(user, 'analyst');

  const patch = async (a: Alert, change: { status?: Alert['status']; assignee?: string }) => {
    setBusy(a.id);
    setError(undefined);
    try {
      await api(`/api/alerts/${a.id}`, { method: 'PATCH', body: change });
      r.reload();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(null);
    }
  };

  const columns: ColSpec<Alert>[] = [
    { id: 'ts', header: 'Time', cell: (a) => <Time t={a.ts} />, sortValue: (a) => a.ts },
    { id: 'severity', header: 'Severity', cell: (a) => <span className={`sev sev-${a.severity}`}>{SEVERITY_LABEL[a.severity] ?? a.severity}</span>, sortValue: (a) => a.severity },
    { id: 'signature', header: 'Signature', cell: (a) => <><span>{a.signature}</span>{a.category !== '' && <span className="muted small"> · {a.category}</span>}</>, sortValue: (a) => a.signature },
    { id: 'src', header: 'Source → destination', cell: (a) => <span className="mono">{a.src_ip} → {a.dest_ip}</span> },
    { id: 'asset', header: 'Asset', cell: (a) => (a.asset_id !== '' ? <Link to={assetPath(a.asset_id)} className="mono">{a.asset_id.replace(/^(ip|mac):/, '')}</Link> : <span className="muted">–</span>) },
    { id: 'status', header: 'Status', cell: (a) => <span className={`badge st-${a.status}`} data-testid="alert-status">{a.status}</span>, sortValue: (a) => a.status },
    { id: 'assignee', header: 'Assignee', cell: (a) => (a.assignee !== '' ? a.assignee : <span className="muted">–</span>), sortValue: (a) => a.assignee },
  ];
  if (triage) {
    columns.push({
      id: 'actions', header: 'Triage', cell: (a) => (
        <div className="actions" data-testid="triage">
          {a.status === 'open' && <button type="button" disabled={busy === a.id} onClick={() => void patch(a, { status: 'acknowledged' })}>Acknowledge</button>}
          {a.status !== 'closed' && <button type="button" disabled={busy === a.id} onClick={() => void patch(a, { status: 'closed' })}>Close</button>}
          {a.status === 'closed' && <button type="button" disabled={busy === a.id} onClick={() => void patch(a, { status: 'open' })}>Reopen</button>}
          {a.assignee !== user?.name && <button type="button" disabled={busy === a.id} onClick={() => void patch(a, { assignee: user?.name ?? '' })}>Assign to me</button>}
          <AssignBox onAssign={(name) => void patch(a, { assignee: name })} />
        </div>
      ),
    });
  }
  return (
    <div>
      <h1>Alerts</h1>
      <Tabs<Status> label="Alert status" tabs={[{ key: 'open', label: 'Open' }, { key: 'acknowledged', label: 'Acknowledged' }, { key: 'closed', label: 'Closed' }, { key: 'all', label: 'All' }]} active={status} onChange={(s) => setQuery({ status: s, offset: undefined })} />
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Severity
          <select value={minSeverity ?? ''} onChange={(e) => setQuery({ min_severity: e.target.value, offset: undefined })}>
            <option value="">any</option>
            <option value="1">critical</option>
            <option value="2">high or worse</option>
            <option value="3">medium or worse</option>
          </select>
        </label>
        {assetId !== undefined && <span>Asset <code>{assetId}</code> <button type="button" className="link" onClick={() => setQuery({ asset_id: undefined })}>show all assets</button></span>}
        <Loading on={r.loading} />
      </form>
      {!triage && <p className="muted small">You have the viewer role: you can read alerts; triage needs the analyst role.</p>}
      <ErrorBox error={error ?? r.error} />
      {r.data !== undefined && (
        <>
          <DataTable testId="alerts-table" columns={columns} rows={r.data.items} rowKey={(a) => String(a.id)}
            empty={<Empty>{status === 'open' ? 'No open alerts. Alerts appear here when the detection engine raises them on an analysed capture.' : `No ${status === 'all' ? '' : status + ' '}alerts.`}</Empty>} />
          <Pager total={r.data.total} offset={offset} limit={LIMIT} onChange={(o) => setQuery({ offset: o === 0 ? undefined : o })} />
        </>
      )}
    </div>
  );
}

function AssignBox({ onAssign }: { onAssign: (name: string) => void }) {
  const [name, setName] = useState('');
  return (
    <form className="assign" onSubmit={(e) => { e.preventDefault(); if (name.trim() !== '') onAssign(name.trim()); setName(''); }}>
      <input value={name} onChange={(e) => setName(e.target.value)} placeholder="user" aria-label="Assign to user" size={8} />
      <button type="submit">Assign</button>
    </form>
  );
}
