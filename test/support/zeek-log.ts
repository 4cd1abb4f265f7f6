// Reads a Zeek log as the corpus baselines hold them: ASCII with #fields headers, JSON
// lines, or headerless zeek-cut output (columns given by the caller).
import { readFileSync } from 'node:fs';

export type ZeekRow = Record<string, string>;

export function readZeekLog(path: string, headerlessColumns?: string[]): ZeekRow[] {
  const text = readFileSync(path, 'utf8');
  let fields: string[] | undefined;
  let sep = '\t';
  const rows: ZeekRow[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('{')) {
      const o = JSON.parse(line) as Record<string, unknown>;
      const row: ZeekRow = {};
      for (const [k, v] of Object.entries(o)) row[k] = Array.isArray(v) ? v.join(',') : String(v);
      rows.push(row);
      continue;
    }
    if (line.startsWith('#separator')) {
      const v = line.slice('#separator '.length);
      sep = v.startsWith('\\x') ? String.fromCharCode(parseInt(v.slice(2), 16)) : v;
      continue;
    }
    if (line.startsWith('#fields')) {
      fields = line.split(sep).slice(1);
      continue;
    }
    if (line.startsWith('#')) continue;
    const cols = fields ?? headerlessColumns;
    if (cols === undefined) continue;
    const cells = line.split(sep);
    const row: ZeekRow = {};
    cols.forEach((f, i) => (row[f] = cells[i] ?? ''));
    rows.push(row);
  }
  return rows;
}
