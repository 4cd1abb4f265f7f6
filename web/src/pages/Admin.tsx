// Administration: accounts (add with a role, the generated password shown once; change role;
// remove), retention settings, and the audit log.
import { useState, type FormEvent } from 'react';
import { api, type Page, type Role, type User } from '../api.ts';
import { Empty, ErrorBox, Pager, Section, Time } from '../components/ui.tsx';
import { useApi } from '../hooks.ts';
import { useUser } from '../session.tsx';

interface AuditRow {
  id: number;
  ts: string;
  user: string;
  action: string;
  target: string;
  detail: Record<string, unknown>;
}

const ROLES: Role[] = ['viewer', 'analyst', 'admin'];

export function AdminPage() {
  return (
    <div>
      <h1>Admin</h1>
      <Users />
      <Retention />
      <Audit />
    </div>
  );
}

function Users() {
  const me = useUser();
  const users = useApi<User[]>('/api/users');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [created, setCreated] = useState<{ name: string; password: string } | null>(null);
  const [error, setError] = useState<Error | undefined>();
  const run = async (f: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await f();
      users.reload();
    } catch (e) {
      setError(e as Error);
    }
  };
  const add = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const r = await api<{ user: User; password?: string }>('/api/users', { method: 'POST', body: { name: name.trim(), role } });
      setCreated({ name: r.user.name, password: r.password ?? '' });
      setName('');
    });
  };
  return (
    <Section title="Users" id="a-users">
      <ErrorBox error={error ?? users.error} />
      {created !== null && (
        <div className="notice" role="status" data-testid="new-password">
          <p>Added <strong>{created.name}</strong>. Their password, shown only now — pass it on safely; it must be changed at first login:</p>
          <p><code className="secret">{created.password}</code> <button type="button" onClick={() => void navigator.clipboard?.writeText(created.password)}>Copy</button> <button type="button" className="link" onClick={() => setCreated(null)}>Done</button></p>
        </div>
      )}
      <div className="table-wrap">
        <table className="data" data-testid="users-table">
          <thead><tr><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Created</th><th scope="col">Password</th><th scope="col"></th></tr></thead>
          <tbody>
            {(users.data ?? []).map((u) => (
              <tr key={u.id}>
                <td>{u.name}{u.id === me?.id && <span className="muted"> (you)</span>}</td>
                <td>
                  <select value={u.role} aria-label={`Role of ${u.name}`} onChange={(e) => void run(() => api(`/api/users/${u.id}`, { method: 'PATCH', body: { role: e.target.value } }))}>
                    {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
                  </select>
                </td>
                <td><Time t={u.created_at} /></td>
                <td>{u.must_change_password ? <span className="badge">must change</span> : 'set'}</td>
                <td>{u.id !== me?.id && <button type="button" className="danger" onClick={() => { if (window.confirm(`Remove ${u.name}? Their sessions end at once.`)) void run(() => api(`/api/users/${u.id}`, { method: 'DELETE' })); }}>Remove</button>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form className="filters" onSubmit={add} aria-label="Add a user">
        <label>New user <input value={name} onChange={(e) => setName(e.target.value)} pattern="[A-Za-z0-9._@\-]+" required placeholder="name" /></label>
        <label>Role
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
          </select>
        </label>
        <button type="submit" className="primary">Add user</button>
        <span className="muted small">viewer: read only · analyst: also triage alerts and upload captures · admin: everything</span>
      </form>
    </Section>
  );
}

function Retention() {
  const r = useApi<{ records_days: number; max_captures: number }>('/api/settings/retention');
  const [edit, setEdit] = useState<{ records_days: string; max_captures: string } | null>(null);
  const [error, setError] = useState<Error | undefined>();
  const [saved, setSaved] = useState(false);
  const v = edit ?? (r.data !== undefined ? { records_days: String(r.data.records_days), max_captures: String(r.data.max_captures) } : null);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (v === null) return;
    setError(undefined);
    setSaved(false);
    try {
      await api('/api/settings/retention', { method: 'PUT', body: { records_days: Number(v.records_days), max_captures: Number(v.max_captures) } });
      setEdit(null);
      setSaved(true);
      r.reload();
    } catch (err) {
      setError(err as Error);
    }
  };
  return (
    <Section title="Retention" id="a-retention">
      <ErrorBox error={error ?? r.error} />
      {v !== null && (
        <form className="filters" onSubmit={save}>
          <label>Keep records for (days, 0 = forever)
            <input type="number" min={0} max={36500} value={v.records_days} onChange={(e) => setEdit({ ...v, records_days: e.target.value })} />
          </label>
          <label>Keep at most (captures, 0 = no limit)
            <input type="number" min={0} max={100000} value={v.max_captures} onChange={(e) => setEdit({ ...v, max_captures: e.target.value })} />
          </label>
          <button type="submit" className="primary">Save</button>
          {saved && <span role="status">Saved; applied now and after every analysis.</span>}
        </form>
      )}
      <p className="muted small">Days count back from the newest record. The oldest analysed captures go first.</p>
    </Section>
  );
}

function Audit() {
  const [offset, setOffset] = useState(0);
  const r = useApi<Page<AuditRow>>(`/api/audit?offset=${offset}&limit=50`);
  return (
    <Section title="Audit log" id="a-audit">
      <ErrorBox error={r.error} />
      {r.data !== undefined && (r.data.items.length === 0 ? <Empty>Nothing logged yet.</Empty> : (
        <>
          <div className="table-wrap">
            <table className="data" data-testid="audit-table">
              <thead><tr><th scope="col">Time</th><th scope="col">User</th><th scope="col">Action</th><th scope="col">Target</th><th scope="col">Detail</th></tr></thead>
              <tbody>
                {r.data.items.map((a) => (
                  <tr key={a.id}>
                    <td><Time t={a.ts} /></td>
                    <td>{a.user}</td>
                    <td><code>{a.action}</code></td>
                    <td>{a.target}</td>
                    <td className="small clip" title={JSON.stringify(a.detail)}>{Object.keys(a.detail).length > 0 ? JSON.stringify(a.detail) : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager total={r.data.total} offset={offset} limit={50} onChange={setOffset} />
        </>
      ))}
    </Section>
  );
}
