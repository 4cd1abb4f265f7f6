// PROFINET against tshark on every corpus capture with PROFINET frames (MANIFEST.md Protocols
// column: pn_dcp, pn_rt, pn_ptcp):
//  1. DCP: one `profinet_dcp` record per DCP PDU, in frame order, agreeing with tshark on the
//     key fields (pn_dcp.service_id, pn_dcp.suboption_device_nameofstation,
//     pn_dcp.suboption_vendor_id, pn_dcp.suboption_device_id) on ≥ 99% of PDUs, and on the
//     header (frame ID, ServiceType, Xid) and the IP parameters of every PDU;
//  2. RT: the `profinet_rt` summaries are exactly tshark's frames grouped by (eth.src,
//     eth.dst, vlan.id, pn_rt.frame_id): frames, bytes, first and last cycle counter and
//     DataStatus, frames with a TransferStatus other than 0.
// There is no ICSNPP baseline for DCP or RT: ICSNPP's PROFINET plugin (icsnpp-profinet-io-cm)
// logs the DCE/RPC context manager only.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { CORPUS, HAVE_CORPUS, manifest } from './support/corpus.ts';
import { runEngine } from './support/run-engine.ts';
import { HAVE_TSHARK, TSHARK } from './support/tshark.ts';

const run = promisify(execFile);
const skip = !HAVE_CORPUS ? 'corpus not found' : !HAVE_TSHARK ? 'tshark not installed' : false;
type Rec = Record<string, unknown>;

const FIELDS = [
  'frame.number', 'frame.len', 'eth.src', 'eth.dst', 'vlan.id', 'pn_rt.frame_id', 'pn_rt.cycle_counter', 'pn_rt.ds', 'pn_rt.transfer_status',
  'pn_dcp.service_id', 'pn_dcp.service_type', 'pn_dcp.xid', 'pn_dcp.suboption_device_nameofstation', 'pn_dcp.suboption_vendor_id',
  'pn_dcp.suboption_device_id', 'pn_dcp.suboption_ip_ip', 'pn_dcp.suboption_ip_subnetmask', 'pn_dcp.suboption_ip_standard_gateway',
];

const tsharkCache = new Map<string, Promise<Record<string, string>[]>>();
const engineCache = new Map<string, ReturnType<typeof runEngine>>();
/** Each capture is read once by tshark and once by the engine, for both tests. */
function tsharkRows(file: string): Promise<Record<string, string>[]> {
  let p = tsharkCache.get(file);
  if (p === undefined) tsharkCache.set(file, (p = readTshark(file)));
  return p;
}
function engine(file: string): ReturnType<typeof runEngine> {
  let p = engineCache.get(file);
  if (p === undefined) engineCache.set(file, (p = runEngine([file])));
  return p;
}

async function readTshark(file: string): Promise<Record<string, string>[]> {
  const args = ['-n', '-r', file, '-Y', 'eth.type == 0x8892 || vlan.etype == 0x8892', '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=|'];
  for (const f of FIELDS) args.push('-e', f);
  const { stdout } = await run(TSHARK, args, { maxBuffer: 256 << 20 });
  return stdout.split('\n').filter((l) => l !== '').map((l) => {
    const cells = l.split('\t');
    const row: Record<string, string> = {};
    FIELDS.forEach((f, i) => (row[f] = cells[i] ?? ''));
    return row;
  });
}

/** tshark's number (decimal or 0x hex) or undefined when absent. */
const num = (s: string): number | undefined => (s === '' ? undefined : Number(s.split('|')[0]));
const first = (s: string): string => s.split('|')[0];

function files(): string[] {
  return manifest().filter((m) => /\bpn_(dcp|rt|ptcp)\b/.test(m.protocols)).map((m) => m.path);
}

