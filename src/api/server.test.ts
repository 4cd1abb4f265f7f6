// The API through fastify's inject: nothing without a session, roles (a viewer changes
// nothing), CSRF and login rate limiting (each test fails when its protection is removed),
// the inventory, flow and record routes, uploads analysed into the database, the audit log,
// the OpenAPI document and the WebSocket.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { analyze } from '../pipeline/analyze.ts';
import { SqliteStore } from '../store/sqlite.ts';
import { hashPassword, LoginLimiter } from './auth.ts';
import { buildServer } from './server.ts';
import { decodeGraphColumns, type GraphColumns } from '../assets/graph-columns.ts';
import { gunzipSync } from 'node:zlib';
import type { JobRunner } from './jobs.ts';
import { CORPUS, HAVE_CORPUS } from '../../test/support/corpus.ts';

const tmp = mkdtempSync(join(tmpdir(), 'palisade-api-'));
const DB = join(tmp, 'api.db');
const ENIP = join(CORPUS, 'icsnpp-enip/tests/traces/enip_cip_example.pcap');
const MODBUS = join(CORPUS, 'icsnpp-modbus/testing/traces/modbus_example.pcap');
let app: FastifyInstance;
let jobs: JobRunner;
let store: SqliteStore;
const skip = HAVE_CORPUS ? false : 'corpus not found';

const PW = { admin: 'admin-password-1', ana: 'analyst-password-1', vic: 'viewer-password-1', rl: 'limited-password-1' };

before(async () => {
  if (HAVE_CORPUS) await analyze({ inputs: [ENIP], db: DB });
  store = new SqliteStore(DB);
  store.addUser({ name: 'admin', role: 'admin', password_hash: await hashPassword(PW.admin), must_change_password: false });
  store.addUser({ name: 'ana', role: 'analyst', password_hash: await hashPassword(PW.ana), must_change_password: false });
  store.addUser({ name: 'vic', role: 'viewer', password_hash: await hashPassword(PW.vic), must_change_password: false });
  store.addUser({ name: 'rl', role: 'viewer', password_hash: await hashPassword(PW.rl), must_change_password: false });
  store.addAlerts([{ ts: 1, severity: 1, signature: 'test alert', category: 'test', src_ip: '10.1.1.167', dest_ip: '10.1.1.164', asset_id: '', data: {} }]);
  ({ app, jobs } = await buildServer({ store, dbPath: DB, limiter: new LoginLimiter(3, 60) }));
});
after(async () => {
  await app?.close();
  await jobs?.idle();
  store?.close();
  rmSync(tmp, { recursive: true, force: true });
});

interface Session {
  cookie: string;
  csrf: string;
}

async function login(name: keyof typeof PW, ip = '192.0.2.10'): Promise<Session> {
  const r = await app.inject({ method: 'POST', url: '/api/login', payload: { name, password: PW[name] }, remoteAddress: ip });
  assert.equal(r.statusCode, 200, r.body);
  const set = r.headers['set-cookie'];
  const c = (Array.isArray(set) ? set[0] : String(set));
  assert.match(c, /HttpOnly/);
  assert.match(c, /SameSite=Strict/);
  return { cookie: c.split(';')[0], csrf: (r.json() as { csrf_token: string }).csrf_token };
}

function get(s: Session | null, url: string) {
  return app.inject({ method: 'GET', url, headers: s === null ? {} : { cookie: s.cookie } });
}

function send(s: Session, method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: object, csrf: string | null = s.csrf) {
  const headers: Record<string, string> = { cookie: s.cookie };
  if (csrf !== null) headers['x-csrf-token'] = csrf;
  return app.inject({ method, url, headers, payload });
}

test('without a session only the health check and login answer', async () => {
  assert.equal((await get(null, '/api/health')).statusCode, 200);
  for (const url of ['/api/assets', '/api/graph', '/api/flows', '/api/stats', '/api/alerts', '/api/openapi.json', '/api/users', '/api/records/cip']) {
    const r = await get(null, url);
    assert.equal(r.statusCode, 401, url);
    assert.equal((r.json() as { error: string }).error, 'unauthenticated');
  }
  assert.equal((await app.inject({ method: 'GET', url: '/api/assets', headers: { cookie: 'palisade_session=forged' } })).statusCode, 401);
});

