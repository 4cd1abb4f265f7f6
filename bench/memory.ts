// Memory flatness: palisade on the first half of the capture and on all of it; peak RSS should
// not grow with the file's size, because captures are streamed and flows are ended and
// written out as they time out. See docs/benchmarks.md.
//
// Peak RSS of a Node.js process also holds heap that the garbage collector has not given back
// yet (V8 grows the heap freely when memory is plentiful), so a second, decisive probe runs
// both inputs once more with the JS heap capped (--max-old-space-size): if the whole capture
// still completes under the cap, what Palisade keeps does not grow with the input.
//
//   node bench/memory.ts [--capture PATH] [--runs N] [--workers N] [--flows-only]   (or npm run bench:memory)
//   node bench/run.ts --memory                                        (after the main table)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { captureFacts, type CaptureFacts } from './lib/capture-facts.ts';
import { BenchError } from './lib/errors.ts';
import { findExecutable, median, rssMethod, runCapture, type RssMethod } from './lib/measure.ts';
import { chooseCapture, ensureCapture, rel } from './lib/plant-mix.ts';
import { fmt, table } from './lib/report.ts';
import { runOnce, type RunRecord } from './lib/runner.ts';
import { ALL_TOOLS, type Tool } from './lib/tools.ts';

/** Peak RSS of the whole capture may exceed that of its first half by this much and still count as flat. */
export const FLAT_TOLERANCE = 0.2;

/**
 * Old-space cap (MB) of the capped-heap probe, well under the uncapped peak: for the packet
 * engine's stage alone (flows only) 64 MB, well over what one flow table needs; for the whole
 * pipeline 128 MB, which also holds the dissectors' per-flow state, the inventory being built
 * and the record files' write buffers.
 */
export const HEAP_CAP_MB = 128;
export const HEAP_CAP_MB_FLOWS_ONLY = 64;

export interface MemoryInput {
  label: 'first half' | 'whole';
  path: string;
  packets: number;
  file_bytes: number;
  runs: RunRecord[];
  median_wall_seconds: number;
  median_peak_rss_bytes: number | undefined;
  flows: number | undefined;
  max_active_flows: number | undefined;
  /** One run with the JS heap capped at HEAP_CAP_MB. */
  capped: { completed: boolean; wall_seconds?: number; peak_rss_bytes?: number; error?: string };
}

export interface MemoryResult {
  workers: number;
  /** The packet engine's stage alone (`--protocols none --no-assets`), not the whole pipeline. */
  flows_only: boolean;
  runs: number;
  half_made_with: string;
  inputs: MemoryInput[];
  /** Median peak RSS of the whole capture over that of its first half. */
  rss_ratio: number | undefined;
  packets_ratio: number;
  /** rss_ratio is within FLAT_TOLERANCE. */
  flat: boolean | undefined;
  heap_cap_mb: number;
  /** Both inputs completed with the heap capped: retained memory does not grow with the input. */
  bounded: boolean;
}

export interface MemoryOptions {
  capture: string;
  facts: CaptureFacts;
  runs: number;
  workers: number;
  /** Measure the packet engine's stage alone (default: the whole pipeline). */
  flowsOnly?: boolean;
  method: RssMethod;
  log: (line: string) => void;
}

