// A worker thread that analyses uploaded captures into the database, so the API stays
// responsive while it runs. It posts progress and, at the end, the stats or the error.
import { parentPort, workerData } from 'node:worker_threads';
import { isPalisadeError } from '../core/errors.ts';
import { analyze } from '../pipeline/analyze.ts';

export interface JobInit {
  inputs: string[];
  db: string;
  /** The capture's name as the user uploaded it. */
  name: string;
}

export type JobMessage =
  | { kind: 'progress'; done: number; total: number }
  | { kind: 'done'; packets: number; flows: number; assets: number; errors: string[] }
  | { kind: 'error'; message: string };

const init = workerData as JobInit;
let last = 0;
try {
  const r = await analyze({
    inputs: init.inputs,
    db: init.db,
    captureName: init.name,
    onProgress: (done, total) => {
      const now = Date.now();
      if (now - last < 200 && done < total) return;
      last = now;
      parentPort!.postMessage({ kind: 'progress', done, total } satisfies JobMessage);
    },
  });
  parentPort!.postMessage({
    kind: 'done',
    packets: r.stats.packets,
    flows: r.stats.flows.ended,
    assets: r.stats.assets?.count ?? 0,
    errors: r.errors.map((e) => e.message),
  } satisfies JobMessage);
} catch (e) {
  parentPort!.postMessage({ kind: 'error', message: isPalisadeError(e) ? e.message : `internal error: ${(e as Error)?.message ?? String(e)}` } satisfies JobMessage);
}
