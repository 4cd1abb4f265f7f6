// `npm run build:web`: builds the console (web/) with Vite into web/dist. With --if-stale
// (what `npm start` and `npm test` run) it builds only when web/dist is missing or older
// than the web sources or the lock file. Plain JavaScript so that it runs before anything
// is type-checked. A lock directory keeps parallel runs (test files) from building twice.
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const web = join(root, 'web');
const dist = join(web, 'dist', 'index.html');

function newest(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let m = s.mtimeMs;
  for (const e of readdirSync(path)) m = Math.max(m, newest(join(path, e)));
  return m;
}

export function webIsStale() {
  if (!existsSync(dist)) return true;
  const built = statSync(dist).mtimeMs;
  const sources = [join(web, 'src'), join(web, 'public'), join(web, 'index.html'), join(web, 'vite.config.mjs'), join(root, 'package-lock.json')].filter((p) => existsSync(p));
  return sources.some((p) => newest(p) > built);
}

async function sleep(ms) {
  await new Promise((r) => setTimeout(r, ms));
}

export async function buildWeb({ ifStale = false, quiet = false } = {}) {
  const lock = join(web, '.build-lock');
  for (let i = 0; ; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another build is running: wait for it (a lock older than 5 minutes is stale).
      try {
        if (Date.now() - statSync(lock).mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
      } catch { /* gone meanwhile */ }
      if (i > 600) throw new Error('web build lock held too long: remove web/.build-lock');
      await sleep(500);
    }
  }
  try {
    if (ifStale && !webIsStale()) return false;
    if (!quiet) console.error('palisade: building the web console (web/dist) ...');
    const { build } = await import('vite');
    await build({ configFile: join(web, 'vite.config.mjs'), logLevel: quiet ? 'error' : 'warn' });
    return true;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

if (import.meta.main || process.argv[1] === fileURLToPath(import.meta.url)) {
  const ifStale = process.argv.includes('--if-stale');
  await buildWeb({ ifStale, quiet: process.argv.includes('--quiet') });
}
