// Small shared pieces: times with UTC on hover, empty states, errors, tabs, pagination.
import type { ReactNode } from 'react';
import { localTime, num, utcTime } from '../format.ts';
import { navigate } from '../router.ts';

export function Time({ t }: { t: number | string | null | undefined }) {
  const u = utcTime(t);
  if (u === '') return <span className="muted">–</span>;
  const iso = typeof t === 'number' ? new Date(t * 1000).toISOString() : new Date(t as string).toISOString();
  return <time dateTime={iso} title={u}>{localTime(t)}</time>;
}

export function Link({ to, children, className, title }: { to: string; children: ReactNode; className?: string; title?: string }) {
  return (
    <a
      href={to}
      className={className}
      title={title}
      onClick={(e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty" role="status">{children}</div>;
}

export function NoData() {
  return (
    <Empty>
      No assets yet: upload a capture on the <Link to="/captures">Captures</Link> page or run{' '}
      <code>palisade analyze capture.pcap --db palisade-data/palisade.db</code>.
    </Empty>
  );
}

export function ErrorBox({ error }: { error: Error | undefined }) {
  if (error === undefined) return null;
  return <div className="error" role="alert">{error.message}</div>;
}

export function Loading({ on }: { on: boolean }) {
  return on ? <span className="loading" aria-live="polite">Loading…</span> : null;
}

export function Tabs<K extends string>({ tabs, active, onChange, label }: { tabs: { key: K; label: ReactNode }[]; active: K; onChange: (k: K) => void; label: string }) {
  return (
    <div className="tabs" role="tablist" aria-label={label}>
      {tabs.map((t) => (
        <button key={t.key} type="button" role="tab" aria-selected={t.key === active} className={t.key === active ? 'tab active' : 'tab'} onClick={() => onChange(t.key)}>
          {t.label}
        </button>
      ))}
    </div>
  );
}

export function Pager({ total, offset, limit, onChange }: { total: number; offset: number; limit: number; onChange: (offset: number) => void }) {
  if (total <= limit && offset === 0) return <div className="pager muted">{num(total)} {total === 1 ? 'row' : 'rows'}</div>;
  const last = Math.max(0, Math.floor((total - 1) / limit) * limit);
  return (
    <nav className="pager" aria-label="Pages">
      <button type="button" disabled={offset === 0} onClick={() => onChange(0)} aria-label="First page">«</button>
      <button type="button" disabled={offset === 0} onClick={() => onChange(Math.max(0, offset - limit))}>Previous</button>
      <span>
        {num(total === 0 ? 0 : offset + 1)}–{num(Math.min(total, offset + limit))} of {num(total)}
      </span>
      <button type="button" disabled={offset + limit >= total} onClick={() => onChange(offset + limit)}>Next</button>
      <button type="button" disabled={offset >= last} onClick={() => onChange(last)} aria-label="Last page">»</button>
    </nav>
  );
}

export function RoleBadge({ role }: { role: string }) {
  return <span className={`badge role-${role}`}>{role}</span>;
}

export function Section({ title, children, actions, id }: { title: ReactNode; children: ReactNode; actions?: ReactNode; id?: string }) {
  return (
    <section className="card" aria-labelledby={id}>
      <header className="card-head">
        <h2 id={id}>{title}</h2>
        {actions}
      </header>
      {children}
    </section>
  );
}
