// Modbus/TCP against tshark on every corpus capture with Modbus (MANIFEST.md Protocols
// column `mbtcp`/`modbus`):
//  1. key fields: every Modbus PDU tshark decodes (mbtcp.trans_id, mbtcp.unit_id,
//     modbus.func_code, per direction of each connection) is one our `modbus` records stand
//     for; and every PDU of ours that tshark does not show is listed below with the reason;
//  2. values: register and coil values of read responses and write-multiple-registers
//     requests (modbus.regval_uint16, modbus.bitval) and device identification objects
//     (modbus.object_str_value) equal the values in our records.
//  3. no flow of the other captures is taken for Modbus.
// Flows Palisade found on other ports than 502 are decoded by tshark with `-d tcp.port==P,mbtcp`.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { CORPUS, HAVE_CORPUS, corpusCaptures, manifest } from './support/corpus.ts';
import { runEngine } from './support/run-engine.ts';
import { HAVE_TSHARK, TSHARK } from './support/tshark.ts';
import { Bag, pdusOf } from './modbus-pdus.ts';

const run = promisify(execFile);
const skip = !HAVE_CORPUS ? 'corpus not found' : !HAVE_TSHARK ? 'tshark not installed' : false;

/**
 * PDUs Palisade reads that tshark (4.0) does not dissect, per capture, as
 * `src|sport|dst|dport|tid|unit|func`. In each case TCP resent a segment with new bytes
 * appended; tshark marks the whole segment "TCP Retransmission" and does not hand it to
 * the Modbus dissector, so the new PDUs in it are never shown. Palisade's reassembly keeps
 * the first copy of the old bytes and delivers the new ones.
 */
const TSHARK_MISSES: Record<string, { pdus: string[]; why: string }> = {
  'iti-ics-security-tools/pcaps/ModbusTCP/mb2.pcap': {
    pdus: [
      // Frame 1131: seq 139, 60 bytes, resends frame 1014's 12-byte request (tid 22505) and
      // carries 48 new bytes: the requests 22506-22509.
      '141.81.0.10|60689|141.81.0.86|502|22506|255|4',
      '141.81.0.10|60689|141.81.0.86|502|22507|255|4',
      '141.81.0.10|60689|141.81.0.86|502|22508|255|4',
      '141.81.0.10|60689|141.81.0.86|502|22509|255|4',
      // Frame 3674: seq 371, 299 bytes: the only copy of the response to 22505 (13 bytes),
      // then the responses 22506-22509 that frame 3008 already carried.
      '141.81.0.86|502|141.81.0.10|60689|22505|255|4',
      // Frame 13176: seq 5232, 269 bytes, resends frame 13142's response to 9823 (239 bytes)
      // and carries 30 new bytes: the responses to 9824 and 9825.
      '141.81.0.24|502|141.81.0.10|64338|9824|255|4',
      '141.81.0.24|502|141.81.0.10|64338|9825|255|2',
    ],
    why: 'retransmitted segments that carry new bytes',
  },
  'zeek/testing/btest/Traces/modbus/fuzz-1011.pcap': {
    // Frame 4 (tid 6714, 209 bytes) comes 434 s after frame 3 on a fuzzed connection whose
    // sequence numbers jump around; tshark calls it a "suspected retransmission" of frame 3
    // and does not dissect it. Zeek logs it too (register_parsing baseline, tid 6714 RESP).
    pdus: ['10.10.5.104|502|10.1.1.234|51411|6714|255|4'],
    why: 'a fuzzed segment tshark takes for a retransmission',
  },
};

const FIELDS = [
  'frame.number', 'ip.src', 'ipv6.src', 'tcp.srcport', 'ip.dst', 'ipv6.dst', 'tcp.dstport', 'mbtcp.trans_id', 'mbtcp.unit_id',
  'modbus.func_code', 'modbus.request_frame', 'modbus.regval_uint16', 'modbus.bitval', 'modbus.object_str_value',
];

type Row = Record<string, string>;

