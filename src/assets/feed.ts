// The asset inventory on a thread of its own, for `palisade analyze`: the main thread hands
// it the records the inventory reads, as the NDJSON lines it has just written to their files
// (RecordTap: the buffers are transferred, so the main thread neither copies nor formats
// anything for it), or, when it writes no NDJSON (Zeek logs, a database only), as lines it
// formats for this thread alone. The thread parses them and runs the AssetBuilder; at the
// end it merges the states of the worker threads' builders, finalizes, and sends the
// inventory back. On a machine with a core to spare the inventory then costs the main
// thread little more than the finalize it waits for (see docs/benchmarks.md).
//
// The builder's result does not depend on the order records come in (claims.ts), so the
// lines of each type may arrive in file-buffer order rather than in the order they were
// made. What arrives has been through JSON, as a database's records have when the inventory
// is rebuilt from them (SqliteStore.eachRecord).
//
// Back-pressure: at most IN_FLIGHT_BYTES of lines wait for the thread; past that the main
// thread waits (Atomics.wait) until the thread has caught up, so memory does not grow with
// the capture when the inventory is the slower side.
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { PalisadeError } from '../core/errors.ts';
import { RecordTextBuffer, type RecordBytes } from '../events/record-text.ts';
import type { RecordTap } from '../events/ndjson.ts';
import type { AssetBuilderState, Inventory } from './builder.ts';
import { graphJSON, graphML } from './export.ts';

/** Slots of the shared control array. */
export const CTL = {
  /** Bytes posted and not yet processed by the thread. */
  IN_FLIGHT: 0,
  /** Non-zero once the thread failed. */
  FAILED: 1,
  /** Buffers processed (changes while the thread makes progress). */
  PROGRESS: 2,
} as const;

/** Lines waiting for the thread, at most (bytes). */
export const IN_FLIGHT_BYTES = 32 << 20;
/** Pending formatted lines (record() path) before they are sent. */
const SEND_BYTES = 1 << 18;
/** A thread that processes nothing for this long while the main thread waits has failed. */
const STALL_MS = 60_000;

export interface FeedInit {
  ctl: SharedArrayBuffer;
  /** Where the thread gives back the buffers it has read (FeedFree messages). */
  free: MessagePort;
  /** PROFINET vendor id → name pairs (undefined: the built-in ones). */
  profinetVendors?: [number, string][];
}

export type FeedMessage =
  | { kind: 'lines'; type: string; bytes: Uint8Array }
  | { kind: 'merge'; state: AssetBuilderState }
  | { kind: 'span'; first: number; last: number }
  /** `graphs`: whether the graph's files are wanted. */
  | { kind: 'end'; graphs: boolean };

/** The graph's files in an output directory. */
export const GRAPH_FILES = ['graph.json', 'graph.graphml'] as const;

/** The text of the graph's files (export.ts). */
export type GraphFiles = Record<(typeof GRAPH_FILES)[number], string>;

/** The text of each of the graph's files. */
export function graphFiles(inv: Inventory): GraphFiles {
  return { 'graph.json': graphJSON(inv), 'graph.graphml': graphML(inv) };
}

/** A buffer of lines the thread has read, given back for more lines (its pages are the process's already). */
export interface FeedFree {
  buffer: ArrayBuffer;
}

export type FeedReply =
  | { kind: 'inventory'; inventory: Inventory }
  /** After the inventory: the graph's files, made while the main thread takes the inventory in and writes the others. */
  | { kind: 'graphs'; files: GraphFiles }
  | { kind: 'error'; message: string; stack?: string };

export interface AssetFeedOptions {
  /** The record types to send (the inventory ignores the others). */
  types: Iterable<string>;
  profinetVendors?: ReadonlyMap<number, string>;
  /** Lines waiting for the thread, at most (default IN_FLIGHT_BYTES). */
  inFlightBytes?: number;
}

/**
 * The main thread's end of the inventory's thread. A RecordTap for NDJSON output; record()
 * for records written in no NDJSON file; merge() for worker threads' builder states; finish()
 * for the inventory. A failure of the thread stops the feeding (the records and their files
 * go on) and is what finish() rejects with.
 */
export class AssetFeed implements RecordTap {
  private readonly worker: Worker;
  private readonly ctl: Int32Array;
  private readonly types: ReadonlySet<string>;
  private readonly cap: number;
  private readonly result: Promise<Inventory>;
  private readonly graphTexts: Promise<GraphFiles>;
  /** Set once the thread failed or stalled: nothing more is sent. */
  private stopped = false;
  /** The thread made no progress while the reader waited (it may still be running). */
  private stall: PalisadeError | null = null;
  private ended = false;
  /** Lines formatted here (record()), sent in buffers of SEND_BYTES. */
  private text: RecordTextBuffer | null = null;
  /**
   * Buffers the thread gives back, read synchronously by buffer(): the main thread's event
   * loop may not turn for seconds (its reads complete while it parses).
   */
  private readonly free: MessagePort;

