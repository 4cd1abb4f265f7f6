// Text tables and the description of the machine a result was measured on.
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, hostname, loadavg, release, totalmem } from 'node:os';

/**
 * A plain-text table; the first row is the header. `align` has one letter per column, l or r;
 * by default the first column is left-aligned and the others (numbers) right-aligned.
 */
export function table(rows: string[][], align?: string): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const left = (i: number) => (align === undefined ? i === 0 : align[i] === 'l');
  const line = (r: string[]) => r.map((c, i) => (left(i) ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

export interface Machine {
  hostname: string;
  cpu_model: string;
  /** CPUs this process may use. */
  cores: number;
  memory_bytes: number;
  os: string;
  kernel: string;
  node: string;
}

export function machine(): Machine {
  let os = 'unknown';
  try {
    os = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? os;
  } catch {
    // not Linux, or no os-release
  }
  return {
    hostname: hostname(),
    cpu_model: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    memory_bytes: totalmem(),
    os,
    kernel: release(),
    node: process.versions.node,
  };
}

export function describeMachine(m: Machine): string {
  return `${m.hostname}: ${m.cores} × ${m.cpu_model}, ${(m.memory_bytes / 2 ** 30).toFixed(1)} GiB RAM, ${m.os}, Linux ${m.kernel}, Node.js ${m.node}`;
}

/** The 1-minute load average, and a warning when other work is competing for the CPUs. */
export function loadNote(cores: number): { load1: number; warning: string | undefined } {
  const load1 = loadavg()[0];
  return {
    load1,
    warning: load1 > cores * 0.5 ? `load average is ${load1.toFixed(2)} on ${cores} cores: other processes compete for the CPUs, wall times will be noisy (compare the CPU seconds column)` : undefined,
  };
}

export const fmt = {
  secs: (s: number | undefined) => (s === undefined ? '-' : s.toFixed(2)),
  mb: (b: number | undefined) => (b === undefined ? '-' : (b / 1e6).toFixed(0)),
  rate: (r: number | undefined) => (r === undefined ? '-' : Math.round(r).toLocaleString('en-US')),
  ratio: (r: number | undefined) => (r === undefined ? '-' : r.toFixed(2)),
};
