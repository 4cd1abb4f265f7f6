// The embedded store: one SQLite file through node:sqlite (nothing to install). Records go
// in batches inside transactions; conn records into `flows` with typed, indexed columns,
// every other record type into `records` (common columns indexed, the record as JSON). The
// inventory (assets, edges, changes) is replaced whole after each analysis, with the
// dashboard figures and the graph precomputed, so the console's reads are index lookups.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { AssetChange, AssetJSON, EdgeJSON, Inventory } from '../assets/builder.ts';
import { graphNodes } from '../assets/export.ts';
import { encodeGraphColumns } from '../assets/graph-columns.ts';
import { gzipSync } from 'node:zlib';
import { PalisadeError } from '../core/errors.ts';
import type { AnalysisStats } from '../pipeline/stats.ts';
import { MIGRATIONS } from './migrations.ts';
import type {
  RoutedDevice,
  AlertQuery, AlertRow, AlertStatus, AssetQuery, AssetSummary, AuditRow, CaptureRow, CaptureWriter, FlowQuery, Page, RecordQuery,
  Retention, SessionRow, StatsSummary, Store, UserRole, UserRow,
} from './types.ts';
import { ASSET_SORT, FLOW_SORT } from './types.ts';
import { RECORD_MASK_WRITE_REGISTER, RECORD_MODBUS, RECORD_READ_DEVICE_IDENTIFICATION, RECORD_READ_WRITE_MULTIPLE_REGISTERS } from '../protocols/modbus/records.ts';

const BATCH = 5000;
const MAX_LIMIT = 1000;

type Row = Record<string, unknown>;

function limitOf(n: number | undefined, dflt = 100): number {
  if (n === undefined || !Number.isFinite(n)) return dflt;
  return Math.max(1, Math.min(MAX_LIMIT, Math.floor(n)));
}

function offsetOf(n: number | undefined): number {
  return n === undefined || !Number.isFinite(n) || n < 0 ? 0 : Math.floor(n);
}

function best(claims: { value: string; confidence: number }[]): string {
  if (claims.length === 0) return '';
  return claims.filter((c) => c.confidence === claims[0].confidence).map((c) => c.value).join(' | ');
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => '\\' + c);
}

/**
 * The ORDER BY of a flows page: the order each sort column's index holds (migration 2), so a
 * page reads its rows and no more.
 */
export function flowOrderBy(sort: (typeof FLOW_SORT)[number], order: 'ASC' | 'DESC'): string {
  if (sort === 'bytes') return `(f.orig_ip_bytes + f.resp_ip_bytes) ${order}, f.id ${order}`;
  if (sort === 'orig_h' || sort === 'resp_h') return `f.${sort} ${order}, f.ts ${order}, f.id ${order}`;
  return `f.${sort} ${order}, f.id ${order}`;
}

export class SqliteStore implements Store {
  readonly path: string;
  private readonly db: DatabaseSync;
  private readonly stmts = new Map<string, StatementSync>();

  constructor(path: string) {
    this.path = path;
    try {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      this.db = new DatabaseSync(path);
      this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;');
    } catch (e) {
      throw new PalisadeError('E_STORE', `${path}: cannot open the database (${(e as Error).message}). Check the path and its permissions.`, { file: path, cause: e });
    }
    this.migrate();
  }

  close(): void {
    this.db.close();
  }