export async function runMemory(o: MemoryOptions): Promise<MemoryResult> {
  const { log } = o;
  const flowsOnly = o.flowsOnly === true;
  const HEAP_CAP = flowsOnly ? HEAP_CAP_MB_FLOWS_ONLY : HEAP_CAP_MB;
  const tool = ALL_TOOLS.find((t) => t.id === `palisade-w${o.workers}${flowsOnly ? '-flows' : ''}`) ?? ALL_TOOLS[0];
  const cappedTool: Tool = {
    ...tool,
    command: (capture, scratch) => {
      const c = tool.command(capture, scratch);
      return { cmd: c.cmd, args: [`--max-old-space-size=${HEAP_CAP}`, ...c.args] };
    },
  };
  const editcap = findExecutable('editcap');
  if (editcap === undefined) throw new BenchError('E_BUILD', 'editcap not found (it cuts the capture in half): apt-get install tshark');
  const work = mkdtempSync(join(tmpdir(), 'palisade-bench-memory-'));
  try {
    const halfPackets = Math.floor(o.facts.packets / 2);
    const half = join(work, `first-half.${o.facts.format}`);
    // -r keeps the selected packets (numbered from 1) instead of deleting them; -F keeps the
    // file format, so both runs read the same format.
    const cut = ['-r', '-F', o.facts.format, o.capture, half, `1-${halfPackets}`];
    log(`\nMemory flatness: palisade --workers ${o.workers}${flowsOnly ? ' (flows only)' : ''} on the first half of the capture and on all of it`);
    log(`  cutting the first ${halfPackets} packets: editcap ${cut.join(' ')}`);
    const r = await runCapture(editcap, cut);
    if (r.code !== 0) throw new BenchError('E_BUILD', `editcap failed: ${r.stderr.trim()}`);
    // Reading the half through is also its page-cache warm-up, like the whole file's.
    const halfFacts = await captureFacts(half);
    if (halfFacts.packets !== halfPackets) throw new BenchError('E_BUILD', `editcap wrote ${halfFacts.packets} packets, not ${halfPackets}`);
    const inputs: MemoryInput[] = [
      { label: 'first half', path: half, packets: halfFacts.packets, file_bytes: halfFacts.fileBytes, runs: [], median_wall_seconds: 0, median_peak_rss_bytes: undefined, flows: undefined, max_active_flows: undefined, capped: { completed: false } },
      { label: 'whole', path: o.capture, packets: o.facts.packets, file_bytes: o.facts.fileBytes, runs: [], median_wall_seconds: 0, median_peak_rss_bytes: undefined, flows: undefined, max_active_flows: undefined, capped: { completed: false } },
    ];
    // Alternate half and whole, so that drift in the machine's load touches both alike.
    for (let i = 1; i <= o.runs; i++) {
      for (const input of inputs) {
        const rec = await runOnce(tool, input.path, input.packets, work, o.method, `mem-${i}`);
        input.runs.push(rec);
        log(`  run ${i}/${o.runs}  ${input.label.padEnd(10)}  ${fmt.secs(rec.wall_seconds).padStart(6)} s  ${fmt.mb(rec.peak_rss_bytes).padStart(5)} MB peak RSS`);
      }
    }
    for (const input of inputs) {
      try {
        const rec = await runOnce(cappedTool, input.path, input.packets, work, o.method, 'mem-capped');
        input.capped = { completed: true, wall_seconds: rec.wall_seconds, peak_rss_bytes: rec.peak_rss_bytes };
        log(`  heap ≤ ${HEAP_CAP} MB  ${input.label.padEnd(10)}  ${fmt.secs(rec.wall_seconds).padStart(6)} s  ${fmt.mb(rec.peak_rss_bytes).padStart(5)} MB peak RSS`);
      } catch (e) {
        if (!(e instanceof BenchError)) throw e;
        input.capped = { completed: false, error: e.message };
        log(`  heap ≤ ${HEAP_CAP} MB  ${input.label.padEnd(10)}  FAILED: ${e.message}`);
      }
    }
    for (const input of inputs) {
      input.median_wall_seconds = median(input.runs.map((x) => x.wall_seconds));
      const rss = input.runs.map((x) => x.peak_rss_bytes).filter((x) => x !== undefined);
      input.median_peak_rss_bytes = rss.length === input.runs.length ? median(rss) : undefined;
      input.flows = input.runs[0].palisade?.flows;
      input.max_active_flows = input.runs[0].palisade?.max_active_flows;
    }
    const [h, w] = inputs;
    const rssRatio = h.median_peak_rss_bytes !== undefined && w.median_peak_rss_bytes !== undefined ? w.median_peak_rss_bytes / h.median_peak_rss_bytes : undefined;
    const result: MemoryResult = {
      workers: o.workers,
      flows_only: flowsOnly,
      runs: o.runs,
      half_made_with: `editcap ${cut.slice(0, 3).join(' ')} CAPTURE HALF 1-${halfPackets}`,
      inputs: inputs.map((x) => ({ ...x, path: x.label === 'first half' ? `(temporary) first ${x.packets} packets of ${o.capture}` : x.path })),
      rss_ratio: rssRatio,
      packets_ratio: w.packets / h.packets,
      flat: rssRatio === undefined ? undefined : rssRatio <= 1 + FLAT_TOLERANCE,
      heap_cap_mb: HEAP_CAP,
      bounded: inputs.every((x) => x.capped.completed),
    };
    log('');
    log(
      table([
        ['input', 'packets', 'file MB', 'flows', 'max active flows', 'wall s', 'peak RSS MB', `RSS MB, heap ≤ ${HEAP_CAP} MB`],
        ...inputs.map((x) => [
          x.label,
          String(x.packets),
          fmt.mb(x.file_bytes),
          String(x.flows ?? '-'),
          String(x.max_active_flows ?? '-'),
          fmt.secs(x.median_wall_seconds),
          fmt.mb(x.median_peak_rss_bytes),
          x.capped.completed ? fmt.mb(x.capped.peak_rss_bytes) : 'FAILED',
        ]),
      ]),
    );
    if (rssRatio !== undefined) {
      log(`\n  ${result.packets_ratio.toFixed(2)}× the packets, ${rssRatio.toFixed(2)}× the peak RSS (median of ${o.runs}): ${result.flat ? `flat (within ${FLAT_TOLERANCE * 100}%)` : `peak RSS grows with the input (more than ${FLAT_TOLERANCE * 100}%)`}`);
    }
    if (result.bounded) {
      const [ch, cw] = [h.capped.peak_rss_bytes, w.capped.peak_rss_bytes];
      const capRatio = ch !== undefined && cw !== undefined ? ` (${(cw / ch).toFixed(2)}× the RSS of the half)` : '';
      log(`  with the JS heap capped at ${HEAP_CAP} MB both complete${capRatio}: what Palisade keeps does not grow with the input${result.flat ? '' : '; the uncapped growth is heap the garbage collector had not given back'}`);
    } else {
      log(`  with the JS heap capped at ${HEAP_CAP} MB the ${inputs.filter((x) => !x.capped.completed).map((x) => x.label).join(' and ')} FAILED: retained memory grows with the input`);
    }
    return result;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        capture: { type: 'string' },
        runs: { type: 'string', default: '3' },
        workers: { type: 'string', default: '1' },
        'flows-only': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    process.stderr.write(`bench: ${(e as Error).message}\nusage: node bench/memory.ts [--capture PATH] [--runs N] [--workers 1|2] [--flows-only]\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write('usage: node bench/memory.ts [--capture PATH] [--runs N] [--workers 1|2] [--flows-only]\nSee docs/benchmarks.md.\n');
    return 0;
  }
  const runs = Number(values.runs);
  const workers = Number(values.workers);
  if (!Number.isInteger(runs) || runs < 1) return usageError(`--runs must be a whole number of at least 1 (got "${values.runs}")`);
  if (workers !== 1 && workers !== 2) return usageError(`--workers must be 1 or 2 (got "${values.workers}")`);
  const log = (line: string) => process.stdout.write(line + '\n');
  try {
    const capture = await ensureCapture(chooseCapture(values.capture), log);
    log(`capture: ${rel(capture)} (reading it once, untimed, to warm the page cache)`);
    const facts = await captureFacts(capture);
    const method = await rssMethod();
    if (method !== 'gnu-time') log('/usr/bin/time (GNU time) not found: apt-get install time; peak RSS is read by polling /proc/<pid>/status VmHWM instead');
    const r = await runMemory({ capture, facts, runs, workers, flowsOnly: values['flows-only'], method, log });
    return r.bounded ? 0 : 1;
  } catch (e) {
    if (e instanceof BenchError) {
      process.stderr.write(`bench: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

function usageError(msg: string): number {
  process.stderr.write(`bench: ${msg}\n`);
  return 2;
}

if (import.meta.main) process.exitCode = await main();
