// The benchmarked commands: how each is run on the capture, how its run is checked, and
// which version is installed.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { AnalysisStats } from '../../src/pipeline/stats.ts';
import { BenchError } from './errors.ts';
import { REPO, findExecutable, runCapture, type Measurement } from './measure.ts';
import { PALISADE_BIN, palisadeNodeFlags } from '../../src/core/node-flags.ts';

export type Family = 'palisade' | 'ndpiReader' | 'tshark';

/** What one run of a tool reported about itself, beyond the measurement. */
export interface RunReport {
  /** Packets the tool says it read (undefined when its output does not say). */
  packets: number | undefined;
  /** Palisade only: figures from its stats.json (flows = flows.created). */
  palisade?: { packets: number; flows: number; max_active_flows: number; elapsed_seconds: number; packets_per_second: number };
}

export interface Tool {
  id: string;
  family: Family;
  label: string;
  /** The capture is given this many times in one run (default 1): the run reads repeat × its packets. */
  repeat?: number;
  /** Executable, and arguments for a capture and a scratch directory of this run. */
  command(capture: string, scratch: string): { cmd: string; args: string[] };
  /** Reads what the run left behind; throws E_TOOL when the run failed. */
  report(m: Measurement, scratch: string): RunReport;
}


/** What a palisade run does: everything, everything but the inventory, the packet engine alone, or everything with Zeek logs. */
type PalisadeStages = 'all' | 'no-assets' | 'flows' | 'zeek';

const STAGE_ARGS: Record<PalisadeStages, { args: string[]; id: string; label: string }> = {
  all: { args: [], id: '', label: '' },
  'no-assets': { args: ['--no-assets'], id: '-noassets', label: ', no inventory' },
  flows: { args: ['--protocols', 'none', '--no-assets'], id: '-flows', label: ', flows only' },
  zeek: { args: ['--format', 'zeek'], id: '-zeek', label: ', Zeek logs' },
};

/**
 * `palisade analyze`: the whole pipeline (dissectors and inventory); with 'no-assets' all but
 * the inventory (`--no-assets`, what the asset stage costs is the difference); with 'flows'
 * the packet engine's stage alone (decode, flows, TCP reassembly, conn records:
 * `--protocols none --no-assets`); with 'zeek' the whole pipeline writing Zeek logs
 * (`--format zeek`) instead of NDJSON.
 */
function palisade(workers: number, stages: PalisadeStages = 'all', repeat = 1): Tool {
  const st = STAGE_ARGS[stages];
  const extra = st.args;
  return {
    id: `palisade-w${workers}${st.id}${repeat > 1 ? `-x${repeat}` : ''}`,
    family: 'palisade',
    label: `palisade ${workers} worker${workers === 1 ? '' : 's'}${st.label}${repeat > 1 ? `, capture ×${repeat}` : ''}`,
    repeat,
    command: (capture, scratch) => ({
      // process.execPath: the same Node.js that runs the bench, whatever `node` is on $PATH;
      // with the flags of bin/palisade's #! line, as a user's shell runs it.
      cmd: process.execPath,
      args: [...palisadeNodeFlags(), PALISADE_BIN, 'analyze', ...Array<string>(repeat).fill(capture), '--out', join(scratch, 'out'), '--no-progress', '--no-summary', '--workers', String(workers), ...extra],
    }),
    report: (m, scratch) => {
      checkExit(m, `palisade --workers ${workers}`);
      const statsPath = join(scratch, 'out', 'stats.json');
      if (!existsSync(statsPath)) throw new BenchError('E_TOOL', `palisade --workers ${workers} wrote no stats.json (${tail(m.stderrPath)})`);
      const s = JSON.parse(readFileSync(statsPath, 'utf8')) as AnalysisStats;
      if (s.inputs.length !== repeat) throw new BenchError('E_TOOL', `palisade --workers ${workers} read ${s.inputs.length} inputs, not ${repeat}`);
      const inputError = s.inputs.find((i) => i.error !== undefined);
      if (inputError !== undefined) throw new BenchError('E_TOOL', `palisade --workers ${workers} could not read all of ${inputError.path}: ${inputError.error?.message}`);
      return {
        packets: s.packets,
        palisade: { packets: s.packets, flows: s.flows.created, max_active_flows: s.flows.max_active, elapsed_seconds: s.elapsed_seconds, packets_per_second: s.packets_per_second },
      };
    },
  };
}

