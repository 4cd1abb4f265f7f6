// Console benchmark: a generated store of 10,000 assets, 50,000 edges and 1,000,000 conn
// records, served by `buildServer` on a loopback port; latency of the assets list (several
// filters and sorts), the asset page and the graph, over real HTTP with a session cookie, from
// the request to the last byte of the response.
// Prints p50/p99/max per endpoint; exits 1 when a p99 is 50 ms or more.
//   npm run bench:console -- [--assets N] [--flows N] [--edges N] [--requests N]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import http from 'node:http';
import type { AssetJSON, EdgeJSON, Inventory } from '../src/assets/builder.ts';
import type { Claim } from '../src/assets/claims.ts';
import { hashPassword } from '../src/api/auth.ts';
import { buildServer } from '../src/api/server.ts';
import type { AnalysisStats } from '../src/pipeline/stats.ts';
import { SqliteStore } from '../src/store/sqlite.ts';

const { values } = parseArgs({
  options: {
    assets: { type: 'string', default: '10000' },
    flows: { type: 'string', default: '1000000' },
    edges: { type: 'string', default: '50000' },
    requests: { type: 'string', default: '300' },
  },
});
const N_ASSETS = Number(values.assets);
const N_FLOWS = Number(values.flows);
const N_EDGES = Number(values.edges);
const REQUESTS = Number(values.requests);
const LIMIT_MS = 50;

let seed = 42;
const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
const pick = <T>(a: readonly T[]) => a[Math.floor(rnd() * a.length)];

const ROLES = ['plc', 'rtu', 'ied', 'hmi', 'engineering_workstation', 'historian', 'switch_router', 'it_workstation', 'unknown'] as const;
const VENDORS = ['Siemens AG', 'Rockwell Automation', 'Schneider Electric', 'ABB', 'Phoenix Contact', 'Cisco Systems, Inc', 'Dell Inc.', 'Intel Corporate'];
const PROTOS = ['modbus', 's7comm', 'enip', 'cip', 'dnp3', 'bacnet', 'opcua', 'dns', 'ssl', 'http'];

function claim(value: string, source: string, confidence: number, ts: number): Claim {
  return { value, source, confidence, first_seen: ts, last_seen: ts + 3600, count: 10, evidence: { record: source, uid: 'C0000000000000000001', ts, field: source } };
}

function ipOf(i: number): string {
  return `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${(i & 255) + 1 > 254 ? 254 : (i & 255) + 1}`;
}

