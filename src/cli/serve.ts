// `palisade serve` (the console) and `palisade user …` (accounts), both on a database file.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PalisadeError } from '../core/errors.ts';
import { buildServer } from '../api/server.ts';
import { generatePassword, hashPassword, passwordProblem } from '../api/auth.ts';
import { SqliteStore } from '../store/sqlite.ts';
import { USER_ROLES, type UserRole } from '../store/types.ts';

export const DEFAULT_DB = 'palisade-data/palisade.db';
export const WEB_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../web/dist');

export interface ServeOptions {
  db: string;
  host: string;
  port: number;
  secureCookies?: boolean;
}

export async function runServe(o: ServeOptions): Promise<number> {
  const store = new SqliteStore(o.db);
  if (store.users().length === 0) {
    process.stderr.write(`palisade: ${o.db} has no accounts yet; nobody can log in. Add one: palisade user add admin --role admin --db ${o.db}\n`);
  }
  if (!existsSync(join(WEB_ROOT, 'index.html'))) {
    process.stderr.write('palisade: the web console is not built (web/dist); serving the API only. Build it with `npm run build:web`.\n');
  }
  const { app, jobs } = await buildServer({ store, dbPath: o.db, webRoot: WEB_ROOT, secureCookies: o.secureCookies });
  try {
    await app.listen({ host: o.host, port: o.port });
  } catch (e) {
    store.close();
    const code = (e as { code?: string }).code;
    throw new PalisadeError('E_SERVE', code === 'EADDRINUSE'
      ? `port ${o.port} on ${o.host} is in use; stop the other program or choose another port with --port`
      : `cannot listen on ${o.host}:${o.port} (${(e as Error).message})`, { cause: e });
  }
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : o.port;
  process.stdout.write(`Palisade console on http://${o.host.includes(':') ? `[${o.host}]` : o.host}:${port}  (database ${o.db}; Ctrl-C stops it)\n`);
  await new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void (async () => {
        await app.close();
        await jobs.idle();
        store.close();
        done();
      })();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}

function role(r: string): UserRole {
  if (!(USER_ROLES as readonly string[]).includes(r)) throw new PalisadeError('E_USAGE', `unknown role "${r}"; roles: ${USER_ROLES.join(', ')}`);
  return r as UserRole;
}

async function readStdin(): Promise<string> {
  let s = '';
  for await (const c of process.stdin) s += String(c);
  return s.replace(/\r?\n$/, '');
}

/** `palisade user add NAME --role R`: prints a generated password unless --password-stdin. */
export async function runUserAdd(name: string, o: { role: string; db: string; passwordStdin?: boolean }): Promise<number> {
  if (!/^[A-Za-z0-9._@-]{1,64}$/.test(name)) throw new PalisadeError('E_USAGE', `user names are 1-64 letters, digits and . _ @ - (got "${name}")`);
  const r = role(o.role);
  const password = o.passwordStdin === true ? await readStdin() : generatePassword();
  const problem = passwordProblem(password);
  if (problem !== null) throw new PalisadeError('E_USAGE', problem);
  const store = new SqliteStore(o.db);
  try {
    store.addUser({ name, role: r, password_hash: await hashPassword(password), must_change_password: o.passwordStdin !== true });
    store.audit({ user: 'cli', action: 'user.add', target: name, detail: { role: r } });
  } finally {
    store.close();
  }
  if (o.passwordStdin === true) process.stdout.write(`added ${name} (${r})\n`);
  else process.stdout.write(`added ${name} (${r}); password (shown once; it must be changed at first login): ${password}\n`);
  return 0;
}

export function runUserList(o: { db: string }): number {
  const store = new SqliteStore(o.db);
  try {
    for (const u of store.users()) process.stdout.write(`${u.name}\t${u.role}\t${u.created_at}${u.must_change_password ? '\tmust change password' : ''}\n`);
  } finally {
    store.close();
  }
  return 0;
}

export function runUserRemove(name: string, o: { db: string }): number {
  const store = new SqliteStore(o.db);
  try {
    const u = store.user(name);
    if (u === undefined) throw new PalisadeError('E_USAGE', `no user named "${name}" in ${o.db}`);
    store.deleteUser(u.id);
    store.audit({ user: 'cli', action: 'user.remove', target: name });
  } finally {
    store.close();
  }
  process.stdout.write(`removed ${name}\n`);
  return 0;
}

export async function runUserPasswd(name: string, o: { db: string; passwordStdin?: boolean }): Promise<number> {
  const store = new SqliteStore(o.db);
  try {
    const u = store.user(name);
    if (u === undefined) throw new PalisadeError('E_USAGE', `no user named "${name}" in ${o.db}`);
    const password = o.passwordStdin === true ? await readStdin() : generatePassword();
    const problem = passwordProblem(password);
    if (problem !== null) throw new PalisadeError('E_USAGE', problem);
    store.setPassword(u.id, await hashPassword(password));
    store.deleteSessionsOf(u.id);
    store.audit({ user: 'cli', action: 'password.reset', target: name });
    process.stdout.write(o.passwordStdin === true ? `password of ${name} changed\n` : `new password of ${name} (shown once): ${password}\n`);
  } finally {
    store.close();
  }
  return 0;
}
