// The inventory as a user meets it: `palisade analyze` writes assets.json, assets.csv,
// graph.json, graph.graphml and asset_changes; `palisade assets` prints it as a table, CSV or
// JSON and narrows it to roles; --workers 2 gives the same inventory as --workers 1.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CORPUS, HAVE_CORPUS } from './support/corpus.ts';
import { runCli } from './support/cli.ts';

const skip = HAVE_CORPUS ? false : 'corpus not found (../shared/corpus)';
const tmp = mkdtempSync(join(tmpdir(), 'palisade-assets-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const S7 = join(CORPUS, 'iti-ics-security-tools/pcaps/s7/s7comm_downloading_block_db1.pcap');
const MIX = [
  join(CORPUS, 'controlthings-ct-samples/Protocols/Modbus/ModbusTCP/Plant1_ModbusTCP.pcap'),
  join(CORPUS, 'icsnpp-enip/tests/traces/enip_cip_example.pcap'),
  join(CORPUS, 'emreekin-ics-pcaps/BacNET/BACnetIP-MSTP-Mix.pcap'),
];

/** Splits a CSV line (RFC 4180 quoting). */
function cells(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (q) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') q = false;
      else cur += c;
    } else if (c === '"') q = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

interface Inv {
  assets: { id: string; role: { value: string }; ipv4: { value: string }[] }[];
}

test('analyze writes the inventory files; the S7 station that downloads a block is the engineering workstation', { skip }, async () => {
  const out = join(tmp, 's7');
  const r = await runCli(['analyze', S7, '--out', out, '--no-summary']);
  assert.equal(r.code, 0, r.stderr);
  for (const f of ['assets.json', 'assets.csv', 'graph.json', 'graph.graphml']) assert.ok(existsSync(join(out, f)), f);
  const inv = JSON.parse(readFileSync(join(out, 'assets.json'), 'utf8')) as Inv;
  const role = (ip: string) => inv.assets.find((a) => a.ipv4.some((c) => c.value === ip))?.role.value;
  assert.equal(role('192.168.1.10'), 'engineering_workstation');
  assert.equal(role('192.168.1.40'), 'plc');
  const graph = JSON.parse(readFileSync(join(out, 'graph.json'), 'utf8')) as { edges: { operation_totals: Record<string, number> }[] };
  assert.ok(graph.edges.some((e) => (e.operation_totals.program ?? 0) > 0), 'the download shows as program operations on the edge');
  const ml = readFileSync(join(out, 'graph.graphml'), 'utf8');
  assert.match(ml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<graphml /);
  const stats = JSON.parse(readFileSync(join(out, 'stats.json'), 'utf8')) as { assets: { count: number; by_role: Record<string, number> } };
  assert.equal(stats.assets.count, inv.assets.length);
  assert.equal(stats.assets.by_role.engineering_workstation, 1);
});

test('palisade assets: table, CSV and JSON; --role narrows; errors say what to do', { skip }, async () => {
  const out = join(tmp, 'mix');
  assert.equal((await runCli(['analyze', ...MIX, '--out', out, '--no-summary'])).code, 0);
  const table = await runCli(['assets', out]);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /^ROLE\s+LEVEL\s+NAME\s+IP\s+MAC\s+VENDOR/);
  assert.match(table.stdout, /\n\d+ assets\n$/);
  const csv = await runCli(['assets', out, '--format', 'csv', '--role', 'plc']);
  const rows = csv.stdout.trimEnd().split('\n');
  assert.equal(cells(rows[0])[0], 'id');
  const roleCol = cells(rows[0]).indexOf('role');
  assert.ok(rows.length > 10);
  for (const row of rows.slice(1)) assert.equal(cells(row)[roleCol], 'plc', row);
  const json = await runCli(['assets', out, '--format', 'json', '--role', 'hmi,plc']);
  const list = JSON.parse(json.stdout) as Inv['assets'];
  assert.ok(list.length > 0 && list.every((a) => a.role.value === 'hmi' || a.role.value === 'plc'));
  const bad = await runCli(['assets', out, '--role', 'toaster']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown role "toaster"; roles: plc/);
  const missing = await runCli(['assets', join(tmp, 'nothing-here')]);
  assert.equal(missing.code, 3);
  assert.match(missing.stderr, /assets\.json does not exist\. Run `palisade analyze/);
});

test('--workers 2 gives the same inventory and graph as --workers 1', { skip }, async () => {
  const one = join(tmp, 'w1');
  const two = join(tmp, 'w2');
  assert.equal((await runCli(['analyze', ...MIX, '--out', one, '--no-summary', '--workers', '1'])).code, 0);
  assert.equal((await runCli(['analyze', ...MIX, '--out', two, '--no-summary', '--workers', '2'])).code, 0);
  const strip = (p: string) => {
    const j = JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>;
    delete j.generated;
    return j;
  };
  assert.deepEqual(strip(join(two, 'assets.json')), strip(join(one, 'assets.json')));
  assert.equal(readFileSync(join(two, 'graph.json'), 'utf8'), readFileSync(join(one, 'graph.json'), 'utf8'));
  assert.equal(readFileSync(join(two, 'assets.csv'), 'utf8'), readFileSync(join(one, 'assets.csv'), 'utf8'));
});

test('--no-assets writes no inventory', { skip }, async () => {
  const out = join(tmp, 'none');
  assert.equal((await runCli(['analyze', S7, '--out', out, '--no-summary', '--no-assets'])).code, 0);
  assert.equal(existsSync(join(out, 'assets.json')), false);
  assert.ok(existsSync(join(out, 'conn.ndjson')));
});
