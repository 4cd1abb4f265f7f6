// Identity values in the inventory agree with tshark's own decoding of the same packets, on
// every corpus capture that carries them: EtherNet/IP ListIdentity, Modbus device
// identification, BACnet I-Am, S7 SZL module identification, LLDP, CDP, PROFINET DCP, DHCP
// host names. For each value tshark shows, the asset of the sending address (or MAC) must
// hold a claim with that value, pointing back at the right record type.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { AssetBuilder, type AssetJSON, type Inventory } from '../src/assets/builder.ts';
import type { Claim } from '../src/assets/claims.ts';
import { MAPPERS } from '../src/assets/mappers.ts';
import { MAX_CLAIMS } from '../src/assets/claims.ts';
import { CORPUS, HAVE_CORPUS, captureFor, manifest } from './support/corpus.ts';
import { readZeekLog } from './support/zeek-log.ts';
import { runEngine } from './support/run-engine.ts';
import { HAVE_TSHARK, TSHARK } from './support/tshark.ts';
import { MODBUS_GATEWAY } from './support/fixtures.ts';

const run = promisify(execFile);
const skip = !HAVE_CORPUS || !HAVE_TSHARK ? 'needs the corpus and tshark' : false;

async function inventory(file: string): Promise<Inventory> {
  return (await engineAndInventory(file)).inv;
}

async function engineAndInventory(file: string): Promise<{ inv: Inventory; records: Map<string, object[]> }> {
  const r = await runEngine([file]);
  const b = new AssetBuilder(MAPPERS);
  for (const [type, recs] of r.records) for (const rec of recs) b.write(type, rec);
  return { inv: b.finalize(), records: r.records };
}

/** tshark's fields of each frame that matches: the first occurrence of each, or ('a') all, joined by RS (\x1e). */
async function fields(file: string, filter: string, f: string[], occurrence: 'f' | 'a' = 'f'): Promise<string[][]> {
  let stdout: string;
  try {
    ({ stdout } = await run(TSHARK, ['-n', '-r', file, '-Y', filter, '-T', 'fields', '-E', `occurrence=${occurrence}`, '-E', 'aggregator=\x1e', ...f.flatMap((x) => ['-e', x])], { maxBuffer: 64 << 20 }));
  } catch (e) {
    stdout = (e as { stdout?: string }).stdout ?? '';
  }
  return stdout.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}

function captures(proto: RegExp): string[] {
  return manifest().filter((m) => proto.test(m.protocols) && /\.(pcap|pcapng|cap)$/.test(m.path)).map((m) => m.path);
}

type Field = 'names' | 'vendor' | 'model' | 'firmware' | 'serial' | 'device_type';

/** Whom a value belongs to: an IP's asset, a MAC's, or (id) a BACnet device behind a router, `bacnet:<network>:<mac hex>@<router IP>`. */
interface Holder {
  ip?: string;
  mac?: string;
  id?: string;
}

function holder(inv: Inventory, by: Holder): AssetJSON | undefined {
  if (by.id !== undefined) return inv.assets.find((a) => a.id === by.id);
  return inv.assets.find((a) => (by.ip !== undefined && [...a.ipv4, ...a.ipv6].some((c) => c.value === by.ip)) || (by.mac !== undefined && a.key === 'mac' && a.mac.some((c) => c.value === by.mac)));
}

interface Tally {
  checked: number;
  missing: string[];
  /** Values not kept because the asset's field was full. */
  capped: number;
}

function check(t: Tally, inv: Inventory, rel: string, by: Holder, field: Field, want: string, source: string): void {
  const v = want.trim().replace(/\0+$/, '').trim();
  if (v === '') return;
  t.checked++;
  const a = holder(inv, by);
  const claims: Claim[] = a === undefined ? [] : (a[field] as Claim[]);
  // A field holds at most MAX_CLAIMS values (a BACnet router announces hundreds of devices): the rest are counted, not kept.
  if (claims.length >= MAX_CLAIMS && inv.dropped_claims > 0) {
    t.capped++;
    return;
  }
  if (!claims.some((c) => c.value === v && c.source === source)) t.missing.push(`${rel}: ${JSON.stringify(by)} ${field} "${v}" from ${source} (has ${claims.map((c) => `${c.value}/${c.source}`).join(', ') || 'none'})`);
}

