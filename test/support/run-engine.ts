// Runs the pipeline in-process on capture files and returns the records (no files written):
// the shortest path for differential tests. The CLI itself is tested through its process.
import { readCapture } from '../../src/capture/source.ts';
import { isPalisadeError } from '../../src/core/errors.ts';
import type { FlowConfig } from '../../src/flow/flow-table.ts';
import { Engine, type EngineCounters } from '../../src/pipeline/engine.ts';
import { defaultRegistry } from '../../src/protocols/index.ts';

export interface EngineRun {
  records: Map<string, object[]>;
  counters: EngineCounters;
  /** Error code of the capture (e.g. E_TRUNCATED), if reading stopped early. */
  error?: string;
}

export async function runEngine(paths: string[], flow: Partial<FlowConfig> = {}): Promise<EngineRun> {
  const records = new Map<string, object[]>();
  const engine = new Engine(
    {
      write(type, rec) {
        let l = records.get(type);
        if (l === undefined) records.set(type, (l = []));
        l.push(rec);
      },
    },
    { flow, registry: defaultRegistry() },
  );
  let error: string | undefined;
  for (const p of paths) {
    try {
      await readCapture(p, engine);
    } catch (e) {
      if (!isPalisadeError(e)) throw e;
      error = e.code;
    }
  }
  engine.finish();
  return { records, counters: engine.counters(), error };
}
