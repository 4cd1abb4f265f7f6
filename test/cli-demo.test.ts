// `palisade demo` (what `npm start` runs): analyses the demo capture into a database, makes
// a first-run admin once, replaces (does not duplicate) the capture on a second run, and
// serves the console until stopped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../src/store/sqlite.ts';

const BIN = join(import.meta.dirname, '..', 'bin', 'palisade');

test('palisade demo --no-serve: first-run admin once, the capture replaced on a second run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-demo-'));
  try {
    const args = [BIN, 'demo', '--no-serve', '--db', join(dir, 'demo.db'), '--out', join(dir, 'out')];
    const first = spawnSync(process.execPath, args, { encoding: 'utf8' });
    assert.equal(first.status, 0, first.stderr);
    const password = /password: (\S+)/.exec(first.stdout)?.[1];
    assert.ok(password !== undefined && password.length >= 10, first.stdout);
    const second = spawnSync(process.execPath, args, { encoding: 'utf8' });
    assert.equal(second.status, 0, second.stderr);
    assert.doesNotMatch(second.stdout, /password: /);
    assert.match(second.stdout, /exists.*palisade user passwd admin --db /);
    const store = new SqliteStore(join(dir, 'demo.db'));
    try {
      assert.equal(store.captures().length, 1);
      assert.deepEqual(store.users().map((u) => [u.name, u.role, u.must_change_password]), [['admin', 'admin', true]]);
      assert.ok(store.stats().assets > 0);
    } finally {
      store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('palisade demo serves the console until SIGTERM', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-demo-'));
  const p = spawn(process.execPath, [BIN, 'demo', '--db', join(dir, 'demo.db'), '--out', join(dir, 'out'), '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no console URL:\n' + out)), 60_000);
      p.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /console on (http:\/\/\S+)/.exec(out);
        if (m !== null) {
          clearTimeout(t);
          resolve(m[1]);
        }
      });
      p.on('exit', (code) => reject(new Error(`exited ${code}:\n${out}`)));
    });
    const health = (await (await fetch(url + '/api/health')).json()) as { status: string };
    assert.equal(health.status, 'ok');
    const login = await fetch(url + '/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'admin', password: /password: (\S+)/.exec(out)![1] }) });
    assert.equal(login.status, 200);
  } finally {
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
});