function done(t: Tally, what: string, least: number): void {
  assert.deepEqual(t.missing, [], `${what}: ${t.missing.length} of ${t.checked} values missing`);
  assert.ok(t.checked >= least, `${what}: only ${t.checked} values checked`);
  // Values beyond a full field (BACnet routers announce the devices behind them) are counted only.
  if (t.capped > 0) process.stdout.write(`# ${what}: ${t.capped} of ${t.checked} values not kept (field full at ${MAX_CLAIMS})\n`);
}

test('EtherNet/IP ListIdentity: product name, revision and serial of every identity tshark decodes', { skip }, async () => {
  const t: Tally = { checked: 0, missing: [], capped: 0 };
  for (const rel of captures(/(^|, )enip(,|$)/)) {
    const file = join(CORPUS, rel);
    const rows = await fields(file, 'enip.lir.name', ['ip.src', 'enip.lir.name', 'enip.lir.revision', 'enip.lir.serial']);
    if (rows.length === 0) continue;
    const inv = await inventory(file);
    for (const [ip, name, rev, serial] of rows) {
      check(t, inv, rel, { ip }, 'model', name, 'cip_identity');
      // tshark's field holds the revision as major × 256 + minor (it shows "4.03"); the record writes major.minor.
      const r = Number(rev);
      check(t, inv, rel, { ip }, 'firmware', Number.isInteger(r) ? `${r >> 8}.${r & 255}` : rev, 'cip_identity');
      check(t, inv, rel, { ip }, 'serial', serial, 'cip_identity');
    }
  }
  done(t, 'ListIdentity', 3);
});

test('Modbus Read Device Identification: every object value tshark decodes', { skip }, async () => {
  const t: Tally = { checked: 0, missing: [], capped: 0 };
  const FIELD: Record<string, Field> = { '0': 'vendor', '1': 'model', '2': 'firmware', '4': 'model', '5': 'model', '6': 'names' };
  // The corpus's, and the gateway of Palisade's own fixture (its identity answered on unit 255).
  const files = [...captures(/(^|, )modbus(,|$)/).map((rel) => [rel, join(CORPUS, rel)]), ['modbus-gateway.pcap', MODBUS_GATEWAY]];
  for (const [rel, file] of files) {
    // Every object of a response (a response holds several): all occurrences, split on RS.
    const rows = await fields(file, 'modbus.object_str_value && mbtcp && tcp.srcport == 502', ['ip.src', 'mbtcp.unit_id', 'modbus.object_id', 'modbus.object_str_value'], 'a');
    if (rows.length === 0) continue;
    const inv = await inventory(file);
    for (const [ip, unit, ids, values] of rows) for (const [i, id] of ids.split('\x1e').entries()) {
      const value = values.split('\x1e')[i] ?? '';
      const f = FIELD[String(Number(id))];
      // A device behind a gateway holds what it answered (assets.md); a server answers for itself.
      const dev = `modbus:${Number(unit)}@${ip}`;
      const by = inv.assets.some((a) => a.id === dev) ? { id: dev } : { ip };
      // Loopback devices are no assets.
      if (f !== undefined && !ip.startsWith('127.')) check(t, inv, rel, by, f, value, 'modbus_read_device_identification');
    }
  }
  done(t, 'Modbus device identification', 5);
});

