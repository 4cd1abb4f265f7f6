// The inventory as a user meets it: `palisade analyze` writes assets.json, assets.csv,
// graph.json, graph.graphml and asset_changes; `palisade assets` prints it as a table, CSV or
// JSON and narrows it to roles; --workers 2 gives the same inventory as --workers 1.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CORPUS, HAVE_CORPUS } from './support/corpus.ts';
import { runCli } from './support/cli.ts';

const skip = HAVE_CORPUS ? false : 'corpus not found (../shared/corpus)';
const tmp = mkdtempSync(join(tmpdir(), 'palisade-assets-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const S7 = join(CORPUS, 'iti-ics-security-tools/pcaps/s7/s7comm_downloading_block_db1.pcap');
/**
 * PROFINET devices answering DCP Identify: a GE VersaMax IO-Device (vendor id 0x015a) and two
 * Siemens ones (42). With --workers 2 their frames land on both engines.
 */
const PN_DCP = [
  join(CORPUS, 'icsnpp-profinet-io-cm/testing/traces/profinet_io_cm_mixed_2.pcapng'),
  join(CORPUS, 'iti-ics-security-tools/pcaps/profinet/PROFINET-RT-DCP/ChangeIPUsingDCP.pcap'),
  join(CORPUS, 'iti-ics-security-tools/pcaps/profinet/profinet-wireshark-bug.pcap'),
];
const PN_DEVICES: [mac: string, vendorId: number][] = [['00:09:91:43:e0:67', 0x015a], ['08:00:06:93:cf:32', 42], ['00:02:e3:17:c7:50', 42]];
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

interface Claim {
  value: string;
  source: string;
  evidence: { record: string; field: string };
}
interface AssetOut {
  mac: Claim[];
  vendor: Claim[];
  hardware: Claim[];
}

/** The asset of a PROFINET device of PN_DCP, from an analyze run's assets.json. */
function pnDevice(dir: string, mac: string): AssetOut {
  const inv = JSON.parse(readFileSync(join(dir, 'assets.json'), 'utf8')) as { assets: AssetOut[] };
  const a = inv.assets.find((x) => x.mac.some((m) => m.value === mac));
  assert.ok(a !== undefined, `the PROFINET device ${mac} is an asset`);
  return a;
}

test('--profinet-vendors names PROFINET vendor ids from PI\'s Man_ID_Table.xml; a bad table is a usage error', { skip }, async () => {
  // Without a table only the built-in id 42 is named; 0x015a is kept in `hardware` only.
  const plain = join(tmp, 'pn-plain');
  assert.equal((await runCli(['analyze', ...PN_DCP, '--out', plain, '--no-summary'])).code, 0);
  const ge = pnDevice(plain, '00:09:91:43:e0:67');
  assert.equal(ge.vendor.some((c) => c.source === 'profinet_dcp'), false);
  assert.ok(ge.hardware.some((c) => c.value === 'PROFINET device 0x015a:0x0003'));
  assert.equal(pnDevice(plain, '08:00:06:93:cf:32').vendor.find((c) => c.source === 'profinet_dcp')?.value, 'Siemens AG');

  // A table in PI's format (ids in decimal; 346 = 0x015a), names invented for the test.
  const table = join(tmp, 'Man_ID_Table.xml');
  writeFileSync(table, `<?xml version="1.0" encoding="UTF-8"?>
<Man_ID_Table xmlns="http://www.profibus.com/IM/2003/11/Man_ID">
  <!--<Manufacturer ID="346"><ManufacturerInfo><ManufacturerName>Retired</ManufacturerName></ManufacturerInfo></Manufacturer>-->
  <Manufacturer ID="42"><ManufacturerInfo><ManufacturerName>Vendor 42 from the table</ManufacturerName></ManufacturerInfo></Manufacturer>
  <Manufacturer ID="346"><ManufacturerInfo><ManufacturerName>Example &amp; Sons Automation</ManufacturerName></ManufacturerInfo></Manufacturer>
</Man_ID_Table>
`);
  const named = new Map([[42, 'Vendor 42 from the table'], [346, 'Example & Sons Automation']]);
  for (const workers of ['1', '2']) {
    const out = join(tmp, `pn-table-w${workers}`);
    const r = await runCli(['analyze', ...PN_DCP, '--out', out, '--no-summary', '--workers', workers, '--profinet-vendors', table]);
    assert.equal(r.code, 0, r.stderr);
    for (const [mac, id] of PN_DEVICES) {
      const claim = pnDevice(out, mac).vendor.find((c) => c.source === 'profinet_dcp');
      assert.ok(claim !== undefined, `workers ${workers}: ${mac} has a vendor claim from profinet_dcp`);
      assert.equal(claim.value, named.get(id), `workers ${workers}: ${mac}`);
      assert.deepEqual([claim.evidence.record, claim.evidence.field], ['profinet_dcp', 'vendor_id']);
    }
  }

  const missing = await runCli(['analyze', ...PN_DCP, '--out', join(tmp, 'pn-missing'), '--profinet-vendors', join(tmp, 'no-such.xml')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--profinet-vendors .*no-such\.xml: cannot read it/);
  assert.equal(existsSync(join(tmp, 'pn-missing', 'conn.ndjson')), false, 'nothing is analysed with a bad table');
  const wrong = join(tmp, 'wrong.xml');
  writeFileSync(wrong, '<html>not the table</html>');
  const bad = await runCli(['analyze', ...PN_DCP, '--out', join(tmp, 'pn-bad'), '--profinet-vendors', wrong]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /no <Manufacturer ID=.*Man_ID_Table\.xml/);
  // `palisade capture` reads the table before it starts capturing (so this needs no capture rights).
  const live = await runCli(['capture', '-i', 'lo', '--out', join(tmp, 'pn-live'), '--profinet-vendors', wrong]);
  assert.equal(live.code, 2);
  assert.match(live.stderr, /--profinet-vendors .*wrong\.xml: no <Manufacturer ID=/);
});
