// A synthetic plant of N assets and about 2N edges, written through the store API
// (SqliteStore.replaceInventory) with assets and edges shaped like src/assets/builder.ts's
// output: HMIs and engineering workstations polling and programming the PLCs of their
// cell, historians reading the HMIs, IT hosts talking to servers. Deterministic (seeded).
import type { AssetJSON, EdgeJSON, Inventory } from '../../src/assets/builder.ts';
import type { Claim } from '../../src/assets/claims.ts';
import type { Role } from '../../src/assets/roles.ts';
import { SqliteStore } from '../../src/store/sqlite.ts';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const T0 = 1_700_000_000;

function claim(value: string, source: string, confidence: number, field: string): Claim {
  return { value, source, confidence, first_seen: T0, last_seen: T0 + 3600, count: 1, evidence: { record: source, ts: T0, field } };
}

const LEVEL: Record<string, number | null> = { plc: 1, rtu: 1, ied: 1, hmi: 2, engineering_workstation: 2, historian: 3, opc_server: 3, it_server: 4, it_workstation: 4, switch_router: null, unknown: null };

export function syntheticInventory(n: number, seed = 1): Inventory {
  const r = rng(seed);
  const assets: AssetJSON[] = [];
  const cells = Math.max(1, Math.round(n / 100));
  const byRole = new Map<string, number[]>();
  const cellOf: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = r();
    const role: Role = x < 0.5 ? 'plc' : x < 0.58 ? 'rtu' : x < 0.62 ? 'ied' : x < 0.72 ? 'hmi' : x < 0.75 ? 'engineering_workstation' : x < 0.77 ? 'historian' : x < 0.79 ? 'opc_server' : x < 0.83 ? 'it_server' : x < 0.93 ? 'it_workstation' : x < 0.95 ? 'switch_router' : 'unknown';
    const cell = Math.floor(r() * cells);
    cellOf.push(cell);
    const ip = `10.${Math.floor(cell / 250)}.${cell % 250}.${(i % 250) + 1}`;
    const mac = `02:00:${((i >> 16) & 255).toString(16).padStart(2, '0')}:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}:01`;
    const id = `mac:${mac}`;
    const bytes = Math.floor(1000 * Math.exp(r() * 10));
    (byRole.get(role) ?? byRole.set(role, []).get(role)!).push(i);
    assets.push({
      id, key: 'mac', mac: [claim(mac, 'conn', 30, 'orig_l2_addr')], ipv4: [claim(ip, 'conn', 70, 'id.orig_h')], ipv6: [], vlans: [],
      names: [claim(`${role}-${i}`, 'dhcp', 80, 'host_name')], vendor: [claim(['Siemens', 'Rockwell Automation', 'Schneider Electric', 'ABB', 'Moxa'][i % 5], 'oui', 40, 'mac')],
      model: [], firmware: [], serial: [], os: [], device_type: [], software: [], hardware: [], bacnet: [], routed_via: [], modbus_units: [],
      role: { value: role, confidence: 70, reasons: ['synthetic'], alternatives: [] },
      purdue_level: { level: LEVEL[role] ?? null, reason: 'synthetic' },
      services_offered: [], services_used: [], protocols: role === 'plc' ? ['s7comm'] : role === 'rtu' ? ['dnp3'] : role === 'ied' ? ['iec104'] : ['modbus'], features: {},
      first_seen: T0, last_seen: T0 + 3600, packets_sent: Math.floor(bytes / 200), packets_received: Math.floor(bytes / 300), bytes_sent: bytes, bytes_received: Math.floor(bytes / 2), flows: 10,
      subnets: [ip.replace(/\.\d+$/, '.0/24')],
    });
  }
  const edges = new Map<string, EdgeJSON>();
  const target = 2 * n;
  const pick = (role: string): number => {
    const l = byRole.get(role) ?? [];
    return l.length === 0 ? Math.floor(r() * n) : l[Math.floor(r() * l.length)];
  };
  const clients = ['hmi', 'hmi', 'hmi', 'engineering_workstation', 'historian', 'it_workstation', 'opc_server'];
  let guard = 0;
  while (edges.size < target && guard++ < target * 20) {
    const clientRole = clients[Math.floor(r() * clients.length)];
    const s = pick(clientRole);
    const serverRole = clientRole === 'historian' ? 'hmi' : clientRole === 'it_workstation' ? 'it_server' : ['plc', 'plc', 'rtu', 'ied'][Math.floor(r() * 4)];
    // Mostly inside the client's cell.
    let t = pick(serverRole);
    for (let k = 0; k < 4 && cellOf[t] !== cellOf[s]; k++) t = pick(serverRole);
    if (s === t) continue;
    const id = `${assets[s].id}>${assets[t].id}`;
    if (edges.has(id)) continue;
    const proto = assets[t].protocols[0];
    const program = clientRole === 'engineering_workstation' && r() < 0.3 ? 1 + Math.floor(r() * 5) : 0;
    const write = clientRole === 'hmi' && r() < 0.4 ? Math.floor(r() * 100) : 0;
    const totals: Record<string, number> = { read: 10 + Math.floor(r() * 1000) };
    if (write > 0) totals.write = write;
    if (program > 0) totals.program = program;
    const b = Math.floor(500 * Math.exp(r() * 8));
    edges.set(id, {
      id, source: assets[s].id, target: assets[t].id, routed: false, flows: 1 + Math.floor(r() * 20), packets: Math.floor(b / 100), bytes: b, first_seen: T0, last_seen: T0 + 3600,
      ports: [{ port: 'tcp/502', flows: 1, packets: Math.floor(b / 100), bytes: b }], protocols: [proto],
      operations: { [proto]: { read: { count: totals.read, category: 'read' }, ...(write > 0 ? { write: { count: write, category: 'write' as const } } : {}), ...(program > 0 ? { download: { count: program, category: 'program' as const } } : {}) } },
      operation_totals: totals,
    });
  }
  return { assets, edges: [...edges.values()], changes: [], span: { first: T0, last: T0 + 3600 }, dropped_claims: 0 };
}

/** Writes a synthetic inventory of `n` assets into the database at `path`. */
export function writeSyntheticStore(path: string, n: number): { assets: number; edges: number } {
  const inv = syntheticInventory(n);
  const store = new SqliteStore(path);
  try {
    store.replaceInventory(inv);
  } finally {
    store.close();
  }
  return { assets: inv.assets.length, edges: inv.edges.length };
}