test('BACnet I-Am: every announcing device carries its vendor and device instance', { skip }, async () => {
  const t: Tally = { checked: 0, missing: [], capped: 0 };
  for (const rel of captures(/(^|, )bacapp(,|$)/)) {
    const file = join(CORPUS, rel);
    const rows = await fields(file, 'bacapp.unconfirmed_service == 0 && ip', ['ip.src', 'bacapp.instance_number', 'bvlc.fwd_ip', 'bacnet.snet', 'bacnet.sadr_mstp', 'bacnet.sadr_eth', 'bacnet.sadr_tmp']);
    if (rows.length === 0) continue;
    const inv = await inventory(file);
    for (const [ip, inst, fwd, snet, mstp, eth, tmp] of rows) {
      if (ip.endsWith('.255')) continue;
      // The announcing device: behind a BACnet router the one at SNET/SADR, else the originator
      // of a Forwarded-NPDU (the sender is the BBMD), else the sender.
      const sadr = mstp ? Number(mstp).toString(16).padStart(2, '0') : (eth || tmp || '').replace(/:/g, '').toLowerCase();
      const by: Holder = snet && snet !== '65535' && sadr !== '' ? { id: `bacnet:${snet}:${sadr}@${fwd || ip}` } : { ip: fwd || ip };
      check(t, inv, rel, by, 'device_type', `BACnet device ${inst}`, 'bacnet_discovery');
    }
  }
  done(t, 'I-Am', 10);
});

test('S7 SZL: module names and serial numbers of every identity answer tshark decodes', { skip }, async () => {
  const t: Tally = { checked: 0, missing: [], capped: 0 };
  for (const rel of captures(/(^|, )s7comm(,|$)/)) {
    const file = join(CORPUS, rel);
    const rows = await fields(file, 's7comm.szl.001c.0005.serialn || s7comm.szl.001c.0001.name', ['ip.src', 's7comm.szl.001c.0005.serialn', 's7comm.szl.001c.0001.name']);
    if (rows.length === 0) continue;
    const inv = await inventory(file);
    for (const [ip, serial, asName] of rows) {
      check(t, inv, rel, { ip }, 'serial', serial ?? '', 's7comm_known_devices');
      check(t, inv, rel, { ip }, 'names', asName ?? '', 's7comm_known_devices');
    }
  }
  done(t, 'SZL 0x001C', 2);
});

test('LLDP, CDP and PROFINET DCP: names announced on layer 2 belong to the sending MAC', { skip }, async () => {
  const t: Tally = { checked: 0, missing: [], capped: 0 };
  for (const rel of captures(/(^|, )(lldp|cdp|pn_dcp)(,|$)/)) {
    const file = join(CORPUS, rel);
    const lldp = await fields(file, 'lldp.tlv.system.name', ['eth.src', 'lldp.tlv.system.name']);
    const cdp = await fields(file, 'cdp.deviceid', ['eth.src', 'cdp.deviceid', 'cdp.platform']);
    const dcp = await fields(file, 'pn_dcp.suboption_device_nameofstation && (pn_dcp.service_type == 1 || pn_dcp.service_id == 6)', ['eth.src', 'pn_dcp.suboption_device_nameofstation']);
    if (lldp.length + cdp.length + dcp.length === 0) continue;
    const inv = await inventory(file);
    for (const [mac, name] of lldp) check(t, inv, rel, { mac }, 'names', name, 'lldp');
    for (const [mac, id, platform] of cdp) {
      check(t, inv, rel, { mac }, 'names', id, 'cdp');
      check(t, inv, rel, { mac }, 'model', platform ?? '', 'cdp');
    }
    for (const [mac, name] of dcp) check(t, inv, rel, { mac }, 'names', name, 'profinet_dcp');
  }
  done(t, 'layer-2 names', 20);
});

test('DHCP: every client host name tshark decodes is a name of the client MAC', { skip }, async () => {
  const t: Tally = { checked: 0, missing: [], capped: 0 };
  for (const rel of captures(/(^|, )dhcp(,|$)/)) {
    const file = join(CORPUS, rel);
    const rows = await fields(file, 'dhcp.option.hostname && dhcp.type == 1', ['dhcp.hw.mac_addr', 'dhcp.option.hostname']);
    if (rows.length === 0) continue;
    const inv = await inventory(file);
    for (const [mac, host] of rows) check(t, inv, rel, { mac }, 'names', host, 'dhcp');
  }
  done(t, 'DHCP host names', 10);
});

