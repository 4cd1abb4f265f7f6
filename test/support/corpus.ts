// The shared test corpus (../shared/corpus, next to the checkout in CI too): its path, its
// captures, and the expected-output files that sit beside them, as MANIFEST.md maps them.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const CORPUS = process.env.PALISADE_CORPUS ?? resolve(REPO, '../shared/corpus');
export const HAVE_CORPUS = existsSync(join(CORPUS, 'MANIFEST.md'));

const CAPTURE_EXT = /\.(pcap|pcapng|cap)$/i;

/** Every capture file in the corpus (relative paths, sorted). */
export function corpusCaptures(): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const r = rel === '' ? name : `${rel}/${name}`;
      if (statSync(p).isDirectory()) walk(p, r);
      else if (CAPTURE_EXT.test(name)) out.push(r);
    }
  };
  walk(CORPUS, '');
  return out;
}

export interface ManifestRow {
  path: string;
  packets: string;
  protocols: string;
  licence: string;
  notes: string;
}

let manifestCache: ManifestRow[] | undefined;

export function manifest(): ManifestRow[] {
  if (manifestCache !== undefined) return manifestCache;
  const rows: ManifestRow[] = [];
  for (const line of readFileSync(join(CORPUS, 'MANIFEST.md'), 'utf8').split('\n')) {
    if (!line.startsWith('| ')) continue;
    const cells = line.split('|').map((c) => c.trim());
    // | Path | Source repo | Path in repo | Commit | Size | Packets | Protocols | Licence | Notes |
    if (cells.length < 11 || cells[1] === 'Path' || cells[1].startsWith('---')) continue;
    rows.push({ path: cells[1], packets: cells[6], protocols: cells[7], licence: cells[8], notes: cells[9] });
  }
  manifestCache = rows;
  return rows;
}

/** The capture an expected-output file belongs to, per MANIFEST.md ("for X" or "the matching capture ... is X"). */
export function captureFor(row: ManifestRow): string | undefined {
  const m = /(?:matching capture \(same SHA-256 as the LFS pointer\) is|; for) (\S+\.(?:pcapng|pcap|cap))(?=\s|$)/.exec(row.notes);
  return m?.[1];
}