test('wrong passwords are refused; after 3 failures in the window the login is rate-limited, even with the right password', async () => {
  const ip = '198.51.100.7';
  for (let i = 0; i < 3; i++) {
    const r = await app.inject({ method: 'POST', url: '/api/login', payload: { name: 'rl', password: 'not-the-password' }, remoteAddress: ip });
    assert.equal(r.statusCode, 401);
  }
  const r = await app.inject({ method: 'POST', url: '/api/login', payload: { name: 'rl', password: PW.rl }, remoteAddress: ip });
  assert.equal(r.statusCode, 429);
  assert.ok(Number(r.headers['retry-after']) > 0);
  // The account is limited from other addresses too (password guessing spread over addresses).
  assert.equal((await app.inject({ method: 'POST', url: '/api/login', payload: { name: 'rl', password: PW.rl }, remoteAddress: '203.0.113.9' })).statusCode, 429);
  const audit = store.auditLog({ limit: 50 }).items.filter((a) => a.action === 'login.failed' && a.target === 'rl');
  assert.equal(audit.length, 3);
});

test('a state-changing request without the session\'s CSRF token is refused', { skip }, async () => {
  const ana = await login('ana');
  const alert = store.alerts({}).items[0];
  assert.equal((await send(ana, 'PATCH', `/api/alerts/${alert.id}`, { status: 'acknowledged' }, null)).statusCode, 403);
  assert.equal((await send(ana, 'PATCH', `/api/alerts/${alert.id}`, { status: 'acknowledged' }, 'wrong-token')).statusCode, 403);
  assert.equal(store.alert(alert.id)!.status, 'open');
  const ok = await send(ana, 'PATCH', `/api/alerts/${alert.id}`, { status: 'acknowledged', assignee: 'ana' });
  assert.equal(ok.statusCode, 200, ok.body);
  assert.deepEqual([store.alert(alert.id)!.status, store.alert(alert.id)!.assignee], ['acknowledged', 'ana']);
  assert.ok(store.auditLog({}).items.some((a) => a.action === 'alert.update' && a.user === 'ana'));
});

test('a viewer reads everything and changes nothing', { skip }, async () => {
  const vic = await login('vic');
  for (const url of ['/api/assets', '/api/graph', '/api/flows', '/api/stats', '/api/alerts', '/api/records', '/api/captures', '/api/changes', '/api/activity']) {
    assert.equal((await get(vic, url)).statusCode, 200, url);
  }
  const alert = store.alerts({}).items[0];
  assert.equal((await send(vic, 'PATCH', `/api/alerts/${alert.id}`, { status: 'closed' })).statusCode, 403);
  assert.equal((await send(vic, 'POST', '/api/users', { name: 'eve', role: 'admin' })).statusCode, 403);
  assert.equal((await send(vic, 'PUT', '/api/settings/retention', { records_days: 1, max_captures: 0 })).statusCode, 403);
  assert.equal((await get(vic, '/api/users')).statusCode, 403);
  assert.equal((await get(vic, '/api/audit')).statusCode, 403);
  assert.equal(store.user('eve'), undefined);
  assert.notEqual(store.alert(alert.id)!.status, 'closed');
});