const ICSNPP_DIR = ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'is_orig', 'source_h', 'source_p', 'destination_h', 'destination_p'];

test('the ICSNPP identity logs (cip_identity, s7comm_known_devices, bacnet_discovery I-Am) land on the right assets', { skip: HAVE_CORPUS ? false : 'needs the corpus' }, async () => {
  const t: Tally = { checked: 0, missing: [], capped: 0 };
  const cipCols = [...ICSNPP_DIR, 'encapsulation_version', 'socket_address', 'socket_port', 'vendor_id', 'vendor_name', 'device_type_id',
    'device_type_name', 'product_code', 'revision', 'device_status', 'serial_number', 'product_name', 'device_state'];
  const logs = manifest().filter((m) => /^icsnpp-[a-z-]+\/.*\/(cip_identity|s7comm_known_devices|bacnet_discovery)\.log$/.test(m.path));
  assert.ok(logs.length >= 4, `${logs.length} ICSNPP identity logs`);
  for (const row of logs) {
    const capture = captureFor(row);
    assert.ok(capture !== undefined, `MANIFEST.md names no capture for ${row.path}`);
    const { inv, records } = await engineAndInventory(join(CORPUS, capture));
    const log = row.path.split('/').pop()!.replace(/\.log$/, '');
    // ICSNPP names the datagram's sender; the routing of the same message (its NPDU source
    // behind a BACnet router, a Forwarded-NPDU's originator) comes from Palisade's record of
    // it, whose routing fields the tshark test above checks.
    const discovery = (records.get('bacnet_discovery') ?? []) as Record<string, unknown>[];
    const announcer = (z: Record<string, string>, src: string): Holder => {
      // (The baselines mask times, and Zeek's uids are not Palisade's: the I-Am is found by sender and device instance.)
      const ours = discovery.find((d) => d.source_h === src && String(d.instance_number) === z.instance_number && d.pdu_service === 'i-am');
      if (ours === undefined) return { ip: src };
      const via = typeof ours.fwd_ip === 'string' ? ours.fwd_ip : src;
      if (typeof ours.snet === 'number' && ours.snet !== 65535 && typeof ours.sadr === 'string') return { id: `bacnet:${ours.snet}:${ours.sadr}@${via}` };
      return { ip: via };
    };
    for (const z of readZeekLog(join(CORPUS, row.path), log === 'cip_identity' ? cipCols : undefined)) {
      const src = z.source_h !== undefined && z.source_h !== '-' ? z.source_h : z['id.resp_h'];
      const val = (v: string | undefined) => (v === undefined || v === '-' || v === '(empty)' ? '' : v);
      if (log === 'cip_identity') {
        check(t, inv, row.path, { ip: src }, 'vendor', val(z.vendor_name), 'cip_identity');
        check(t, inv, row.path, { ip: src }, 'model', val(z.product_name), 'cip_identity');
        check(t, inv, row.path, { ip: src }, 'firmware', val(z.revision), 'cip_identity');
        check(t, inv, row.path, { ip: src }, 'serial', val(z.serial_number), 'cip_identity');
      } else if (log === 's7comm_known_devices') {
        check(t, inv, row.path, { ip: src }, 'names', val(z.automation_system_name), 's7comm_known_devices');
        check(t, inv, row.path, { ip: src }, 'model', val(z.module_name), 's7comm_known_devices');
        check(t, inv, row.path, { ip: src }, 'serial', val(z.module_serial), 's7comm_known_devices');
      } else if (z.pdu_service === 'i-am' && !src.endsWith('.255')) {
        check(t, inv, row.path, announcer(z, src), 'device_type', `BACnet device ${z.instance_number}`, 'bacnet_discovery');
      }
    }
  }
  done(t, 'ICSNPP identity logs', 10);
});
