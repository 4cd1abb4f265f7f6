// `palisade analyze`: reads every input in order through one pipeline (or N worker
// pipelines sharded by a symmetric flow hash) and writes records and stats.json.
import { writeTextFile } from '../core/atomic-write.ts';
import { Worker } from 'node:worker_threads';
import type { FrameSink, RawFrame } from '../capture/frame.ts';
import { expandInputs, readCapture } from '../capture/source.ts';
import { PalisadeError, isPalisadeError, EXIT, type ExitCode } from '../core/errors.ts';
import { shardHash } from '../decode/shard.ts';
import type { FlowConfig } from '../flow/flow-table.ts';
import { RecordOutput, type RecordFormat } from '../events/ndjson.ts';
import { warmUpEngine } from './warm-up.ts';
import { Engine, mergeCounters, type EngineCounters, type RecordSink } from './engine.ts';
import { createRing, markRingFailed, RingWriter, type RingBuffers } from './frame-ring.ts';
import { CaptureClock } from './capture-clock.ts';
import { buildStats, type AnalysisStats, type InputStats } from './stats.ts';
import { ConnSummary, type ConnSummaryState } from './summary.ts';
import type { RecordBatch, WorkerInit, WorkerMessage } from './worker.ts';
import type { StartedWorker } from './worker-pool.ts';
import { AssetBuilder, type AssetBuilderState, type Inventory } from '../assets/builder.ts';
import { AssetFeed, RecordSpan, writeInventoryFiles, type FeedEnd } from '../assets/feed.ts';
import { SOFTWARE_RECORD } from '../dissect/software.ts';
import { mappersFor } from '../assets/mappers.ts';
import { ASSET_CHANGE_FIELDS } from '../assets/export.ts';
import { registerZeekFields } from '../events/ndjson.ts';
import { loadRegistry } from '../protocols/catalog.ts';
import { SqliteStore } from '../store/sqlite.ts';
import { captureIdentity } from '../store/identity.ts';
import { VERSION } from '../core/version.ts';

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
  /** PROFINET vendor id → name for the inventory (default: the built-in ids; see src/assets/profinet-vendors.ts). */
  profinetVendors?: ReadonlyMap<number, string>;
  /**
   * Worker threads started ahead with prestartWorkers (the CLI does, before it loads the
   * pipeline): the first N-1 are used instead of new ones. The caller ends them after the run
   * (those not used wait for an init that never comes).
   */
  prestarted?: StartedWorker[];
  /**
   * Return the inventory in the result (default true). The CLI does not need it: without it
   * the inventory stays on its thread, which writes the inventory's files into outDir itself.
   */
  keepInventory?: boolean;
  /**
   * While the inventory's thread runs beside one engine (workers 1), V8's compiler and
   * garbage-collector threads run at the inventory thread's lower priority (nice 10, Linux),
   * so that they take their CPU from it rather than from the main thread. Restored when the
   * run ends, where the system allows it (an unprivileged process cannot lower a niceness it
   * raised: they then stay at 10). Default false; the CLI, whose process ends with the run,
   * passes true. See docs/benchmarks.md.
   */
  yieldV8Helpers?: boolean;
}

export interface AnalyzeResult {
  stats: AnalysisStats;
  summary: ConnSummary;
  files: string[];
  /** Problems with individual inputs (the run went on with the others). */
  errors: PalisadeError[];
  exitCode: ExitCode;
  /** The asset inventory (absent with assets: false, and with keepInventory: false unless db is given). */
  inventory?: Inventory;
}

export { VERSION };

/**
 * A FrameSink for N engines: the one on this thread and N-1 workers. It picks an engine by
 * the frame's flow hash; frames for a worker are copied into its ring. Every frame carries
 * the capture clock, so each engine ends flows exactly when a single engine would.
 */
