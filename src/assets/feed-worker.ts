// The asset inventory's thread (see feed.ts): NDJSON lines in, one AssetBuilder, the
// inventory out. Records of one flow (one uid) share a flow object, as the engine's records
// share their flow's (RecordFlow): the builder keeps the flow's entities and edge on it.
//
// The thread does not run its event loop while records come: it takes the blocks of lines
// from the queue in shared memory and the messages from its port, and waits in Atomics.wait
// when there is neither. Its replies go out through parentPort.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { AssetBuilder, type Inventory } from './builder.ts';
import { LINE_NEEDS, mappersFor } from './mappers.ts';
import { preloadOui } from './oui.ts';
import { isPalisadeError } from '../core/errors.ts';
import { yieldThisThread } from '../core/thread-priority.ts';
import { CTL, ENTRY, THREAD_NICE, WAIT_MS, POOL_BLOCK, POOL_BLOCKS, assetCounts, writeInventoryFiles, type FeedInit, type FeedMessage, type FeedPost, type FeedReply } from './feed.ts';

const init = workerData as FeedInit;

// This thread yields to the main thread, the run's critical path on a machine with few cores
// (with one engine, V8's helper threads share this priority: AssetFeed's yieldV8Helpers).
yieldThisThread(THREAD_NICE);
const ctl = new Int32Array(init.ctl);
const queue = new Int32Array(init.queue);
const freed = new Int32Array(init.freed);
const builder = new AssetBuilder(mappersFor({ profinetVendors: init.profinetVendors !== undefined ? new Map(init.profinetVendors) : undefined }));
const decoder = new TextDecoder();

/** Flow objects by uid; a cache (the builder looks up what it does not find on one), so cleared when large. */
const flows = new Map<string, { assets: unknown }>();
const MAX_FLOWS = 1 << 17;

function flowOf(uid: unknown): { assets: unknown } | undefined {
  if (typeof uid !== 'string') return undefined;
  let f = flows.get(uid);
  if (f === undefined) {
    if (flows.size >= MAX_FLOWS) flows.clear();
    flows.set(uid, (f = { assets: undefined }));
  }
  return f;
}

/**
 * Lines are decoded a piece at a time: a string of a whole buffer (256 KiB) would be a large
 * object in V8's heap, mapped and unmapped for each buffer.
 */
const PIECE = 1 << 15;

function lines(type: string, bytes: Uint8Array): void {
  const n = bytes.length;
  let from = 0;
  while (from < n) {
    let to = n;
    if (n - from > PIECE) {
      const nl = bytes.lastIndexOf(0x0a, from + PIECE - 1);
      if (nl >= from) to = nl + 1;
      else {
        // A line longer than a piece is decoded whole.
        const end = bytes.indexOf(0x0a, from + PIECE);
        if (end >= 0) to = end + 1;
      }
    }
    piece(type, decoder.decode(bytes.subarray(from, to)));
    from = to;
  }
}

function piece(type: string, text: string): void {
  const need = LINE_NEEDS.get(type);
  /** Where `need` is next in the text, at or after `at` (-1: nowhere); looked for again once passed. */
  let hit = -2;
  let at = 0;
  for (;;) {
    const nl = text.indexOf('\n', at);
    const end = nl < 0 ? text.length : nl;
    if (end > at) {
      if (need !== undefined && hit < at && hit !== -1) hit = text.indexOf(need, at);
      if (need === undefined || (hit >= 0 && hit < end)) {
        const r = JSON.parse(text.slice(at, end)) as Record<string, unknown>;
        builder.write(type, r, flowOf(r.uid));
      } else builder.passed(type);
    }
    if (nl < 0) break;
    at = nl + 1;
  }
}

/** One buffer of lines processed: the reader may go on (back-pressure, stall watch). */
function processed(bytes: number): void {
  Atomics.sub(ctl, CTL.IN_FLIGHT, bytes);
  Atomics.add(ctl, CTL.PROGRESS, 1);
  Atomics.notify(ctl, CTL.IN_FLIGHT);
}

