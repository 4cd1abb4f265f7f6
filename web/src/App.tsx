// The console's shell: the session gate (login, forced password change), the navigation
// with the user and role, and the pages by path.
import { lazy, Suspense, useEffect, useState } from 'react';
import { can } from './api.ts';
import { Link } from './components/ui.tsx';
import { useLocation } from './router.ts';
import { SessionProvider, useSession } from './session.tsx';
import { ChangePasswordForm, LoginPage } from './pages/Login.tsx';
import { AssetsPage } from './pages/Assets.tsx';
import { AssetPage } from './pages/Asset.tsx';
import { ActivityPage } from './pages/Activity.tsx';
import { CapturesPage } from './pages/Captures.tsx';
import { AlertsPage } from './pages/Alerts.tsx';
import { AdminPage } from './pages/Admin.tsx';
import { FlowsPage } from './pages/Flows.tsx';
import { JobWatcher } from './jobs.tsx';

const DashboardPage = lazy(() => import('./pages/Dashboard.tsx'));
const MapPage = lazy(() => import('./pages/Map.tsx'));

export function App() {
  return (
    <SessionProvider>
      <Gate />
    </SessionProvider>
  );
}

function Gate() {
  const { status, mustChange } = useSession();
  if (status === 'loading') return <div className="splash">Palisade…</div>;
  if (status === 'anonymous') return <LoginPage />;
  if (mustChange) {
    return (
      <main className="login">
        <ChangePasswordForm forced />
      </main>
    );
  }
  return (
    <JobWatcher>
      <Shell />
    </JobWatcher>
  );
}

const NAV: { to: string; label: string; need?: 'admin' }[] = [
  { to: '/', label: 'Dashboard' },
  { to: '/assets', label: 'Assets' },
  { to: '/map', label: 'Network map' },
  { to: '/activity', label: 'Protocol activity' },
  { to: '/captures', label: 'Captures' },
  { to: '/alerts', label: 'Alerts' },
  { to: '/admin', label: 'Admin', need: 'admin' },
];

function Shell() {
  const { user, logout } = useSession();
  const { path } = useLocation();
  const [pw, setPw] = useState(false);
  useEffect(() => {
    const page = NAV.find((n) => (n.to === '/' ? path === '/' : path.startsWith(n.to)));
    document.title = page !== undefined ? `${page.label} · Palisade` : 'Palisade';
  }, [path]);
  return (
    <div className="app">
      <a className="skip" href="#main">Skip to content</a>
      <header className="top">
        <Link to="/" className="brand"><span className="logo" aria-hidden="true">▥</span> Palisade</Link>
        <nav aria-label="Main">
          <ul>
            {NAV.filter((n) => n.need === undefined || can(user, n.need)).map((n) => {
              const active = n.to === '/' ? path === '/' : path.startsWith(n.to);
              return (
                <li key={n.to}>
                  <Link to={n.to} className={active ? 'active' : undefined}>{n.label}</Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <div className="who">
          <span data-testid="user-name">{user?.name}</span> <span className={`badge urole-${user?.role}`} data-testid="user-role" title="Your role">{user?.role}</span>
          <button type="button" className="link" onClick={() => setPw(!pw)}>Password</button>
          <button type="button" className="link" onClick={() => void logout()}>Log out</button>
        </div>
      </header>
      {pw && (
        <div className="overlay" role="dialog" aria-modal="true" aria-label="Change password">
          <ChangePasswordForm forced={false} onDone={() => setPw(false)} />
          <button type="button" className="close" onClick={() => setPw(false)}>Close</button>
        </div>
      )}
      <main id="main" className="content">
        <Suspense fallback={<p className="loading">Loading…</p>}>
          <Route path={path} />
        </Suspense>
      </main>
    </div>
  );
}

function Route({ path }: { path: string }) {
  const { user } = useSession();
  if (path === '/' || path === '/dashboard') return <DashboardPage />;
  if (path === '/assets') return <AssetsPage />;
  if (path.startsWith('/assets/')) return <AssetPage id={decodeURIComponent(path.slice('/assets/'.length))} />;
  if (path === '/map') return <MapPage />;
  if (path === '/activity') return <ActivityPage />;
  if (path === '/flows') return <FlowsPage />;
  if (path === '/captures') return <CapturesPage />;
  if (path === '/alerts') return <AlertsPage />;
  if (path === '/admin') return can(user, 'admin') ? <AdminPage /> : <p className="error">The Admin page needs the admin role.</p>;
  return (
    <div>
      <h1>Not found</h1>
      <p>There is no page {path}. <Link to="/">Go to the dashboard.</Link></p>
    </div>
  );
}
