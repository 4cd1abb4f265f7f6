// LLDP against tshark on every corpus capture that holds LLDP (MANIFEST.md Protocols column):
//  1. per LLDPDU: our parser and tshark agree on the key fields (lldp.chassis.id.mac,
//     lldp.tlv.system.name) and on the other TLVs both decode (subtypes, ids, TTL,
//     descriptions, capabilities, management IPv4 addresses, VLAN, MAU type, frame size,
//     LLDP-MED inventory, PROFINET chassis MAC);
//  2. the records: one neighbour per distinct (chassis id, port id) that tshark shows, and
//     every LLDPDU of a neighbour accounted for (written records + folded repeats = tshark's
//     LLDPDUs of that neighbour).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { readCapture } from '../src/capture/source.ts';
import type { RawFrame } from '../src/capture/frame.ts';
import { Decoder } from '../src/decode/decoder.ts';
import { OUTCOME, Packet } from '../src/decode/packet.ts';
import { readHex } from '../src/dissect/ber.ts';
import { describeLldp } from '../src/protocols/lldp/fields.ts';
import { LldpFrame, walkLldp } from '../src/protocols/lldp/parser.ts';
import type { LldpRecord } from '../src/protocols/lldp/records.ts';
import { emptyRecord } from '../src/protocols/lldp/session.ts';
import { CORPUS, HAVE_CORPUS, manifest } from './support/corpus.ts';
import { runEngine } from './support/run-engine.ts';
import { HAVE_TSHARK, TSHARK } from './support/tshark.ts';

const run = promisify(execFile);
const skip = !HAVE_CORPUS ? 'corpus not found' : !HAVE_TSHARK ? 'tshark not installed' : false;

/** tshark field → how to read ours. Multi-occurrence fields are joined with ';'. */
type Getter = (r: LldpRecord, raw: { chassisHex: string; portHex: string }) => string;
const FIELDS: [string, Getter][] = [
  ['lldp.chassis.subtype', (r) => String(r.chassis_id_subtype_code)],
  ['lldp.chassis.id.mac', (r) => (r.chassis_id_subtype_code === 4 ? r.chassis_id : '')],
  ['lldp.chassis.id', (r, raw) => (r.chassis_id_subtype_code === 4 || r.chassis_id_subtype_code === 5 ? '' : raw.chassisHex)],
  ['lldp.port.subtype', (r) => String(r.port_id_subtype_code)],
  ['lldp.port.id', (r) => (r.port_id_subtype_code === 3 || r.port_id_subtype_code === 4 ? '' : r.port_id)],
  ['lldp.port.id.mac', (r) => (r.port_id_subtype_code === 3 ? r.port_id : '')],
  // A second TTL TLV (802.1AB allows one): tshark lists every one, ours is the first (see below).
  ['lldp.time_to_live', (r) => String(r.ttl)],
  ['lldp.port.desc', (r) => r.port_description ?? ''],
  ['lldp.tlv.system.name', (r) => r.system_name ?? ''],
  ['lldp.tlv.system.desc', (r) => r.system_description ?? ''],
  ['lldp.tlv.system_cap', (r) => (r.capabilities_bits === undefined ? '' : `0x${r.capabilities_bits.toString(16).padStart(4, '0')}`)],
  ['lldp.tlv.enable_system_cap', (r) => (r.enabled_capabilities_bits === undefined ? '' : `0x${r.enabled_capabilities_bits.toString(16).padStart(4, '0')}`)],
  ['lldp.mgn.addr.ip4', (r) => r.mgmt_addresses.filter((a) => /^\d+\.\d+\.\d+\.\d+$/.test(a)).join(';')],
  ['lldp.ieee.802_1.port_vlan.id', (r) => (r.port_vlan_id === undefined ? '' : String(r.port_vlan_id))],
  ['lldp.ieee.802_3.pmd_mau_type', (r) => (r.mau_type === undefined ? '' : `0x${r.mau_type.toString(16).padStart(4, '0')}`)],
  ['lldp.ieee.802_3.max_frame_size', (r) => (r.max_frame_size === undefined ? '' : String(r.max_frame_size))],
  ['lldp.media.hardware', (r) => r.med_hardware_revision ?? ''],
  ['lldp.media.firmware', (r) => r.med_firmware_revision ?? ''],
  ['lldp.media.software', (r) => r.med_software_revision ?? ''],
  ['lldp.media.sn', (r) => r.med_serial_number ?? ''],
  ['lldp.media.manufacturer', (r) => r.med_manufacturer ?? ''],
  ['lldp.media.model', (r) => r.med_model ?? ''],
  ['lldp.media.asset', (r) => r.med_asset_id ?? ''],
  ['lldp.profinet.cm_mac_add', (r) => r.pn_chassis_mac ?? ''],
];
const KEY = ['lldp.chassis.id.mac', 'lldp.tlv.system.name'];

