// Helpers of the corpus tests of the host-identity protocols (dns, netbios, dhcp, dhcpv6,
// ssdp): tshark field extraction, the corpus captures that hold a protocol (MANIFEST.md
// Protocols column), names normalised for comparison, and a multiset.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { manifest } from './support/corpus.ts';
import { TSHARK } from './support/tshark.ts';

const run = promisify(execFile);

/** The aggregator between several values of one field in a frame (a byte no field we read holds). */
export const AGG = '\u001f';

/** `tshark -T fields` over `file` for the frames matching `filter`: one row per frame, fields by name. */
export async function tsharkFields(file: string, filter: string, fields: readonly string[], decodeAs: readonly string[] = []): Promise<Record<string, string>[]> {
  const args = ['-n', '-r', file, '-Y', filter, '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a', '-E', `aggregator=${AGG}`];
  for (const d of decodeAs) args.push('-d', d);
  for (const f of fields) args.push('-e', f);
  let stdout: string;
  try {
    ({ stdout } = await run(TSHARK, args, { maxBuffer: 256 << 20 }));
  } catch (e) {
    // A capture cut short: tshark prints what it read, then fails.
    stdout = (e as { stdout?: string }).stdout ?? '';
  }
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const cells = l.split('\t');
      const row: Record<string, string> = {};
      fields.forEach((f, i) => (row[f] = cells[i] ?? ''));
      return row;
    });
}

/** The values of one field of a tshark row ([] when empty). */
export function values(row: Record<string, string>, field: string): string[] {
  const v = row[field];
  return v === undefined || v === '' ? [] : v.split(AGG);
}

/** Corpus captures whose tshark protocol hierarchy (MANIFEST.md) holds one of `protos`. */
export function capturesWith(protos: readonly string[]): string[] {
  const want = new Set(protos);
  return manifest()
    .filter((r) => r.protocols.split(',').some((p) => want.has(p.trim())))
    .map((r) => r.path);
}

/**
 * A name or string as both sides can agree on it: lower case; tshark's U+FFFD (bytes that
 * are not UTF-8) and our `\xNN` escapes are both "?" (runs of them one "?"); `<Root>` is ''.
 */
export function normName(s: string | undefined): string {
  if (s === undefined || s === '<Root>') return '';
  return s
    .toLowerCase()
    .replace(/\\x[0-9a-f]{2}|\ufffd/g, '?')
    .replace(/\?+/g, '?');
}

/** Both endpoints of a packet or record, in a fixed order (direction left out). */
export function endpoints(a: string, ap: number | string, b: string, bp: number | string): string {
  const x = `${a}:${ap}`;
  const y = `${b}:${bp}`;
  return x < y ? `${x}-${y}` : `${y}-${x}`;
}

/** A multiset of strings. */
export class Bag {
  private readonly m = new Map<string, number>();
  add(k: string): void {
    this.m.set(k, (this.m.get(k) ?? 0) + 1);
  }
  /** Removes one `k`; false when there is none. */
  take(k: string): boolean {
    const n = this.m.get(k) ?? 0;
    if (n === 0) return false;
    if (n === 1) this.m.delete(k);
    else this.m.set(k, n - 1);
    return true;
  }
  has(k: string): boolean {
    return (this.m.get(k) ?? 0) > 0;
  }
  left(): string[] {
    const out: string[] = [];
    for (const [k, n] of this.m) for (let i = 0; i < n; i++) out.push(k);
    return out;
  }
  get size(): number {
    let n = 0;
    for (const v of this.m.values()) n += v;
    return n;
  }
}
