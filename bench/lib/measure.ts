// Running a command and measuring it: wall seconds, peak RSS, CPU seconds.
//
// Wall time is taken here (performance.now() from spawn to exit). Peak RSS and CPU time come
// from GNU time (`/usr/bin/time -f '%e %M %U %S'`), which reads them from wait4()'s rusage
// when the child ends: ru_maxrss is the kernel's high-water mark of the process's resident
// set, worker threads included. Without GNU time, the child's /proc/<pid>/status VmHWM (the
// same high-water mark) and /proc/<pid>/stat utime+stime are polled every 20 ms; the last
// poll before the exit can miss growth in the final ≤ 20 ms, which is why GNU time is
// preferred.
import { execFile, spawn } from 'node:child_process';
import { accessSync, closeSync, constants, openSync, readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const GNU_TIME = '/usr/bin/time';

export type RssMethod = 'gnu-time' | 'proc-vmhwm';

export interface Measurement {
  wallSeconds: number;
  /** Peak resident set size in bytes (undefined if it could not be read). */
  peakRssBytes: number | undefined;
  cpuUserSeconds: number | undefined;
  cpuSysSeconds: number | undefined;
  exitCode: number | null;
  signal: string | null;
  /** Files holding the command's stdout and stderr (deleted by the caller's cleanup). */
  stdoutPath: string;
  stderrPath: string;
}

/** The full path of an executable on $PATH, or undefined. */
export function findExecutable(name: string): string | undefined {
  const dirs = name.includes('/') ? [''] : (process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(delimiter);
  for (const d of dirs) {
    const p = d === '' ? name : join(d, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Runs a short command and returns its exit code and output (for versions and facts, not timing). */
export function runCapture(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    execFile(cmd, args, { maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      // execFile's error carries the exit status as a number, or a string such as 'ENOENT'.
      const status = (err as { code?: unknown } | null)?.code;
      const code = err === null ? 0 : typeof status === 'number' ? status : 1;
      res({ code, stdout, stderr });
    });
  });
}

/** Which RSS method works here: GNU time when /usr/bin/time is GNU time (BusyBox's is not), else /proc polling. */
export async function rssMethod(): Promise<RssMethod> {
  if (findExecutable(GNU_TIME) === undefined) return 'proc-vmhwm';
  const dir = mkdtempSync(join(tmpdir(), 'palisade-bench-'));
  try {
    const out = join(dir, 'time.txt');
    const r = await runCapture(GNU_TIME, ['-f', '%e %M %U %S', '-o', out, process.execPath, '-e', '']);
    const fields = readFileSync(out, 'utf8').trim().split(/\s+/);
    return r.code === 0 && fields.length === 4 && fields.every((f) => /^[\d.]+$/.test(f)) ? 'gnu-time' : 'proc-vmhwm';
  } catch {
    return 'proc-vmhwm';
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs `cmd args` once and measures it. stdout and stderr go to files in `workDir` (not to
 * pipes this process would have to drain while timing).
 */
export async function measure(cmd: string, args: string[], workDir: string, method: RssMethod, tag: string): Promise<Measurement> {
  const stdoutPath = join(workDir, `${tag}.stdout`);
  const stderrPath = join(workDir, `${tag}.stderr`);
  const timePath = join(workDir, `${tag}.time`);
  const outFd = openSync(stdoutPath, 'w');
  const errFd = openSync(stderrPath, 'w');
  const [file, argv] = method === 'gnu-time' ? [GNU_TIME, ['-f', '%e %M %U %S', '-o', timePath, cmd, ...args]] : [cmd, args];
  let poller: ProcPoller | undefined;
  const t0 = performance.now();
  let result: { code: number | null; signal: string | null };
  try {
    result = await new Promise((res, rej) => {
      const child = spawn(file, argv, { stdio: ['ignore', outFd, errFd], cwd: REPO });
      if (method === 'proc-vmhwm' && child.pid !== undefined) poller = new ProcPoller(child.pid);
      child.on('error', rej);
      child.on('close', (code, signal) => res({ code, signal }));
    });
  } finally {
    closeSync(outFd);
    closeSync(errFd);
  }
  const wallSeconds = (performance.now() - t0) / 1000;
  poller?.stop();
  let peakRssBytes: number | undefined;
  let cpuUserSeconds: number | undefined;
  let cpuSysSeconds: number | undefined;
  if (method === 'gnu-time') {
    // GNU time writes "Command exited with non-zero status N" or "Command terminated by
    // signal N" before the format line; the numbers are on the last line.
    let last: string[] = [];
    try {
      last = readFileSync(timePath, 'utf8').trim().split('\n').pop()!.trim().split(/\s+/);
    } catch {
      // the command could not be started
    }
    if (last.length === 4) {
      peakRssBytes = Number(last[1]) * 1024; // %M is in KiB
      cpuUserSeconds = Number(last[2]);
      cpuSysSeconds = Number(last[3]);
    }
    // GNU time exits 127 when it cannot run the command and passes the command's status on.
  } else if (poller !== undefined) {
    peakRssBytes = poller.hwmBytes;
    cpuUserSeconds = poller.utimeSeconds;
    cpuSysSeconds = poller.stimeSeconds;
  }
  return { wallSeconds, peakRssBytes, cpuUserSeconds, cpuSysSeconds, exitCode: result.code, signal: result.signal, stdoutPath, stderrPath };
}

/** Polls /proc/<pid>/status VmHWM and /proc/<pid>/stat CPU ticks while the process lives. */
class ProcPoller {
  hwmBytes: number | undefined = undefined;
  utimeSeconds: number | undefined = undefined;
  stimeSeconds: number | undefined = undefined;
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly pid: number;

  constructor(pid: number) {
    this.pid = pid;
    this.timer = setInterval(() => this.poll(), 20);
    this.poll();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private poll(): void {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
      if (m !== null) this.hwmBytes = Math.max(this.hwmBytes ?? 0, Number(m[1]) * 1024);
      // Fields after the ")" that ends the command name: state is field 3, utime 14, stime 15.
      const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // Linux reports these in USER_HZ, which is 100 on every architecture Node supports.
      this.utimeSeconds = Number(f[11]) / 100;
      this.stimeSeconds = Number(f[12]) / 100;
    } catch {
      // the process has ended (or is a zombie without memory figures)
    }
  }
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
