// `palisade demo` (what `npm start` runs): analyses the capture bundled in demo/ into a
// local database (and record files), makes sure someone can log in (a first-run admin
// with a generated password, printed once), and serves the console on it. Running it again
// replaces the demo capture's records (the store keys captures by their files' SHA-256).
import { fileURLToPath } from 'node:url';
import { analyze } from '../pipeline/analyze.ts';
import { generatePassword, hashPassword } from '../api/auth.ts';
import { SqliteStore } from '../store/sqlite.ts';

export const DEMO_CAPTURE = fileURLToPath(new URL('../../demo/plant-demo.pcapng', import.meta.url));

export interface DemoOptions {
  out: string;
  db: string;
  host: string;
  port: number;
  /** false: analyse and print the summary only. */
  serve: boolean;
}

/** Adds `admin` with a generated password when the database has no accounts; says what it did. */
export async function ensureAdmin(db: string): Promise<string> {
  const store = new SqliteStore(db);
  try {
    if (store.users().length > 0) {
      const admin = store.users().find((u) => u.role === 'admin');
      const who = admin !== undefined ? `The admin account "${admin.name}" exists` : 'Accounts exist';
      return `${who} (its password was printed when it was made). Forgot it? Set a new one: palisade user passwd ${admin?.name ?? 'admin'} --db ${db}\n`;
    }
    const password = generatePassword();
    store.addUser({ name: 'admin', role: 'admin', password_hash: await hashPassword(password), must_change_password: true });
    store.audit({ user: 'cli', action: 'user.add', target: 'admin', detail: { role: 'admin', by: 'demo' } });
    return [
      'First run: made the console account',
      `    user:     admin`,
      `    password: ${password}`,
      'It is shown only now; the console asks you to choose your own password at the first login.',
      '',
    ].join('\n');
  } finally {
    store.close();
  }
}

export async function runDemo(o: DemoOptions): Promise<number> {
  process.stdout.write(`Analysing the demo capture ${DEMO_CAPTURE} (see demo/SOURCES.md) into ${o.db} ...\n\n`);
  const r = await analyze({ inputs: [DEMO_CAPTURE], outDir: o.out, db: o.db });
  for (const e of r.errors) process.stderr.write(`palisade: ${e.message}\n`);
  process.stdout.write(r.summary.format(r.stats, r.files) + '\n\n');
  process.stdout.write(`Records also in ${o.out}/. Your own captures: palisade analyze <capture.pcap> --db ${o.db}   (docs/cli.md)\n\n`);
  if (r.exitCode !== 0) return r.exitCode;
  process.stdout.write(await ensureAdmin(o.db));
  if (!o.serve) return 0;
  process.stdout.write('\n');
  return (await import('./serve.ts')).runServe({ db: o.db, host: o.host, port: o.port });
}