class Dispatcher implements FrameSink {
  readonly writers: RingWriter[];
  private readonly local: Engine;
  private readonly shards: number;
  /** Per share: the ring writer's index, -1 for this thread's engine. */
  private readonly owner: Int32Array;
  private readonly clock = new CaptureClock();
  constructor(local: Engine, rings: RingBuffers[]) {
    this.local = local;
    this.writers = rings.map((r) => new RingWriter(r));
    // This thread also reads the input, copies frames into the rings and appends every
    // worker's text to the files: it takes one share of the flows, each of the N-1 workers
    // N-1 shares. With 2 engines that is half each (on plant-mix, 13.6 s against 14.7 s for
    // 2:3 and 16.0 s for 1:2); with more, this thread's overhead grows with the workers and
    // its share of the flows shrinks.
    const perWorker = rings.length;
    this.shards = 1 + perWorker * rings.length;
    this.owner = new Int32Array(this.shards);
    for (let s = 0; s < this.shards; s++) this.owner[s] = s === 0 ? -1 : Math.floor((s - 1) / perWorker);
  }
  frame(f: RawFrame): void {
    const c = this.clock;
    const epoch = c.epoch;
    const now = c.now;
    // Before a new epoch, every engine gets the clock the old one ended at (see RingWriter.clock).
    if (c.observe(f.ts)) this.clockAll(epoch, now);
    // shardHash is a small integer (below 2^30): an integer remainder.
    const w = this.owner[shardHash(f) % this.shards];
    if (w < 0) this.local.frameAt(f, c.epoch, c.now);
    else this.writers[w].write(f, c.epoch, c.now);
  }
  /** Sends the capture clock to every engine, then the end marker to the workers. */
  end(): void {
    this.clockAll(this.clock.epoch, this.clock.now);
    for (const w of this.writers) w.end();
  }
  private clockAll(epoch: number, now: number): void {
    this.local.clockAt(epoch, now);
    for (const w of this.writers) w.clock(epoch, now);
  }
}

