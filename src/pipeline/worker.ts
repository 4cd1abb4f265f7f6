// A worker thread of `palisade analyze --workers N`: reads frames from its ring, runs an
// Engine, and does with its records what the main thread would otherwise do: formats them
// as the text of their files, builds its own asset inventory and conn summary. It posts the
// text to the main thread in batches (the main thread only appends it to the files), and its
// inventory and summary state at the end (the main thread merges them into its own).
// Software records still travel as objects: the main thread writes each program version once
// across all engines (SoftwareOnce). With a database (`--db`) every record travels as an
// object as well, for the store writer.
import { parentPort, workerData } from 'node:worker_threads';
import type { FlowConfig } from '../flow/flow-table.ts';
import { warmUpEngine } from './warm-up.ts';
import { Engine, type RecordFlow, type RecordSink } from './engine.ts';
import { loadRegistry } from '../protocols/catalog.ts';
import type { Registry } from '../dissect/registry.ts';
import { RingReader, markRingFailed, type RingBuffers } from './frame-ring.ts';
import type { RecordFormat } from '../events/ndjson.ts';
import { RecordTextBuffer, type RecordBytes } from '../events/record-text.ts';
import { SOFTWARE_RECORD } from '../dissect/software.ts';
import { ConnSummary, type ConnSummaryState } from './summary.ts';
import { AssetBuilder, type AssetBuilderState } from '../assets/builder.ts';
import { mappersFor } from '../assets/mappers.ts';

export interface WorkerInit {
  ring: RingBuffers;
  flow: Partial<FlowConfig>;
  /** Only these protocols are dissected (undefined: all). */
  protocols?: string[];
  /** The format of the record files, to format records in (null: no record files). */
  text: RecordFormat | null;
  /** Send every record as an object too (the database writer needs them). */
  objects: boolean;
  /** Build an inventory (AssetBuilder) here. */
  assets: boolean;
  /** PROFINET vendor id → name pairs for the inventory (undefined: the built-in ones). */
  profinetVendors?: [number, string][];
}

/** A batch: text per record type (UTF-8 bytes, their buffers transferred) and records as objects. */
export interface RecordBatch {
  kind: 'records';
  types: string[];
  texts: Uint8Array[];
  /** Records in each text. */
  counts: number[];
  objects: [string, object][];
}

export type WorkerMessage =
  | RecordBatch
  | { kind: 'done'; counters: ReturnType<Engine['counters']>; summary: ConnSummaryState; assets: AssetBuilderState | null }
  | { kind: 'error'; message: string; stack?: string };

/** Objects per batch. */
const BATCH = 2048;
/** Bytes of text per batch (over all record types). */
const TEXT_BYTES = 1 << 20;

/** The worker's RecordSink: text, inventory and summary here; objects where the main thread needs them. */
class ShardSink implements RecordSink {
  readonly summary = new ConnSummary();
  readonly builder: AssetBuilder | null;
  private readonly text: RecordTextBuffer | null;
  private readonly objects: boolean;
  private batch: [string, object][] = [];

  constructor(init: WorkerInit) {
    this.text = init.text !== null ? new RecordTextBuffer(init.text) : null;
    this.objects = init.objects;
    this.builder = init.assets ? new AssetBuilder(mappersFor({ profinetVendors: init.profinetVendors !== undefined ? new Map(init.profinetVendors) : undefined })) : null;
  }

  write(type: string, record: object, flow?: RecordFlow): void {
    if (type === SOFTWARE_RECORD) {
      // Written (and given to the inventory) by the main thread, once across engines.
      this.batch.push([type, record]);
      if (this.batch.length >= BATCH) this.flush();
      return;
    }
    if (type === 'conn') this.summary.write(type, record);
    this.builder?.write(type, record, flow);
    const t = this.text;
    if (t !== null) t.write(type, record);
    if (this.objects) this.batch.push([type, record]);
    if (this.batch.length >= BATCH || (t !== null && t.size >= TEXT_BYTES)) this.flush();
  }

  flush(): void {
    // The text as UTF-8 in buffers of its own, transferred: the main thread hands them to the
    // file as they are, with no copy and no encoding of its own. (Sending the strings instead
    // costs the main thread a copy and the encoding: on plant-mix with 2 workers 14.8 s
    // against 13.6 s, 1 CPU second and 90 MB of peak RSS more.) Each line was encoded once,
    // as it was formatted.
    const taken: RecordBytes = { types: [], texts: [], counts: [] };
    const transfer: ArrayBuffer[] = [];
    this.text?.take(taken, transfer);
    if (taken.types.length === 0 && this.batch.length === 0) return;
    const texts = taken.texts;
    const msg: RecordBatch = { kind: 'records', types: taken.types, texts, counts: taken.counts, objects: this.batch };
    parentPort!.postMessage(msg, transfer);
    this.batch = [];
  }
}

function run(init: WorkerInit, registry: Registry): void {
  const out = new ShardSink(init);
  warmUpEngine(init.flow);
  const engine = new Engine(out, { flow: init.flow, registry });
  const reader = new RingReader(init.ring);
  while (reader.next(engine)) {
    // each call processes one slot of frames
  }
  engine.finish();
  out.flush();
  const msg: WorkerMessage = { kind: 'done', counters: engine.counters(), summary: out.summary.state(), assets: out.builder?.exportState() ?? null };
  parentPort!.postMessage(msg);
}

/** What prestartWorkers knows of the run when it starts a worker: its protocols, to load them meanwhile. */
export interface WorkerPreload {
  /** The protocols of the run (undefined: all). */
  protocols?: string[];
}

function fail(init: WorkerInit, e: unknown): void {
  markRingFailed(init.ring);
  const err = e as Error;
  const msg: WorkerMessage = { kind: 'error', message: String(err?.message ?? e), stack: err?.stack };
  parentPort!.postMessage(msg);
}

function start(init: WorkerInit, registry: Promise<Registry>): void {
  registry.then(
    (r) => {
      try {
        run(init, r);
      } catch (e) {
        fail(init, e);
      }
    },
    (e: unknown) => fail(init, e),
  );
}

const same = (a: string[] | undefined, b: string[] | undefined) => (a === undefined ? b === undefined : b !== undefined && a.join(',') === b.join(','));

// The init comes as workerData, or, for a worker started before the run was set up
// (prestartWorkers: its modules, and the protocols it was told of, load meanwhile), as its
// first message.
const given = workerData as (WorkerInit & { preload?: undefined }) | { preload: WorkerPreload } | null | undefined;
if (given !== null && given !== undefined && 'ring' in given && given.ring !== undefined) start(given, loadRegistry(given.protocols));
else {
  const preload = given?.preload;
  const early = loadRegistry(preload?.protocols);
  // Not yet a failure: the run may not need these (it says which in its init).
  early.catch(() => {});
  parentPort!.once('message', (init: WorkerInit) => start(init, preload !== undefined && same(preload.protocols, init.protocols) ? early : loadRegistry(init.protocols)));
}