test('admin: accounts with a generated password that must be changed at first login; the last admin stays', { skip }, async () => {
  const admin = await login('admin');
  const r = await send(admin, 'POST', '/api/users', { name: 'newbie', role: 'viewer' });
  assert.equal(r.statusCode, 201, r.body);
  const pw = (r.json() as { password: string }).password;
  assert.equal(pw.length, 20);
  const l = await app.inject({ method: 'POST', url: '/api/login', payload: { name: 'newbie', password: pw }, remoteAddress: '192.0.2.50' });
  assert.equal(l.statusCode, 200);
  const s = { cookie: String(l.headers['set-cookie']).split(';')[0], csrf: (l.json() as { csrf_token: string }).csrf_token };
  assert.equal((await get(s, '/api/assets')).statusCode, 403, 'a generated password must be changed first');
  assert.equal((await send(s, 'POST', '/api/password', { current: pw, new: 'short' })).statusCode, 400);
  const ch = await send(s, 'POST', '/api/password', { current: pw, new: 'a-long-new-password' });
  assert.equal(ch.statusCode, 204, ch.body);
  assert.equal((await get(s, '/api/assets')).statusCode, 401, 'changing the password ends the old session');
  const id = store.user('newbie')!.id;
  assert.equal((await send(admin, 'PATCH', `/api/users/${id}`, { role: 'analyst' })).statusCode, 200);
  assert.equal(store.user('newbie')!.role, 'analyst');
  assert.equal((await send(admin, 'DELETE', `/api/users/${id}`)).statusCode, 204);
  assert.equal((await send(admin, 'DELETE', `/api/users/${store.user('admin')!.id}`)).statusCode, 400);
  const actions = store.auditLog({ limit: 100 }).items.map((a) => a.action);
  for (const a of ['user.add', 'user.role', 'user.remove', 'password.change']) assert.ok(actions.includes(a), a);
});

test('assets: the list filters, sorts and pages; the asset page has claims, evidence and connections; CSV export', { skip }, async () => {
  const vic = await login('vic');
  const all = (await get(vic, '/api/assets?limit=500')).json() as { total: number; items: { id: string; role: string; ipv4: string }[] };
  assert.ok(all.total >= 5);
  const plcs = (await get(vic, '/api/assets?role=plc')).json() as { total: number; items: { role: string }[] };
  assert.ok(plcs.total >= 1 && plcs.items.every((a) => a.role === 'plc'));
  const found = (await get(vic, '/api/assets?search=1756-ENBT')).json() as { total: number; items: { id: string }[] };
  assert.equal(found.total, 1);
  assert.equal((await get(vic, '/api/assets?sort=nonsense')).statusCode, 400);
  assert.equal((await get(vic, '/api/assets?limit=5000')).statusCode, 400);
  const page = (await get(vic, `/api/assets/${encodeURIComponent(found.items[0].id)}`)).json() as { asset: { model: { value: string; evidence: { record: string; uid: string } }[] }; edges: unknown[] };
  assert.equal(page.asset.model[0].value, '1756-ENBT/A');
  assert.equal(page.asset.model[0].evidence.record, 'cip_identity');
  assert.match(page.asset.model[0].evidence.uid, /^C/);
  assert.ok(page.edges.length >= 1);
  assert.equal((await get(vic, '/api/assets/mac%3Anope')).statusCode, 404);
  const csv = await get(vic, '/api/assets.csv?role=plc');
  assert.equal(csv.headers['content-type'], 'text/csv; charset=utf-8');
  assert.equal(csv.body.trimEnd().split('\n').length, plcs.total + 1);
});

test('graph, flows, records, stats and activity', { skip }, async () => {
  const vic = await login('vic');
  const g = decodeGraphColumns((await get(vic, '/api/graph')).json() as GraphColumns);
  const gz = await app.inject({ method: 'GET', url: '/api/graph', headers: { cookie: vic.cookie, 'accept-encoding': 'gzip, br' } });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.deepEqual(decodeGraphColumns(JSON.parse(gunzipSync(gz.rawPayload).toString()) as GraphColumns), g);
  const ids = new Set(g.nodes.map((n) => n.id));
  assert.ok(g.edges.length > 0 && g.edges.every((e) => ids.has(e.source) && ids.has(e.target)));
  const flows = (await get(vic, '/api/flows?service=enip&sort=bytes&order=desc&limit=3')).json() as { total: number; items: { service: string; orig_ip_bytes: number; resp_ip_bytes: number }[] };
  assert.ok(flows.total > 0 && flows.items.length <= 3);
  assert.ok(flows.items.every((f) => f.service.split(',').includes('enip')));
  const b = flows.items.map((f) => f.orig_ip_bytes + f.resp_ip_bytes);
  assert.deepEqual(b, [...b].sort((x, y) => y - x));
  const types = (await get(vic, '/api/records')).json() as { type: string; count: number }[];
  assert.ok(types.some((t) => t.type === 'cip' && t.count > 0));
  const cip = (await get(vic, '/api/records/cip?limit=2')).json() as { items: { cip_service: string }[] };
  assert.equal(cip.items.length, 2);
  assert.equal((await get(vic, '/api/records/..%2Fetc')).statusCode, 400);
  const st = (await get(vic, '/api/stats')).json() as { assets: number; by_role: Record<string, number>; traffic: { points: unknown[] } };
  assert.ok(st.assets > 0 && st.traffic.points.length > 0);
  const act = (await get(vic, '/api/activity?protocol=cip')).json() as { items: { operations: Record<string, unknown> }[] };
  assert.ok(act.items.length > 0 && act.items.every((a) => Object.keys(a.operations).length > 0));
});

