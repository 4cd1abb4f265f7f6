// The asset inventory on a thread of its own, for `palisade analyze`: the main thread hands
// it the records the inventory reads, as the NDJSON lines it has just written to their files
// (RecordTap), or, when it writes no NDJSON (Zeek logs, a database only), as lines it formats
// for this thread alone. The thread parses them and runs the AssetBuilder; at the end it
// merges the states of the worker threads' builders, finalizes, sends back the changes and
// counts (and the inventory, when asked), and writes the inventory's files when asked
// (files()). On a machine with a core to spare the inventory then costs the main thread
// little more than the finalize it waits for (see docs/benchmarks.md).
//
// The files' lines travel in shared memory, not in messages: the writers of the tapped files
// fill blocks of a pool in a SharedArrayBuffer, and a written block goes to the thread as an
// entry (block, record type, length) in a queue in shared memory; the thread gives the block
// back through a second queue. Neither side copies the lines or posts a message for them.
// (Transferring each buffer to the thread instead cost the main thread ~0.4 s on plant-mix,
// even with a thread that did nothing with them.) Other lines (a database's or Zeek logs'
// run, a line longer than a block, a block the pool could not give) are transferred in a
// message, and so are the builder states and the end.
//
// The builder's result does not depend on the order records come in (claims.ts), so the
// lines of each type may arrive in file-buffer order rather than in the order they were
// made. What arrives has been through JSON, as a database's records have when the inventory
// is rebuilt from them (SqliteStore.eachRecord).
//
// Back-pressure: at most IN_FLIGHT_BYTES of lines wait for the thread; past that the main
// thread waits (Atomics.wait) until the thread has caught up, so memory does not grow with
// the capture when the inventory is the slower side.
import { join } from 'node:path';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { writeTextAtomic, writeTextFile } from '../core/atomic-write.ts';
import { PalisadeError } from '../core/errors.ts';
import { yieldV8Helpers } from '../core/thread-priority.ts';
import { RecordTextBuffer, type RecordBytes } from '../events/record-text.ts';
import { FLUSH_CHARS, type RecordTap } from '../events/ndjson.ts';
import type { AssetBuilderState, AssetChange, Inventory } from './builder.ts';
import type { AnalysisStats } from '../pipeline/stats.ts';
import { assetsCSV, assetsJSON, graphJSON, graphML } from './export.ts';

/** Slots of the shared control array. */
export const CTL = {
  /** Bytes posted and not yet processed by the thread. */
  IN_FLIGHT: 0,
  /** Non-zero once the thread failed. */
  FAILED: 1,
  /** Buffers processed (changes while the thread makes progress). */
  PROGRESS: 2,
  /** Entries the main thread has put in the queue of blocks (a wrapping int32 count). */
  Q_TAIL: 3,
  /** Entries the thread has taken from it. */
  Q_HEAD: 4,
  /** Blocks the thread has given back (entries put in the queue of free blocks). */
  F_TAIL: 5,
  /** Bumped (and notified) whenever there is something for the thread: it waits on this. */
  WAKE: 6,
} as const;
const CTL_SLOTS = 7;

/** Bytes of a block of the pool: the size of the buffers an NdjsonWriter asks its tap for. */
export const POOL_BLOCK = FLUSH_CHARS;
/**
 * Blocks in the pool (a power of two; 32 MiB of address space). A block's pages stay
 * resident once it has been used, so the pool's share of the RSS is what was out at most at
 * once: IN_FLIGHT_BYTES in flight, and one block per tapped file being filled (the free blocks
 * are reused last-freed first). Past that, buffers of their own (see buffer()).
 */
export const POOL_BLOCKS = 128;
/** An entry of the queue of blocks: block, index of the record type in FeedInit.types, bytes of lines. */
export const ENTRY = 3;

/** Lines waiting for the thread, at most (bytes). 32 MiB ran no faster on plant-mix, with 26 MB more peak RSS. */
export const IN_FLIGHT_BYTES = 8 << 20;
/**
 * Queued blocks that wake the thread when it sleeps (a batch of them; fewer wait for the next
 * batch, a message, the back-pressure or the thread's own timeout of WAIT_MS). On plant-mix the
 * thread slept 2,129 times with a wake for every block, 228 with batches of 8.
 */
