// Where the benchmark capture is, and building it when the default one is missing.
//
// Order: --capture PATH, then $PALISADE_BENCH_CAPTURE, then bench/data/plant-mix.pcap. Only the
// default is built automatically (a path the user named that does not exist is an error).
// The build script lives in the shared tree next to the checkout (../shared/bench/, like the
// test corpus in ../shared/corpus); $PALISADE_BENCH_BUILD_SCRIPT overrides it.
import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync, renameSync, rmSync, mkdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { BenchError } from './errors.ts';
import { REPO, findExecutable, runCapture } from './measure.ts';

export const DEFAULT_CAPTURE = join(REPO, 'bench', 'data', 'plant-mix.pcap');
export const BUILD_SCRIPT = process.env.PALISADE_BENCH_BUILD_SCRIPT ?? resolve(REPO, '../shared/bench/make-plant-mix.sh');

/** Tools make-plant-mix.sh calls, and the Debian package of each. */
const BUILD_TOOLS: [string, string][] = [
  ['capinfos', 'tshark'],
  ['editcap', 'tshark'],
  ['mergecap', 'tshark'],
  ['tcprewrite', 'tcpreplay'],
];

export interface CaptureChoice {
  path: string;
  /** Where the path came from, for the report. */
  source: '--capture' | 'PALISADE_BENCH_CAPTURE' | 'default';
}

export function chooseCapture(option: string | undefined): CaptureChoice {
  if (option !== undefined) return { path: resolve(option), source: '--capture' };
  const env = process.env.PALISADE_BENCH_CAPTURE;
  if (env !== undefined && env !== '') return { path: resolve(env), source: 'PALISADE_BENCH_CAPTURE' };
  return { path: DEFAULT_CAPTURE, source: 'default' };
}

/** The capture's path, building the default one first when it is missing. */
export async function ensureCapture(choice: CaptureChoice, log: (line: string) => void): Promise<string> {
  if (existsSync(choice.path)) return choice.path;
  if (choice.source !== 'default') {
    throw new BenchError('E_CAPTURE', `${choice.path} (from ${choice.source}) does not exist; fix the path, or leave it out to use (and build) ${rel(DEFAULT_CAPTURE)}`);
  }
  await buildPlantMix(choice.path, log);
  return choice.path;
}

async function buildPlantMix(out: string, log: (line: string) => void): Promise<void> {
  if (!existsSync(BUILD_SCRIPT)) {
    throw new BenchError('E_BUILD', `${rel(out)} is missing and the script that builds it is not at ${BUILD_SCRIPT}; set PALISADE_BENCH_BUILD_SCRIPT, or pass --capture PATH`);
  }
  const missing = BUILD_TOOLS.filter(([tool]) => findExecutable(tool) === undefined);
  if (missing.length > 0) {
    const pkgs = [...new Set(missing.map(([, p]) => p))].join(' ');
    throw new BenchError('E_BUILD', `building ${rel(out)} needs ${missing.map(([t]) => t).join(', ')}: apt-get install -y ${pkgs}`);
  }
  mkdirSync(join(out, '..'), { recursive: true });
  // Build under another name and rename at the end, so an interrupted build leaves no half file
  // that a later run would take for the capture.
  const partial = `${out}.building`;
  const logPath = `${out}.build.log`;
  log(`${rel(out)} not found: building it with ${BUILD_SCRIPT} (about 2.1 M packets, 300 MB; takes a minute or several)`);
  log(`  build log: ${rel(logPath)}`);
  const t0 = performance.now();
  const fd = openSync(logPath, 'w');
  let code: number | null;
  try {
    code = await new Promise<number | null>((res, rej) => {
      const child = spawn('bash', [BUILD_SCRIPT, partial], { stdio: ['ignore', fd, fd] });
      child.on('error', rej);
      child.on('close', (c) => res(c));
    });
  } finally {
    closeSync(fd);
  }
  const secs = (performance.now() - t0) / 1000;
  if (code !== 0 || !existsSync(partial)) {
    rmSync(partial, { force: true });
    throw new BenchError('E_BUILD', `building ${rel(out)} failed (exit ${code}) after ${secs.toFixed(0)} s; see ${rel(logPath)}`);
  }
  renameSync(partial, out);
  log(`built ${rel(out)} in ${secs.toFixed(1)} s`);
}

/** capinfos's packet count for the file, or undefined when capinfos is not installed. */
export async function capinfosPackets(path: string): Promise<number | undefined> {
  const capinfos = findExecutable('capinfos');
  if (capinfos === undefined) return undefined;
  const r = await runCapture(capinfos, ['-M', '-c', path]);
  const m = /Number of packets:\s+(\d+)/.exec(r.stdout);
  if (r.code !== 0 || m === null) throw new BenchError('E_CAPTURE', `capinfos could not read ${path}: ${r.stderr.trim() || r.stdout.trim()}`);
  return Number(m[1]);
}

export function rel(p: string): string {
  const r = relative(process.cwd(), p);
  return r === '' || r.startsWith('..') ? p : r;
}