function makeInventory(): Inventory {
  const t0 = 1_700_000_000;
  const assets: AssetJSON[] = [];
  for (let i = 0; i < N_ASSETS; i++) {
    const role = pick(ROLES);
    const mac = `02:00:${((i >> 24) & 255).toString(16).padStart(2, '0')}:${((i >> 16) & 255).toString(16).padStart(2, '0')}:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`;
    const protos = [pick(PROTOS), pick(PROTOS)].filter((p, k, a) => a.indexOf(p) === k).sort();
    assets.push({
      id: `mac:${mac}`, key: 'mac', mac: [claim(mac, 'conn', 100, t0)], ipv4: [claim(ipOf(i), 'arp', 90, t0)], ipv6: [], vlans: [i % 20],
      names: [claim(`dev-${i}`, 'dhcp', 80, t0)], vendor: [claim(pick(VENDORS), 'oui', 40, t0)], model: [claim(`model-${i % 97}`, 'cip_identity', 90, t0)],
      firmware: [claim(`V${i % 5}.${i % 7}`, 'cip_identity', 90, t0)], serial: [claim(`SN${i}`, 'cip_identity', 90, t0)], os: [], device_type: [], software: [], hardware: [], bacnet: [], routed_via: [], modbus_units: [],
      role: { value: role, confidence: 70, reasons: ['generated'], alternatives: [] }, purdue_level: { level: role === 'plc' ? 1 : role === 'hmi' ? 2 : 4, reason: 'generated' },
      services_offered: [{ proto: 'tcp', port: 502, service: 'modbus', flows: 10, peers: 2, first_seen: t0, last_seen: t0 + 3600 }], services_used: [],
      protocols: protos, features: { modbus_server: 3 }, first_seen: t0, last_seen: t0 + 3600, packets_sent: 1000 + i, packets_received: 900, bytes_sent: 100000, bytes_received: 90000, flows: 100,
      subnets: [`10.${(i >> 16) & 255}.${(i >> 8) & 255}.0/24`],
    });
  }
  const edges: EdgeJSON[] = [];
  const seen = new Set<string>();
  while (edges.length < N_EDGES) {
    const a = Math.floor(rnd() * N_ASSETS);
    const b = Math.floor(rnd() * N_ASSETS);
    if (a === b) continue;
    const id = `${assets[a].id}>${assets[b].id}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const p = pick(PROTOS);
    edges.push({
      id, source: assets[a].id, target: assets[b].id, routed: false, flows: 20, packets: 400, bytes: 40000, first_seen: t0, last_seen: t0 + 3600,
      ports: [{ port: 'tcp/502', flows: 20, packets: 400, bytes: 40000 }], protocols: [p], operations: { [p]: { READ: { count: 10, category: 'read' } } }, operation_totals: { read: 10 },
    });
  }
  return { assets, edges, changes: [], span: { first: t0, last: t0 + 3600 }, dropped_claims: 0 };
}

/**
 * One GET over a keep-alive connection, timed from the request to the last byte of the body
 * as sent (a gzip body is not decompressed: that is the client's work, not the endpoint's).
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function getRaw(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, headers, agent }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

async function main(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-bench-console-'));
  const db = join(dir, 'bench.db');
  try {
    console.log(`Generating a store: ${N_ASSETS.toLocaleString('en-US')} assets, ${N_EDGES.toLocaleString('en-US')} edges, ${N_FLOWS.toLocaleString('en-US')} conn records …`);
    const t = performance.now();
    const store = new SqliteStore(db);
    const inv = makeInventory();
    const w = store.beginCapture({ sha256: 'bench', name: 'generated', bytes: 0, files: ['bench'] });
    for (let i = 0; i < N_FLOWS; i++) {
      const a = Math.floor(rnd() * N_ASSETS);
      const b = (a + 1 + Math.floor(rnd() * 50)) % N_ASSETS;
      w.write('conn', {
        ts: 1_700_000_000 + i * 0.003, uid: `C${String(i).padStart(18, '0')}`, 'id.orig_h': ipOf(a), 'id.orig_p': 40000 + (i % 20000), 'id.resp_h': ipOf(b), 'id.resp_p': 502,
        proto: 'tcp', service: 'modbus', duration: 1.5, orig_bytes: 120, resp_bytes: 240, conn_state: 'SF', missed_bytes: 0, history: 'ShADadFf',
        orig_pkts: 6, orig_ip_bytes: 440, resp_pkts: 5, resp_ip_bytes: 500,
      });
    }
    w.finish({ packets: N_FLOWS * 11, bytes: N_FLOWS * 940 } as unknown as AnalysisStats);
    store.replaceInventory(inv);
    store.addUser({ name: 'bench', role: 'viewer', password_hash: await hashPassword('bench-password-1'), must_change_password: false });
    console.log(`  built in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    if (process.env.BENCH_DEBUG) {
      for (let k = 0; k < 3; k++) {
        let t1 = performance.now();
        for (let i = 0; i < 20; i++) store.assets({ limit: 100 });
        const a = (performance.now() - t1) / 20;
        t1 = performance.now();
        for (let i = 0; i < 20; i++) JSON.stringify(store.assets({ limit: 100 }));
        const b = (performance.now() - t1) / 20;
        console.log(`  store.assets ${a.toFixed(2)} ms, with JSON ${b.toFixed(2)} ms`);
      }
    }
    const { app } = await buildServer({ store, dbPath: db });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const addr = app.server.address() as { port: number };
    const base = `http://127.0.0.1:${addr.port}`;
    const login = await fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'bench', password: 'bench-password-1' }) });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    const ids = inv.assets.map((a) => a.id);
    // [name, url, accept-encoding]: browsers ask for gzip; the uncompressed graph is shown too.
    const endpoints: [string, () => string, string?][] = [
      ['assets list (first page, default sort)', () => '/api/assets?limit=100'],
      ['assets list (page 40, sorted by vendor)', () => '/api/assets?limit=100&offset=4000&sort=vendor&order=desc'],
      ['assets list (role filter + search)', () => `/api/assets?role=plc,hmi&search=dev-${Math.floor(rnd() * 100)}&limit=100`],
      ['assets list (protocol filter, sorted by bytes)', () => `/api/assets?protocol=${pick(PROTOS)}&sort=bytes&order=desc&limit=100`],
      ['asset page', () => `/api/assets/${encodeURIComponent(pick(ids))}`],
      // What the asset page asks next: how many flows the asset has, and their first page.
      ['asset page: its flow count', () => `/api/flows?asset=${encodeURIComponent(pick(ids))}&limit=1`],
      ['asset page: its flows, newest first', () => `/api/flows?asset=${encodeURIComponent(pick(ids))}&sort=ts&limit=50`],
      ['flows list (first page)', () => '/api/flows?limit=50'],
      ['flows list (sorted by bytes)', () => '/api/flows?sort=orig_bytes&order=desc&limit=50'],
      ['record types and counts', () => '/api/records'],
      ['dashboard figures', () => '/api/stats'],
      ['graph (gzip, as browsers ask)', () => '/api/graph', 'gzip, deflate, br'],
      ['graph (uncompressed)', () => '/api/graph', 'identity'],
    ];
    let failed = false;
    const rows: string[][] = [['endpoint', 'requests', 'p50 ms', 'p99 ms', 'max ms', 'bytes sent']];
    for (const [name, url, enc] of endpoints) {
      const times: number[] = [];
      let bytes = 0;
      const headers: Record<string, string> = { cookie, 'accept-encoding': enc ?? 'gzip, deflate, br' };
      for (let i = 0; i < 5; i++) await getRaw(addr.port, url(), headers); // warm-up
      for (let i = 0; i < REQUESTS; i++) {
        const t0 = performance.now();
        const r = await getRaw(addr.port, url(), headers);
        times.push(performance.now() - t0);
        if (r.status !== 200) throw new Error(`${name}: HTTP ${r.status}`);
        bytes = r.bytes;
      }
      const p99 = pct(times, 99);
      if (p99 >= LIMIT_MS) failed = true;
      rows.push([name, String(REQUESTS), pct(times, 50).toFixed(1), p99.toFixed(1), Math.max(...times).toFixed(1), bytes.toLocaleString('en-US')]);
    }
    await app.close();
    store.close();
    const w0 = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(w0[i]) : c.padStart(w0[i]))).join('  '));
    console.log(failed ? `\nFAILED: a p99 is ${LIMIT_MS} ms or more` : `\nevery p99 is under ${LIMIT_MS} ms`);
    return failed ? 1 : 0;
  } finally {
    if (process.env.BENCH_KEEP === undefined) rmSync(dir, { recursive: true, force: true });
    else console.log(`kept ${db}`);
  }
}

process.exitCode = await main();
