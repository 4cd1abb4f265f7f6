// `palisade analyze`: reads every input in order through one pipeline (or N worker
// pipelines sharded by a symmetric flow hash) and writes records and stats.json.
import { writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FrameSink, RawFrame } from '../capture/frame.ts';
import { expandInputs, readCapture } from '../capture/source.ts';
import { PalisadeError, isPalisadeError, EXIT, type ExitCode } from '../core/errors.ts';
import { shardHash } from '../decode/shard.ts';
import type { FlowConfig } from '../flow/flow-table.ts';
import { RecordOutput, type RecordFormat } from '../events/ndjson.ts';
import { Engine, mergeCounters, type EngineCounters, type RecordSink } from './engine.ts';
import { createRing, RingWriter, type RingBuffers } from './frame-ring.ts';
import { CaptureClock } from './capture-clock.ts';
import { buildStats, type AnalysisStats, type InputStats } from './stats.ts';
import { ConnSummary } from './summary.ts';
import type { WorkerInit, WorkerMessage } from './worker.ts';
import { AssetBuilder, type Inventory } from '../assets/builder.ts';
import { MAPPERS } from '../assets/mappers.ts';
import { ASSET_CHANGE_FIELDS, assetsCSV, assetsJSON, graphJSON, graphML } from '../assets/export.ts';
import { registerZeekFields } from '../events/ndjson.ts';
import { registryFor } from '../protocols/index.ts';
import { SqliteStore } from '../store/sqlite.ts';
import { captureIdentity } from '../store/identity.ts';

registerZeekFields('asset_changes', ASSET_CHANGE_FIELDS);

export interface AnalyzeOptions {
  inputs: string[];
  /** Output directory for record files and stats.json; none when only a database is written. */
  outDir?: string;
  /** A database (SQLite file) to write records, inventory and stats into. */
  db?: string;
  /** The capture's name in the database (default: the input file names). */
  captureName?: string;
  format?: RecordFormat;
  workers?: number;
  flow?: Partial<FlowConfig>;
  /** Called with (bytes read so far, total bytes) as input is read. */
  onProgress?: (done: number, total: number) => void;
  /** Build the asset inventory and graph (default true). */
  assets?: boolean;
  /** Dissect only these protocols (ids; [] for none). Default: all. */
  protocols?: string[];
}

export interface AnalyzeResult {
  stats: AnalysisStats;
  summary: ConnSummary;
  files: string[];
  /** Problems with individual inputs (the run went on with the others). */
  errors: PalisadeError[];
  exitCode: ExitCode;
  /** The asset inventory (absent with assets: false). */
  inventory?: Inventory;
}

export const VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * A FrameSink for N engines: the one on this thread and N-1 workers. It picks an engine by
 * the frame's flow hash; frames for a worker are copied into its ring. Every frame carries
 * the capture clock, so each engine ends flows exactly when a single engine would.
 */
class Dispatcher implements FrameSink {
  readonly writers: RingWriter[];
  private readonly local: Engine;
  private readonly shards: number;
  private readonly clock = new CaptureClock();
  constructor(local: Engine, rings: RingBuffers[]) {
    this.local = local;
    this.writers = rings.map((r) => new RingWriter(r));
    // This thread also reads the input and writes every record: it takes one share of the
    // flows, each worker two.
    this.shards = 2 * rings.length + 1;
  }
  frame(f: RawFrame): void {
    const c = this.clock;
    c.observe(f.ts);
    // shardHash is an unsigned 32-bit value; share 0 is this thread's engine.
    const shard = shardHash(f) % this.shards;
    if (shard === 0) this.local.frameAt(f, c.epoch, c.now);
    else this.writers[(shard - 1) >> 1].write(f, c.epoch, c.now);
  }
}