export async function analyze(opts: AnalyzeOptions): Promise<AnalyzeResult> {
  const started = new Date();
  const t0 = performance.now();
  const workers = Math.max(1, Math.floor(opts.workers ?? 1));
  // Only the protocols asked for are loaded (none with protocols: []).
  const registry = await loadRegistry(opts.protocols);
  const { files, skipped } = await expandInputs(opts.inputs);
  const total = files.reduce((a, f) => a + f.size, 0);
  const outDir = opts.outDir;
  const format = opts.format ?? 'ndjson';
  const mappers = mappersFor({ profinetVendors: opts.profinetVendors });
  const store = opts.db !== undefined ? new SqliteStore(opts.db) : null;
  let capture = null;
  if (store !== null) {
    const id = await captureIdentity(files.map((f) => f.path));
    capture = store.beginCapture(opts.captureName !== undefined ? { ...id, name: opts.captureName } : id);
  }
  // The inventory is built on a thread of its own from the records' NDJSON lines (feed.ts):
  // those of the files when they are NDJSON, else lines formatted for it alone. It starts
  // once nothing of the set-up can fail any more, and is stopped however the run ends.
  const feed = opts.assets === false ? null : new AssetFeed({ types: [...mappers.keys(), 'conn'], profinetVendors: opts.profinetVendors, yieldV8Helpers: opts.yieldV8Helpers === true && workers === 1 });
  const tapped = feed !== null && outDir !== undefined && format === 'ndjson';
  const output = outDir !== undefined ? new RecordOutput(outDir, { format, tap: tapped ? feed : undefined }) : null;
  const sinks: RecordSink[] = [];
  if (output !== null) sinks.push(output);
  if (capture !== null) sinks.push(capture);
  const fileSink: RecordSink = sinks.length === 1 ? sinks[0] : { write: (t, r) => { for (const x of sinks) x.write(t, r); } };
  const summary = new ConnSummary();
  // The records of this thread's engine, and the software records of the workers'.
  const records = new MainRecords(fileSink, summary, tapped ? null : feed);
  const inputs: InputStats[] = [];
  const errors: PalisadeError[] = [];

  let sink: FrameSink;
  let finish: () => Promise<EngineCounters>;
  let abort: () => Promise<void> = async () => {};
  let failure: () => unknown = () => null;
  // This thread's engine (and each worker's, in worker.ts) first runs the made-up frames.
  warmUpEngine(opts.flow);
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
    // Workers format their records as the files' text, build their own inventory and summary;
    // only software records (and, for the database, every record) come here as objects.
    const init: Omit<WorkerInit, 'ring'> = { flow, protocols: opts.protocols, text: output?.format ?? null, objects: capture !== null, assets: feed !== null,
      profinetVendors: opts.profinetVendors !== undefined ? [...opts.profinetVendors] : undefined };
    const pool = startWorkers(workers - 1, init, opts.prestarted ?? [], (m) => {
      if (output !== null) for (let i = 0; i < m.types.length; i++) output.writeText(m.types[i], m.texts[i], m.counts[i]);
      for (const [type, rec] of m.objects) {
        if (type === SOFTWARE_RECORD) records.write(type, rec);
        else capture?.write(type, rec);
      }
    });
    const dispatcher = new Dispatcher(local, pool.rings);
    sink = dispatcher;
    finish = async () => {
      try {
        dispatcher.end();
      } catch (e) {
        throw pool.failure() ?? e;
      }
      local.finish();
      const results = await pool.done;
      for (const r of results) {
        summary.merge(r.summary);
        if (r.assets !== null) feed?.merge(r.assets);
      }
      return mergeCounters([local.counters(), ...results.map((r) => r.counters)]);
    };
    abort = pool.terminate;
    failure = pool.failure;
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
    await feed?.terminate();
    capture?.abort();
    store?.close();
    // A worker's failure (or a failed write of its records) is the cause of what stopped the reader.
    throw failure() ?? e;
  }
  let counters: EngineCounters;
  try {
    counters = await finish();
  } catch (e) {
    await abort();
    await feed?.terminate();
    capture?.abort();
    store?.close();
    throw e;
  }
  let inventory: Inventory | undefined;
  let end: FeedEnd | undefined;
  if (feed !== null) {
    // The last lines of each file go to the inventory's thread as they are written.
    output?.flush();
    feed.span(records.span.first, records.span.last);
    try {
      // The inventory itself comes over only when it is wanted: the database takes it in.
      end = await feed.end(opts.keepInventory !== false || store !== null);
      inventory = end.inventory ?? undefined;
    } catch (e) {
      // The records and their files are complete: the run goes on without the inventory.
      if (!isPalisadeError(e)) throw e;
      errors.push(e);
    }
  }
  // The inventory's thread is stopped however the rest ends.
  try {
    /** The inventory's files, written by its thread (of this run's records) while this one goes on. */
    let written: Promise<string[]> | null = null;
    const meta = () => ({ palisade_version: VERSION, generated: new Date().toISOString() });
    if (end !== undefined && feed !== null && outDir !== undefined && store === null) {
      written = feed.files(outDir, meta(), false);
    }
    if (end !== undefined && output !== null) for (const c of end.changes) output.write('asset_changes', c);
    await output?.close();
    const elapsed = (performance.now() - t0) / 1000;
    const stats = buildStats(counters, inputs, skipped.map((s) => s.path), workers, started, elapsed, VERSION);
    if (end !== undefined) stats.assets = end.counts;
    if (store !== null && capture !== null) {
      try {
        capture.finish(stats);
        // The database's inventory covers every capture in it: rebuilt from all records when
        // others are there, else this run's.
        if (store.captures().length > 1 && opts.assets !== false) {
          const all = new AssetBuilder(mappers);
          store.eachRecord((t, r) => all.write(t, r));
          inventory = all.finalize();
        }
        if (inventory !== undefined) store.replaceInventory(inventory);
      } finally {
        store.close();
      }
    }
    const extra: string[] = [];
    // With a database the files are those of its inventory, written here.
    if (store !== null && inventory !== undefined && outDir !== undefined) extra.push(...writeInventoryFiles(outDir, inventory, meta(), false));
    if (written !== null) {
      try {
        extra.push(...(await written));
      } catch (e) {
        // A file that cannot be written stops the run (as stats.json would); a failed thread is one more error.
        if (!isPalisadeError(e) || e.code === 'E_OUTPUT') throw e;
        errors.push(e);
      }
    }
    if (outDir !== undefined) extra.push(writeTextFile(outDir, 'stats.json', JSON.stringify(stats, null, 2) + '\n'));
    let exitCode: ExitCode = EXIT.OK;
    for (const e of errors) if (e.exitCode > exitCode) exitCode = e.exitCode;
    return { stats, summary, files: [...(output?.files() ?? []), ...extra], errors, exitCode, inventory };
  } finally {
    await feed?.terminate();
  }
}

/**
 * Where the records of the main thread's engine go: the conn summary, the files (and the
 * database), the inventory. Software records (a worker's too) pass once per host and program
 * version (again after a day), as Zeek's software framework writes them: each engine already
 * does this for the flows it sees, and this does it across engines, so worker threads write
 * what one engine would. The inventory sees them after this, so it counts what is written.
 */
