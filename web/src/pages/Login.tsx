// The login page (the only page without a session) and the change-password form that a
// generated password leads to.
import { useState, type FormEvent } from 'react';
import { useSession } from '../session.tsx';

export function LoginPage() {
  const { login } = useSession();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      await login(name, password);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="login">
      <form className="card login-card" onSubmit={submit} aria-labelledby="login-title">
        <div className="brand big" aria-hidden="true"><span className="logo">▥</span> Palisade</div>
        <h1 id="login-title">Log in</h1>
        <label>
          User name
          <input name="name" autoComplete="username" value={name} onChange={(e) => setName(e.target.value)} required autoFocus />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </label>
        {error !== '' && <div className="error" role="alert">{error}</div>}
        <button type="submit" className="primary" disabled={busy}>{busy ? 'Logging in…' : 'Log in'}</button>
        <p className="muted small">No account? An admin adds one on the Admin page, or on the server: <code>palisade user add NAME --role viewer</code>.</p>
      </form>
    </main>
  );
}

export function ChangePasswordForm({ forced, onDone }: { forced: boolean; onDone?: () => void }) {
  const { changePassword, logout } = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError('');
    if (next !== again) return setError('The two new passwords differ.');
    if (next.length < 10) return setError('A password needs at least 10 characters.');
    setBusy(true);
    try {
      await changePassword(current, next);
      onDone?.();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card login-card" onSubmit={submit} aria-labelledby="pw-title">
      <h1 id="pw-title">Change your password</h1>
      {forced && <p>Your password was generated. Choose your own before you go on.</p>}
      <label>
        Current password
        <input name="current" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} required />
      </label>
      <label>
        New password (at least 10 characters)
        <input name="new" type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} required minLength={10} />
      </label>
      <label>
        New password again
        <input name="again" type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} required minLength={10} />
      </label>
      {error !== '' && <div className="error" role="alert">{error}</div>}
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>Change password</button>
        {forced && <button type="button" onClick={() => void logout()}>Log out</button>}
      </div>
    </form>
  );
}