export async function analyze(opts: AnalyzeOptions): Promise<AnalyzeResult> {
  const started = new Date();
  const t0 = performance.now();
  const { files, skipped } = await expandInputs(opts.inputs);
  const total = files.reduce((a, f) => a + f.size, 0);
  const workers = Math.max(1, Math.floor(opts.workers ?? 1));
  const outDir = opts.outDir;
  const output = outDir !== undefined ? new RecordOutput(outDir, { format: opts.format ?? 'ndjson' }) : null;
  const store = opts.db !== undefined ? new SqliteStore(opts.db) : null;
  let capture = null;
  if (store !== null) {
    const id = await captureIdentity(files.map((f) => f.path));
    capture = store.beginCapture(opts.captureName !== undefined ? { ...id, name: opts.captureName } : id);
  }
  const sinks: RecordSink[] = [];
  if (output !== null) sinks.push(output);
  if (capture !== null) sinks.push(capture);
  const fileSink: RecordSink = sinks.length === 1 ? sinks[0] : { write: (t, r) => { for (const x of sinks) x.write(t, r); } };
  const summary = new ConnSummary(new SoftwareOnce(fileSink));
  const builder = opts.assets === false ? null : new AssetBuilder(MAPPERS);
  // Every record goes to the files (through the summary) and to the inventory.
  const records: RecordSink = builder === null ? summary : {
    write(type: string, record: object) {
      summary.write(type, record);
      builder.write(type, record);
    },
  };
  const inputs: InputStats[] = [];
  const errors: PalisadeError[] = [];

  const registry = opts.protocols !== undefined ? registryFor(opts.protocols) : undefined;
  let sink: FrameSink;
  let finish: () => Promise<EngineCounters>;
  let abort: () => Promise<void> = async () => {};
  if (workers === 1) {
    const engine = new Engine(records, { flow: opts.flow, registry });
    sink = engine;
    finish = async () => {
      engine.finish();
      return engine.counters();
    };
  } else {
    // N engines: this thread's and N-1 workers', each holding its share of the flow cap.
    const flow: Partial<FlowConfig> = { ...opts.flow };
    if (flow.maxFlows !== undefined) flow.maxFlows = Math.max(1, Math.ceil(flow.maxFlows / workers));
    const local = new Engine(records, { flow, registry });
    const pool = startWorkers(workers - 1, records, flow, opts.protocols);
    const dispatcher = new Dispatcher(local, pool.rings);
    sink = dispatcher;
    finish = async () => {
      for (const w of dispatcher.writers) w.end();
      local.finish();
      return mergeCounters([local.counters(), ...(await pool.done)]);
    };
    abort = pool.terminate;
  }

  // Count each input's frames by wrapping the sink once per file.
  let done = 0;
  try {
    for (const file of files) {
      const counting = new CountingSink(sink);
      const st: InputStats = { path: file.path, packets: 0, bytes: 0 };
      const base = done;
      try {
        const info = await readCapture(file.path, counting, {
          onProgress: (n) => opts.onProgress?.(base + n, total),
        });
        st.format = info.format;
        st.compressed = info.compressed;
        st.bytes = info.bytes;
        st.linktypes = info.linktypes.map(String);
      } catch (e) {
        if (!isPalisadeError(e)) throw e;
        errors.push(e);
        st.error = { code: e.code, message: e.message, offset: e.offset };
      }
      st.packets = counting.frames;
      inputs.push(st);
      done = base + file.size;
      opts.onProgress?.(done, total);
      // Let worker messages (records) in between files.
      await new Promise((r) => setImmediate(r));
    }
  } catch (e) {
    await abort();
    capture?.abort();
    store?.close();
    throw e;
  }
  const counters = await finish();
  let inventory = builder?.finalize();
  if (inventory !== undefined && output !== null) for (const c of inventory.changes) output.write('asset_changes', c);
  await output?.close();
  const elapsed = (performance.now() - t0) / 1000;
  const stats = buildStats(counters, inputs, skipped.map((s) => s.path), workers, started, elapsed, VERSION);
  if (inventory !== undefined) stats.assets = assetCounts(inventory);
  if (store !== null && capture !== null) {
    try {
      capture.finish(stats);
      // The database's inventory covers every capture in it: rebuilt from all records when
      // others are there, else this run's.
      if (store.captures().length > 1 && opts.assets !== false) {
        const all = new AssetBuilder(MAPPERS);
        store.eachRecord((t, r) => all.write(t, r));
        inventory = all.finalize();
      }
      if (inventory !== undefined) store.replaceInventory(inventory);
    } finally {
      store.close();
    }
  }
  const extra: string[] = [];
  const put = (name: string, text: string) => {
    if (outDir === undefined) return;
    try {
      mkdirSync(outDir, { recursive: true });
      writeFileSync(join(outDir, name), text);
    } catch (e) {
      throw new PalisadeError('E_OUTPUT', `${outDir}: cannot write ${name} (${(e as Error).message}); check the directory's permissions and free space`, { file: outDir, cause: e });
    }
    extra.push(join(outDir, name));
  };
  if (inventory !== undefined && outDir !== undefined) {
    put('assets.json', assetsJSON(inventory, { palisade_version: VERSION, generated: new Date().toISOString() }));
    put('assets.csv', assetsCSV(inventory.assets));
    put('graph.json', graphJSON(inventory));
    put('graph.graphml', graphML(inventory));
  }
  put('stats.json', JSON.stringify(stats, null, 2) + '\n');
  let exitCode: ExitCode = EXIT.OK;
  for (const e of errors) if (e.exitCode > exitCode) exitCode = e.exitCode;
  return { stats, summary, files: [...(output?.files() ?? []), ...extra], errors, exitCode, inventory };
}