  constructor(opts: AssetFeedOptions) {
    const sab = new SharedArrayBuffer(4 * 4);
    this.ctl = new Int32Array(sab);
    this.types = new Set(opts.types);
    this.cap = opts.inFlightBytes ?? IN_FLIGHT_BYTES;
    const { port1, port2 } = new MessageChannel();
    this.free = port1;
    const init: FeedInit = { ctl: sab, free: port2, profinetVendors: opts.profinetVendors !== undefined ? [...opts.profinetVendors] : undefined };
    this.worker = new Worker(new URL('./feed-worker.ts', import.meta.url), { workerData: init, transferList: [port2] });
    let graphTexts: (f: GraphFiles) => void = () => {};
    let noGraphs: (e: unknown) => void = () => {};
    this.graphTexts = new Promise<GraphFiles>((resolve, reject) => {
      graphTexts = resolve;
      noGraphs = reject;
    });
    this.result = new Promise<Inventory>((resolve, reject) => {
      const failed = (e: PalisadeError) => {
        reject(e);
        noGraphs(e);
      };
      this.worker.on('message', (m: FeedReply) => {
        if (m.kind === 'inventory') resolve(m.inventory);
        else if (m.kind === 'graphs') graphTexts(m.files);
        else failed(this.error(`failed: ${m.message}`));
      });
      this.worker.on('error', (e) => failed(this.error(`failed: ${e.message}`, e)));
      this.worker.on('exit', (code) => failed(this.error(`exited with code ${code}`)));
    });
    // Reported by finish() and graphs(); until then a failure must not count as unhandled.
    this.result.catch(() => {});
    this.graphTexts.catch(() => {});
  }

  wants(type: string): boolean {
    return this.types.has(type);
  }

  /** Whole NDJSON lines of `type`, in an ArrayBuffer of their own: it is transferred (the caller must not touch it again). */
  lines(type: string, bytes: Uint8Array): void {
    if (this.stopped || this.ended || bytes.byteLength === 0) return;
    // The whole ArrayBuffer travels (and is what waits in memory), not only the lines in it.
    const buf = bytes.buffer as ArrayBuffer;
    const size = buf.byteLength;
    if (!this.room(size)) return;
    Atomics.add(this.ctl, CTL.IN_FLIGHT, size);
    this.worker.postMessage({ kind: 'lines', type, bytes } satisfies FeedMessage, [buf]);
  }

  buffer(size: number): Buffer {
    for (;;) {
      const m = receiveMessageOnPort(this.free);
      if (m === undefined) break;
      const b = (m.message as FeedFree).buffer;
      if (b.byteLength === size) return Buffer.from(b);
    }
    return Buffer.allocUnsafeSlow(size);
  }

  /** A record the inventory reads that no NDJSON file tapped: formatted here as its line. */
  record(type: string, record: object): void {
    if (this.stopped || this.ended || !this.types.has(type)) return;
    const t = (this.text ??= new RecordTextBuffer('ndjson'));
    t.write(type, record);
    if (t.size >= SEND_BYTES) this.sendText();
  }

  /** A worker thread's builder state (its own records' inventory). */
  merge(state: AssetBuilderState): void {
    if (this.stopped || this.ended) return;
    this.worker.postMessage({ kind: 'merge', state } satisfies FeedMessage);
  }

  /** The first and last time of records not sent (AssetBuilder.span). */
  span(first: number, last: number): void {
    if (this.stopped || this.ended) return;
    this.worker.postMessage({ kind: 'span', first, last } satisfies FeedMessage);
  }

  /**
   * Sends what is pending and the end; resolves with the inventory (rejects with E_WORKER
   * when the thread failed). With `graphs` the thread makes the graph's files next: graphs()
   * has them. Without, the thread is stopped.
   */
  async finish(graphs = false): Promise<Inventory> {
    if (this.stall !== null) {
      await this.terminate();
      throw this.stall;
    }
    if (!this.stopped && !this.ended) {
      this.sendText();
      this.ended = true;
      this.worker.postMessage({ kind: 'end', graphs } satisfies FeedMessage);
    }
    this.ended = true;
    try {
      return await this.result;
    } finally {
      if (!graphs) await this.terminate();
    }
  }

  /** The graph's files (after finish(true)); the thread is stopped. */
  async graphs(): Promise<GraphFiles> {
    try {
      return await this.graphTexts;
    } finally {
      await this.terminate();
    }
  }

  /** Stops the thread (a run that failed). */
  async terminate(): Promise<void> {
    this.ended = true;
    this.free.close();
    await this.worker.terminate();
  }

  private sendText(): void {
    const t = this.text;
    if (t === null || t.size === 0) return;
    const taken: RecordBytes = { types: [], texts: [], counts: [] };
    t.take(taken, []);
    for (let i = 0; i < taken.types.length; i++) this.lines(taken.types[i], taken.texts[i]);
  }

  /** Waits until `n` more bytes fit in flight; false when the thread failed or stalled meanwhile. */
  private room(n: number): boolean {
    const c = this.ctl;
    let progress = Atomics.load(c, CTL.PROGRESS);
    let since = performance.now();
    for (;;) {
      if (Atomics.load(c, CTL.FAILED) !== 0) {
        // Its error message is on the way: finish() rejects with it.
        this.stopped = true;
        return false;
      }
      const inFlight = Atomics.load(c, CTL.IN_FLIGHT);
      if (inFlight === 0 || inFlight + n <= this.cap) return true;
      Atomics.wait(c, CTL.IN_FLIGHT, inFlight, 200);
      const p = Atomics.load(c, CTL.PROGRESS);
      if (p !== progress) {
        progress = p;
        since = performance.now();
      } else if (performance.now() - since > STALL_MS) {
        this.stopped = true;
        this.stall = this.error(`made no progress for ${STALL_MS / 1000} s`);
        return false;
      }
    }
  }

  private error(what: string, cause?: unknown): PalisadeError {
    return new PalisadeError(
      'E_WORKER',
      `the asset inventory's thread ${what}; the record files and stats are complete, the inventory is not: run again with --no-assets, and report the error`,
      cause !== undefined ? { cause } : {},
    );
  }
}
