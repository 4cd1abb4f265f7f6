// SNMP against tshark, Zeek and Suricata on the corpus captures that hold SNMP (MANIFEST.md):
//  1. per message: our parser and tshark agree on the key fields (snmp.community, snmp.data
//     = the PDU type) and on version, request-id, varbind names, OCTET STRING / INTEGER /
//     TimeTicks values, and the v3 header (msgID, msgUserName, engine id, flags);
//  2. the engine writes one snmp_pdu record per message tshark shows, with the same
//     community and PDU type, and one Zeek snmp record per flow;
//  3. Zeek's own baseline for zeek/testing/btest/Traces/snmp/snmpv1_get.pcap (events printed
//     by Zeek's snmp-test script, testing/btest/Baseline/scripts.base.protocols.snmp.v1/out1 in
//     zeek/zeek): request ids, PDU kinds, OIDs and values;
//  4. suricata-verify's snmp-v2c-get expectations on SNMPv2c_get_requests.pcap.
// tshark also decodes SNMP quoted inside ICMP errors (DNP3ValueAnalog/Binary.pcap: port
// unreachable replies): those are no SNMP flow and are left out (`snmp && !icmp`).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { readCapture } from '../src/capture/source.ts';
import type { RawFrame } from '../src/capture/frame.ts';
import { Decoder } from '../src/decode/decoder.ts';
import { IPPROTO, OUTCOME, Packet } from '../src/decode/packet.ts';
import { readHex, readInt, readOid } from '../src/dissect/ber.ts';
import { SnmpMsg, SnmpParser, readUnsigned } from '../src/protocols/snmp/parser.ts';
import { CORPUS, HAVE_CORPUS, manifest } from './support/corpus.ts';
import { runEngine } from './support/run-engine.ts';
import { HAVE_TSHARK, TSHARK } from './support/tshark.ts';

const run = promisify(execFile);
const skip = !HAVE_CORPUS ? 'corpus not found' : !HAVE_TSHARK ? 'tshark not installed' : false;

const TSHARK_FIELDS = [
  'frame.number', 'frame.time_epoch', 'snmp.version', 'snmp.msgVersion', 'snmp.community', 'snmp.data', 'snmp.request_id',
  'snmp.name', 'snmp.value.octets', 'snmp.value.int', 'snmp.value.timeticks', 'snmp.msgID', 'snmp.msgUserName',
  'snmp.msgAuthoritativeEngineID', 'snmp.msgFlags',
];
const KEY = ['snmp.community', 'snmp.data'];

async function tsharkRows(file: string): Promise<Record<string, string>[]> {
  const args = ['-n', '-r', file, '-Y', 'snmp && !icmp && !icmpv6', '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=;'];
  for (const f of TSHARK_FIELDS) args.push('-e', f);
  const { stdout } = await run(TSHARK, args, { maxBuffer: 64 << 20 });
  return stdout.split('\n').filter((l) => l !== '').map((l) => {
    const cells = l.split('\t');
    const row: Record<string, string> = {};
    TSHARK_FIELDS.forEach((f, i) => (row[f] = cells[i] === '<MISSING>' ? '' : (cells[i] ?? '')));
    return row;
  });
}

/** Our parser's view of a message, in tshark's field formats. */
function view(d: Uint8Array, off: number, len: number): Record<string, string> {
  const m = new SnmpMsg();
  new SnmpParser().parse(d, off, len, m);
  const names: string[] = [];
  const octets: string[] = [];
  const ints: string[] = [];
  const ticks: string[] = [];
  for (let i = 0; i < Math.min(m.varbinds, 64); i++) {
    names.push(readOid(d, m.oidOff[i], m.oidLen[i]));
    const tag = m.valTag[i];
    if (tag === 0x04) octets.push(readHex(d, m.valOff[i], m.valLen[i], 65536));
    else if (tag === 0x02) ints.push(String(readInt(d, m.valOff[i], m.valLen[i])));
    else if (tag === 0x43) ticks.push(String(readUnsigned(d, m.valOff[i], m.valLen[i])));
  }
  const v3 = m.version === 3;
  const text = (o: number, n: number) => (o < 0 ? '' : Buffer.from(d.subarray(o, o + n)).toString('latin1'));
  return {
    'snmp.version': v3 || m.version < 0 ? '' : String(m.version),
    'snmp.msgVersion': v3 ? '3' : '',
    'snmp.community': text(m.communityOff, m.communityLen),
    'snmp.data': m.pdu >= 0 ? String(m.pdu) : '',
    'snmp.request_id': Number.isNaN(m.requestId) ? '' : String(m.requestId),
    'snmp.name': names.join(';'),
    'snmp.value.octets': octets.join(';'),
    'snmp.value.int': ints.join(';'),
    'snmp.value.timeticks': ticks.join(';'),
    'snmp.msgID': v3 ? String(m.msgId) : '',
    'snmp.msgUserName': text(m.userOff, m.userLen),
    'snmp.msgAuthoritativeEngineID': m.engineIdOff >= 0 ? readHex(d, m.engineIdOff, m.engineIdLen, 64) : '',
    'snmp.msgFlags': v3 ? m.flags.toString(16).padStart(2, '0') : '',
  };
}