async function tsharkRows(file: string, ports: Iterable<number>): Promise<Row[]> {
  const args = ['-n', '-r', file, '-Y', 'mbtcp', '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=,'];
  for (const p of ports) args.push('-d', `tcp.port==${p},mbtcp`);
  for (const f of FIELDS) args.push('-e', f);
  let stdout: string;
  try {
    ({ stdout } = await run(TSHARK, args, { maxBuffer: 256 << 20 }));
  } catch (e) {
    // A capture cut short: tshark prints what it read, then fails.
    stdout = (e as { stdout?: string }).stdout ?? '';
  }
  return stdout.split('\n').filter((l) => l !== '').map((l) => {
    const cells = l.split('\t');
    const row: Row = {};
    FIELDS.forEach((f, i) => (row[f] = cells[i] ?? ''));
    return row;
  });
}

function captures(): string[] {
  return manifest().filter((r) => /\b(mbtcp|modbus)\b/.test(r.protocols)).map((r) => r.path);
}

interface FileResult {
  file: string;
  tshark: number;
  agree: number;
  missing: string[];
  extra: string[];
  values: number;
  valuesAgree: number;
  valueMisses: string[];
  deviceIds: number;
  deviceIdsAgree: number;
}

async function compare(file: string): Promise<FileResult> {
  const path = join(CORPUS, file);
  const r = await runEngine([path]);
  assert.equal(r.counters.dissectors.modbus?.internal_errors ?? 0, 0, `${file}: internal errors`);
  const records = (r.records.get('modbus') ?? []) as Record<string, unknown>[];
  const pdus = pdusOf(records);
  const ours = new Bag();
  const key = (src: string, sport: number | string, dst: string, dport: number | string, tid: number | string, unit: number | string, fc: number | string) =>
    `${src}|${sport}|${dst}|${dport}|${tid}|${unit}|${fc}`;
  // tshark's modbus.func_code is the function code without the exception bit.
  for (const p of pdus) ours.add(key(p.src, p.sport, p.dst, p.dport, p.tid, p.unit, p.fc & 0x7f));
  // Values of ours by PDU, for the values check (register/bit lists, device id objects).
  const values = new Map<string, string[]>();
  const addValue = (k: string, v: string) => (values.get(k) ?? values.set(k, []).get(k)!).push(v);
  for (const p of pdus) {
    const rec = p.record;
    const k = key(p.src, p.sport, p.dst, p.dport, p.tid, p.unit, p.fc);
    if (p.isRequest && p.fc === 16) addValue(k, ((rec.request_values as number[] | undefined) ?? []).join(','));
    if (!p.isRequest && rec.matched === true && p.fc >= 1 && p.fc <= 4) addValue(k, ((rec.response_values as number[] | undefined) ?? []).join(','));
  }
  const devices = new Map<string, string[]>();
  for (const o of (r.records.get('modbus_read_device_identification') ?? []) as Record<string, unknown>[]) {
    if (o.is_orig === true || o.object_value === undefined) continue;
    const k = `${o.source_h}|${o.source_p}|${o.tid}`;
    (devices.get(k) ?? devices.set(k, []).get(k)!).push(o.object_value as string);
  }
  const ports = new Set<number>();
  for (const x of records) if (x['id.resp_p'] !== 502 && x['id.orig_p'] !== 502) ports.add(x['id.resp_p'] as number);

  const res: FileResult = { file, tshark: 0, agree: 0, missing: [], extra: [], values: 0, valuesAgree: 0, valueMisses: [], deviceIds: 0, deviceIdsAgree: 0 };
  for (const row of await tsharkRows(path, ports)) {
    const src = row['ip.src'] || row['ipv6.src'];
    const dst = row['ip.dst'] || row['ipv6.dst'];
    const tids = row['mbtcp.trans_id'].split(',');
    const units = row['mbtcp.unit_id'].split(',');
    const fcs = row['modbus.func_code'].split(',');
    for (let i = 0; i < tids.length; i++) {
      res.tshark++;
      const k = key(src, row['tcp.srcport'], dst, row['tcp.dstport'], tids[i], units[i], fcs[i]);
      if (ours.take(k)) res.agree++;
      else res.missing.push(`frame ${row['frame.number']}: ${k}`);
    }
    // Values: frames with one PDU, whose request tshark found (so it knows the quantity).
    if (tids.length !== 1) continue;
    const fcode = Number(fcs[0]);
    const isResponse = row['modbus.request_frame'] !== '';
    if ((fcode === 16 && !isResponse && row['modbus.regval_uint16'] !== '') || (fcode >= 1 && fcode <= 4 && isResponse)) {
      const theirs = fcode <= 2 ? row['modbus.bitval'].replace(/True/g, '1').replace(/False/g, '0') : row['modbus.regval_uint16'];
      if (fcode <= 4 && theirs === '') continue; // an exception response
      res.values++;
      const l = values.get(key(src, row['tcp.srcport'], dst, row['tcp.dstport'], tids[0], units[0], fcode));
      const mine = l?.shift();
      if (mine === theirs) res.valuesAgree++;
      else res.valueMisses.push(`frame ${row['frame.number']}: tshark ${theirs.slice(0, 60)}, ours ${mine?.slice(0, 60)}`);
    }
    if (fcode === 43 && row['modbus.object_str_value'] !== '') {
      res.deviceIds++;
      const mine = devices.get(`${src}|${row['tcp.srcport']}|${tids[0]}`)?.join(',');
      if (mine === row['modbus.object_str_value']) res.deviceIdsAgree++;
      else res.valueMisses.push(`frame ${row['frame.number']}: device id tshark ${row['modbus.object_str_value']}, ours ${mine}`);
    }
  }
  res.extra = ours.left().flatMap(([k, n]) => Array<string>(n).fill(k));
  return res;
}