export const WAKE_BLOCKS = 8;
/** The thread's sleep, at most, before it looks at the queue again (ms). */
export const WAIT_MS = 1000;
/** The niceness of the thread (Linux): it yields to the main thread. */
export const THREAD_NICE = 10;
/** Pending formatted lines (record() path) before they are sent. */
const SEND_BYTES = 1 << 18;
/** A thread that processes nothing for this long while the main thread waits has failed. */
const STALL_MS = 60_000;

export interface FeedInit {
  ctl: SharedArrayBuffer;
  /** POOL_BLOCKS blocks of POOL_BLOCK bytes. */
  pool: SharedArrayBuffer;
  /** The queue of written blocks: POOL_BLOCKS entries of ENTRY int32s. */
  queue: SharedArrayBuffer;
  /** The queue of blocks given back: POOL_BLOCKS int32s. */
  freed: SharedArrayBuffer;
  /** The record types a queue entry names by index. */
  types: string[];
  /** Where the FeedMessages come (read synchronously: the thread waits in Atomics.wait, not in its event loop). */
  port: MessagePort;
  /** PROFINET vendor id → name pairs (undefined: the built-in ones). */
  profinetVendors?: [number, string][];
}

export type FeedMessage =
  | { kind: 'lines'; type: string; bytes: Uint8Array }
  | { kind: 'merge'; state: AssetBuilderState }
  | { kind: 'span'; first: number; last: number }
  /** The inventory so far, written by the thread into `dir` (a live capture's, see snapshot()). */
  | { kind: 'snapshot'; dir: string; meta: Record<string, unknown> }
  /** The end of the records: the thread finalizes the inventory and replies (FeedEnd); with `inventory`, the whole of it. */
  | { kind: 'end'; inventory: boolean }
  /** After the end: the final inventory's files written into `dir` (see writeInventoryFiles). */
  | { kind: 'files'; dir: string; meta: Record<string, unknown>; atomic: boolean };

/** What goes through the port: a message, and how many blocks had been queued when it was sent. */
export interface FeedPost {
  queued: number;
  m: FeedMessage;
}

/** The graph's files in an output directory. */
export const GRAPH_FILES = ['graph.json', 'graph.graphml'] as const;

/** The text of the graph's files (export.ts). */
export type GraphFiles = Record<(typeof GRAPH_FILES)[number], string>;

/** The text of each of the graph's files. */
export function graphFiles(inv: Inventory): GraphFiles {
  return { 'graph.json': graphJSON(inv), 'graph.graphml': graphML(inv) };
}

/** What stats.json says of the inventory (its `assets` object). */
export type AssetCounts = NonNullable<AnalysisStats['assets']>;