function assetCounts(inv: Inventory): NonNullable<AnalysisStats['assets']> {
  const byRole: Record<string, number> = {};
  const byLevel: Record<string, number> = {};
  for (const a of inv.assets) {
    byRole[a.role.value] = (byRole[a.role.value] ?? 0) + 1;
    const l = a.purdue_level.level === null ? 'unknown' : String(a.purdue_level.level);
    byLevel[l] = (byLevel[l] ?? 0) + 1;
  }
  return { count: inv.assets.length, by_role: byRole, by_purdue_level: byLevel, edges: inv.edges.length, changes: inv.changes.length, dropped_claims: inv.dropped_claims };
}

/**
 * Passes `software` records on once per host and program version (again after a day), as
 * Zeek's software framework does: each engine already does this for the flows it sees, and
 * this does it across engines, so worker threads write what one engine would.
 */
class SoftwareOnce implements RecordSink {
  private readonly inner: RecordSink;
  private readonly seen = new Map<string, number>();
  constructor(inner: RecordSink) {
    this.inner = inner;
  }
  write(type: string, record: object): void {
    if (type === 'software') {
      const r = record as Record<string, unknown>;
      const key = `${String(r.host)}\u0000${String(r.software_type)}\u0000${String(r.name)}\u0000${String(r.unparsed_version)}`;
      const ts = typeof r.ts === 'number' ? r.ts : 0;
      const first = this.seen.get(key);
      if (first !== undefined && Math.abs(ts - first) < 86400) return;
      if (this.seen.size >= 65536) this.seen.clear();
      this.seen.set(key, ts);
    }
    this.inner.write(type, record);
  }
}

class CountingSink implements FrameSink {
  frames = 0;
  private readonly inner: FrameSink;
  constructor(inner: FrameSink) {
    this.inner = inner;
  }
  frame(f: RawFrame): void {
    this.frames++;
    this.inner.frame(f);
  }
}

function startWorkers(n: number, out: RecordSink, flow: Partial<FlowConfig>, protocols: string[] | undefined): { rings: RingBuffers[]; done: Promise<EngineCounters[]>; terminate: () => Promise<void> } {
  const rings: RingBuffers[] = [];
  const workers: Worker[] = [];
  const results: Promise<EngineCounters>[] = [];
  for (let i = 0; i < n; i++) {
    const ring = createRing();
    rings.push(ring);
    const init: WorkerInit = { ring, flow, protocols };
    const w = new Worker(new URL('./worker.ts', import.meta.url), { workerData: init });
    workers.push(w);
    results.push(
      new Promise<EngineCounters>((resolve, reject) => {
        w.on('message', (m: WorkerMessage) => {
          if (m.kind === 'records') for (const [type, rec] of m.batch) out.write(type, rec);
          else if (m.kind === 'done') resolve(m.counters);
          else reject(new PalisadeError('E_WORKER', `worker ${i} failed: ${m.message}; run again with --workers 1 and report the error`));
        });
        w.on('error', (e) => reject(new PalisadeError('E_WORKER', `worker ${i} failed: ${e.message}`, { cause: e })));
        w.on('exit', (code) => {
          if (code !== 0) reject(new PalisadeError('E_WORKER', `worker ${i} exited with code ${code}`));
        });
      }),
    );
  }
  const done = Promise.all(results);
  // A worker failure is reported when `done` is awaited; until then it must not count as unhandled.
  done.catch(() => {});
  return {
    rings,
    done,
    terminate: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