test('Modbus: every PDU tshark decodes agrees on transaction id, unit id and function code', { skip, timeout: 120_000 }, async () => {
  const files = captures();
  assert.ok(files.length >= 20, `Modbus captures in the corpus: ${files.length}`);
  const results: FileResult[] = [];
  for (const f of files) results.push(await compare(f));
  const total = results.reduce((a, r) => a + r.tshark, 0);
  const agree = results.reduce((a, r) => a + r.agree, 0);
  const lines = results.map((r) => `${r.file}: ${r.agree}/${r.tshark}${r.extra.length > 0 ? `, ${r.extra.length} only ours` : ''}`);
  console.log(`modbus vs tshark: ${agree}/${total} PDUs agree (${((100 * agree) / total).toFixed(2)}%)\n  ${lines.join('\n  ')}`);
  assert.ok(total > 30_000, `PDUs compared: ${total}`);
  assert.ok(agree / total >= 0.99, `agreement ${agree}/${total}`);
  for (const r of results) {
    assert.ok(r.tshark === 0 || r.agree / r.tshark >= 0.99, `${r.file}: ${r.agree}/${r.tshark}; first misses: ${r.missing.slice(0, 5).join('; ')}`);
    assert.deepEqual(r.missing, [], `${r.file}: PDUs tshark decodes that we do not`);
    assert.deepEqual(r.extra.sort(), [...(TSHARK_MISSES[r.file]?.pdus ?? [])].sort(), `${r.file}: PDUs only we decode`);
  }
  // The values of registers, coils and device identification objects.
  const values = results.reduce((a, r) => a + r.values, 0);
  const valuesAgree = results.reduce((a, r) => a + r.valuesAgree, 0);
  const deviceIds = results.reduce((a, r) => a + r.deviceIds, 0);
  const deviceIdsAgree = results.reduce((a, r) => a + r.deviceIdsAgree, 0);
  console.log(`modbus values vs tshark: ${valuesAgree}/${values} PDUs' register/coil values, ${deviceIdsAgree}/${deviceIds} device identification responses`);
  assert.ok(values > 5000, `value PDUs compared: ${values}`);
  assert.ok(deviceIds >= 1);
  for (const r of results) assert.deepEqual(r.valueMisses, [], r.file);
});

test('Modbus: no flow of a capture without Modbus (tshark sees none) is taken for Modbus', { skip: HAVE_CORPUS ? false : 'corpus not found', timeout: 120_000 }, async () => {
  const withModbus = new Set(captures());
  const others = corpusCaptures().filter((f) => !withModbus.has(f));
  assert.ok(others.length > 300, `captures without Modbus: ${others.length}`);
  const claimed: string[] = [];
  for (const f of others) {
    const r = await runEngine([join(CORPUS, f)]);
    const c = r.counters.dissectors.modbus;
    if ((r.records.get('modbus')?.length ?? 0) > 0 || (c !== undefined && c.flows > 0)) claimed.push(`${f}: ${JSON.stringify(c)}`);
  }
  assert.deepEqual(claimed, []);
});
