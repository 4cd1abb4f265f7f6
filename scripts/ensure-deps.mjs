// Runs before `npm start`, `npm test` and `npm run bench`: refuses a Node.js older than 24
// with a message that says what to do, and runs `npm ci` when node_modules is missing or
// older than package-lock.json. Plain JavaScript so that it runs on any Node.js.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(
    `palisade: Node.js ${process.versions.node} is too old; Palisade needs Node.js 24 or newer.\n` +
      '  Install it, e.g.:  npm i -g --prefix /usr/local node@24 && hash -r && node --version',
  );
  process.exit(1);
}

const lock = join(root, 'package-lock.json');
const stamp = join(root, 'node_modules', '.palisade-lock-sha256');
const want = createHash('sha256').update(readFileSync(lock)).digest('hex');
const have = existsSync(stamp) ? readFileSync(stamp, 'utf8').trim() : '';
if (have !== want) {
  console.error('palisade: installing dependencies (npm ci) ...');
  execSync('npm ci --no-audit --no-fund --loglevel=error', { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  writeFileSync(stamp, want + '\n');
}