let qHead = 0;
let fTail = 0;

/** Takes the blocks of the queue up to entry count `tail`; false when there was none. */
function drain(tail: number): boolean {
  if (qHead === tail) return false;
  while (qHead !== tail) {
    const k = (qHead & (POOL_BLOCKS - 1)) * ENTRY;
    const block = queue[k];
    try {
      lines(init.types[queue[k + 1]], new Uint8Array(init.pool, block * POOL_BLOCK, queue[k + 2]));
    } finally {
      qHead = (qHead + 1) | 0;
      Atomics.store(ctl, CTL.Q_HEAD, qHead);
      freed[fTail & (POOL_BLOCKS - 1)] = block;
      fTail = (fTail + 1) | 0;
      Atomics.store(ctl, CTL.F_TAIL, fTail);
      processed(POOL_BLOCK);
    }
  }
  return true;
}

/** The inventory made at the end (its files are written from it). */
let final: Inventory | null = null;

/** Handles a message. */
function handle(m: FeedMessage): void {
  if (m.kind === 'lines') {
    try {
      lines(m.type, m.bytes);
    } finally {
      processed(m.bytes.buffer.byteLength);
    }
  } else if (m.kind === 'merge') builder.mergeState(m.state);
  else if (m.kind === 'span') builder.span(m.first, m.last);
  else if (m.kind === 'snapshot') snapshot(m.dir, m.meta);
  else if (m.kind === 'end') {
    const inv = (final = builder.finalize());
    // The inventory travels only when asked: cloning it costs this thread and the main one.
    parentPort!.postMessage({ kind: 'end', changes: inv.changes, counts: assetCounts(inv), inventory: m.inventory ? inv : null } satisfies FeedReply);
  } else {
    const inv = (final ??= builder.finalize());
    try {
      parentPort!.postMessage({ kind: 'files', written: writeInventoryFiles(m.dir, inv, m.meta, m.atomic) } satisfies FeedReply);
    } catch (e) {
      if (!isPalisadeError(e)) throw e;
      parentPort!.postMessage({ kind: 'files-failed', message: e.message, file: e.file ?? m.dir } satisfies FeedReply);
    }
  }
}

/** The inventory so far into `dir`, each file replaced whole; a file that cannot be written is reported, and the thread goes on. */
function snapshot(dir: string, meta: Record<string, unknown>): void {
  try {
    writeInventoryFiles(dir, builder.finalize(), meta, true);
  } catch (e) {
    if (!isPalisadeError(e)) throw e;
    parentPort!.postMessage({ kind: 'snapshot-failed', message: e.message, file: e.file ?? dir } satisfies FeedReply);
  }
}

function run(): void {
  /** A message read from the port, handled once the blocks queued before it are. */
  let pending: FeedPost | undefined;
  for (;;) {
    const wake = Atomics.load(ctl, CTL.WAKE);
    // The tail first: a message sent before any of these blocks was queued is on the port by now.
    const tail = Atomics.load(ctl, CTL.Q_TAIL);
    pending ??= receiveMessageOnPort(init.port)?.message as FeedPost | undefined;
    let busy = drain(pending !== undefined ? pending.queued : tail);
    if (pending !== undefined && qHead === pending.queued) {
      const m = pending.m;
      pending = undefined;
      handle(m);
      busy = true;
    }
    // The main thread bumps WAKE after a batch of blocks (WAKE_BLOCKS), each message it posts,
    // and when it waits for room. After the end the thread waits for files() until it is stopped.
    if (!busy) Atomics.wait(ctl, CTL.WAKE, wake, WAIT_MS);
  }
}

// The MAC vendor table is read first, while the first records come.
preloadOui();
try {
  run();
} catch (e) {
  Atomics.store(ctl, CTL.FAILED, 1);
  Atomics.notify(ctl, CTL.IN_FLIGHT);
  const err = e as Error;
  parentPort!.postMessage({ kind: 'error', message: String(err?.message ?? e), stack: err?.stack } satisfies FeedReply);
}
init.port.close();