async function ourFrames(file: string): Promise<Map<number, Record<string, string>>> {
  const dec = new Decoder();
  const p = new Packet();
  const out = new Map<number, Record<string, string>>();
  let n = 0;
  await readCapture(file, {
    frame(raw: RawFrame) {
      n++;
      if (dec.decode(raw, p) !== OUTCOME.FLOW || p.ipProto !== IPPROTO.UDP || p.payloadCaplen <= 0) return;
      out.set(n, view(p.data, p.payloadOff, p.payloadCaplen));
    },
  });
  return out;
}

function captures(): string[] {
  return manifest().filter((r) => /(^|[\s,])snmp([\s,]|$)/.test(r.protocols)).map((r) => r.path);
}

test('SNMP: every message agrees with tshark on the key fields and on header, varbind names and values', { skip }, async () => {
  let compared = 0;
  let keyAgree = 0;
  let allAgree = 0;
  const problems: string[] = [];
  for (const rel of captures()) {
    const file = join(CORPUS, rel);
    const rows = await tsharkRows(file);
    const ours = await ourFrames(file);
    for (const row of rows) {
      compared++;
      const o = ours.get(Number(row['frame.number']));
      const diffs: string[] = [];
      for (const f of TSHARK_FIELDS.slice(2)) {
        const mine = o === undefined ? '(not parsed)' : o[f];
        if (mine !== row[f]) diffs.push(`${f}: ours ${JSON.stringify(mine)}, tshark ${JSON.stringify(row[f])}`);
      }
      if (!diffs.some((d) => KEY.some((k) => d.startsWith(`${k}:`)))) keyAgree++;
      if (diffs.length === 0) allAgree++;
      else if (problems.length < 20) problems.push(`${rel} frame ${row['frame.number']}: ${diffs.join('; ')}`);
    }
  }
  console.log(`SNMP key fields (${KEY.join(', ')}): ${keyAgree}/${compared} messages agree (${((100 * keyAgree) / compared).toFixed(2)}%); all ${TSHARK_FIELDS.length - 2} fields: ${allAgree}/${compared}`);
  assert.ok(compared >= 200, `messages compared: ${compared}`);
  assert.ok(keyAgree / compared >= 0.99, problems.join('\n'));
  assert.equal(allAgree, compared, problems.join('\n'));
});

test('SNMP: one snmp_pdu record per message tshark shows (same community and PDU type), one snmp record per flow', { skip }, async () => {
  let pdus = 0;
  for (const rel of captures()) {
    const file = join(CORPUS, rel);
    const rows = await tsharkRows(file);
    const res = await runEngine([file]);
    assert.equal(res.counters.dissectors.snmp?.internal_errors ?? 0, 0);
    const recs = (res.records.get('snmp_pdu') ?? []) as Record<string, unknown>[];
    const byTs = [...recs].sort((a, b) => (a.ts as number) - (b.ts as number));
    assert.equal(recs.length, rows.length, rel);
    rows.forEach((row, i) => {
      const r = byTs[i];
      assert.ok(Math.abs((r.ts as number) - Number(row['frame.time_epoch'])) < 1e-6, `${rel} #${i}`);
      assert.equal(r.community ?? '', row['snmp.community'], `${rel} #${i} community`);
      assert.equal(r.pdu_type_code === undefined ? '' : String(r.pdu_type_code), row['snmp.data'], `${rel} #${i} PDU type`);
    });
    const flows = new Set(recs.map((r) => r.uid));
    const zeek = (res.records.get('snmp') ?? []) as Record<string, unknown>[];
    assert.deepEqual(zeek.map((r) => r.uid).sort(), [...flows].sort(), `${rel}: one snmp record per flow`);
    pdus += recs.length;
  }
  console.log(`SNMP: ${pdus} snmp_pdu records, one per message`);
});