/** tshark -T fields escapes: \n, \r, \t, \\ in strings. */
const unescape = (s: string) => s.replace(/\\([nrt\\])/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c === 't' ? '\t' : '\\'));

async function tsharkRows(file: string): Promise<Map<number, Record<string, string>>> {
  const names = ['frame.number', ...FIELDS.map(([f]) => f)];
  const args = ['-n', '-r', file, '-Y', 'lldp', '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=;'];
  for (const f of names) args.push('-e', f);
  const { stdout } = await run(TSHARK, args, { maxBuffer: 64 << 20 });
  const out = new Map<number, Record<string, string>>();
  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    const cells = line.split('\t');
    const row: Record<string, string> = {};
    names.forEach((n, i) => (row[n] = unescape(cells[i] ?? '')));
    out.set(Number(row['frame.number']), row);
  }
  return out;
}

/** Our parser on every LLDP frame, by frame number. */
async function ourFrames(file: string): Promise<Map<number, { rec: LldpRecord; chassisHex: string; portHex: string }>> {
  const dec = new Decoder();
  const p = new Packet();
  const f = new LldpFrame();
  const out = new Map<number, { rec: LldpRecord; chassisHex: string; portHex: string }>();
  let n = 0;
  await readCapture(file, {
    frame(raw: RawFrame) {
      n++;
      if (dec.decode(raw, p) !== OUTCOME.L2 || p.ethertype !== 0x88cc) return;
      walkLldp(p.data, p.l2PayloadOff, p.end, f);
      if (f.tlvs < 3) return;
      const rec = emptyRecord();
      describeLldp(p.data, f, rec);
      out.set(n, { rec, chassisHex: readHex(p.data, f.chassisOff + 1, f.chassisLen - 1, 256), portHex: readHex(p.data, f.portOff + 1, f.portLen - 1, 256) });
    },
  });
  return out;
}

const cache = new Map<string, Promise<[Map<number, Record<string, string>>, Awaited<ReturnType<typeof ourFrames>>]>>();
/** tshark's rows and our frames of a capture, computed once for both tests. */
function both(file: string) {
  let p = cache.get(file);
  if (p === undefined) cache.set(file, (p = Promise.all([tsharkRows(file), ourFrames(file)])));
  return p;
}

function captures(): string[] {
  return manifest().filter((r) => /(^|[\s,])lldp([\s,]|$)/.test(r.protocols)).map((r) => r.path);
}

