// Every capture of the corpus goes through `palisade analyze` (the command, as a user runs
// it, on the whole corpus directory): no crash, and the numbers add up. Then, file by file
// in-process: packets read = packets decoded + unsupported + malformed, and the malformed
// reasons add up to the malformed count.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CORPUS, HAVE_CORPUS, corpusCaptures } from './support/corpus.ts';
import { runCli } from './support/cli.ts';
import { runEngine } from './support/run-engine.ts';
import type { AnalysisStats } from '../src/pipeline/stats.ts';

const skip = HAVE_CORPUS ? false : 'corpus not found (../shared/corpus)';
const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);

test('palisade analyze reads the whole corpus directory without a crash, and its stats add up', { skip, timeout: 900_000 }, async () => {
  const out = mkdtempSync(join(tmpdir(), 'palisade-sweep-'));
  try {
    const r = await runCli(['analyze', CORPUS, '--out', out, '--no-summary']);
    // Some corpus captures are cut short on purpose: exit code 4 (damaged input, the rest kept).
    assert.ok(r.code === 0 || r.code === 4, `exit code ${r.code}\n${r.stderr.slice(-3000)}`);
    assert.doesNotMatch(r.stderr, /internal error|TypeError|RangeError|at .*\.ts:\d+/);
    const stats = JSON.parse(readFileSync(join(out, 'stats.json'), 'utf8')) as AnalysisStats;
    const captures = corpusCaptures();
    assert.equal(stats.inputs.length, captures.length, 'every capture file was an input');
    assert.equal(stats.packets, stats.inputs.reduce((a, i) => a + i.packets, 0), 'packets = sum over inputs');
    assert.equal(stats.packets, sum(stats.outcomes), 'every packet has exactly one outcome');
    assert.equal(stats.decoded + (stats.outcomes.unsupported ?? 0) + (stats.outcomes.malformed ?? 0), stats.packets);
    assert.equal(sum(stats.malformed), stats.outcomes.malformed ?? 0, 'malformed reasons add up');
    assert.equal(stats.internal_errors, 0, 'no packet hit a Palisade bug');
    assert.equal(stats.flows.created, stats.flows.ended, 'every flow ended and was written');
    const conns = readFileSync(join(out, 'conn.ndjson'), 'utf8').trimEnd().split('\n');
    assert.equal(conns.length, stats.flows.ended, 'one conn record per flow');
    for (const i of stats.inputs) if (i.error !== undefined) assert.match(i.error.code, /^E_(TRUNCATED|CORRUPT_RECORD|BAD_MAGIC|GZIP)$/, `${i.path}: ${i.error.code}`);
    assert.ok(stats.packets > 150_000, `${stats.packets} packets`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('per capture, packets read = decoded + unsupported + malformed', { skip, timeout: 900_000 }, async () => {
  const bad: string[] = [];
  for (const rel of corpusCaptures()) {
    const r = await runEngine([join(CORPUS, rel)]);
    const c = r.counters;
    const decoded = (c.outcomes.flow ?? 0) + (c.outcomes.ip_other ?? 0) + (c.outcomes.l2 ?? 0) + (c.outcomes.fragment ?? 0);
    if (decoded + (c.outcomes.unsupported ?? 0) + (c.outcomes.malformed ?? 0) !== c.packets) bad.push(`${rel}: outcomes do not add up`);
    if (sum(c.decode.malformed) !== (c.outcomes.malformed ?? 0)) bad.push(`${rel}: malformed reasons ${sum(c.decode.malformed)} != ${c.outcomes.malformed}`);
    if (c.internalErrors !== 0) bad.push(`${rel}: ${c.internalErrors} internal errors: ${c.firstInternalError}`);
  }
  assert.deepEqual(bad, []);
});