// Zeek's baseline (zeek/zeek testing/btest/Baseline/scripts.base.protocols.snmp.v1/out1, for
// Traces/snmp/snmpv1_get.pcap): the first exchanges, a set-request, and the TimeTicks response,
// as Zeek printed them ([event, request_id, [oid, tag, value]…]; Zeek prints OCTET STRINGs as
// their bytes, non-printable ones escaped).
const ZEEK_V1: [string, number, [string, number, string][]][] = [
  ['snmp_get_request', 38, [['1.3.6.1.2.1.1.2.0', 0x05, '']]],
  ['snmp_response', 38, [['1.3.6.1.2.1.1.2.0', 0x06, '1.3.6.1.4.1.2001.1.1.1.297.93.1.27.2.2.1']]],
  ['snmp_get_request', 39, [['1.3.6.1.2.1.1.5.0', 0x05, ''], ['1.3.6.1.2.1.1.6.0', 0x05, '']]],
  ['snmp_response', 39, [['1.3.6.1.2.1.1.5.0', 0x04, 'B6300'], ['1.3.6.1.2.1.1.6.0', 0x04, "Chandra's cube"]]],
  ['snmp_response', 40, [['1.3.6.1.2.1.2.2.1.6.1', 0x04, '\\x08\\x007\\x15\\xe6\\xbc']]],
  ['snmp_response', 41, [
    ['1.3.6.1.4.1.253.8.64.4.2.1.7.10.14130104', 0x04, '172.31.19.2'],
    ['1.3.6.1.4.1.253.8.64.4.2.1.7.10.14130102', 0x04, '255.255.255.0'],
    ['1.3.6.1.4.1.253.8.64.4.2.1.5.10.14130400', 0x02, '1'],
  ]],
  ['snmp_set_request', 58, [
    ['1.3.6.1.4.1.253.8.51.8.2.1.2.1', 0x02, '4'],
    ['1.3.6.1.4.1.253.8.51.8.2.1.3.1', 0x04, 'FujiXeroxExodus'],
    ['1.3.6.1.4.1.253.8.51.8.2.1.4.1', 0x06, '1.3.6.1.4.1.253.8.51.8.2'],
    ['1.3.6.1.4.1.253.8.51.8.2.1.5.1', 0x02, '300'],
  ]],
  ['snmp_response', 66, [['1.3.6.1.2.1.1.3.0', 0x43, '300']]],
  ['snmp_response', 67, [['1.3.6.1.2.1.1.2.0', 0x06, '1.3.6.1.4.1.2001.1.1.1.297.93.1.27.2.2.1']]],
];
const ZEEK_EVENT: Record<string, string> = { snmp_get_request: 'get_request', snmp_response: 'response', snmp_set_request: 'set_request' };
const TYPE_OF_TAG: Record<number, string> = { 0x02: 'integer', 0x04: 'octet_string', 0x05: 'null', 0x06: 'oid', 0x43: 'timeticks' };

/** Zeek's printed OCTET STRING as our record writes it: text when printable, else hex of the bytes. */
function zeekOctets(s: string): string {
  if (!s.includes('\\x')) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && s[i + 1] === 'x') {
      bytes.push(parseInt(s.slice(i + 2, i + 4), 16));
      i += 3;
    } else bytes.push(s.charCodeAt(i));
  }
  return Buffer.from(bytes).toString('hex');
}

