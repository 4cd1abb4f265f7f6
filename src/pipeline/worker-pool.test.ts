// Worker threads started ahead (prestartWorkers, as the CLI does for --workers N): analyze()
// gives them their init and runs on them; one that failed before gets a clear error.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { analyze } from './analyze.ts';
import { prestartWorkers } from './worker-pool.ts';
import { isPalisadeError } from '../core/errors.ts';

const CAPTURE = new URL('../protocols/modbus/fixtures/modbus-gateway.pcap', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'palisade-pool-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('analyze runs on the workers started ahead, and gives the records of one thread', async () => {
  const one = await analyze({ inputs: [CAPTURE], outDir: join(tmp, 'w1'), workers: 1 });
  const started = prestartWorkers(1);
  const exited = once(started[0].worker, 'exit');
  const two = await analyze({ inputs: [CAPTURE], outDir: join(tmp, 'w2'), workers: 2, prestarted: started });
  assert.equal(two.stats.packets, one.stats.packets);
  assert.equal(readFileSync(join(tmp, 'w2', 'conn.ndjson'), 'utf8'), readFileSync(join(tmp, 'w1', 'conn.ndjson'), 'utf8'));
  // It did the run: it ends by itself after its last message (one left waiting would not).
  assert.deepEqual(await exited, [0]);
});

test('a worker started ahead that failed before the run is an E_WORKER error, not a hang', async () => {
  const started = prestartWorkers(1);
  await started[0].worker.terminate();
  await assert.rejects(analyze({ inputs: [CAPTURE], outDir: join(tmp, 'dead'), workers: 2, prestarted: started }), (e: unknown) => {
    assert.ok(isPalisadeError(e), String(e));
    assert.equal(e.code, 'E_WORKER');
    assert.match(e.message, /worker 0 exited with code \d+ before it started/);
    return true;
  });
});