test('DCP: every PDU agrees with tshark on the service, NameOfStation, VendorID and DeviceID', { skip }, async (t) => {
  const list = files();
  assert.ok(list.length >= 6, `${list.length} captures`);
  let total = 0;
  let agree = 0;
  const diffs: string[] = [];
  for (const f of list) {
    const path = join(CORPUS, f);
    const theirs = (await tsharkRows(path)).filter((r) => r['pn_dcp.service_id'] !== '');
    const r = await engine(path);
    const ours = (r.records.get('profinet_dcp') ?? []) as Rec[];
    assert.equal(ours.length, theirs.length, `${f}: ${ours.length} DCP records, tshark ${theirs.length} PDUs`);
    theirs.forEach((row, i) => {
      const o = ours[i];
      const frame = `${f} frame ${row['frame.number']}`;
      total++;
      const key: [string, unknown, unknown][] = [
        ['service_id', o.service_id, num(row['pn_dcp.service_id'])],
        ['station_name', o.station_name, row['pn_dcp.suboption_device_nameofstation'] === '' ? undefined : row['pn_dcp.suboption_device_nameofstation']],
        ['vendor_id', o.vendor_id, num(row['pn_dcp.suboption_vendor_id'])],
        ['device_id', o.device_id, num(row['pn_dcp.suboption_device_id'])],
      ];
      const bad = key.filter(([, a, b]) => a !== b);
      if (bad.length === 0) agree++;
      else diffs.push(`${frame}: ${bad.map(([k, a, b]) => `${k} ours ${a} tshark ${b}`).join(', ')}`);
      // The header and the IP parameters, on every PDU.
      assert.equal(o.frame_id, num(row['pn_rt.frame_id']), `${frame} frame_id`);
      assert.equal(o.service_type_code, num(row['pn_dcp.service_type']), `${frame} service_type`);
      assert.equal(o.xid, num(row['pn_dcp.xid']), `${frame} xid`);
      assert.equal(o.src_mac, row['eth.src'], `${frame} src`);
      assert.equal(o.dst_mac, row['eth.dst'], `${frame} dst`);
      assert.equal(o.vlan, num(row['vlan.id']), `${frame} vlan`);
      for (const [k, tf] of [['ip', 'pn_dcp.suboption_ip_ip'], ['netmask', 'pn_dcp.suboption_ip_subnetmask'], ['gateway', 'pn_dcp.suboption_ip_standard_gateway']]) {
        assert.equal(o[k], row[tf] === '' ? undefined : first(row[tf]), `${frame} ${k}`);
      }
    });
  }
  t.diagnostic(`${list.length} captures, ${total} DCP PDUs, ${agree} agree on the key fields`);
  assert.ok(total >= 40, `${total} PDUs compared`);
  assert.ok(agree / total >= 0.99, `agreement ${agree}/${total}:\n${diffs.join('\n')}`);
  assert.deepEqual(diffs, [], 'every PDU agrees (no tshark bug to list)');
});

interface Summary {
  frames: number;
  bytes: number;
  ccFirst?: number;
  ccLast?: number;
  dsFirst?: number;
  dsLast?: number;
  transferErrors?: number;
}

test('RT: the profinet_rt summaries are tshark\'s frames grouped by addresses, VLAN and frame ID', { skip }, async (t) => {
  let streams = 0;
  let frames = 0;
  for (const f of files()) {
    const path = join(CORPUS, f);
    const want = new Map<string, Summary>();
    for (const row of await tsharkRows(path)) {
      if (row['pn_dcp.service_id'] !== '') continue;
      const key = `${row['eth.src']}>${row['eth.dst']}@${first(row['vlan.id'])}#${num(row['pn_rt.frame_id'])}`;
      let s = want.get(key);
      if (s === undefined) want.set(key, (s = { frames: 0, bytes: 0 }));
      s.frames++;
      s.bytes += Number(row['frame.len']);
      const cc = num(row['pn_rt.cycle_counter']);
      if (cc !== undefined) {
        s.ccFirst ??= cc;
        s.ccLast = cc;
        const ds = num(row['pn_rt.ds'])!;
        s.dsFirst ??= ds;
        s.dsLast = ds;
        s.transferErrors = (s.transferErrors ?? 0) + (num(row['pn_rt.transfer_status']) !== 0 ? 1 : 0);
      }
    }
    const r = await engine(path);
    const got = new Map<string, Summary>();
    for (const o of (r.records.get('profinet_rt') ?? []) as Rec[]) {
      got.set(`${o.src_mac}>${o.dst_mac}@${o.vlan ?? ''}#${o.frame_id}`, {
        frames: o.frames as number,
        bytes: o.bytes as number,
        ...(o.cycle_counter_first !== undefined
          ? {
              ccFirst: o.cycle_counter_first as number,
              ccLast: o.cycle_counter_last as number,
              dsFirst: o.data_status_first as number,
              dsLast: o.data_status_last as number,
              transferErrors: o.transfer_status_errors as number,
            }
          : {}),
      });
    }
    assert.deepEqual(Object.fromEntries([...got].sort()), Object.fromEntries([...want].sort()), f);
    streams += want.size;
    for (const s of want.values()) frames += s.frames;
  }
  t.diagnostic(`${streams} streams, ${frames} frames`);
  assert.ok(frames >= 150, `${frames} RT frames compared`);
});
