// CDP against tshark on every corpus capture that holds CDP (MANIFEST.md Protocols column):
//  1. per announcement: our parser and tshark agree on the key fields (cdp.deviceid,
//     cdp.platform) and on the other TLVs both decode (version, TTL, checksum and its status,
//     port id, capabilities, software version, addresses, native VLAN, duplex, VTP domain,
//     power, system name);
//  2. the records: one neighbour per distinct device/port id that tshark shows, and every
//     announcement accounted for (written records + folded repeats).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { readCapture } from '../src/capture/source.ts';
import type { RawFrame } from '../src/capture/frame.ts';
import { Decoder } from '../src/decode/decoder.ts';
import { OUTCOME, Packet } from '../src/decode/packet.ts';
import { describeCdp } from '../src/protocols/cdp/fields.ts';
import { CdpFrame, walkCdp } from '../src/protocols/cdp/parser.ts';
import type { CdpRecord } from '../src/protocols/cdp/records.ts';
import { emptyRecord } from '../src/protocols/cdp/session.ts';
import { CORPUS, HAVE_CORPUS, manifest } from './support/corpus.ts';
import { runEngine } from './support/run-engine.ts';
import { HAVE_TSHARK, TSHARK } from './support/tshark.ts';

const run = promisify(execFile);
const skip = !HAVE_CORPUS ? 'corpus not found' : !HAVE_TSHARK ? 'tshark not installed' : false;

const opt = (v: number | undefined) => (v === undefined ? '' : String(v));
const FIELDS: [string, (r: CdpRecord) => string][] = [
  ['cdp.deviceid', (r) => r.device_id ?? ''],
  ['cdp.platform', (r) => r.platform ?? ''],
  ['cdp.version', (r) => String(r.version)],
  ['cdp.ttl', (r) => String(r.ttl)],
  ['cdp.checksum', (r) => r.checksum],
  // tshark's checksum status: 1 = good, 0 = bad.
  ['cdp.checksum.status', (r) => (r.checksum_ok ? '1' : '0')],
  ['cdp.portid', (r) => r.port_id ?? ''],
  ['cdp.capabilities', (r) => (r.capabilities_bits === undefined ? '' : `0x${r.capabilities_bits.toString(16).padStart(8, '0')}`)],
  // tshark splits the software version into one occurrence per line.
  ['cdp.software_version', (r) => (r.software_version ?? '').split('\n').join(';')],
  ['cdp.native_vlan', (r) => opt(r.native_vlan)],
  ['cdp.duplex', (r) => (r.duplex === undefined ? '' : r.duplex === 'full' ? '1' : '0')],
  ['cdp.vtp_management_domain', (r) => r.vtp_domain ?? ''],
  ['cdp.power_consumption', (r) => opt(r.power_mw)],
  ['cdp.system_name', (r) => r.system_name ?? ''],
  ['cdp.mtu', (r) => opt(r.mtu)],
];
const KEY = ['cdp.deviceid', 'cdp.platform'];

const unescape = (s: string) => s.replace(/\\([nrt\\])/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c === 't' ? '\t' : '\\'));