test('LLDP: every LLDPDU agrees with tshark on the key fields and on the TLVs both decode', { skip }, async () => {
  const files = captures();
  assert.ok(files.length >= 20, `LLDP captures: ${files.length}`);
  let compared = 0;
  let keyAgree = 0;
  let allAgree = 0;
  const perField = new Map<string, [number, number]>();
  const problems: string[] = [];
  for (const rel of files) {
    const file = join(CORPUS, rel);
    const [rows, ours] = await both(file);
    for (const [frame, row] of rows) {
      compared++;
      const o = ours.get(frame);
      const diffs: string[] = [];
      for (const [name, get] of FIELDS) {
        let theirs = row[name];
        // arkime wireshark-lldp.pcap frame 1 carries TTL TLVs of 120, 1, 2 and 3 s: tshark shows
        // the first two ("120;1") and then treats the rest as a trailer; the record keeps the
        // first (duplicate_mandatory is raised). Compared on the first occurrence.
        if (name === 'lldp.time_to_live') theirs = theirs.split(';')[0];
        const mine = o === undefined ? '(not parsed)' : get(o.rec, o);
        const ok = mine === theirs;
        const c = perField.get(name) ?? [0, 0];
        c[0] += ok ? 1 : 0;
        c[1]++;
        perField.set(name, c);
        if (!ok) diffs.push(`${name}: ours ${JSON.stringify(mine)}, tshark ${JSON.stringify(theirs)}`);
      }
      if (!diffs.some((d) => KEY.some((k) => d.startsWith(`${k}:`)))) keyAgree++;
      if (diffs.length === 0) allAgree++;
      else if (problems.length < 20) problems.push(`${rel} frame ${frame}: ${diffs.join('; ')}`);
    }
  }
  const pct = (a: number, b: number) => ((100 * a) / b).toFixed(2);
  console.log(`LLDP key fields (${KEY.join(', ')}): ${keyAgree}/${compared} LLDPDUs agree (${pct(keyAgree, compared)}%); all ${FIELDS.length} fields: ${allAgree}/${compared}`);
  for (const [name, [a, b]] of perField) if (a !== b) console.log(`  ${name}: ${a}/${b}`);
  assert.ok(compared >= 700, `LLDPDUs compared: ${compared}`);
  assert.ok(keyAgree / compared >= 0.99, problems.join('\n'));
  // No difference is explained away: every field of every LLDPDU agrees.
  assert.equal(allAgree, compared, problems.join('\n'));
});

test('LLDP: one neighbour per distinct chassis/port that tshark shows, and every LLDPDU accounted for', { skip }, async () => {
  let neighbours = 0;
  for (const rel of captures()) {
    const file = join(CORPUS, rel);
    const [rows, ours] = await both(file);
    // tshark's LLDPDUs per neighbour key (chassis subtype + id, port subtype + id), from its fields.
    const counts = new Map<string, number>();
    for (const [frame, row] of rows) {
      const o = ours.get(frame);
      const chassis = row['lldp.chassis.id.mac'] || row['lldp.chassis.id'];
      const port = row['lldp.port.id.mac'] || row['lldp.port.id'];
      const key = `${row['lldp.chassis.subtype']}/${chassis}|${row['lldp.port.subtype']}/${port}`;
      assert.ok(o !== undefined, `${rel} frame ${frame}`);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const res = await runEngine([file]);
    const recs = (res.records.get('lldp') ?? []) as Record<string, unknown>[];
    const c = res.counters.dissectors.lldp;
    assert.equal(c?.internal_errors ?? 0, 0);
    const byKey = new Map<string, Record<string, unknown>[]>();
    for (const r of recs) {
      const sub = r.chassis_id_subtype_code as number;
      const psub = r.port_id_subtype_code as number;
      const hexOf = (s: string) => (/^[0-9a-f]+$/.test(s) ? s : Buffer.from(s, 'latin1').toString('hex'));
      const chassis = sub === 4 ? (r.chassis_id as string) : hexOf(r.chassis_id as string);
      const port = psub === 3 ? (r.port_id as string) : (r.port_id as string);
      const key = `${sub}/${chassis}|${psub}/${port}`;
      let l = byKey.get(key);
      if (l === undefined) byKey.set(key, (l = []));
      l.push(r);
    }
    assert.equal(byKey.size, counts.size, `${rel}: neighbours ${[...byKey.keys()].join(', ')} vs tshark ${[...counts.keys()].join(', ')}`);
    for (const [key, n] of counts) {
      const l = byKey.get(key);
      assert.ok(l !== undefined, `${rel}: neighbour ${key} has no record`);
      const written = l.filter((r) => r.record_kind !== 'summary').length;
      const folded = l.reduce((s, r) => s + (r.repeats as number), 0);
      assert.equal(written + folded, n, `${rel} ${key}: ${written} records + ${folded} repeats vs ${n} LLDPDUs`);
      assert.equal(l[l.length - 1].frame_count, n);
      assert.equal(l[0].record_kind, 'new');
    }
    neighbours += counts.size;
  }
  console.log(`LLDP neighbours: ${neighbours}, all accounted for`);
  assert.ok(neighbours >= 20);
});
