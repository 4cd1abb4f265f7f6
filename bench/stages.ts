// `npm run bench:stages`: where the time of one `palisade analyze` goes, stage by stage, on one
// thread and in one process (no worker threads, no process start-up). Each pass reads the
// capture into an Engine and adds one stage:
//
//   engine    decode, flows, TCP reassembly, conn records built (no dissectors)
//   dissect   the same with every dissector: their records are built, then dropped
//   format    the same, every record also formatted as its NDJSON line (JSON.stringify)
//   write     the same, every line also written to its file (RecordOutput, in a temp dir)
//   assets    the same as write, every record also given to the inventory (AssetBuilder)
//
// The difference between two passes is what the added stage costs. Methodology and results:
// docs/benchmarks.md.
//
//   npm run bench:stages -- [--capture PATH] [--runs N]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readCapture } from '../src/capture/source.ts';
import { RecordOutput } from '../src/events/ndjson.ts';
import { Engine, type RecordFlow, type RecordSink } from '../src/pipeline/engine.ts';
import { defaultRegistry } from '../src/protocols/index.ts';
import { loadRegistry } from '../src/protocols/catalog.ts';
import { AssetBuilder } from '../src/assets/builder.ts';
import { MAPPERS } from '../src/assets/mappers.ts';
import { median } from './lib/measure.ts';
import { chooseCapture, ensureCapture, rel } from './lib/plant-mix.ts';
import { table } from './lib/report.ts';

const USAGE = `usage: npm run bench:stages -- [--capture PATH] [--runs N] [--only LIST]
  --capture PATH   capture to measure (default: $PALISADE_BENCH_CAPTURE, else bench/data/plant-mix.pcap, built when missing)
  --runs N         passes of each stage, interleaved; the median is reported (default 3)
  --only LIST      stages to run, comma-separated (default: all): engine, dissect, format, write, assets
                   (e.g. to profile one: node --cpu-prof bench/stages.ts --only dissect --runs 1)
See docs/benchmarks.md.`;

const STAGES = ['engine', 'dissect', 'format', 'write', 'assets'] as const;
type Stage = (typeof STAGES)[number];

/** Counts records; with `format`, makes each one's NDJSON line as RecordOutput would (and drops it). */
class Drop implements RecordSink {
  records = 0;
  /** Characters of the lines made (kept so that each line is used). */
  chars = 0;
  private readonly format: boolean;
  constructor(format: boolean) {
    this.format = format;
  }
  write(_type: string, record: object): void {
    this.records++;
    if (this.format) this.chars += JSON.stringify(record).length + 1;
  }
}

/** Writes records to files and gives them to the inventory. */
class Tee implements RecordSink {
  records = 0;
  private readonly out: RecordOutput;
  private readonly builder: AssetBuilder | null;
  constructor(out: RecordOutput, builder: AssetBuilder | null) {
    this.out = out;
    this.builder = builder;
  }
  write(type: string, record: object, flow?: RecordFlow): void {
    this.records++;
    this.out.write(type, record);
    this.builder?.write(type, record, flow);
  }
}

interface Pass {
  stage: Stage;
  seconds: number;
  packets: number;
  records: number;
}

async function pass(stage: Stage, capture: string): Promise<Pass> {
  const registry = stage === 'engine' ? await loadRegistry([]) : defaultRegistry();
  const dir = stage === 'write' || stage === 'assets' ? mkdtempSync(join(tmpdir(), 'palisade-stages-')) : null;
  const output = dir !== null ? new RecordOutput(dir) : null;
  const builder = stage === 'assets' ? new AssetBuilder(MAPPERS) : null;
  const sink: Drop | Tee = output !== null ? new Tee(output, builder) : new Drop(stage === 'format');
  const engine = new Engine(sink, { registry });
  try {
    const t0 = performance.now();
    await readCapture(capture, engine);
    engine.finish();
    if (builder !== null) builder.finalize();
    await output?.close();
    const seconds = (performance.now() - t0) / 1000;
    return { stage, seconds, packets: engine.counters().packets, records: sink.records };
  } finally {
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { capture: { type: 'string' }, runs: { type: 'string' }, only: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help === true) {
    console.log(USAGE);
    return;
  }
  const runs = values.runs !== undefined ? Number(values.runs) : 3;
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a whole number of at least 1 (got "${values.runs}")`);
  const only = values.only === undefined ? [...STAGES] : values.only.split(',').map((x) => x.trim());
  const bad = only.filter((x) => !(STAGES as readonly string[]).includes(x));
  if (bad.length > 0) throw new Error(`unknown stage${bad.length > 1 ? 's' : ''} ${bad.join(', ')}; the stages are ${STAGES.join(', ')}`);
  const stages = STAGES.filter((x) => only.includes(x));
  const capture = await ensureCapture(chooseCapture(values.capture), (line) => console.log(line));
  console.log(`Capture: ${rel(capture)}; ${runs} pass${runs === 1 ? '' : 'es'} of each stage, interleaved, on this thread\n`);
  const byStage = new Map<Stage, Pass[]>(stages.map((s) => [s, []]));
  for (let r = 1; r <= runs; r++) {
    for (const s of stages) {
      const p = await pass(s, capture);
      byStage.get(s)!.push(p);
      console.log(`  pass ${r}/${runs}  ${s.padEnd(8)} ${p.seconds.toFixed(2)} s  ${p.records.toLocaleString('en-US')} records`);
    }
  }
  const med = (s: Stage) => median(byStage.get(s)!.map((p) => p.seconds));
  // Ratios need the engine pass, and each "added" figure the stage before it.
  const engine = byStage.has('engine') ? med('engine') : NaN;
  const rows: string[][] = [['stage', 'median s', 'records', 'over engine', 'added by this stage', 'added / engine']];
  for (const s of stages) {
    const t = med(s);
    const before = STAGES[STAGES.indexOf(s) - 1];
    const prev = before !== undefined && byStage.has(before) ? med(before) : NaN;
    const added = Number.isFinite(prev) ? `${(t - prev).toFixed(2)} s` : '';
    const share = Number.isFinite(prev) && Number.isFinite(engine) ? `${(((t - prev) / engine) * 100).toFixed(0)}%` : '';
    rows.push([s, t.toFixed(2), byStage.get(s)![0].records.toLocaleString('en-US'), Number.isFinite(engine) ? `${(t / engine).toFixed(2)}×` : '', added, share]);
  }
  console.log('\n' + table(rows));
  console.log(`\n  packets per pass: ${byStage.get(stages[0])![0].packets.toLocaleString('en-US')}`);
}

main().catch((e: unknown) => {
  console.error(`bench:stages: ${(e as Error)?.message ?? String(e)}`);
  process.exitCode = 1;
});