async function tsharkRows(file: string): Promise<Map<number, Record<string, string>>> {
  const names = ['frame.number', 'eth.src', 'cdp.address', ...FIELDS.map(([f]) => f)];
  const args = ['-n', '-r', file, '-Y', 'cdp', '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=;'];
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

async function ourFrames(file: string): Promise<Map<number, CdpRecord>> {
  const dec = new Decoder();
  const p = new Packet();
  const f = new CdpFrame();
  const out = new Map<number, CdpRecord>();
  let n = 0;
  await readCapture(file, {
    frame(raw: RawFrame) {
      n++;
      if (dec.decode(raw, p) !== OUTCOME.L2 || p.ethertype >= 0x0600) return;
      const o = p.l2PayloadOff;
      const d = p.data;
      if (p.end - o < 12 || d[o] !== 0xaa || d[o + 3] !== 0 || d[o + 4] !== 0 || d[o + 5] !== 0x0c || d[o + 6] !== 0x20 || d[o + 7] !== 0) return;
      const end = p.macOff >= 0 && o + p.ethertype < p.end ? o + p.ethertype : p.end;
      walkCdp(d, o + 8, end, f);
      const r = emptyRecord();
      describeCdp(d, f, r);
      r.version = f.version;
      r.ttl = f.ttl;
      r.checksum = '0x' + f.checksum.toString(16).padStart(4, '0');
      r.checksum_ok = f.checksumOk;
      out.set(n, r);
    },
  });
  return out;
}

const cache = new Map<string, Promise<[Map<number, Record<string, string>>, Map<number, CdpRecord>]>>();
function both(file: string) {
  let p = cache.get(file);
  if (p === undefined) cache.set(file, (p = Promise.all([tsharkRows(file), ourFrames(file)])));
  return p;
}

function captures(): string[] {
  return manifest().filter((r) => /(^|[\s,])cdp([\s,]|$)/.test(r.protocols)).map((r) => r.path);
}

test('CDP: every announcement agrees with tshark on the key fields and on the TLVs both decode', { skip }, async () => {
  const files = captures();
  assert.ok(files.length >= 8, `CDP captures: ${files.length}`);
  let compared = 0;
  let keyAgree = 0;
  let allAgree = 0;
  const problems: string[] = [];
  for (const rel of files) {
    const [rows, ours] = await both(join(CORPUS, rel));
    for (const [frame, row] of rows) {
      compared++;
      const o = ours.get(frame);
      const diffs: string[] = [];
      for (const [name, get] of FIELDS) {
        const mine = o === undefined ? '(not parsed)' : get(o);
        if (mine !== row[name]) diffs.push(`${name}: ours ${JSON.stringify(mine)}, tshark ${JSON.stringify(row[name])}`);
      }
      if (!diffs.some((d) => KEY.some((k) => d.startsWith(`${k}:`)))) keyAgree++;
      if (diffs.length === 0) allAgree++;
      else if (problems.length < 20) problems.push(`${rel} frame ${frame}: ${diffs.join('; ')}`);
    }
  }
  console.log(`CDP key fields (${KEY.join(', ')}): ${keyAgree}/${compared} announcements agree (${((100 * keyAgree) / compared).toFixed(2)}%); all ${FIELDS.length} fields: ${allAgree}/${compared}`);
  assert.ok(compared >= 20, `announcements compared: ${compared}`);
  assert.ok(keyAgree / compared >= 0.99, problems.join('\n'));
  assert.equal(allAgree, compared, problems.join('\n'));
});

test('CDP: one neighbour per distinct device/port id that tshark shows, and every announcement accounted for', { skip }, async () => {
  let neighbours = 0;
  for (const rel of captures()) {
    const file = join(CORPUS, rel);
    const [rows] = await both(file);
    const counts = new Map<string, number>();
    for (const row of rows.values()) {
      const key = `${row['cdp.deviceid']}|${row['cdp.portid']}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const res = await runEngine([file]);
    assert.equal(res.counters.dissectors.cdp?.internal_errors ?? 0, 0);
    const recs = (res.records.get('cdp') ?? []) as Record<string, unknown>[];
    const byKey = new Map<string, Record<string, unknown>[]>();
    for (const r of recs) {
      const key = `${r.device_id}|${r.port_id}`;
      let l = byKey.get(key);
      if (l === undefined) byKey.set(key, (l = []));
      l.push(r);
    }
    assert.deepEqual([...byKey.keys()].sort(), [...counts.keys()].sort(), rel);
    for (const [key, n] of counts) {
      const l = byKey.get(key)!;
      const written = l.filter((r) => r.record_kind !== 'summary').length;
      const folded = l.reduce((s, r) => s + (r.repeats as number), 0);
      assert.equal(written + folded, n, `${rel} ${key}`);
      assert.equal(l[l.length - 1].frame_count, n);
    }
    neighbours += counts.size;
  }
  console.log(`CDP neighbours: ${neighbours}, all accounted for`);
  assert.ok(neighbours >= 8);
});
