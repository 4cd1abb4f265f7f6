// Worker threads for `palisade analyze --workers N`, started before the run is set up: a
// thread's start (a V8 isolate, then the pipeline's modules, about 0.2 s) then overlaps the
// main thread's own module loading instead of following it. This module loads nothing of the
// pipeline, so the CLI can call it first. analyze() hands each started worker its WorkerInit
// as its first message (see worker.ts).
import { Worker } from 'node:worker_threads';

/** A started worker, and what became of it before analyze() took it (a failed start). */
export interface StartedWorker {
  worker: Worker;
  /** Set when the thread failed or exited before it was given its init. */
  early: { error?: Error; exitCode?: number };
}

/**
 * Workers waiting for their init; they do not keep the process alive until they get it.
 * `protocols`: the run's (undefined: all), which they load meanwhile.
 */
export function prestartWorkers(n: number, protocols?: string[]): StartedWorker[] {
  const out: StartedWorker[] = [];
  for (let i = 0; i < n; i++) {
    const worker = new Worker(new URL('./worker.ts', import.meta.url), { workerData: { preload: { protocols } } });
    worker.unref();
    const s: StartedWorker = { worker, early: {} };
    worker.once('error', (e) => {
      s.early.error ??= e;
    });
    worker.once('exit', (code) => {
      s.early.exitCode ??= code;
    });
    out.push(s);
  }
  return out;
}