const ndpiReader: Tool = {
  id: 'ndpireader',
  family: 'ndpiReader',
  label: 'ndpiReader',
  // Default mode: full DPI of every flow (protocol guessing on), then one summary of totals and
  // per-protocol counts (~130 lines). It lists flows only with -v, so nothing is printed per flow.
  // Not -q: the summary is what says how many packets were read, and leaving it out saves
  // nothing measurable (it is printed once at the end).
  command: (capture) => ({ cmd: findExecutable('ndpiReader') ?? 'ndpiReader', args: ['-i', capture] }),
  report: (m) => {
    checkExit(m, 'ndpiReader');
    const out = readFileSync(m.stdoutPath, 'utf8');
    const n = /IP packets:\s+\d+\s+of\s+(\d+)\s+packets total/.exec(out);
    return { packets: n === null ? undefined : Number(n[1]) };
  },
};

const tshark: Tool = {
  id: 'tshark',
  family: 'tshark',
  label: 'tshark',
  // One pass (no -2), every frame through the full dissector chain with TCP reassembly on (the
  // default), feeding the TCP conversation table; -q prints only that table. -n: no name
  // resolution, so no DNS lookups are timed.
  command: (capture) => ({ cmd: findExecutable('tshark') ?? 'tshark', args: ['-n', '-r', capture, '-q', '-z', 'conv,tcp'] }),
  report: (m) => {
    checkExit(m, 'tshark');
    return { packets: undefined };
  },
};

/**
 * The capture's flows only, given 4 times in one run (each copy a new capture epoch: its
 * flows end when the next copy starts, see src/pipeline/capture-clock.ts): four times the
 * work behind the same start-up and JIT warm-up, for the rate of a longer run and what a
 * second engine gains once its own warm-up is paid.
 */
export const REPEAT = 4;

export const ALL_TOOLS: Tool[] = [
  palisade(1), palisade(2), palisade(1, 'no-assets'), palisade(1, 'flows'), palisade(2, 'flows'), palisade(1, 'zeek'),
  palisade(1, 'flows', REPEAT), palisade(2, 'flows', REPEAT), ndpiReader, tshark,
];

/** Debian package to install for each peer. */
export const INSTALL_HINT: Record<Family, string> = {
  palisade: 'npm ci',
  ndpiReader: 'apt-get install libndpi-bin',
  tshark: 'apt-get install tshark',
};

export function isInstalled(f: Family): boolean {
  return f === 'palisade' ? existsSync(PALISADE_BIN) : findExecutable(f) !== undefined;
}

/** The installed version of a tool family, as one line. */
export async function versionOf(f: Family): Promise<string> {
  if (f === 'palisade') return (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version + ` (Node.js ${process.versions.node})`;
  if (f === 'ndpiReader') {
    // ndpiReader has no version flag; its help starts with "Welcome to nDPI 4.2.0".
    const r = await runCapture(findExecutable('ndpiReader')!, ['-h']);
    return /nDPI\s+(\S+)/.exec(r.stdout)?.[1] ?? 'unknown';
  }
  const r = await runCapture(findExecutable('tshark')!, ['--version']);
  return /TShark \(Wireshark\) (\S+)/.exec(r.stdout)?.[1] ?? 'unknown';
}

/** A fresh scratch directory for one run. */
export function scratchDir(workDir: string, tag: string): string {
  const d = join(workDir, tag);
  rmSync(d, { recursive: true, force: true });
  mkdirSync(d, { recursive: true });
  return d;
}

function checkExit(m: Measurement, what: string): void {
  if (m.exitCode === 0) return;
  const how = m.signal !== null ? `was killed by ${m.signal}` : `exited with status ${m.exitCode}`;
  throw new BenchError('E_TOOL', `${what} ${how}: ${tail(m.stderrPath)}`);
}

function tail(path: string): string {
  try {
    const lines = readFileSync(path, 'utf8').trim().split('\n').filter((l) => !l.includes('Running as user "root"'));
    // The first lines hold the message (and, for a crash, the error and where it was thrown).
    return lines.slice(0, 3).map((l) => l.trim()).join(' | ') || '(no error output)';
  } catch {
    return '(no error output)';
  }
}