class MainRecords implements RecordSink {
  private readonly files: RecordSink;
  private readonly summary: ConnSummary;
  /** The inventory's thread, when it does not read the records' lines from the NDJSON files (a tap). */
  private readonly feed: AssetFeed | null;
  private readonly seen = new Map<string, number>();
  /**
   * The first and last record time over every type: the inventory's span, and its learning
   * period, count records its thread is not sent (those no mapper reads), as they did when
   * it saw every record.
   */
  readonly span = new RecordSpan();
  constructor(files: RecordSink, summary: ConnSummary, feed: AssetFeed | null) {
    this.files = files;
    this.summary = summary;
    this.feed = feed;
  }
  write(type: string, record: object): void {
    if (type === 'conn') this.summary.write(type, record);
    else if (type === SOFTWARE_RECORD && !this.softwareIsNew(record as Record<string, unknown>)) return;
    this.files.write(type, record);
    this.span.see(record);
    this.feed?.record(type, record);
  }
  private softwareIsNew(r: Record<string, unknown>): boolean {
    const key = `${String(r.host)}\u0000${String(r.software_type)}\u0000${String(r.name)}\u0000${String(r.unparsed_version)}`;
    const ts = typeof r.ts === 'number' ? r.ts : 0;
    const first = this.seen.get(key);
    if (first !== undefined && Math.abs(ts - first) < 86400) return false;
    if (this.seen.size >= 65536) this.seen.clear();
    this.seen.set(key, ts);
    return true;
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

/** What a worker hands back at the end. */
interface WorkerResult {
  counters: EngineCounters;
  summary: ConnSummaryState;
  assets: AssetBuilderState | null;
}

interface WorkerPool {
  rings: RingBuffers[];
  done: Promise<WorkerResult[]>;
  terminate: () => Promise<void>;
  /** The first failure (of a worker, or of handling its records), if any. */
  failure: () => unknown;
}

function startWorkers(n: number, init: Omit<WorkerInit, 'ring'>, started: StartedWorker[], onBatch: (m: RecordBatch) => void): WorkerPool {
  const rings: RingBuffers[] = [];
  const workers: Worker[] = [];
  const results: Promise<WorkerResult>[] = [];
  let failed: unknown = null;
  /** The first failure stops every worker and the reader (whose ring writers then throw). */
  const fail = (e: unknown): unknown => {
    if (failed === null) {
      failed = e;
      for (const r of rings) markRingFailed(r);
      for (const w of workers) void w.terminate();
    }
    return failed;
  };
  for (let i = 0; i < n; i++) {
    const ring = createRing();
    rings.push(ring);
    const s = started[i];
    let w: Worker;
    if (s !== undefined) {
      // A worker started ahead (its modules loaded meanwhile): its init is its first message.
      w = s.worker;
      w.ref();
      w.postMessage({ ...init, ring } satisfies WorkerInit);
    } else w = new Worker(new URL('./worker.ts', import.meta.url), { workerData: { ...init, ring } satisfies WorkerInit });
    workers.push(w);
    results.push(
      new Promise<WorkerResult>((resolve, reject) => {
        w.on('message', (m: WorkerMessage) => {
          if (failed !== null) return;
          if (m.kind === 'records') {
            try {
              onBatch(m);
            } catch (e) {
              reject(fail(e));
            }
          } else if (m.kind === 'done') resolve({ counters: m.counters, summary: m.summary, assets: m.assets });
          else reject(fail(new PalisadeError('E_WORKER', `worker ${i} failed: ${m.message}; run again with --workers 1 and report the error`)));
        });
        w.on('error', (e) => reject(fail(new PalisadeError('E_WORKER', `worker ${i} failed: ${e.message}`, { cause: e }))));
        w.on('exit', (code) => {
          if (code !== 0) reject(fail(new PalisadeError('E_WORKER', `worker ${i} exited with code ${code}`)));
        });
        // A worker started ahead may have failed before it was given its init.
        const early = s?.early;
        if (early?.error !== undefined) reject(fail(new PalisadeError('E_WORKER', `worker ${i} failed: ${early.error.message}`, { cause: early.error })));
        else if (early?.exitCode !== undefined) reject(fail(new PalisadeError('E_WORKER', `worker ${i} exited with code ${early.exitCode} before it started`)));
      }),
    );
  }
  const done = Promise.all(results);
  // A worker failure is reported when `done` is awaited; until then it must not count as unhandled.
  done.catch(() => {});
  return {
    rings,
    done,
    failure: () => failed,
    terminate: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
