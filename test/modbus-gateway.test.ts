// Modbus devices behind a Modbus/TCP gateway (docs/assets.md, rule 6), as a user meets them:
// `palisade analyze` then `palisade assets`, on Palisade's own pymodbus gateway capture; and
// on every Modbus capture of the corpus, the devices and unit ids the inventory shows are the
// ones tshark's decoding of the responses implies: a server that sent exception 10 or 11 is a
// gateway, and each unit id 1-247 it answered otherwise is a device behind it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { AssetBuilder, type AssetJSON, type Inventory } from '../src/assets/builder.ts';
import { MAPPERS } from '../src/assets/mappers.ts';
import { runCli } from './support/cli.ts';
import { CORPUS, HAVE_CORPUS, manifest } from './support/corpus.ts';
import { MODBUS_GATEWAY } from './support/fixtures.ts';
import { runEngine } from './support/run-engine.ts';
import { HAVE_TSHARK, TSHARK } from './support/tshark.ts';

const run = promisify(execFile);
const tmp = mkdtempSync(join(tmpdir(), 'palisade-mbgw-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

async function tsharkFields(file: string, filter: string, fields: string[]): Promise<string[][]> {
  let stdout: string;
  try {
    ({ stdout } = await run(TSHARK, ['-n', '-r', file, '-Y', filter, '-T', 'fields', '-E', 'occurrence=f', ...fields.flatMap((f) => ['-e', f])], { maxBuffer: 64 << 20 }));
  } catch (e) {
    stdout = (e as { stdout?: string }).stdout ?? '';
  }
  return stdout.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}

/**
 * What tshark says of a capture's Modbus/TCP responses (frames from port 502): per server IP,
 * the units it answered and the gateway exceptions it sent. A connection that port 502 opened
 * (a SYN from it) has its server at the other end, as Palisade's flows do: left out.
 */
async function tsharkServers(file: string): Promise<Map<string, { answered: Set<number>; gatewayExceptions: number }>> {
  const reversed = new Set((await tsharkFields(file, 'tcp.flags.syn == 1 && tcp.flags.ack == 0 && tcp.srcport == 502', ['tcp.stream'])).map(([s]) => s));
  const out = new Map<string, { answered: Set<number>; gatewayExceptions: number }>();
  for (const [stream, ip, unit, exc] of await tsharkFields(file, 'mbtcp && modbus && tcp.srcport == 502', ['tcp.stream', 'ip.src', 'mbtcp.unit_id', 'modbus.exception_code'])) {
    if (reversed.has(stream) || ip === undefined || ip === '' || unit === undefined || unit === '') continue;
    let s = out.get(ip);
    if (s === undefined) out.set(ip, (s = { answered: new Set(), gatewayExceptions: 0 }));
    if (exc === '10' || exc === '11') s.gatewayExceptions++;
    else s.answered.add(Number(unit));
  }
  return out;
}

function assetsOf(inv: Inventory | { assets: AssetJSON[] }, ip: string): AssetJSON[] {
  return inv.assets.filter((a) => a.ipv4.some((c) => c.value === ip) || a.ipv6.some((c) => c.value === ip));
}

test('palisade analyze and assets: the devices behind a Modbus gateway are assets of their own', async () => {
  const out = join(tmp, 'gw');
  const a = await runCli(['analyze', MODBUS_GATEWAY, '--out', out, '--no-summary']);
  assert.equal(a.code, 0, a.stderr);
  const json = await runCli(['assets', out, '--format', 'json']);
  assert.equal(json.code, 0, json.stderr);
  const assets = JSON.parse(json.stdout) as AssetJSON[];
  const behind = assets.filter((x) => x.key === 'modbus');
  assert.deepEqual(behind.map((x) => x.id), ['modbus:1@10.20.0.50', 'modbus:2@10.20.0.50']);
  for (const d of behind) {
    assert.deepEqual(d.routed_via.map((c) => c.value), ['10.20.0.50']);
    assert.deepEqual(d.modbus_units, [Number(d.id.slice('modbus:'.length, d.id.indexOf('@')))]);
    assert.equal(d.role.value, 'plc', d.role.reasons.join('; '));
  }
  const [gw] = assetsOf({ assets }, '10.20.0.50');
  assert.equal(gw.role.value, 'protocol_gateway', gw.role.reasons.join('; '));
  assert.deepEqual(gw.modbus_units, [1, 2, 255]);
  // The gateway's own identity, read on unit 255, stays on the gateway.
  assert.deepEqual(gw.vendor.filter((c) => c.source !== 'oui').map((c) => c.value), ['Palisade Test Gateways']);
  // The graph: the client's operations on each device behind the gateway.
  const graph = JSON.parse(readFileSync(join(out, 'graph.json'), 'utf8')) as { edges: { source: string; target: string; operation_totals: Record<string, number> }[] };
  const [client] = assetsOf({ assets }, '10.20.0.10');
  assert.deepEqual(graph.edges.find((e) => e.source === client.id && e.target === 'modbus:1@10.20.0.50')?.operation_totals, { read: 3, write: 3 });
  assert.deepEqual(graph.edges.find((e) => e.source === client.id && e.target === 'modbus:2@10.20.0.50')?.operation_totals, { read: 9 });
  // The table and the CSV say where they are.
  const table = await runCli(['assets', out]);
  assert.match(table.stdout, /plc \(70\)\s+1\s+-\s+via 10\.20\.0\.50\s+Modbus unit 1\s/);
  assert.match(table.stdout, /protocol_gateway \(85\)\s+1\s/);
  const csv = (await runCli(['assets', out, '--format', 'csv', '--role', 'protocol_gateway'])).stdout.trimEnd().split('\n');
  assert.equal(csv.length, 2, csv.join('\n'));
  assert.ok(csv[0].endsWith(',bacnet,routed_via,modbus_units'));
  assert.ok(csv[1].endsWith(',1 2 255'), csv[1]);
});

const skip = !HAVE_CORPUS || !HAVE_TSHARK ? 'needs the corpus and tshark' : false;

test('on every Modbus capture, devices behind gateways and answered unit ids are those tshark shows', { skip }, async () => {
  const files = [
    MODBUS_GATEWAY,
    ...manifest().filter((m) => /(^|, )(mbtcp|modbus)(,|$)/.test(m.protocols) && /\.(pcap|pcapng|cap)$/.test(m.path)).map((m) => join(CORPUS, m.path)),
  ];
  let gateways = 0;
  let servers = 0;
  for (const file of files) {
    const want = await tsharkServers(file);
    if (want.size === 0) continue;
    const r = await runEngine([file]);
    const b = new AssetBuilder(MAPPERS);
    for (const [type, recs] of r.records) for (const rec of recs) b.write(type, rec);
    const inv = b.finalize();
    const devices = new Set<string>();
    for (const [ip, s] of want) {
      const mine = assetsOf(inv, ip);
      // Loopback and other non-host addresses are no assets.
      if (mine.length === 0) continue;
      servers++;
      const gateway = s.gatewayExceptions > 0;
      if (gateway) gateways++;
      const behind = [...s.answered].filter((u) => gateway && u >= 1 && u <= 247);
      for (const u of behind) devices.add(`modbus:${u}@${ip}`);
      assert.deepEqual(mine[0].modbus_units, [...s.answered].sort((x, y) => x - y), `${file}: units ${ip} answered`);
      for (const u of behind) {
        const d = inv.assets.find((x) => x.id === `modbus:${u}@${ip}`);
        assert.deepEqual(d?.routed_via.map((c) => c.value), [ip], `${file}: unit ${u} behind ${ip}`);
      }
    }
    assert.deepEqual(inv.assets.filter((x) => x.key === 'modbus').map((x) => x.id).sort(), [...devices].sort(), file);
  }
  // The fixture's gateway and the corpus's (digitalbond's simulator answers 11 after Force Listen Only Mode; 4SICS's 10).
  assert.ok(gateways >= 4, `${gateways} gateways`);
  assert.ok(servers >= 20, `${servers} Modbus servers checked`);
});
