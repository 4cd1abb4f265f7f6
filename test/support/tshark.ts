// Runs tshark (Debian's, installed by .ci/run) and reads its conversation tables.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const TSHARK = process.env.TSHARK ?? '/usr/bin/tshark';
export const HAVE_TSHARK = existsSync(TSHARK);

export interface Conversation {
  proto: 'tcp' | 'udp';
  a: string; // "addr:port" as tshark prints it
  b: string;
  framesBA: number; // "<-" column: frames from b to a
  bytesBA: string; // as printed, e.g. "2508 bytes" or "77 kB"
  framesAB: number; // "->" column
  bytesAB: string;
}

/** `tshark -r FILE -q -z conv,tcp -z conv,udp`, parsed. */
export async function tsharkConversations(file: string): Promise<Conversation[]> {
  let stdout: string;
  try {
    ({ stdout } = await run(TSHARK, ['-n', '-r', file, '-q', '-z', 'conv,tcp', '-z', 'conv,udp'], { maxBuffer: 256 << 20 }));
  } catch (e) {
    // tshark exits non-zero on a capture cut short, after printing the tables for what it read.
    const out = (e as { stdout?: string }).stdout;
    if (typeof out !== 'string' || !out.includes('Conversations')) throw e;
    stdout = out;
  }
  const out: Conversation[] = [];
  let proto: 'tcp' | 'udp' | undefined;
  for (const line of stdout.split('\n')) {
    if (line.startsWith('TCP Conversations')) proto = 'tcp';
    else if (line.startsWith('UDP Conversations')) proto = 'udp';
    const m = /^(\S+)\s+<->\s+(\S+)\s+(\d+)\s+(\d+ \S*bytes|\d+ [kMGTP]B)\s+(\d+)\s+(\d+ \S*bytes|\d+ [kMGTP]B)\s+/.exec(line);
    if (m === null || proto === undefined) continue;
    out.push({ proto, a: m[1], b: m[2], framesBA: Number(m[3]), bytesBA: m[4], framesAB: Number(m[5]), bytesAB: m[6] });
  }
  return out;
}

/** tshark's format_size() with SI prefixes, as its conversation table prints byte counts. */
export function tsharkSize(n: number): string {
  const units: [number, string][] = [
    [1e15, 'PB'],
    [1e12, 'TB'],
    [1e9, 'GB'],
    [1e6, 'MB'],
    [1e3, 'kB'],
  ];
  for (const [div, u] of units) if (Math.floor(n / div) >= 10) return `${Math.floor(n / div)} ${u}`;
  return `${n} bytes`;
}

/** The [low, high] byte range a printed size stands for. */
export function sizeRange(s: string): [number, number] {
  const m = /^(\d+) (\S+)$/.exec(s)!;
  const v = Number(m[1]);
  const mul: Record<string, number> = { bytes: 1, kB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, PB: 1e15 };
  const k = mul[m[2]] ?? 1;
  return [v * k, v * k + k - 1];
}