test('the OpenAPI document lists every route with its schemas', async () => {
  const s = await login('vic');
  const doc = (await get(s, '/api/openapi.json')).json() as { openapi: string; paths: Record<string, Record<string, { parameters?: unknown[] }>> };
  assert.equal(doc.openapi, '3.0.3');
  for (const p of ['/api/assets', '/api/assets/{id}', '/api/graph', '/api/flows', '/api/records/{type}', '/api/captures', '/api/alerts/{id}', '/api/users', '/api/login', '/api/settings/retention']) {
    assert.ok(doc.paths[p] !== undefined, p);
  }
  assert.ok((doc.paths['/api/assets'].get.parameters ?? []).length >= 8);
});

test('an uploaded capture is analysed into the database; progress comes over the WebSocket', { skip }, async () => {
  const ana = await login('ana');
  await app.ready();
  const ws = await (app as unknown as { injectWS: (path: string, opts: object) => Promise<{ on: (e: string, f: (d: unknown) => void) => void; terminate: () => void }> }).injectWS('/api/ws', { headers: { cookie: ana.cookie } });
  const events: { type: string; job: { state: string } }[] = [];
  ws.on('message', (d: unknown) => events.push(JSON.parse(String(d))));
  const body = readFileSync(MODBUS);
  const boundary = '----palisade';
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="modbus_example.pcap"\r\nContent-Type: application/vnd.tcpdump.pcap\r\n\r\n`),
    body,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const vic = await login('vic');
  const denied = await app.inject({ method: 'POST', url: '/api/captures', headers: { cookie: vic.cookie, 'x-csrf-token': vic.csrf, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload });
  assert.equal(denied.statusCode, 403);
  const r = await app.inject({ method: 'POST', url: '/api/captures', headers: { cookie: ana.cookie, 'x-csrf-token': ana.csrf, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload });
  assert.equal(r.statusCode, 202, r.body);
  const job = (r.json() as { job: { id: number } }).job;
  await jobs.idle();
  const j = (await get(ana, `/api/jobs/${job.id}`)).json() as { state: string; result: { packets: number } };
  assert.equal(j.state, 'done', JSON.stringify(j));
  assert.equal(j.result.packets, 100);
  assert.ok(events.some((e) => e.type === 'job' && e.job.state === 'done'));
  ws.terminate();
  const caps = (await get(ana, '/api/captures')).json() as { captures: { name: string }[] };
  assert.ok(caps.captures.some((c) => c.name === 'modbus_example.pcap'));
  const modbus = (await get(ana, '/api/records/modbus')).json() as { total: number };
  assert.ok(modbus.total > 0);
  // The inventory now covers both captures.
  const assets = (await get(ana, '/api/assets?protocol=modbus')).json() as { total: number };
  assert.ok(assets.total >= 2);
  assert.ok(store.auditLog({ limit: 100 }).items.some((a) => a.action === 'capture.analysed' && a.target === 'modbus_example.pcap'));
});

test('a device behind a BACnet router or a Modbus gateway: its flows and records are the router\'s that name it', { skip }, async () => {
  const dir = join(tmp, 'routed');
  const db = join(dir, 'routed.db');
  const out = join(dir, 'out');
  const gateway = new URL('../protocols/modbus/fixtures/modbus-gateway.pcap', import.meta.url).pathname;
  await analyze({ inputs: [gateway, join(CORPUS, 'emreekin-ics-pcaps/BacNET/BACnetIP-MSTP-Mix.pcap')], db, outDir: out });
  const st = new SqliteStore(db);
  st.addUser({ name: 'vic', role: 'viewer', password_hash: await hashPassword(PW.vic), must_change_password: false });
  const srv = await buildServer({ store: st, dbPath: db });
  try {
    const r = await srv.app.inject({ method: 'POST', url: '/api/login', payload: { name: 'vic', password: PW.vic } });
    const cookie = String(r.headers['set-cookie']).split(';')[0];
    const page = async (url: string) => (await srv.app.inject({ method: 'GET', url, headers: { cookie } })).json() as { total: number; items: Record<string, unknown>[] };
    const lines = (type: string) => readFileSync(join(out, `${type}.ndjson`), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    // Unit 1 behind the gateway: the gateway's Modbus records for unit 1, on the one connection that carried them.
    const unit = encodeURIComponent('modbus:1@10.20.0.50');
    const mine = (await page(`/api/records/modbus?asset=${unit}&limit=500`));
    const want = lines('modbus').filter((x) => x.unit === 1 && x['id.resp_h'] === '10.20.0.50');
    assert.ok(want.length > 0);
    assert.equal(mine.total, want.length);
    assert.ok(mine.items.every((x) => x.unit === 1));
    assert.equal((await page(`/api/flows?asset=${unit}`)).total, 1);
    assert.equal((await page(`/api/records/dns?asset=${unit}`)).total, 0);
    // The MS/TP controller behind the BACnet router: the router's records sent from it (snet/sadr) or to it (dnet/dadr).
    const dev = encodeURIComponent('bacnet:26001:72@192.168.0.24');
    const names = (x: Record<string, unknown>) => (x.snet === 26001 && x.sadr === '72') || (x.dnet === 26001 && x.dadr === '72');
    const props = lines('bacnet_property').filter((x) => names(x) && (x['id.orig_h'] === '192.168.0.24' || x['id.resp_h'] === '192.168.0.24'));
    assert.ok(props.length > 0);
    assert.equal((await page(`/api/records/bacnet_property?asset=${dev}&limit=500`)).total, props.length);
    const flows = new Set(props.map((x) => x.uid));
    for (const t of ['bacnet_discovery', 'bacnet_device_control', 'bacnet_file']) {
      if (!existsSync(join(out, `${t}.ndjson`))) continue;
      for (const x of lines(t)) if (names(x) && (x['id.orig_h'] === '192.168.0.24' || x['id.resp_h'] === '192.168.0.24')) flows.add(x.uid);
    }
    assert.equal((await page(`/api/flows?asset=${dev}&limit=500`)).total, flows.size);
    // The router's and the gateway's pages list the devices behind them.
    const behindOf = async (ip: string) => {
      const inv = (await srv.app.inject({ method: 'GET', url: `/api/assets?search=${encodeURIComponent(ip)}&limit=50`, headers: { cookie } })).json() as { items: { id: string; key: string; ipv4: string }[] };
      const own = inv.items.find((x) => x.ipv4.split(' ').includes(ip))!;
      const one = (await srv.app.inject({ method: 'GET', url: `/api/assets/${encodeURIComponent(own.id)}`, headers: { cookie } })).json() as { behind: { id: string }[] };
      return one.behind.map((x) => x.id).sort();
    };
    assert.deepEqual(await behindOf('10.20.0.50'), ['modbus:1@10.20.0.50', 'modbus:2@10.20.0.50']);
    const routed = lines('bacnet_discovery').filter((x) => x.snet !== undefined && x['id.orig_h'] === '192.168.0.24');
    assert.ok(routed.length > 0);
    assert.ok((await behindOf('192.168.0.24')).includes('bacnet:26001:72@192.168.0.24'));
    assert.deepEqual(await behindOf('10.20.0.10'), []);
  } finally {
    await srv.app.close();
    await srv.jobs.idle();
    st.close();
  }
});
