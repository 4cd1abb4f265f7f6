// The asset inventory's thread (see feed.ts): NDJSON lines in, one AssetBuilder, the
// inventory out. Records of one flow (one uid) share a flow object, as the engine's records
// share their flow's (RecordFlow): the builder keeps the flow's entities and edge on it.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { AssetBuilder } from './builder.ts';
import { mappersFor } from './mappers.ts';
import { preloadOui } from './oui.ts';
import { CTL, graphFiles, type FeedFree, type FeedInit, type FeedMessage, type FeedReply } from './feed.ts';

const init = workerData as FeedInit;

// This thread yields to the others of the process: on a machine with few cores the main
// thread's garbage collector and compiler helper threads then find the core they use free.
// On Linux a thread's id names it to setpriority; /proc/thread-self resolves to the caller's.
try {
  const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
  if (Number.isInteger(tid) && tid > 0) setPriority(tid, 10);
} catch {
  // Not Linux, or not allowed: the thread runs at the process's priority.
}
const ctl = new Int32Array(init.ctl);
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
  let at = 0;
  for (;;) {
    const nl = text.indexOf('\n', at);
    const end = nl < 0 ? text.length : nl;
    if (end > at) {
      const r = JSON.parse(text.slice(at, end)) as Record<string, unknown>;
      builder.write(type, r, flowOf(r.uid));
    }
    if (nl < 0) break;
    at = nl + 1;
  }
}

function handle(m: FeedMessage): void {
  if (m.kind === 'lines') {
    const buffer = m.bytes.buffer as ArrayBuffer;
    try {
      lines(m.type, m.bytes);
    } finally {
      Atomics.sub(ctl, CTL.IN_FLIGHT, buffer.byteLength);
      Atomics.add(ctl, CTL.PROGRESS, 1);
      Atomics.notify(ctl, CTL.IN_FLIGHT);
    }
    init.free.postMessage({ buffer } satisfies FeedFree, [buffer]);
  } else if (m.kind === 'merge') builder.mergeState(m.state);
  else if (m.kind === 'span') builder.span(m.first, m.last);
  else {
    const inventory = builder.finalize();
    parentPort!.postMessage({ kind: 'inventory', inventory } satisfies FeedReply);
    if (m.graphs) parentPort!.postMessage({ kind: 'graphs', files: graphFiles(inventory) } satisfies FeedReply);
  }
}

// The MAC vendor table is read now, while the records come, instead of in finalize.
setImmediate(preloadOui);

let failed = false;
parentPort!.on('message', (m: FeedMessage) => {
  if (failed) return;
  try {
    handle(m);
  } catch (e) {
    failed = true;
    Atomics.store(ctl, CTL.FAILED, 1);
    Atomics.notify(ctl, CTL.IN_FLIGHT);
    const err = e as Error;
    parentPort!.postMessage({ kind: 'error', message: String(err?.message ?? e), stack: err?.stack } satisfies FeedReply);
  }
});
