// A worker thread of `palisade analyze --workers N`: reads frames from its ring, runs an
// Engine, and posts records back to the main thread in batches.
import { parentPort, workerData } from 'node:worker_threads';
import type { FlowConfig } from '../flow/flow-table.ts';
import { Engine, type RecordSink } from './engine.ts';
import { registryFor } from '../protocols/index.ts';
import { RingReader, markRingFailed, type RingBuffers } from './frame-ring.ts';

export interface WorkerInit {
  ring: RingBuffers;
  flow: Partial<FlowConfig>;
  /** Only these protocols are dissected (undefined: all). */
  protocols?: string[];
}

export type WorkerMessage =
  | { kind: 'records'; batch: [string, object][] }
  | { kind: 'done'; counters: ReturnType<Engine['counters']> }
  | { kind: 'error'; message: string; stack?: string };

const BATCH = 2048;

class Batcher implements RecordSink {
  batch: [string, object][] = [];
  write(type: string, record: object): void {
    this.batch.push([type, record]);
    if (this.batch.length >= BATCH) this.flush();
  }
  flush(): void {
    if (this.batch.length === 0) return;
    const msg: WorkerMessage = { kind: 'records', batch: this.batch };
    parentPort!.postMessage(msg);
    this.batch = [];
  }
}

function run(): void {
  const init = workerData as WorkerInit;
  const out = new Batcher();
  const engine = new Engine(out, { flow: init.flow, registry: init.protocols !== undefined ? registryFor(init.protocols) : undefined });
  const reader = new RingReader(init.ring);
  const sink = (f: Parameters<Engine['frame']>[0], epoch: number, now: number) => engine.frameAt(f, epoch, now);
  while (reader.next(sink)) {
    // each call processes one slot of frames
  }
  engine.finish();
  out.flush();
  const msg: WorkerMessage = { kind: 'done', counters: engine.counters() };
  parentPort!.postMessage(msg);
}

try {
  run();
} catch (e) {
  markRingFailed((workerData as WorkerInit).ring);
  const err = e as Error;
  const msg: WorkerMessage = { kind: 'error', message: String(err?.message ?? e), stack: err?.stack };
  parentPort!.postMessage(msg);
}
