// `palisade assets DIR`: the inventory that `palisade analyze` wrote to DIR/assets.json, as
// a table for people, CSV for spreadsheets or JSON for scripts, optionally narrowed to roles.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PalisadeError } from '../core/errors.ts';
import type { AssetJSON } from '../assets/builder.ts';
import { assetsCSV } from '../assets/export.ts';
import { ROLES } from '../assets/roles.ts';

export interface AssetsCliOptions {
  role?: string[];
  format: 'table' | 'csv' | 'json';
}

export function readInventory(dir: string): AssetJSON[] {
  const path = join(dir, 'assets.json');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new PalisadeError(
      'E_NO_INVENTORY',
      code === 'ENOENT'
        ? `${path} does not exist. Run \`palisade analyze <captures> --out ${dir}\` first (without --no-assets).`
        : `${path} cannot be read (${(e as Error).message}). Check the file's permissions.`,
      { file: path, cause: e },
    );
  }
  try {
    const j = JSON.parse(text) as { assets?: AssetJSON[] };
    if (!Array.isArray(j.assets)) throw new Error('no "assets" array');
    return j.assets;
  } catch (e) {
    throw new PalisadeError('E_NO_INVENTORY', `${path} is not an inventory written by palisade analyze (${(e as Error).message}). Run the analysis again.`, { file: path, cause: e });
  }
}

function best(list: { value: string; confidence: number }[]): string {
  if (list.length === 0) return '';
  return list.filter((c) => c.confidence === list[0].confidence).map((c) => c.value).join(' | ');
}

function table(assets: AssetJSON[]): string {
  const head = ['ROLE', 'LEVEL', 'NAME', 'IP', 'MAC', 'VENDOR', 'MODEL', 'FIRMWARE', 'PROTOCOLS'];
  const rows = assets.map((a) => [
    `${a.role.value}${a.role.confidence > 0 ? ` (${a.role.confidence})` : ''}`,
    a.purdue_level.level === null ? '-' : String(a.purdue_level.level),
    best(a.names) || '-',
    a.key === 'bacnet' || a.key === 'modbus' ? `via ${a.routed_via[0]?.value ?? '-'}` : [...a.ipv4, ...a.ipv6].map((c) => c.value).slice(0, 2).join(' ') || '-',
    a.key === 'mac' ? (a.mac[0]?.value ?? '-') : a.key === 'bacnet' ? `BACnet ${a.bacnet[0]?.value ?? '-'}` : a.key === 'modbus' ? `Modbus unit ${a.modbus_units.join(' ')}` : '-',
    best(a.vendor) || '-',
    best(a.model) || '-',
    best(a.firmware) || '-',
    a.protocols.join(',') || '-',
  ]);
  const clip = (s: string, n: number) => (s.length > n ? s.slice(0, n - 1) + '…' : s);
  const limits = [26, 5, 28, 31, 17, 28, 28, 16, 40];
  const cells = [head, ...rows].map((r) => r.map((c, i) => clip(c, limits[i])));
  const widths = head.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const lines = cells.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  lines.push('', `${assets.length} asset${assets.length === 1 ? '' : 's'}`);
  return lines.join('\n') + '\n';
}

export function runAssets(dir: string, o: AssetsCliOptions): number {
  let assets = readInventory(dir);
  if (o.role !== undefined && o.role.length > 0) {
    const want = new Set(o.role.flatMap((r) => r.split(',')).map((r) => r.trim()).filter((r) => r !== ''));
    for (const r of want) {
      if (!(ROLES as readonly string[]).includes(r)) throw new PalisadeError('E_USAGE', `unknown role "${r}"; roles: ${ROLES.join(', ')}`);
    }
    assets = assets.filter((a) => want.has(a.role.value));
  }
  if (o.format === 'json') process.stdout.write(JSON.stringify(assets, null, 2) + '\n');
  else if (o.format === 'csv') process.stdout.write(assetsCSV(assets));
  else process.stdout.write(table(assets));
  return 0;
}