export function assetCounts(inv: Inventory): AssetCounts {
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
 * Writes the inventory's four files into `dir` (made when missing), in INVENTORY_FILES order,
 * and returns their paths. `atomic`: each file replaced whole (writeTextAtomic), for a
 * directory a reader may look at meanwhile. Throws E_OUTPUT naming the file that could not be
 * written.
 */
export function writeInventoryFiles(dir: string, inv: Inventory, meta: Record<string, unknown>, atomic: boolean): string[] {
  const files = { ...assetFiles(inv, meta), ...graphFiles(inv) };
  const written: string[] = [];
  for (const name of INVENTORY_FILES) {
    if (!atomic) written.push(writeTextFile(dir, name, files[name]));
    else {
      const path = join(dir, name);
      writeTextAtomic(path, files[name]);
      written.push(path);
    }
  }
  return written;
}

/** The inventory's own files in an output directory (the graph's are GRAPH_FILES). */
export const ASSET_FILES = ['assets.json', 'assets.csv'] as const;

/** The text of each of the inventory's own files; `meta` goes into assets.json (export.ts). */
export function assetFiles(inv: Inventory, meta: Record<string, unknown>): Record<(typeof ASSET_FILES)[number], string> {
  return { 'assets.json': assetsJSON(inv, meta), 'assets.csv': assetsCSV(inv.assets) };
}

/**
 * The order in which a live capture writes the inventory's files: assets.json last, so once
 * a reader sees a new assets.json the other three are from the same inventory (or newer).
 */
export const INVENTORY_FILES = ['assets.csv', 'graph.json', 'graph.graphml', 'assets.json'] as const;

/**
 * The first and last record time over every record type seen: what the inventory's span
 * and learning hour count when its thread is not sent every type (AssetBuilder.span).
 */
export class RecordSpan {
  first = Infinity;
  last = -Infinity;
  see(record: object): void {
    const ts = (record as { ts?: unknown }).ts;
    if (typeof ts === 'number') {
      if (ts < this.first) this.first = ts;
      if (ts > this.last) this.last = ts;
    }
  }
}

/** The thread's reply to the end: what every run needs of the inventory, and the inventory itself when asked. */
export interface FeedEnd {
  /** The inventory's changes: the asset_changes records. */
  changes: AssetChange[];
  counts: AssetCounts;
  /** The whole inventory (null unless the end asked for it). */
  inventory: Inventory | null;
}

export type FeedReply =
  | ({ kind: 'end' } & FeedEnd)
  /** The final inventory's files, written (their paths). */
  | { kind: 'files'; written: string[] }
  /** A file of the final inventory could not be written: writeInventoryFiles' E_OUTPUT message. */
  | { kind: 'files-failed'; message: string; file: string }
  /** A snapshot's file could not be written (the thread goes on): writeTextAtomic's E_OUTPUT message. */
  | { kind: 'snapshot-failed'; message: string; file: string }
  | { kind: 'error'; message: string; stack?: string };

export interface AssetFeedOptions {
  /** The record types to send (the inventory ignores the others). */
  types: Iterable<string>;
  profinetVendors?: ReadonlyMap<number, string>;
  /** Lines waiting for the thread, at most (default IN_FLIGHT_BYTES). */
  inFlightBytes?: number;
  /** Called when the files of a snapshot() could not be written (E_OUTPUT). */
  onSnapshotError?: (e: PalisadeError) => void;
  /** What the E_WORKER message tells the user to do (default: run again with --no-assets). */
  retry?: string;
  /**
   * V8's helper threads run at the thread's priority until terminate() (yieldV8Helpers in
   * core/thread-priority.ts): for a run whose main thread is its critical path. Default false.
   */
  yieldV8Helpers?: boolean;
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
  private readonly types: ReadonlyMap<string, number>;
  private readonly cap: number;
  /** The thread's reply to the end. */
  private readonly endReply: Promise<FeedEnd>;
  /** What the thread's replies settle: the files asked for last (files()), and the end. */
  private settleFiles: { resolve: (written: string[]) => void; reject: (e: unknown) => void } | null = null;
  /** Set once the thread failed or stalled: nothing more is sent. */
  private stopped = false;
  /** How the thread failed, once it has (what finish() rejects with). */
  failure: PalisadeError | null = null;
  /** The thread made no progress while the reader waited (it may still be running). */
  private stall: PalisadeError | null = null;
  private ended = false;
  /** Lines formatted here (record()), sent in buffers of SEND_BYTES. */
  private text: RecordTextBuffer | null = null;
  /** Where the FeedMessages go. */
  private readonly port: MessagePort;
  private readonly retry: string;
  private readonly pool: SharedArrayBuffer;
  private readonly queue: Int32Array;
  private readonly freed: Int32Array;
  /** The free blocks this side holds, last freed on top. */
  private readonly spare: number[] = [];
  private qTail = 0;
  private fHead = 0;
  /** Puts back the priority of V8's helper threads (yieldV8Helpers). */
  private readonly restorePriority: () => void = () => {};

  constructor(opts: AssetFeedOptions) {
    const ctl = new SharedArrayBuffer(CTL_SLOTS * 4);
    this.ctl = new Int32Array(ctl);
    const types = [...new Set(opts.types)];
    this.types = new Map(types.map((t, i) => [t, i]));
    this.cap = opts.inFlightBytes ?? IN_FLIGHT_BYTES;
    this.retry = opts.retry ?? 'run again with --no-assets';
    this.pool = new SharedArrayBuffer(POOL_BLOCKS * POOL_BLOCK);
    const queue = new SharedArrayBuffer(POOL_BLOCKS * ENTRY * 4);
    const freed = new SharedArrayBuffer(POOL_BLOCKS * 4);
    this.queue = new Int32Array(queue);
    this.freed = new Int32Array(freed);
    for (let b = POOL_BLOCKS - 1; b >= 0; b--) this.spare.push(b);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const init: FeedInit = { ctl, pool: this.pool, queue, freed, types, port: port2, profinetVendors: opts.profinetVendors !== undefined ? [...opts.profinetVendors] : undefined };
    this.worker = new Worker(new URL('./feed-worker.ts', import.meta.url), { workerData: init, transferList: [port2] });
    this.endReply = new Promise<FeedEnd>((resolve, reject) => {
      const failed = (e: PalisadeError) => {
        if (this.terminated) return;
        this.failure ??= e;
        reject(e);
        this.settleFiles?.reject(e);
        this.settleFiles = null;
      };
      this.worker.on('message', (m: FeedReply) => {
        if (m.kind === 'end') resolve({ changes: m.changes, counts: m.counts, inventory: m.inventory });
        else if (m.kind === 'files') {
          this.settleFiles?.resolve(m.written);
          this.settleFiles = null;
        } else if (m.kind === 'files-failed') {
          this.settleFiles?.reject(new PalisadeError('E_OUTPUT', m.message, { file: m.file }));
          this.settleFiles = null;
        } else if (m.kind === 'snapshot-failed') opts.onSnapshotError?.(new PalisadeError('E_OUTPUT', m.message, { file: m.file }));
        else failed(this.error(`failed: ${m.message}`));
      });
      this.worker.on('error', (e) => failed(this.error(`failed: ${e.message}`, e)));
      this.worker.on('exit', (code) => failed(this.error(`exited with code ${code}`)));
    });
    // Reported by end(); until then a failure must not count as unhandled.
    this.endReply.catch(() => {});
    if (opts.yieldV8Helpers === true) this.restorePriority = yieldV8Helpers(THREAD_NICE);
  }

  /** Set by terminate(): the thread's exit is then no failure. */
  private terminated = false;

  wants(type: string): boolean {
    return this.types.has(type);
  }

  /**
   * Whole NDJSON lines of `type`: in a block of the pool (from buffer()), which goes to the
   * thread through the queue, or in an ArrayBuffer of their own, which is transferred. Either
   * way the caller must not touch the bytes again.
   */
  lines(type: string, bytes: Uint8Array): void {
    if (bytes.buffer === this.pool) {
      const block = Math.floor(bytes.byteOffset / POOL_BLOCK);
      const ti = this.types.get(type);
      if (this.stopped || this.ended || bytes.byteLength === 0 || ti === undefined || !this.room(POOL_BLOCK)) {
        this.spare.push(block);
        return;
      }
      Atomics.add(this.ctl, CTL.IN_FLIGHT, POOL_BLOCK);
      const t = this.qTail;
      const k = (t & (POOL_BLOCKS - 1)) * ENTRY;
      this.queue[k] = block;
      this.queue[k + 1] = ti;
      this.queue[k + 2] = bytes.byteLength;
      this.qTail = (t + 1) | 0;
      Atomics.store(this.ctl, CTL.Q_TAIL, this.qTail);
      // The thread is woken for a batch of blocks, not for each: waking a thread that sleeps
      // costs this one a system call (and, on a virtual machine, often the hypervisor's help).
      if (((this.qTail - Atomics.load(this.ctl, CTL.Q_HEAD)) | 0) >= WAKE_BLOCKS) this.wake();
      return;
    }
    if (this.stopped || this.ended || bytes.byteLength === 0 || !this.types.has(type)) return;
    // The whole ArrayBuffer travels (and is what waits in memory), not only the lines in it.
    const buf = bytes.buffer as ArrayBuffer;
    const size = buf.byteLength;
    if (!this.room(size)) return;
    Atomics.add(this.ctl, CTL.IN_FLIGHT, size);
    this.send({ kind: 'lines', type, bytes }, [buf]);
  }

  /** A buffer of `size` bytes for lines: a block of the pool when it is a block's size and one is free, else one of its own. */
  buffer(size: number): Buffer {
    if (size === POOL_BLOCK && !this.stopped && !this.ended) {
      if (this.spare.length === 0) this.reclaim();
      const b = this.spare.pop();
      if (b !== undefined) return Buffer.from(this.pool, b * POOL_BLOCK, POOL_BLOCK);
    }
    return Buffer.allocUnsafeSlow(size);
  }

  /** Takes back the blocks the thread has freed. */
  private reclaim(): void {
    const tail = Atomics.load(this.ctl, CTL.F_TAIL);
    let h = this.fHead;
    while (h !== tail) {
      this.spare.push(this.freed[h & (POOL_BLOCKS - 1)]);
      h = (h + 1) | 0;
    }
    this.fHead = h;
  }

  private send(m: FeedMessage, transfer: ArrayBuffer[] = []): void {
    // The blocks queued before it are taken before it (a snapshot holds the lines up to it).
    this.port.postMessage({ queued: this.qTail, m } satisfies FeedPost, transfer);
    this.wake();
  }

  private wake(): void {
    Atomics.add(this.ctl, CTL.WAKE, 1);
    Atomics.notify(this.ctl, CTL.WAKE);
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
    this.send({ kind: 'merge', state });
  }

  /** The first and last time of records not sent (AssetBuilder.span). */
  span(first: number, last: number): void {
    if (this.stopped || this.ended) return;
    this.send({ kind: 'span', first, last });
  }

  /**
   * Has the thread write the inventory so far (assets.json with `meta`, assets.csv,
   * graph.json, graph.graphml) into `dir`, each file replaced whole (a temporary file, then a
   * rename), while the records go on: a live capture's periodic files. `first`/`last`: the
   * span of the records so far, those not sent included.
   */
  snapshot(dir: string, meta: Record<string, unknown>, first: number, last: number): void {
    if (this.stopped || this.ended) return;
    this.sendText();
    this.span(first, last);
    this.send({ kind: 'snapshot', dir, meta });
  }

  /**
   * Sends what is pending and the end; resolves with the inventory's changes and counts, and
   * with `inventory` the whole inventory (rejects with E_WORKER when the thread failed, and
   * stops it). The thread stays for files(); terminate() stops it.
   */
  async end(inventory: boolean): Promise<FeedEnd> {
    if (this.stall !== null) {
      await this.terminate();
      throw this.stall;
    }
    if (!this.stopped && !this.ended) {
      this.sendText();
      this.ended = true;
      this.send({ kind: 'end', inventory });
    }
    this.ended = true;
    try {
      return await this.endReply;
    } catch (e) {
      await this.terminate();
      throw e;
    }
  }

  /** The whole inventory (end(true)); the thread is stopped. */
  async finish(): Promise<Inventory> {
    try {
      return (await this.end(true)).inventory!;
    } finally {
      await this.terminate();
    }
  }

  /**
   * After end(): has the thread write the final inventory's files into `dir`
   * (writeInventoryFiles, `meta` in assets.json); resolves with their paths. Rejects with
   * E_OUTPUT when a file could not be written, E_WORKER when the thread failed.
   */
  files(dir: string, meta: Record<string, unknown>, atomic: boolean): Promise<string[]> {
    if (this.failure !== null) return Promise.reject(this.failure);
    if (this.terminated) return Promise.reject(this.error('was stopped before it wrote the files'));
    const p = new Promise<string[]>((resolve, reject) => {
      this.settleFiles = { resolve, reject };
    });
    // Reported where it is awaited; until then a failure must not count as unhandled.
    p.catch(() => {});
    this.send({ kind: 'files', dir, meta, atomic });
    return p;
  }

  /** Stops the thread (at the end, or in a run that failed). */
  async terminate(): Promise<void> {
    this.ended = true;
    this.terminated = true;
    this.restorePriority();
    this.port.close();
    await this.worker.terminate();
    this.settleFiles?.reject(this.error('was stopped before it wrote the files'));
    this.settleFiles = null;
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
      // Whatever is queued is the thread's to take now (fewer than WAKE_BLOCKS may be).
      this.wake();
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
      `the asset inventory's thread ${what}; the record files and stats are complete, the inventory is not: ${this.retry}, and report the error`,
      cause !== undefined ? { cause } : {},
    );
  }
}
