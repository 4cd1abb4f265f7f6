// Start-up as a user meets it: bin/palisade keeps Node's compile cache (docs/cli.md, Start-up).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli } from './support/cli.ts';

const tmp = mkdtempSync(join(tmpdir(), 'palisade-startup-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Files anywhere under `dir` (the cache keeps one directory per Node.js version). */
function filesUnder(dir: string): number {
  if (!existsSync(dir)) return 0;
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) n += e.isDirectory() ? filesUnder(join(dir, e.name)) : 1;
  return n;
}

test('by default the compiled sources are cached in the temporary directory', async () => {
  // os.tmpdir() follows TMPDIR; without NODE_COMPILE_CACHE Node itself would keep no cache.
  const t = join(tmp, 'tmpdir');
  mkdirSync(t);
  const r = await runCli(['--help'], { env: { TMPDIR: t, NODE_COMPILE_CACHE: undefined, NODE_DISABLE_COMPILE_CACHE: undefined } });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(filesUnder(join(t, 'node-compile-cache')) > 20, 'a compile cache in $TMPDIR/node-compile-cache');
});

test('the compiled sources are cached where NODE_COMPILE_CACHE says, and used by the next start', async () => {
  const cache = join(tmp, 'cache');
  const first = await runCli(['--help'], { env: { NODE_COMPILE_CACHE: cache, NODE_DISABLE_COMPILE_CACHE: undefined } });
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /analyze/);
  // The CLI's modules, each with an entry: far more than a handful.
  const entries = filesUnder(cache);
  assert.ok(entries > 20, `${entries} entries in the compile cache`);
  const second = await runCli(['--help'], { env: { NODE_COMPILE_CACHE: cache, NODE_DISABLE_COMPILE_CACHE: undefined } });
  assert.equal(second.code, 0, second.stderr);
  assert.equal(second.stdout, first.stdout);
});

test('NODE_DISABLE_COMPILE_CACHE=1 keeps no cache', async () => {
  const cache = join(tmp, 'off');
  const r = await runCli(['--help'], { env: { NODE_COMPILE_CACHE: cache, NODE_DISABLE_COMPILE_CACHE: '1' } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(filesUnder(cache), 0);
});