  private st(sql: string): StatementSync {
    let s = this.stmts.get(sql);
    if (s === undefined) this.stmts.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  private migrate(): void {
    const v = (this.db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
    if (v > MIGRATIONS.length) {
      throw new PalisadeError('E_STORE', `${this.path}: the database was written by a newer Palisade (schema ${v}, this one knows ${MIGRATIONS.length}). Upgrade Palisade.`, { file: this.path });
    }
    for (let i = v; i < MIGRATIONS.length; i++) {
      this.tx(() => {
        this.db.exec(MIGRATIONS[i]);
        this.db.exec(`PRAGMA user_version = ${i + 1}`);
      });
    }
  }

  private tx<T>(fn: () => T): T {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const r = fn();
      this.db.exec('COMMIT');
      return r;
    } catch (e) {
      this.db.exec('ROLLBACK');
      throw e;
    }
  }

  // ---- captures and records ----

  beginCapture(meta: { sha256: string; name: string; bytes: number; files: string[] }): CaptureWriter {
    const id = this.tx(() => {
      const r = this.st('INSERT INTO captures (sha256, name, bytes, analyzed_at, complete) VALUES (?, ?, ?, ?, 0)').run(meta.sha256, meta.name, meta.bytes, new Date().toISOString());
      const cid = Number(r.lastInsertRowid);
      for (const f of new Set(meta.files)) this.st('INSERT INTO capture_files (capture_id, sha256) VALUES (?, ?)').run(cid, f);
      return cid;
    });
    return new SqliteCaptureWriter(this, this.db, id, meta.sha256);
  }

  /** Called by the writer when its capture is complete: older captures of the same files go. */
  finishCapture(id: number, sha256: string, stats: AnalysisStats, records: number): void {
    this.tx(() => {
      // Earlier analyses of any of these files (alone or with others) are replaced.
      const old = this.st(`SELECT DISTINCT o.capture_id AS id FROM capture_files n JOIN capture_files o ON o.sha256 = n.sha256
        WHERE n.capture_id = ? AND o.capture_id != ?`).all(id, id) as { id: number }[];
      for (const o of old) this.deleteCapture(o.id);
      void sha256;
      let first = Infinity;
      let last = -Infinity;
      const f = this.st('SELECT MIN(ts) AS a, MAX(ts) AS b FROM flows WHERE capture_id = ?').get(id) as { a: number | null; b: number | null };
      const g = this.st('SELECT MIN(ts) AS a, MAX(ts) AS b FROM records WHERE capture_id = ?').get(id) as { a: number | null; b: number | null };
      for (const x of [f.a, g.a]) if (x !== null && x < first) first = x;
      for (const x of [f.b, g.b]) if (x !== null && x > last) last = x;
      this.st("INSERT INTO record_counts SELECT capture_id, 'conn', COUNT(*) FROM flows WHERE capture_id = ? GROUP BY capture_id").run(id);
      this.st('INSERT INTO record_counts SELECT capture_id, type, COUNT(*) FROM records WHERE capture_id = ? GROUP BY capture_id, type').run(id);
      this.st('UPDATE captures SET complete = 1, packets = ?, first_ts = ?, last_ts = ?, records = ?, stats = ? WHERE id = ?').run(
        stats.packets, Number.isFinite(first) ? first : 0, Number.isFinite(last) ? last : 0, records, JSON.stringify(stats), id,
      );
      this.applyRetention();
    });
  }

  deleteCapture(id: number): void {
    this.st('DELETE FROM flows WHERE capture_id = ?').run(id);
    this.st('DELETE FROM records WHERE capture_id = ?').run(id);
    this.st('DELETE FROM record_counts WHERE capture_id = ?').run(id);
    this.st('DELETE FROM capture_files WHERE capture_id = ?').run(id);
    this.st('DELETE FROM captures WHERE id = ?').run(id);
  }

  private applyRetention(): void {
    const r = this.retention();
    if (r.max_captures > 0) {
      const old = this.st('SELECT id FROM captures WHERE complete = 1 ORDER BY analyzed_at DESC, id DESC LIMIT -1 OFFSET ?').all(r.max_captures) as { id: number }[];
      for (const o of old) this.deleteCapture(o.id);
    }
    if (r.records_days > 0) {
      const newest = this.st('SELECT MAX(ts) AS t FROM flows').get() as { t: number | null };
      const newest2 = this.st('SELECT MAX(ts) AS t FROM records').get() as { t: number | null };
      const top = Math.max(newest.t ?? -Infinity, newest2.t ?? -Infinity);
      if (Number.isFinite(top)) {
        const cut = top - r.records_days * 86400;
        const gone = Number(this.st('DELETE FROM flows WHERE ts < ?').run(cut).changes) + Number(this.st('DELETE FROM records WHERE ts < ?').run(cut).changes);
        if (gone > 0) {
          this.db.exec(`DELETE FROM record_counts;
            INSERT INTO record_counts SELECT capture_id, 'conn', COUNT(*) FROM flows GROUP BY capture_id;
            INSERT INTO record_counts SELECT capture_id, type, COUNT(*) FROM records GROUP BY capture_id, type;`);
        }
      }
    }
  }

  captures(): CaptureRow[] {
    return (this.st('SELECT * FROM captures WHERE complete = 1 ORDER BY analyzed_at DESC, id DESC').all() as Row[]).map(captureRow);
  }

  capture(id: number): CaptureRow | undefined {
    const r = this.st('SELECT * FROM captures WHERE id = ? AND complete = 1').get(id) as Row | undefined;
    return r === undefined ? undefined : captureRow(r);
  }

  flows(q: FlowQuery): Page<Record<string, unknown>> {
    const where: string[] = ['c.complete = 1'];
    const args: (string | number)[] = [];
    if (q.ip !== undefined) {
      where.push('(f.orig_h = ? OR f.resp_h = ?)');
      args.push(q.ip, q.ip);
    }
    if (q.ips !== undefined) {
      if (q.ips.length === 0) return { total: 0, offset: 0, limit: limitOf(q.limit), items: [] };
      const marks = q.ips.map(() => '?').join(',');
      where.push(`(f.orig_h IN (${marks}) OR f.resp_h IN (${marks}))`);
      args.push(...q.ips, ...q.ips);
    }
    if (q.device !== undefined) {
      const d = deviceFilter(q.device);
      where.push(`f.uid IN (SELECT r.uid FROM records r WHERE r.type IN (${d.types.map(() => '?').join(',')}) AND ${d.sql})`);
      args.push(...d.types, ...d.args);
    }
    if (q.port !== undefined) {
      where.push('(f.resp_p = ? OR f.orig_p = ?)');
      args.push(q.port, q.port);
    }
    if (q.proto !== undefined) {
      where.push('f.proto = ?');
      args.push(q.proto);
    }
    if (q.service !== undefined) {
      where.push("(',' || f.service || ',') LIKE ? ESCAPE '\\'");
      args.push(`%,${escapeLike(q.service)},%`);
    }
    if (q.conn_state !== undefined) {
      where.push('f.conn_state = ?');
      args.push(q.conn_state);
    }
    if (q.uid !== undefined) {
      where.push('f.uid = ?');
      args.push(q.uid);
    }
    if (q.from !== undefined) {
      where.push('f.ts >= ?');
      args.push(q.from);
    }
    if (q.to !== undefined) {
      where.push('f.ts < ?');
      args.push(q.to);
    }
    const sort = q.sort !== undefined && (FLOW_SORT as readonly string[]).includes(q.sort) ? q.sort : 'ts';
    const by = flowOrderBy(sort, q.order === 'asc' ? 'ASC' : 'DESC');
    const limit = limitOf(q.limit);
    const offset = offsetOf(q.offset);
    const w = where.join(' AND ');
    const total = where.length === 1 ? this.countOf('conn')
      : (this.st(`SELECT COUNT(*) AS n FROM flows f JOIN captures c ON c.id = f.capture_id WHERE ${w}`).get(...args) as { n: number }).n;
    const rows = this.st(`SELECT f.data FROM flows f JOIN captures c ON c.id = f.capture_id WHERE ${w} ORDER BY ${by} LIMIT ? OFFSET ?`).all(...args, limit, offset) as { data: string }[];
    return { total, offset, limit, items: rows.map((r) => JSON.parse(r.data) as Record<string, unknown>) };
  }

  records(q: RecordQuery): Page<Record<string, unknown>> {
    if (q.type === 'conn') return this.flows({ ip: q.ip, ips: q.ips, uid: q.uid, from: q.from, to: q.to, order: q.order, offset: q.offset, limit: q.limit });
    const where: string[] = ['c.complete = 1', 'r.type = ?'];
    const args: (string | number)[] = [q.type];
    if (q.ip !== undefined) {
      where.push('(r.orig_h = ? OR r.resp_h = ?)');
      args.push(q.ip, q.ip);
    }
    if (q.ips !== undefined) {
      if (q.ips.length === 0) return { total: 0, offset: 0, limit: limitOf(q.limit), items: [] };
      const marks = q.ips.map(() => '?').join(',');
      where.push(`(r.orig_h IN (${marks}) OR r.resp_h IN (${marks}))`);
      args.push(...q.ips, ...q.ips);
    }
    if (q.device !== undefined) {
      const d = deviceFilter(q.device);
      if (!d.types.includes(q.type)) return { total: 0, offset: 0, limit: limitOf(q.limit), items: [] };
      where.push(d.sql);
      args.push(...d.args);
    }
    if (q.uid !== undefined) {
      where.push('r.uid = ?');
      args.push(q.uid);
    }
    if (q.from !== undefined) {
      where.push('r.ts >= ?');
      args.push(q.from);
    }
    if (q.to !== undefined) {
      where.push('r.ts < ?');
      args.push(q.to);
    }
    const order = q.order === 'asc' ? 'ASC' : 'DESC';
    const limit = limitOf(q.limit);
    const offset = offsetOf(q.offset);
    const w = where.join(' AND ');
    const total = where.length === 2 ? this.countOf(q.type)
      : (this.st(`SELECT COUNT(*) AS n FROM records r JOIN captures c ON c.id = r.capture_id WHERE ${w}`).get(...args) as { n: number }).n;
    const rows = this.st(`SELECT r.data FROM records r JOIN captures c ON c.id = r.capture_id WHERE ${w} ORDER BY r.ts ${order}, r.id ${order} LIMIT ? OFFSET ?`).all(...args, limit, offset) as { data: string }[];
    return { total, offset, limit, items: rows.map((r) => JSON.parse(r.data) as Record<string, unknown>) };
  }

  /** Records of a type (conn: flows) in the complete captures. */
  private countOf(type: string): number {
    const r = this.st('SELECT SUM(rc.n) AS n FROM record_counts rc JOIN captures c ON c.id = rc.capture_id WHERE c.complete = 1 AND rc.type = ?').get(type) as { n: number | null };
    return r.n ?? 0;
  }

  recordTypes(): { type: string; count: number }[] {
    const out = [{ type: 'conn', count: this.countOf('conn') }];
    for (const r of this.st("SELECT rc.type AS type, SUM(rc.n) AS n FROM record_counts rc JOIN captures c ON c.id = rc.capture_id WHERE c.complete = 1 AND rc.type != 'conn' GROUP BY rc.type ORDER BY rc.type").all() as { type: string; n: number }[]) {
      out.push({ type: r.type, count: r.n });
    }
    return out.filter((t) => t.count > 0);
  }

  eachRecord(fn: (type: string, record: Record<string, unknown>) => void): void {
    for (const r of this.st('SELECT f.data FROM flows f JOIN captures c ON c.id = f.capture_id WHERE c.complete = 1 ORDER BY f.id').iterate() as Iterable<{ data: string }>) {
      fn('conn', JSON.parse(r.data) as Record<string, unknown>);
    }
    for (const r of this.st('SELECT r.type, r.data FROM records r JOIN captures c ON c.id = r.capture_id WHERE c.complete = 1 ORDER BY r.id').iterate() as Iterable<{ type: string; data: string }>) {
      fn(r.type, JSON.parse(r.data) as Record<string, unknown>);
    }
  }

  // ---- inventory ----

  replaceInventory(inv: Inventory): void {
    this.tx(() => {
      this.db.exec('DELETE FROM assets; DELETE FROM asset_data; DELETE FROM asset_addresses; DELETE FROM edges; DELETE FROM asset_changes;');
      const ia = this.st(`INSERT INTO assets (id, key, name, ipv4, ipv6, mac, vendor, model, firmware, serial, role, role_confidence, purdue_level,
        protocols, vlans, first_seen, last_seen, packets, bytes, flows, search, ip_sort) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
      const idata = this.st('INSERT INTO asset_data (id, data) VALUES (?, ?)');
      const iaddr = this.st('INSERT OR IGNORE INTO asset_addresses (address, asset_id) VALUES (?, ?)');
      for (const a of inv.assets) {
        const s = summaryOf(a);
        const search = [s.name, s.ipv4, s.ipv6, s.mac, s.vendor, s.model, s.firmware, s.serial, a.id, ...a.names.map((c) => c.value)].join(' ').toLowerCase();
        ia.run(a.id, a.key, s.name, s.ipv4, s.ipv6, s.mac, s.vendor, s.model, s.firmware, s.serial, s.role, s.role_confidence, s.purdue_level,
          `,${a.protocols.join(',')},`, s.vlans, s.first_seen, s.last_seen, s.packets, s.bytes, s.flows, search, ipSort(a.ipv4[0]?.value));
        idata.run(a.id, JSON.stringify(a));
        for (const c of [...a.ipv4, ...a.ipv6]) iaddr.run(c.value, a.id);
        if (a.key === 'mac') for (const c of a.mac) iaddr.run(c.value, a.id);
      }
      const ie = this.st('INSERT INTO edges (id, source, target, protocols, flows, packets, bytes, first_seen, last_seen, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
      for (const e of inv.edges) ie.run(e.id, e.source, e.target, `,${e.protocols.join(',')},`, e.flows, e.packets, e.bytes, e.first_seen, e.last_seen, JSON.stringify(e));
      const ic = this.st('INSERT INTO asset_changes (ts, change, asset_id, data) VALUES (?, ?, ?, ?)');
      for (const c of inv.changes) ic.run(c.ts, c.change, c.asset_id, JSON.stringify(c));
      // The graph as the map loads it (columns; edges without per-port detail), and gzipped.
      const graph = JSON.stringify(encodeGraphColumns(graphNodes(inv.assets), inv.edges));
      this.setMeta('graph', graph);
      this.st('INSERT INTO blobs (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run('graph.gz', gzipSync(graph, { level: 6 }));
      this.setMeta('summary', JSON.stringify(this.computeSummary(inv)));
      this.setMeta('inventory_version', `${Date.now()}-${Math.random().toString(36).slice(2)}`);
    });
  }

  private setMeta(key: string, value: string): void {
    this.st('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  private meta(key: string): string | undefined {
    return (this.st('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  assets(q: AssetQuery): Page<AssetSummary> {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.search !== undefined && q.search.trim() !== '') {
      where.push("search LIKE ? ESCAPE '\\'");
      args.push(`%${escapeLike(q.search.trim().toLowerCase())}%`);
    }
    if (q.role !== undefined && q.role.length > 0) {
      where.push(`role IN (${q.role.map(() => '?').join(',')})`);
      args.push(...q.role);
    }
    if (q.vendor !== undefined && q.vendor !== '') {
      where.push("vendor LIKE ? ESCAPE '\\'");
      args.push(`%${escapeLike(q.vendor)}%`);
    }
    if (q.purdue_level !== undefined && q.purdue_level.length > 0) {
      where.push(`purdue_level IN (${q.purdue_level.map(() => '?').join(',')})`);
      args.push(...q.purdue_level);
    }
    if (q.protocol !== undefined && q.protocol !== '') {
      where.push("protocols LIKE ? ESCAPE '\\'");
      args.push(`%,${escapeLike(q.protocol)},%`);
    }
    if (q.behind !== undefined) {
      // Their ids end with the router's or gateway's IP: bacnet:<net>:<mac>@<ip>, modbus:<unit>@<ip>.
      if (q.behind.length === 0) return { total: 0, offset: offsetOf(q.offset), limit: limitOf(q.limit), items: [] };
      where.push(`key IN ('bacnet', 'modbus') AND (${q.behind.map(() => "id LIKE ? ESCAPE '\\'").join(' OR ')})`);
      args.push(...q.behind.map((ip) => `%@${escapeLike(ip)}`));
    }
    const w = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const sort = q.sort !== undefined && (ASSET_SORT as readonly string[]).includes(q.sort) ? q.sort : 'ipv4';
    const order = q.order === 'desc' ? 'DESC' : 'ASC';
    // IPv4 sorts by its numeric value; empty values last.
    const col = sort === 'ipv4' ? 'ip_sort' : sort;
    const limit = limitOf(q.limit);
    const offset = offsetOf(q.offset);
    const total = (this.st(`SELECT COUNT(*) AS n FROM assets ${w}`).get(...args) as { n: number }).n;
    const rows = this.st(`SELECT id, key, name, ipv4, ipv6, mac, vendor, model, firmware, serial, role, role_confidence, purdue_level, protocols, vlans,
      first_seen, last_seen, packets, bytes, flows FROM assets ${w} ORDER BY (${col} IS NULL OR ${col} = '') ASC, ${col} ${order}, id ASC LIMIT ? OFFSET ?`).all(...args, limit, offset) as Row[];
    return {
      total, offset, limit,
      items: rows.map((r) => ({ ...(r as unknown as AssetSummary), protocols: String(r.protocols).replace(/^,|,$/g, ''), purdue_level: r.purdue_level === null ? null : Number(r.purdue_level) })),
    };
  }

  asset(id: string): AssetJSON | undefined {
    const r = this.st('SELECT data FROM asset_data WHERE id = ?').get(id) as { data: string } | undefined;
    return r === undefined ? undefined : (JSON.parse(r.data) as AssetJSON);
  }

  assetEdges(id: string): EdgeJSON[] {
    const rows = this.st('SELECT data FROM edges WHERE source = ? UNION ALL SELECT data FROM edges WHERE target = ?').all(id, id) as { data: string }[];
    return rows.map((r) => JSON.parse(r.data) as EdgeJSON).sort((a, b) => b.bytes - a.bytes || (a.id < b.id ? -1 : 1));
  }

  graphJSON(): string {
    return this.meta('graph') ?? JSON.stringify(encodeGraphColumns([], []));
  }

  inventoryVersion(): string {
    return this.meta('inventory_version') ?? '0';
  }

  graphGzip(): Uint8Array {
    const r = this.st('SELECT value FROM blobs WHERE key = ?').get('graph.gz') as { value: Uint8Array } | undefined;
    return r?.value ?? gzipSync(this.graphJSON());
  }

  changes(q: { asset_id?: string; offset?: number; limit?: number }): Page<AssetChange> {
    const limit = limitOf(q.limit);
    const offset = offsetOf(q.offset);
    const w = q.asset_id !== undefined ? 'WHERE asset_id = ?' : '';
    const args = q.asset_id !== undefined ? [q.asset_id] : [];
    const total = (this.st(`SELECT COUNT(*) AS n FROM asset_changes ${w}`).get(...args) as { n: number }).n;
    const rows = this.st(`SELECT data FROM asset_changes ${w} ORDER BY ts DESC, id DESC LIMIT ? OFFSET ?`).all(...args, limit, offset) as { data: string }[];
    return { total, offset, limit, items: rows.map((r) => JSON.parse(r.data) as AssetChange) };
  }

  stats(): StatsSummary {
    const s = this.meta('summary');
    if (s !== undefined) return JSON.parse(s) as StatsSummary;
    return this.computeSummary({ assets: [], edges: [], changes: [], span: { first: 0, last: 0 }, dropped_claims: 0 });
  }

  private computeSummary(inv: Inventory): StatsSummary {
    const caps = this.captures();
    const byRole: Record<string, number> = {};
    const byVendor: Record<string, number> = {};
    const byLevel: Record<string, number> = {};
    for (const a of inv.assets) {
      byRole[a.role.value] = (byRole[a.role.value] ?? 0) + 1;
      const v = a.vendor[0]?.value ?? 'unknown';
      byVendor[v] = (byVendor[v] ?? 0) + 1;
      const l = a.purdue_level.level === null ? 'unknown' : String(a.purdue_level.level);
      byLevel[l] = (byLevel[l] ?? 0) + 1;
    }
    const byProtocol: Record<string, number> = {};
    for (const r of this.st("SELECT CASE WHEN f.service IS NULL OR f.service = '' THEN 'unknown' ELSE f.service END AS s, COUNT(*) AS n FROM flows f JOIN captures c ON c.id = f.capture_id WHERE c.complete = 1 GROUP BY s").all() as { s: string; n: number }[]) {
      for (const p of r.s.split(',')) byProtocol[p] = (byProtocol[p] ?? 0) + r.n;
    }
    const span = this.st('SELECT MIN(f.ts) AS a, MAX(f.ts) AS b, COUNT(*) AS n, SUM(f.orig_ip_bytes + f.resp_ip_bytes) AS bytes FROM flows f JOIN captures c ON c.id = f.capture_id WHERE c.complete = 1').get() as { a: number | null; b: number | null; n: number; bytes: number | null };
    const first = span.a ?? 0;
    const last = span.b ?? 0;
    // About 120 points over the span, in round bucket sizes.
    const steps = [1, 5, 10, 30, 60, 300, 600, 1800, 3600, 6 * 3600, 86400, 7 * 86400];
    const want = Math.max(1, (last - first) / 120);
    const bucket = steps.find((s) => s >= want) ?? 30 * 86400;
    const points = (this.st('SELECT CAST(f.ts / ? AS INTEGER) * ? AS t, COUNT(*) AS n, SUM(f.orig_ip_bytes + f.resp_ip_bytes) AS b FROM flows f JOIN captures c ON c.id = f.capture_id WHERE c.complete = 1 GROUP BY t ORDER BY t').all(bucket, bucket) as { t: number; n: number; b: number }[])
      .map((p) => ({ ts: p.t, flows: p.n, bytes: p.b ?? 0 }));
    const records: Record<string, number> = {};
    for (const t of this.recordTypes()) records[t.type] = t.count;
    let packets = 0;
    let bytes = 0;
    for (const c of caps) {
      packets += c.packets;
      bytes += c.stats?.bytes ?? 0;
    }
    return {
      captures: caps.length, packets, bytes, flows: span.n, records, assets: inv.assets.length, edges: inv.edges.length,
      by_role: byRole, by_vendor: byVendor, by_purdue_level: byLevel, by_protocol: byProtocol,
      traffic: { bucket_seconds: bucket, points }, first_ts: first, last_ts: last,
    };
  }

  // ---- alerts ----

  addAlerts(alerts: Omit<AlertRow, 'id' | 'status' | 'assignee'>[]): void {
    this.tx(() => {
      const s = this.st("INSERT INTO alerts (ts, severity, signature, category, src_ip, dest_ip, asset_id, status, assignee, data) VALUES (?, ?, ?, ?, ?, ?, ?, 'open', '', ?)");
      for (const a of alerts) s.run(a.ts, a.severity, a.signature, a.category, a.src_ip, a.dest_ip, a.asset_id, JSON.stringify(a.data));
    });
  }

  alerts(q: AlertQuery): Page<AlertRow> {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.status !== undefined && q.status.length > 0) {
      where.push(`status IN (${q.status.map(() => '?').join(',')})`);
      args.push(...q.status);
    }
    if (q.asset_id !== undefined) {
      where.push('asset_id = ?');
      args.push(q.asset_id);
    }
    if (q.min_severity !== undefined) {
      // Suricata: 1 is the most severe.
      where.push('severity <= ?');
      args.push(q.min_severity);
    }
    const w = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const limit = limitOf(q.limit);
    const offset = offsetOf(q.offset);
    const order = q.order === 'asc' ? 'ASC' : 'DESC';
    const total = (this.st(`SELECT COUNT(*) AS n FROM alerts ${w}`).get(...args) as { n: number }).n;
    const rows = this.st(`SELECT * FROM alerts ${w} ORDER BY ts ${order}, id ${order} LIMIT ? OFFSET ?`).all(...args, limit, offset) as Row[];
    return { total, offset, limit, items: rows.map(alertRow) };
  }

  alert(id: number): AlertRow | undefined {
    const r = this.st('SELECT * FROM alerts WHERE id = ?').get(id) as Row | undefined;
    return r === undefined ? undefined : alertRow(r);
  }

  updateAlert(id: number, change: { status?: AlertStatus; assignee?: string }): AlertRow | undefined {
    const cur = this.alert(id);
    if (cur === undefined) return undefined;
    this.st('UPDATE alerts SET status = ?, assignee = ? WHERE id = ?').run(change.status ?? cur.status, change.assignee ?? cur.assignee, id);
    return this.alert(id);
  }

  // ---- accounts ----

  addUser(u: { name: string; role: UserRole; password_hash: string; must_change_password: boolean }): UserRow {
    try {
      this.st('INSERT INTO users (name, role, password_hash, created_at, must_change_password) VALUES (?, ?, ?, ?, ?)').run(u.name, u.role, u.password_hash, new Date().toISOString(), u.must_change_password ? 1 : 0);
    } catch (e) {
      if (/UNIQUE/.test((e as Error).message)) throw new PalisadeError('E_USER_EXISTS', `a user named "${u.name}" already exists; choose another name or remove it first`);
      throw e;
    }
    return this.user(u.name)!;
  }

  user(name: string): UserRow | undefined {
    const r = this.st('SELECT * FROM users WHERE name = ?').get(name) as Row | undefined;
    return r === undefined ? undefined : userRow(r);
  }

  userById(id: number): UserRow | undefined {
    const r = this.st('SELECT * FROM users WHERE id = ?').get(id) as Row | undefined;
    return r === undefined ? undefined : userRow(r);
  }

  users(): UserRow[] {
    return (this.st('SELECT * FROM users ORDER BY name').all() as Row[]).map(userRow);
  }

  setPassword(id: number, hash: string): void {
    this.st('UPDATE users SET password_hash = ?, must_change_password = 0 WHERE id = ?').run(hash, id);
  }

  setUserRole(id: number, role: UserRole): void {
    this.st('UPDATE users SET role = ? WHERE id = ?').run(role, id);
  }

  deleteUser(id: number): void {
    this.tx(() => {
      this.st('DELETE FROM sessions WHERE user_id = ?').run(id);
      this.st('DELETE FROM users WHERE id = ?').run(id);
    });
  }

  addSession(s: SessionRow): void {
    this.st('DELETE FROM sessions WHERE expires_at < ?').run(Date.now() / 1000);
    this.st('INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)').run(s.token_hash, s.user_id, s.csrf_token, s.created_at, s.expires_at);
  }

  session(tokenHash: string): SessionRow | undefined {
    return this.st('SELECT * FROM sessions WHERE token_hash = ?').get(tokenHash) as SessionRow | undefined;
  }

  deleteSession(tokenHash: string): void {
    this.st('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash);
  }

  deleteSessionsOf(userId: number): void {
    this.st('DELETE FROM sessions WHERE user_id = ?').run(userId);
  }

  audit(a: { user: string; action: string; target: string; detail?: Record<string, unknown> }): void {
    this.st('INSERT INTO audit (ts, user, action, target, detail) VALUES (?, ?, ?, ?, ?)').run(new Date().toISOString(), a.user, a.action, a.target, JSON.stringify(a.detail ?? {}));
  }

  auditLog(q: { offset?: number; limit?: number }): Page<AuditRow> {
    const limit = limitOf(q.limit);
    const offset = offsetOf(q.offset);
    const total = (this.st('SELECT COUNT(*) AS n FROM audit').get() as { n: number }).n;
    const rows = this.st('SELECT * FROM audit ORDER BY id DESC LIMIT ? OFFSET ?').all(limit, offset) as Row[];
    return { total, offset, limit, items: rows.map((r) => ({ ...(r as unknown as AuditRow), detail: JSON.parse(String(r.detail)) as Record<string, unknown> })) };
  }

  // ---- settings ----

  retention(): Retention {
    const s = this.meta('retention');
    const r = s === undefined ? {} : (JSON.parse(s) as Partial<Retention>);
    return { records_days: r.records_days ?? 0, max_captures: r.max_captures ?? 0 };
  }

  setRetention(r: Retention): void {
    this.tx(() => {
      this.setMeta('retention', JSON.stringify(r));
      this.applyRetention();
    });
  }

  /** Rows written by a capture writer's batch. */
  insertBatch(captureId: number, flows: unknown[][], records: unknown[][]): void {
    this.tx(() => {
      if (flows.length > 0) {
        const s = this.st(`INSERT INTO flows (capture_id, ts, uid, orig_h, orig_p, resp_h, resp_p, proto, service, duration, orig_bytes, resp_bytes,
          conn_state, orig_pkts, resp_pkts, orig_ip_bytes, resp_ip_bytes, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
        for (const f of flows) s.run(captureId, ...(f as (string | number | null)[]));
      }
      if (records.length > 0) {
        const s = this.st('INSERT INTO records (capture_id, type, ts, uid, orig_h, resp_h, data) VALUES (?, ?, ?, ?, ?, ?, ?)');
        for (const r of records) s.run(captureId, ...(r as (string | number | null)[]));
      }
    });
  }
}

class SqliteCaptureWriter implements CaptureWriter {
  readonly captureId: number;
  private readonly store: SqliteStore;
  private readonly sha256: string;
  private flows: unknown[][] = [];
  private recs: unknown[][] = [];
  private count = 0;
  private done = false;

  constructor(store: SqliteStore, _db: DatabaseSync, id: number, sha256: string) {
    this.store = store;
    this.captureId = id;
    this.sha256 = sha256;
  }

  write(type: string, r: object): void {
    const x = r as Record<string, unknown>;
    const n = (k: string) => (typeof x[k] === 'number' ? (x[k] as number) : null);
    const s = (k: string) => (typeof x[k] === 'string' ? (x[k] as string) : null);
    this.count++;
    if (type === 'conn') {
      this.flows.push([n('ts'), s('uid'), s('id.orig_h'), n('id.orig_p'), s('id.resp_h'), n('id.resp_p'), s('proto'), s('service') ?? '', n('duration'),
        n('orig_bytes'), n('resp_bytes'), s('conn_state'), n('orig_pkts') ?? 0, n('resp_pkts') ?? 0, n('orig_ip_bytes') ?? 0, n('resp_ip_bytes') ?? 0, JSON.stringify(r)]);
    } else {
      // Layer-2 records name their addresses orig_h/resp_h (ARP) or carry none.
      this.recs.push([type, n('ts') ?? 0, s('uid'), s('id.orig_h') ?? s('orig_h'), s('id.resp_h') ?? s('resp_h'), JSON.stringify(r)]);
    }
    if (this.flows.length + this.recs.length >= BATCH) this.flush();
  }

  private flush(): void {
    if (this.flows.length === 0 && this.recs.length === 0) return;
    const f = this.flows;
    const r = this.recs;
    this.flows = [];
    this.recs = [];
    this.store.insertBatch(this.captureId, f, r);
  }

  finish(stats: AnalysisStats): void {
    if (this.done) return;
    this.flush();
    this.done = true;
    this.store.finishCapture(this.captureId, this.sha256, stats, this.count);
  }

  abort(): void {
    if (this.done) return;
    this.done = true;
    this.flows = [];
    this.recs = [];
    this.store.deleteCapture(this.captureId);
  }
}

/** An IPv4 address as a number, for sorting; null without one. */
function ipSort(ip: string | undefined): number | null {
  if (ip === undefined) return null;
  const p = ip.split('.').map(Number);
  return p.length === 4 ? ((p[0] * 256 + p[1]) * 256 + p[2]) * 256 + p[3] : null;
}

function captureRow(r: Row): CaptureRow {
  return {
    id: Number(r.id), sha256: String(r.sha256), name: String(r.name), bytes: Number(r.bytes), packets: Number(r.packets ?? 0),
    first_ts: Number(r.first_ts ?? 0), last_ts: Number(r.last_ts ?? 0), analyzed_at: String(r.analyzed_at), records: Number(r.records ?? 0),
    stats: r.stats === null || r.stats === undefined ? null : (JSON.parse(String(r.stats)) as AnalysisStats),
  };
}

function userRow(r: Row): UserRow {
  return { id: Number(r.id), name: String(r.name), role: r.role as UserRole, password_hash: String(r.password_hash), created_at: String(r.created_at), must_change_password: Number(r.must_change_password) === 1 };
}

function alertRow(r: Row): AlertRow {
  return {
    id: Number(r.id), ts: Number(r.ts), severity: Number(r.severity), signature: String(r.signature), category: String(r.category), src_ip: String(r.src_ip),
    dest_ip: String(r.dest_ip), asset_id: String(r.asset_id), status: r.status as AlertStatus, assignee: String(r.assignee), data: JSON.parse(String(r.data)) as Record<string, unknown>,
  };
}

/** Record types that name a Modbus unit (`unit`), and those that name a BACnet device behind a router (`snet`/`sadr`, `dnet`/`dadr`). */
const MODBUS_UNIT_TYPES = [RECORD_MODBUS, RECORD_READ_DEVICE_IDENTIFICATION, RECORD_MASK_WRITE_REGISTER, RECORD_READ_WRITE_MULTIPLE_REGISTERS];
const BACNET_ROUTED_TYPES = ['bacnet_discovery', 'bacnet_property', 'bacnet_device_control', 'bacnet_file'];

/** Which records name a device behind a router or gateway: their types, and an SQL condition on records `r`. */
function deviceFilter(d: RoutedDevice): { types: readonly string[]; sql: string; args: (string | number)[] } {
  if (d.kind === 'modbus') return { types: MODBUS_UNIT_TYPES, sql: "r.resp_h = ? AND json_extract(r.data, '$.unit') = ?", args: [d.gateway, d.unit] };
  return {
    types: BACNET_ROUTED_TYPES,
    sql: "(r.orig_h = ? OR r.resp_h = ?) AND ((json_extract(r.data, '$.snet') = ? AND json_extract(r.data, '$.sadr') = ?) OR (json_extract(r.data, '$.dnet') = ? AND json_extract(r.data, '$.dadr') = ?))",
    args: [d.router, d.router, d.network, d.mac, d.network, d.mac],
  };
}

export function summaryOf(a: AssetJSON): AssetSummary {
  return {
    id: a.id, key: a.key, name: best(a.names), ipv4: a.ipv4.map((c) => c.value).join(' '), ipv6: a.ipv6.map((c) => c.value).join(' '),
    // A BACnet device behind a router, or a Modbus device behind a gateway, has no MAC on the
    // captured network: its BACnet address, or its unit id, stands in.
    mac: a.key === 'modbus' ? (a.modbus_units ?? []).join(' ') : (a.key === 'bacnet' ? a.bacnet : a.mac).map((c) => c.value).join(' '), vendor: best(a.vendor), model: best(a.model), firmware: best(a.firmware), serial: best(a.serial),
    role: a.role.value, role_confidence: a.role.confidence, purdue_level: a.purdue_level.level, protocols: a.protocols.join(','), vlans: a.vlans.join(' '),
    first_seen: a.first_seen, last_seen: a.last_seen, packets: a.packets_sent + a.packets_received, bytes: a.bytes_sent + a.bytes_received, flows: a.flows,
  };
}
