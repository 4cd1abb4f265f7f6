// Runs the `palisade` command as a user does: a child process of ./bin/palisade.
import { spawn } from 'node:child_process';
import { REPO } from './corpus.ts';
import { PALISADE_BIN, palisadeNodeFlags } from '../../src/core/node-flags.ts';

export const PALISADE = PALISADE_BIN;
/** The flags of bin/palisade's `#!` line: this Node.js runs it with them, as the shell would. */
const FLAGS = palisadeNodeFlags();

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...FLAGS, PALISADE, ...args], {
      cwd: opts.cwd ?? REPO,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 600_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