test('SNMP: Zeek\'s baseline for snmpv1_get.pcap: request ids, PDU kinds, OIDs, value types and values', { skip: HAVE_CORPUS ? false : 'corpus not found' }, async () => {
  const res = await runEngine([join(CORPUS, 'zeek/testing/btest/Traces/snmp/snmpv1_get.pcap')]);
  const recs = (res.records.get('snmp_pdu') ?? []) as Record<string, unknown>[];
  // The baseline has a get-request for each request id 38-67 and a response for all but 64 and 65.
  assert.deepEqual(recs.filter((r) => r.pdu_type === 'get_request' || r.pdu_type === 'set_request').map((r) => r.request_id), Array.from({ length: 30 }, (_, i) => 38 + i));
  assert.deepEqual(recs.filter((r) => r.pdu_type === 'response').map((r) => r.request_id), Array.from({ length: 30 }, (_, i) => 38 + i).filter((n) => n !== 64 && n !== 65));
  for (const [event, id, binds] of ZEEK_V1) {
    const r = recs.find((x) => x.pdu_type === ZEEK_EVENT[event] && x.request_id === id);
    assert.ok(r !== undefined, `${event} ${id}`);
    assert.equal(r.community, 'public');
    assert.deepEqual(r.varbind_oids, binds.map((b) => b[0]), `${event} ${id} oids`);
    assert.deepEqual(r.varbind_types, binds.map((b) => TYPE_OF_TAG[b[1]]), `${event} ${id} types`);
    assert.deepEqual(r.varbind_values, binds.map((b) => (b[1] === 0x04 ? zeekOctets(b[2]) : b[2])), `${event} ${id} values`);
  }
  // Zeek's snmp.log fields for the flow of request 39: version, community, counts.
  const z = (res.records.get('snmp') ?? []) as Record<string, unknown>[];
  const flow39 = recs.find((r) => r.request_id === 39)!.uid;
  const row = z.find((r) => r.uid === flow39)!;
  assert.equal(row.version, '1');
  assert.equal(row.community, 'public');
  assert.equal(row.get_requests, 2);
  assert.equal(row.get_responses, 2);
});

test('SNMPv3 login outcome on SNMPv3.pcap: engine discovery (not a failure), then authenticated and encrypted replies (success)', { skip: HAVE_CORPUS ? false : 'corpus not found' }, async () => {
  const res = await runEngine([join(CORPUS, 'emreekin-ics-pcaps/SNMP/SNMPv3.pcap')]);
  const pdus = (res.records.get('snmp_pdu') ?? []) as Record<string, unknown>[];
  const flows = (res.records.get('snmp') ?? []) as Record<string, unknown>[];
  assert.equal(flows.length, 2);
  for (const f of flows) {
    const mine = pdus.filter((p) => p.uid === f.uid);
    // 1. the manager's unauthenticated request; 2. the agent's Report: unknown engine id (discovery);
    // 3. the authenticated, encrypted request; 4. the agent's authenticated, encrypted reply.
    assert.deepEqual(mine.map((p) => [p.pdu_type ?? 'encrypted', p.usm_report, p.auth_failed, p.auth, p.priv]), [
      ['get_request', undefined, undefined, false, false],
      ['report', 'usmStatsUnknownEngineIDs', false, false, false],
      ['encrypted', undefined, undefined, true, true],
      ['encrypted', undefined, undefined, true, true],
    ]);
    assert.equal(f.auth_failures, 0);
    assert.equal(mine[3].user_name, 'admin');
  }
});

test('SNMP: suricata-verify snmp-v2c-get expectations (8 v2c events, 3 get_request with the community, 1 get_next_request of 0.1)', { skip: HAVE_CORPUS ? false : 'corpus not found' }, async () => {
  const res = await runEngine([join(CORPUS, 'suricata-verify/tests/snmp-v2c-get/SNMPv2c_get_requests.pcap')]);
  const recs = (res.records.get('snmp_pdu') ?? []) as Record<string, unknown>[];
  assert.equal(recs.filter((r) => r.version === '2c').length, 8);
  assert.equal(recs.filter((r) => r.pdu_type === 'get_request' && r.community === '[R0_C@cti!]').length, 3);
  const next = recs.filter((r) => r.pdu_type === 'get_next_request' && r.community === '[R0_C@cti!]');
  assert.equal(next.length, 1);
  assert.deepEqual(next[0].varbind_oids, ['0.1']);
});
