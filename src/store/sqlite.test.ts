// The SQLite store: schema migrations, captures replaced when their files are analysed
// again, retention, the queries the console makes (filters, sorting, pagination), the
// inventory, alerts triage, accounts and sessions, and the audit log.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, test } from 'node:test';
import { AssetBuilder } from '../assets/builder.ts';
import { MAPPERS } from '../assets/mappers.ts';
import { decodeGraphColumns, type GraphColumns } from '../assets/graph-columns.ts';
import { gunzipSync } from 'node:zlib';
import type { AnalysisStats } from '../pipeline/stats.ts';
import { MIGRATIONS } from './migrations.ts';
import { SqliteStore, flowOrderBy } from './sqlite.ts';
import { FLOW_SORT } from './types.ts';

const tmp = mkdtempSync(join(tmpdir(), 'palisade-store-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const fresh = () => new SqliteStore(join(tmp, `s${n++}.db`));

const stats = (packets: number) => ({ packets, bytes: packets * 100 }) as unknown as AnalysisStats;

function conn(i: number, o: string, r: string, port: number, extra: Record<string, unknown> = {}) {
  return {
    ts: 1000 + i, uid: `C${String(i).padStart(18, '0')}`, 'id.orig_h': o, 'id.orig_p': 40000 + i, 'id.resp_h': r, 'id.resp_p': port, proto: 'tcp',
    duration: 0.5, conn_state: 'SF', history: 'ShADadFf', orig_pkts: 4, resp_pkts: 3, orig_ip_bytes: 200 + i, resp_ip_bytes: 150,
    orig_l2_addr: `02:00:00:00:00:${o.split('.')[3].padStart(2, '0')}`, resp_l2_addr: `02:00:00:00:00:${r.split('.')[3].padStart(2, '0')}`, ...extra,
  };
}

function load(s: SqliteStore, files: string[], recs: [string, object][]): number {
  const w = s.beginCapture({ sha256: files.join('+'), name: files.join(', '), bytes: 1, files });
  for (const [t, r] of recs) w.write(t, r);
  w.finish(stats(recs.length));
  const b = new AssetBuilder(MAPPERS);
  s.eachRecord((t, r) => b.write(t, r));
  s.replaceInventory(b.finalize());
  return w.captureId;
}

test('a new database gets every migration; a newer one is refused with a clear message', () => {
  const path = join(tmp, 'mig.db');
  new SqliteStore(path).close();
  const db = new DatabaseSync(path);
  assert.equal((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version, MIGRATIONS.length);
  db.exec(`PRAGMA user_version = ${MIGRATIONS.length + 1}`);
  db.close();
  assert.throws(() => new SqliteStore(path), /newer Palisade/);
});

test('a database of schema 1 is migrated: record counts filled in from its rows, sort indexes made', () => {
  const path = join(tmp, 'mig1.db');
  const db = new DatabaseSync(path);
  db.exec(MIGRATIONS[0]);
  db.exec('PRAGMA user_version = 1');
  db.exec("INSERT INTO captures (id, sha256, name, bytes, analyzed_at, complete) VALUES (1, 'x', 'old', 1, '2026-01-01T00:00:00Z', 1)");
  for (let i = 0; i < 3; i++) db.prepare("INSERT INTO flows (capture_id, ts, uid, data) VALUES (1, ?, ?, '{}')").run(1000 + i, `C${i}`);
  db.exec("INSERT INTO records (capture_id, type, ts, data) VALUES (1, 'modbus', 1000, '{}'), (1, 'modbus', 1001, '{}'), (1, 'arp', 1002, '{}')");
  db.close();
  const s = new SqliteStore(path);
  assert.deepEqual(s.recordTypes(), [{ type: 'conn', count: 3 }, { type: 'arp', count: 1 }, { type: 'modbus', count: 2 }]);
  assert.equal(s.flows({}).total, 3);
  assert.equal(s.records({ type: 'modbus' }).total, 2);
  s.close();
});

test('every flow sort is read in index order, not sorted: a page of a million flows reads one page', () => {
  const s = fresh();
  s.close();
  const db = new DatabaseSync(join(tmp, `s${n - 1}.db`));
  for (const sort of FLOW_SORT) {
    for (const order of ['ASC', 'DESC'] as const) {
      const plan = (db.prepare(`EXPLAIN QUERY PLAN SELECT f.data FROM flows f JOIN captures c ON c.id = f.capture_id WHERE c.complete = 1 ORDER BY ${flowOrderBy(sort, order)} LIMIT 50`).all() as { detail: string }[])
        .map((r) => r.detail).join('; ');
      assert.doesNotMatch(plan, /TEMP B-TREE/, `sort ${sort} ${order}: ${plan}`);
    }
  }
  db.close();
});

test('analysing a file again replaces every earlier capture that included it', () => {
  const s = fresh();
  load(s, ['a'], [['conn', conn(1, '10.0.0.1', '10.0.0.2', 502)]]);
  load(s, ['a', 'b'], [['conn', conn(1, '10.0.0.1', '10.0.0.2', 502)], ['conn', conn(2, '10.0.0.3', '10.0.0.2', 502)]]);
  assert.deepEqual(s.captures().map((c) => c.name), ['a, b']);
  assert.equal(s.flows({}).total, 2);
  load(s, ['c'], [['conn', conn(3, '10.0.0.4', '10.0.0.2', 102)]]);
  assert.equal(s.captures().length, 2);
  assert.equal(s.flows({}).total, 3);
  s.close();
});

test('an aborted capture leaves nothing behind', () => {
  const s = fresh();
  const w = s.beginCapture({ sha256: 'x', name: 'x', bytes: 1, files: ['x'] });
  w.write('conn', conn(1, '10.0.0.1', '10.0.0.2', 502));
  w.abort();
  assert.equal(s.captures().length, 0);
  assert.equal(s.flows({}).total, 0);
  s.close();
});

test('flows: filters, sorting and pagination', () => {
  const s = fresh();
  const recs: [string, object][] = [];
  for (let i = 0; i < 30; i++) recs.push(['conn', conn(i, `10.0.0.${1 + (i % 3)}`, '10.0.0.9', i % 2 === 0 ? 502 : 102, { service: i % 2 === 0 ? 'modbus' : 'cotp,s7comm' })]);
  load(s, ['f'], recs);
  assert.equal(s.flows({}).total, 30);
  assert.equal(s.flows({ ip: '10.0.0.1' }).total, 10);
  assert.equal(s.flows({ ips: ['10.0.0.1', '10.0.0.2'] }).total, 20);
  assert.equal(s.flows({ service: 's7comm' }).total, 15);
  assert.equal(s.flows({ service: 's7' }).total, 0, 'service matches whole protocol names');
  assert.equal(s.flows({ port: 502 }).total, 15);
  assert.equal(s.flows({ from: 1010, to: 1020 }).total, 10);
  const page = s.flows({ sort: 'orig_bytes', order: 'asc', offset: 5, limit: 5 });
  assert.deepEqual(page.items.map((f) => f.uid), [5, 6, 7, 8, 9].map((i) => `C${String(i).padStart(18, '0')}`));
  assert.equal(s.flows({ limit: 100000 }).limit, 1000);
  s.close();
});

test('records of other types: by type, address and uid; the record types and their counts', () => {
  const s = fresh();
  load(s, ['r'], [
    ['conn', conn(1, '10.0.0.1', '10.0.0.2', 502)],
    ['modbus', { ts: 1001, uid: 'C1', 'id.orig_h': '10.0.0.1', 'id.resp_h': '10.0.0.2', func: 'READ_COILS' }],
    ['modbus', { ts: 1002, uid: 'C2', 'id.orig_h': '10.0.0.3', 'id.resp_h': '10.0.0.2', func: 'WRITE_SINGLE_COIL' }],
    ['arp', { ts: 1003, orig_mac: '02:00:00:00:00:01', orig_h: '10.0.0.1', resp_h: '10.0.0.2', sha_mismatch: false }],
  ]);
  assert.deepEqual(s.recordTypes(), [{ type: 'conn', count: 1 }, { type: 'arp', count: 1 }, { type: 'modbus', count: 2 }]);
  assert.deepEqual(s.records({ type: 'modbus', ip: '10.0.0.3' }).items.map((r) => r.func), ['WRITE_SINGLE_COIL']);
  assert.deepEqual(s.records({ type: 'modbus', order: 'asc' }).items.map((r) => r.uid), ['C1', 'C2']);
  assert.equal(s.records({ type: 'arp', ip: '10.0.0.1' }).total, 1);
  assert.equal(s.records({ type: 'conn', ip: '10.0.0.1' }).total, 1);
  s.close();
});

test('assets: search, role and level filters, sorting; the asset page and its edges; graph and dashboard', () => {
  const s = fresh();
  const recs: [string, object][] = [];
  for (let i = 0; i < 12; i++) recs.push(['conn', conn(i, `10.0.0.${10 + i}`, '10.0.0.2', 502, { service: 'modbus' })]);
  load(s, ['x'], recs);
  const all = s.assets({});
  assert.equal(all.total, 13);
  assert.deepEqual(all.items.slice(0, 3).map((a) => a.ipv4), ['10.0.0.2', '10.0.0.10', '10.0.0.11'], 'IPv4 sorts numerically');
  assert.equal(s.assets({ search: '10.0.0.2' }).total, 3, '10.0.0.2, 10.0.0.20 and 10.0.0.21');
  assert.equal(s.assets({ protocol: 'modbus' }).total, 13);
  assert.equal(s.assets({ protocol: 'modbu' }).total, 0);
  const page = s.assets({ sort: 'ipv4', order: 'desc', limit: 2, offset: 1 });
  assert.deepEqual(page.items.map((a) => a.ipv4), ['10.0.0.20', '10.0.0.19']);
  const server = s.assets({ search: '02:00:00:00:00:02' }).items[0];
  const a = s.asset(server.id)!;
  assert.equal(a.services_offered[0].port, 502);
  assert.equal(s.assetEdges(server.id).length, 12);
  assert.equal(s.asset('mac:nope'), undefined);
  const g = decodeGraphColumns(JSON.parse(s.graphJSON()) as GraphColumns);
  assert.deepEqual(decodeGraphColumns(JSON.parse(gunzipSync(s.graphGzip()).toString()) as GraphColumns), g);
  assert.equal(g.nodes.length, 13);
  assert.equal(g.edges.length, 12);
  const st = s.stats();
  assert.equal(st.assets, 13);
  assert.equal(st.flows, 12);
  assert.equal(st.by_protocol.modbus, 12);
  assert.equal(st.traffic.points.reduce((x, p) => x + p.flows, 0), 12);
  // A search term with LIKE wildcards is taken literally.
  assert.equal(s.assets({ search: '%' }).total, 0);
  s.close();
});

test('retention: records older than N days before the newest go; at most K captures are kept', () => {
  const s = fresh();
  load(s, ['old'], [['conn', { ...conn(1, '10.0.0.1', '10.0.0.2', 502), ts: 1000 }]]);
  load(s, ['new'], [['conn', { ...conn(2, '10.0.0.1', '10.0.0.2', 502), ts: 1000 + 10 * 86400 }]]);
  s.setRetention({ records_days: 5, max_captures: 0 });
  assert.equal(s.flows({}).total, 1);
  assert.deepEqual(s.recordTypes(), [{ type: 'conn', count: 1 }], 'counts follow the rows retention removed');
  assert.deepEqual(s.retention(), { records_days: 5, max_captures: 0 });
  s.setRetention({ records_days: 0, max_captures: 1 });
  assert.deepEqual(s.captures().map((c) => c.name), ['new']);
  s.close();
});

test('alerts: list by status and severity, triage', () => {
  const s = fresh();
  s.addAlerts([
    { ts: 5, severity: 1, signature: 'S7 PLC stop', category: 'ics', src_ip: '10.0.0.1', dest_ip: '10.0.0.2', asset_id: 'mac:02:00:00:00:00:02', data: { alert: { signature_id: 1 } } },
    { ts: 6, severity: 3, signature: 'scan', category: 'recon', src_ip: '10.0.0.3', dest_ip: '10.0.0.2', asset_id: '', data: {} },
  ]);
  assert.equal(s.alerts({}).total, 2);
  assert.equal(s.alerts({ min_severity: 2 }).total, 1);
  const id = s.alerts({ order: 'asc' }).items[0].id;
  const a = s.updateAlert(id, { status: 'acknowledged', assignee: 'ana' })!;
  assert.deepEqual([a.status, a.assignee, a.data], ['acknowledged', 'ana', { alert: { signature_id: 1 } }]);
  assert.equal(s.alerts({ status: ['open'] }).total, 1);
  assert.equal(s.updateAlert(9999, { status: 'closed' }), undefined);
  s.close();
});

test('users, sessions and the audit log', () => {
  const s = fresh();
  const u = s.addUser({ name: 'ana', role: 'analyst', password_hash: 'h1', must_change_password: true });
  assert.equal(s.user('ana')!.role, 'analyst');
  assert.throws(() => s.addUser({ name: 'ana', role: 'viewer', password_hash: 'h', must_change_password: false }), /already exists/);
  s.setPassword(u.id, 'h2');
  assert.deepEqual([s.userById(u.id)!.password_hash, s.userById(u.id)!.must_change_password], ['h2', false]);
  s.addSession({ token_hash: 't1', user_id: u.id, csrf_token: 'c', created_at: 1, expires_at: Date.now() / 1000 + 60 });
  s.addSession({ token_hash: 'stale', user_id: u.id, csrf_token: 'c', created_at: 1, expires_at: 2 });
  // Adding a session purges expired ones.
  s.addSession({ token_hash: 't2', user_id: u.id, csrf_token: 'c', created_at: 1, expires_at: Date.now() / 1000 + 60 });
  assert.equal(s.session('stale'), undefined);
  assert.equal(s.session('t1')!.user_id, u.id);
  s.deleteSessionsOf(u.id);
  assert.equal(s.session('t2'), undefined);
  s.audit({ user: 'admin', action: 'user.add', target: 'ana', detail: { role: 'analyst' } });
  assert.deepEqual(s.auditLog({}).items.map((a) => [a.user, a.action, a.target, a.detail]), [['admin', 'user.add', 'ana', { role: 'analyst' }]]);
  s.deleteUser(u.id);
  assert.equal(s.user('ana'), undefined);
  s.close();
});
