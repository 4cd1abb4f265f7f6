// `npm run bench`: Palisade and its peers (ndpiReader, tshark) on one capture, side by side, in
// one run, so that every ratio compares numbers measured minutes apart on the same machine.
// Methodology, columns and results: docs/benchmarks.md.
//
//   npm run bench -- [--capture PATH] [--runs N] [--only palisade,ndpiReader,tshark] [--memory]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { captureFacts, formatFacts, type CaptureFacts } from './lib/capture-facts.ts';
import { BenchError } from './lib/errors.ts';
import { GNU_TIME, REPO, median, rssMethod } from './lib/measure.ts';
import { capinfosPackets, chooseCapture, ensureCapture, rel } from './lib/plant-mix.ts';
import { describeMachine, fmt, loadNote, machine, table, type Machine } from './lib/report.ts';
import { runOnce, summarize, type RunRecord, type Summary } from './lib/runner.ts';
import { ALL_TOOLS, REPEAT, INSTALL_HINT, isInstalled, versionOf, type Family, type Tool } from './lib/tools.ts';
import { fingerprint, sourceState } from './lib/source-state.ts';
import { runMemory, type MemoryResult } from './memory.ts';

const USAGE = `usage: npm run bench -- [options]
  --capture PATH   capture to benchmark (default: $PALISADE_BENCH_CAPTURE, else bench/data/plant-mix.pcap, built when missing)
  --runs N         runs of each tool; the median is reported (default 3)
  --only LIST      tools to run, comma-separated: palisade, ndpiReader, tshark (default: all)
  --memory         also run bench/memory.ts (peak RSS on half and whole capture)
  -h, --help       this help
See docs/benchmarks.md.`;

export const RESULTS = join(REPO, 'bench', 'results', 'latest.json');

/** Slowest run over fastest run of a tool beyond which the bench warns that the machine was busy. */
const NOISY_SPREAD = 1.5;

const FAMILIES: Record<string, Family> = { palisade: 'palisade', ndpireader: 'ndpiReader', ndpi: 'ndpiReader', tshark: 'tshark' };

interface Options {
  capture: string | undefined;
  runs: number;
  only: Set<Family>;
  memory: boolean;
}

interface ToolResult {
  id: string;
  label: string;
  family: Family;
  version: string;
  command: string[];
  runs: RunRecord[];
  median: Summary | undefined;
  /** Palisade only: medians of its own stats.json figures over the runs. */
  palisade_stats?: { packets: number; flows: number; elapsed_seconds: number; packets_per_second: number };
  /** Why the tool has no valid result (it failed, or read the wrong number of packets). */
  error?: string;
}

interface Results {
  schema: 1;
  date: string;
  machine: Machine;
  load_average_1min: { start: number; end: number };
  /** The Palisade that was measured; changed_during_run makes the result invalid. */
  palisade_source: { commit: string | null; uncommitted_changes: boolean | null; changed_during_run: boolean };
  capture: {
    path: string;
    source: string;
    file_bytes: number;
    format: string;
    packets: number;
    capinfos_packets: number | null;
    data_bytes: number;
    captured_bytes: number;
    first_ts: number | null;
    last_ts: number | null;
  };
  method: { runs: number; statistic: 'median'; order: 'interleaved'; warm_up: string; rss: string };
  tools: ToolResult[];
  skipped: { tool: Family; reason: string }[];
  ratios: Record<string, number>;
  /** Flows-only packets/s past start-up and warm-up, per worker count: (REPEAT - 1) × packets over elapsed(×REPEAT run) - elapsed(×1 run). */
  sustained_packets_per_second: Record<string, number>;
  memory?: MemoryResult;
  valid: boolean;
}

function parseOptions(argv: string[]): Options | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        capture: { type: 'string' },
        runs: { type: 'string', default: '3' },
        only: { type: 'string', multiple: true },
        memory: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (e) {
    throw new BenchError('E_USAGE', (e as Error).message);
  }
  if (values.help) return 'help';
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new BenchError('E_USAGE', `--runs must be a whole number of at least 1 (got "${values.runs}")`);
  const only = new Set<Family>();
  for (const name of (values.only ?? ['palisade,ndpiReader,tshark']).flatMap((v) => v.split(','))) {
    const f = FAMILIES[name.trim().toLowerCase()];
    if (f === undefined) throw new BenchError('E_USAGE', `--only: unknown tool "${name}" (choose from palisade, ndpiReader, tshark)`);
    only.add(f);
  }
  return { capture: values.capture, runs, only, memory: values.memory };
}

async function bench(o: Options): Promise<number> {
  const log = (line: string) => process.stdout.write(line + '\n');
  const date = new Date();
  const source = await sourceState();
  const mach = machine();
  log(`Palisade benchmark, ${date.toISOString()}`);
  log(describeMachine(mach));

  // The capture, and the facts every tool's packet count is checked against.
  const choice = chooseCapture(o.capture);
  const capture = await ensureCapture(choice, log);
  log(`\nCapture (${choice.source}); reading it once, untimed, to count its packets and warm the page cache ...`);
  const facts = await captureFacts(capture);
  const capinfos = await capinfosPackets(capture);
  for (const l of formatFacts(facts, capinfos)) log(`  ${l}`);
  if (capinfos !== undefined && capinfos !== facts.packets) {
    throw new BenchError('E_CAPTURE', `capinfos counts ${capinfos} packets in ${capture} but reading it gives ${facts.packets}; the file may be damaged (rebuild it)`);
  }

  const method = await rssMethod();
  const rssDoc = method === 'gnu-time' ? `GNU time (${GNU_TIME} -f '%e %M %U %S'): ru_maxrss of the child at exit` : 'polling /proc/<pid>/status VmHWM every 20 ms';
  if (method !== 'gnu-time') log(`\n${GNU_TIME} (GNU time) not found: apt-get install time; peak RSS and CPU are read by polling /proc/<pid> instead (may miss the last 20 ms)`);

  // Which tools run: the ones asked for, minus peers that are not installed.
  const skipped: Results['skipped'] = [];
  const tools: Tool[] = [];
  for (const f of o.only) {
    if (isInstalled(f)) tools.push(...ALL_TOOLS.filter((t) => t.family === f));
    else {
      log(`${f} not found: ${INSTALL_HINT[f]}`);
      skipped.push({ tool: f, reason: `not installed (${INSTALL_HINT[f]})` });
    }
  }
  if (!tools.some((t) => t.family === 'palisade')) log('(palisade not selected: no palisade ratios)');
  const versions = new Map<Family, string>();
  for (const f of new Set(tools.map((t) => t.family))) versions.set(f, await versionOf(f));
  log('');
  for (const [f, v] of versions) {
    const at = f === 'palisade' && source.commit !== undefined ? ` at ${source.commit.slice(0, 12)}${source.dirty ? ' + uncommitted changes' : ''}` : '';
    log(`${f} ${v}${at}`);
  }

  const results: ToolResult[] = tools.map((t) => {
    const { cmd, args } = t.command(rel(capture), '$TMP');
    return { id: t.id, label: t.label, family: t.family, version: versions.get(t.family)!, command: [cmd, ...args].map((a) => (a.startsWith('/') ? rel(a) : a)), runs: [], median: undefined };
  });
  const load0 = loadNote(mach.cores);
  log(`\nMeasuring: ${o.runs} run${o.runs === 1 ? '' : 's'} of each tool, one at a time, interleaved; peak RSS by ${method === 'gnu-time' ? 'GNU time' : '/proc VmHWM polling'}.`);
  if (load0.warning !== undefined) log(`warning: ${load0.warning}`);

  const work = mkdtempSync(join(tmpdir(), 'palisade-bench-'));
  try {
    // Round-robin (every tool once per round) rather than all runs of one tool in a row, so a
    // change in the machine's load during the bench touches every tool alike.
    for (let i = 1; i <= o.runs; i++) {
      for (const [k, tool] of tools.entries()) {
        const res = results[k];
        if (res.error !== undefined) continue;
        try {
          const rec = await runOnce(tool, capture, facts.packets * (tool.repeat ?? 1), work, method, `${tool.id}-${i}`);
          res.runs.push(rec);
          const cpu = rec.cpu_user_seconds !== undefined && rec.cpu_sys_seconds !== undefined ? rec.cpu_user_seconds + rec.cpu_sys_seconds : undefined;
          log(`  run ${i}/${o.runs}  ${tool.label.padEnd(19)} ${fmt.secs(rec.wall_seconds).padStart(7)} s  ${fmt.mb(rec.peak_rss_bytes).padStart(5)} MB  ${fmt.secs(cpu).padStart(7)} CPU s`);
        } catch (e) {
          if (!(e instanceof BenchError)) throw e;
          res.error = e.message;
          log(`  run ${i}/${o.runs}  ${tool.label.padEnd(19)} ERROR: ${e.message}`);
        }
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const load1 = loadNote(mach.cores);

  for (const [k, r] of results.entries()) {
    if (r.error !== undefined) continue;
    r.median = summarize(r.runs, facts.packets * (tools[k].repeat ?? 1));
    if (r.family === 'palisade') {
      const p = r.runs.map((x) => x.palisade!);
      r.palisade_stats = {
        packets: p[0].packets,
        flows: p[0].flows,
        elapsed_seconds: median(p.map((x) => x.elapsed_seconds)),
        packets_per_second: median(p.map((x) => x.packets_per_second)),
      };
    }
  }

  // Both worker counts must have done the same work: the packet count alone does not show it
  // (a run that decodes nothing still reads every packet). Every engine ends flows on the
  // capture's clock, so the flows must be exactly the same: any difference is a bug.
  for (const sfx of ['', '-flows', `-flows-x${REPEAT}`]) {
    const p1 = results.find((r) => r.id === `palisade-w1${sfx}`);
    const p2 = results.find((r) => r.id === `palisade-w2${sfx}`);
    if (p1?.palisade_stats !== undefined && p2?.palisade_stats !== undefined && p1.palisade_stats.flows !== p2.palisade_stats.flows) {
      const a = p1.palisade_stats.flows;
      const b = p2.palisade_stats.flows;
      const msg = `palisade found ${a} flows with 1 worker but ${b} with 2 workers`;
      p2.error = `${msg}: the two runs did not do the same work (a bug: they must find the same flows), so their times cannot be compared`;
      p2.median = undefined;
    }
  }

  // The side-by-side table.
  log(`\nResults: median of ${o.runs} run${o.runs === 1 ? '' : 's'}; ${facts.packets.toLocaleString('en-US')} packets, ${fmt.mb(facts.fileBytes)} MB`);
  log(
    table([
      ['tool', 'wall s', 'min s', 'max s', 'packets/s', 'peak RSS MB', 'CPU s', 'packets checked'],
      ...results.map((r) =>
        r.median === undefined
          ? [r.label, 'FAILED', '', '', '', '', '', '']
          : [
              r.label,
              fmt.secs(r.median.wall_seconds),
              fmt.secs(r.median.wall_seconds_min),
              fmt.secs(r.median.wall_seconds_max),
              fmt.rate(r.median.packets_per_second),
              fmt.mb(r.median.peak_rss_bytes),
              fmt.secs(r.median.cpu_seconds),
              r.runs[0].packets === undefined ? 'n/a' : 'yes',
            ],
      ),
    ]),
  );

  // Ratios of median wall times, all from this run. The CPU-time ratio is printed beside it
  // because it moves less when other processes compete for the CPUs; the wall ratio is the
  // headline (it is what a user waits for, and the only one that shows parallel speed-up).
  const wall = (id: string) => results.find((r) => r.id === id)?.median?.wall_seconds;
  const cpu = (id: string) => results.find((r) => r.id === id)?.median?.cpu_seconds;
  // The same ratio taken in each round (the two runs next to each other in time), and the
  // median of those: a drift of the machine's speed during the bench moves it less.
  const roundRatio = (a: string, b: string): number | undefined => {
    const ra = results.find((r) => r.id === a);
    const rb = results.find((r) => r.id === b);
    if (ra?.median === undefined || rb?.median === undefined) return undefined;
    const n = Math.min(ra.runs.length, rb.runs.length);
    return n === 0 ? undefined : median(Array.from({ length: n }, (_, i) => ra.runs[i].wall_seconds / rb.runs[i].wall_seconds));
  };
  const ratios: Record<string, number> = {};
  const ratioLines: string[][] = [['ratio', 'wall', 'per round', 'CPU', 'meaning (wall)']];
  const perRound = (key: string, a: string, b: string): string => {
    const r = roundRatio(a, b);
    if (r !== undefined) ratios[`${key}:rounds`] = r;
    return fmt.ratio(r);
  };
  for (const [p, pl] of [['palisade-w1', 'palisade 1 worker'], ['palisade-w2', 'palisade 2 workers'], ['palisade-w1-flows', 'palisade 1 worker, flows only'], ['palisade-w2-flows', 'palisade 2 workers, flows only']]) {
    for (const [peer, peerLabel] of [['ndpireader', 'ndpiReader'], ['tshark', 'tshark']]) {
      const a = wall(p);
      const b = wall(peer);
      if (a === undefined || b === undefined) continue;
      ratios[`${p}/${peer}`] = a / b;
      const ca = cpu(p);
      const cb = cpu(peer);
      const cr = ca !== undefined && cb !== undefined ? ca / cb : undefined;
      if (cr !== undefined) ratios[`${p}/${peer}:cpu`] = cr;
      ratioLines.push([`${pl} / ${peerLabel}`, fmt.ratio(a / b), perRound(`${p}/${peer}`, p, peer), fmt.ratio(cr), a / b > 1 ? `palisade takes ${(a / b).toFixed(2)}× as long` : `palisade is ${(b / a).toFixed(2)}× as fast`]);
    }
  }
  for (const sfx of ['', '-flows', `-flows-x${REPEAT}`]) {
    const w1 = wall(`palisade-w1${sfx}`);
    const w2 = wall(`palisade-w2${sfx}`);
    if (w1 !== undefined && w2 !== undefined) {
      ratios[`speedup-w2-vs-w1${sfx}`] = w1 / w2;
      ratioLines.push([`speedup, 2 workers vs 1${sfx === '' ? '' : sfx === '-flows' ? ', flows only' : `, flows only, capture ×${REPEAT}`}`, fmt.ratio(w1 / w2), perRound(`speedup-w2-vs-w1${sfx}`, `palisade-w1${sfx}`, `palisade-w2${sfx}`), '-', 'wall(1 worker) / wall(2 workers); above 1 is faster']);
    }
  }
  // What each stage adds, from runs that leave it out (wall and CPU of the longer over the shorter).
  for (const [id, a, b, label, meaning] of [
    ['dissect-and-assets-cost-w1', 'palisade-w1', 'palisade-w1-flows', 'palisade 1 worker / flows only', 'what the dissectors and the inventory cost'],
    ['dissect-cost-w1', 'palisade-w1-noassets', 'palisade-w1-flows', 'no inventory / flows only', 'what the dissectors (and their record files) cost'],
    ['asset-stage-cost-w1', 'palisade-w1', 'palisade-w1-noassets', 'palisade 1 worker / no inventory', 'what the inventory (asset stage) costs'],
    ['zeek-format-cost-w1', 'palisade-w1-zeek', 'palisade-w1', 'Zeek logs / NDJSON', 'what writing Zeek logs (and NDJSON lines for the inventory) costs'],
  ] as const) {
    const x = wall(a);
    const y = wall(b);
    if (x === undefined || y === undefined) continue;
    ratios[id] = x / y;
    const cr = (cpu(a) ?? NaN) / (cpu(b) ?? NaN);
    if (Number.isFinite(cr)) ratios[`${id}:cpu`] = cr;
    ratioLines.push([label, fmt.ratio(x / y), perRound(id, a, b), fmt.ratio(cr), meaning]);
  }
  if (ratioLines.length > 1) log('\n' + table(ratioLines, 'lrrrl'));

  // Palisade's own account of the same runs.
  const pal = results.filter((r) => r.palisade_stats !== undefined && r.median !== undefined);
  if (pal.length > 0) {
    log('\nPalisade stats.json (median over runs; elapsed excludes Node.js start-up and module loading, wall includes them)');
    log(
      table([
        ['run', 'packets', 'flows', 'elapsed s', 'packets/s', 'wall s', 'wall − elapsed s'],
        ...pal.map((r) => {
          const s = r.palisade_stats!;
          return [r.label, String(s.packets), String(s.flows), fmt.secs(s.elapsed_seconds), fmt.rate(s.packets_per_second), fmt.secs(r.median!.wall_seconds), fmt.secs(r.median!.wall_seconds - s.elapsed_seconds)];
        }),
      ]),
    );
    log(`  packets read by palisade = ${facts.packets} in the capture${capinfos !== undefined ? ' (capinfos agrees)' : ''} (× ${REPEAT} for the runs given it ${REPEAT} times): every run checked`);
  }
  // The rate past start-up and JIT warm-up: the capture's extra copies over the extra elapsed
  // time they took (stats.json elapsed, medians), for one engine and for two.
  const sustained: Record<string, number> = {};
  for (const w of [1, 2]) {
    const one = results.find((r) => r.id === `palisade-w${w}-flows`)?.palisade_stats;
    const many = results.find((r) => r.id === `palisade-w${w}-flows-x${REPEAT}`)?.palisade_stats;
    if (one === undefined || many === undefined || !(many.elapsed_seconds > one.elapsed_seconds)) continue;
    sustained[`palisade-w${w}-flows`] = ((REPEAT - 1) * facts.packets) / (many.elapsed_seconds - one.elapsed_seconds);
  }
  if (Object.keys(sustained).length > 0) {
    log(`
Flows only, past start-up and warm-up: ${REPEAT - 1} more copies of the capture / the elapsed seconds they added (stats.json medians)`);
    for (const [k, v] of Object.entries(sustained)) log(`  ${k.replace('palisade-w1-flows', 'palisade 1 worker').replace('palisade-w2-flows', 'palisade 2 workers')}: ${fmt.rate(v)} packets/s`);
  }
  if (load1.warning !== undefined && load0.warning === undefined) log(`\nwarning: ${load1.warning}`);
  const noisy = results.filter((r) => r.median !== undefined && r.median.wall_seconds_max > NOISY_SPREAD * r.median.wall_seconds_min);
  if (noisy.length > 0) {
    log(`\nwarning: wall times varied by more than ${NOISY_SPREAD}× between runs of ${noisy.map((r) => r.label).join(', ')}: the machine was busy and the medians are unreliable; run again with more --runs on an idle machine, and compare the CPU column`);
  }

  let memory: MemoryResult | undefined;
  if (o.memory) memory = await runMemory({ capture, facts, runs: o.runs, workers: 1, method, log });

  // Runs of different code are not one result.
  const changed = fingerprint() !== source.fingerprint;
  if (changed) log('\nerror: Palisade\'s source (src/, bin/, package.json) changed while the bench ran: the runs measured different code; run it again');

  const failed = results.filter((r) => r.error !== undefined);
  const out: Results = {
    schema: 1,
    date: date.toISOString(),
    machine: mach,
    load_average_1min: { start: load0.load1, end: load1.load1 },
    palisade_source: { commit: source.commit ?? null, uncommitted_changes: source.dirty ?? null, changed_during_run: changed },
    capture: captureJson(capture, choice.source, facts, capinfos),
    method: { runs: o.runs, statistic: 'median', order: 'interleaved', warm_up: 'one untimed full read of the capture before the first run', rss: rssDoc },
    tools: results,
    skipped,
    ratios,
    sustained_packets_per_second: sustained,
    memory,
    valid: failed.length === 0 && memory?.bounded !== false && !changed,
  };
  mkdirSync(join(RESULTS, '..'), { recursive: true });
  writeFileSync(RESULTS, JSON.stringify(out, null, 2) + '\n');
  log(`\nwrote ${rel(RESULTS)}`);

  for (const r of failed) process.stderr.write(`bench: ${r.label}: ${r.error}\n`);
  if (failed.length > 0) {
    process.stderr.write(`bench: ${failed.length} tool${failed.length === 1 ? '' : 's'} without a valid result; the results are not valid\n`);
    return 1;
  }
  if (memory?.bounded === false || changed) return 1;
  return 0;
}

function captureJson(path: string, source: string, f: CaptureFacts, capinfos: number | undefined): Results['capture'] {
  return {
    path: rel(path),
    source,
    file_bytes: f.fileBytes,
    format: f.format + (f.compressed ? '+gzip' : ''),
    packets: f.packets,
    capinfos_packets: capinfos ?? null,
    data_bytes: f.dataBytes,
    captured_bytes: f.capturedBytes,
    first_ts: f.firstTs ?? null,
    last_ts: f.lastTs ?? null,
  };
}

async function main(argv: string[]): Promise<number> {
  try {
    const o = parseOptions(argv);
    if (o === 'help') {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    return await bench(o);
  } catch (e) {
    if (!(e instanceof BenchError)) throw e;
    process.stderr.write(`bench: ${e.message}\n`);
    if (e.code === 'E_USAGE') process.stderr.write(USAGE + '\n');
    return e.code === 'E_USAGE' ? 2 : 1;
  }
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
