// Modbus against the Zeek/ICSNPP logs in the corpus: every baseline row is mapped to our
// records and the fields both have must agree.
//  - CISA icsnpp-modbus btest (modbus_example.pcap): modbus_detailed.log (one row per
//    transaction; one per message for the functions ICSNPP does not pair),
//    modbus_mask_write_register.log, modbus_read_write_multiple_registers.log (one row per
//    message), modbus.log (Zeek's older log: one row per response), conn.log (service);
//  - Zeek's own btests: modbus.log with one row per PDU (tid, unit, func, pdu_type,
//    exception) for modbus-and-non-modbus-p502.pcap (and only its Modbus flow is Modbus)
//    and the fuzzed fuzz-1011.pcap;
//  - the Zeek 7 modbus.log the controlthings repository keeps beside Plant1_ModbusTCP.pcap.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { CORPUS, HAVE_CORPUS } from './support/corpus.ts';
import { runEngine, type EngineRun } from './support/run-engine.ts';
import { readZeekLog, type ZeekRow } from './support/zeek-log.ts';
import { Bag, pdusOf } from './modbus-pdus.ts';

const skip = HAVE_CORPUS ? false : 'corpus not found';
const ICSNPP_TRACE = 'icsnpp-modbus/testing/traces/modbus_example.pcap';
const ICSNPP = 'icsnpp-modbus/testing/baseline/analyzer.basic';

type Rec = Record<string, unknown>;

const flowKey = (r: ZeekRow | Rec) => `${r['id.orig_h']}|${r['id.orig_p']}|${r['id.resp_h']}|${r['id.resp_p']}`;

/** A Zeek log value as our record would hold it: '-' is unset, vectors joined with ','. */
function ours(v: unknown): string {
  if (v === undefined || v === null) return '-';
  if (Array.isArray(v)) return v.length === 0 ? '(empty)' : v.join(',');
  if (typeof v === 'boolean') return v ? 'T' : 'F';
  return String(v);
}

/** Zeek writes byte strings with \xNN escapes; ours are lower-case hex. */
function zeekBytesToHex(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && s[i + 1] === 'x') {
      out += s.slice(i + 2, i + 4).toLowerCase();
      i += 3;
    } else {
      out += s.charCodeAt(i).toString(16).padStart(2, '0');
    }
  }
  return out;
}

let icsnppRun: Promise<EngineRun> | undefined;
const icsnpp = () => (icsnppRun ??= runEngine([join(CORPUS, ICSNPP_TRACE)]));

/**
 * Fields Palisade fills where ICSNPP's modbus_detailed.log leaves them unset, by function:
 * the data of functions ICSNPP does not decode (as hex), and `matched` for the functions it
 * does not pair (it writes one row per message for those).
 */
const EXTENSIONS: Record<string, string[]> = {
  READ_EXCEPTION_STATUS: ['response_data', 'matched'],
  REPORT_SLAVE_ID: ['response_data', 'matched'],
};

const DETAILED_FIELDS = [
  'tid', 'unit', 'func', 'address', 'quantity', 'request_values', 'response_values', 'matched', 'request_subfunction_code',
  'response_subfunction_code', 'request_data', 'response_data', 'exception_code', 'mei_type',
];

test('ICSNPP modbus_detailed.log: every row is one of our modbus records, every record has a row, the fields agree', { skip }, async () => {
  const rows = readZeekLog(join(CORPUS, ICSNPP, 'modbus_detailed.log'));
  assert.equal(rows.length, 26);
  const recs = ((await icsnpp()).records.get('modbus') ?? []) as Rec[];
  const used = new Set<Rec>();
  for (const row of rows) {
    const matches = recs.filter((r) => flowKey(r) === flowKey(row) && String(r.tid) === row.tid && String(r.unit) === row.unit && r.func === row.func);
    assert.equal(matches.length, 1, `tid ${row.tid} ${row.func}: one record`);
    const r = matches[0];
    used.add(r);
    const ext = EXTENSIONS[row.func] ?? [];
    for (const f of DETAILED_FIELDS) {
      let want = row[f];
      let got = ours(r[f]);
      if (want === '-' && ext.includes(f)) continue;
      if ((f === 'request_data' || f === 'response_data') && row.func === 'DIAGNOSTICS' && want !== '-') want = zeekBytesToHex(want);
      if (f === 'matched' && want === '-') got = '-';
      assert.equal(got, want, `tid ${row.tid} ${row.func}: ${f}`);
    }
    // The link id is random in ICSNPP: set in both or in neither.
    assert.equal(r.modbus_detailed_link_id === undefined, row.modbus_detailed_link_id === '-', `tid ${row.tid}: modbus_detailed_link_id`);
  }
  assert.equal(used.size, recs.length, 'every record of ours has a baseline row');
});

test('ICSNPP modbus.log (one row per response): function and exception agree, in order', { skip }, async () => {
  const rows = readZeekLog(join(CORPUS, ICSNPP, 'modbus.log'), ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'func', 'exception']);
  assert.equal(rows.length, 24);
  const recs = ((await icsnpp()).records.get('modbus') ?? []) as Rec[];
  const flows = new Set(rows.map(flowKey));
  for (const fk of flows) {
    const want = rows.filter((r) => flowKey(r) === fk).map((r) => `${r.func} ${r.exception}`);
    const got = recs
      .filter((r) => flowKey(r) === fk && r.response_seen === true)
      .map((r) => `${r.func}${r.exception_code !== undefined && r.matched === true ? '_EXCEPTION' : ''} ${ours(r.exception_code)}`);
    assert.deepEqual(got, want, fk);
  }
});

/** The per-message logs: every row is one of our records (same tid and direction), all fields equal. */
async function messageLog(log: string, type: string, fields: string[]): Promise<void> {
  const rows = readZeekLog(join(CORPUS, ICSNPP, log));
  const run = await icsnpp();
  const recs = (run.records.get(type) ?? []) as Rec[];
  const detailed = (run.records.get('modbus') ?? []) as Rec[];
  assert.equal(recs.length, rows.length, `${type}: records`);
  const linkOf = new Map<string, unknown>();
  for (const row of rows) {
    const r = recs.find((x) => String(x.tid) === row.tid && x.request_response === row.request_response);
    assert.ok(r !== undefined, `${type}: tid ${row.tid} ${row.request_response}`);
    for (const f of ['id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'is_orig', 'source_h', 'source_p', 'destination_h', 'destination_p', 'tid', 'unit', 'func', 'request_response', ...fields]) {
      assert.equal(ours(r[f]), row[f], `${type}: tid ${row.tid} ${row.request_response}: ${f}`);
    }
    // Link ids: the rows of one transaction share ICSNPP's; ours are shared the same way and
    // name the transaction's modbus record.
    const prev = linkOf.get(row.modbus_detailed_link_id);
    if (prev === undefined) linkOf.set(row.modbus_detailed_link_id, r.modbus_detailed_link_id);
    else assert.equal(r.modbus_detailed_link_id, prev, `${type}: tid ${row.tid}: link id`);
    const m = detailed.filter((x) => x.modbus_detailed_link_id === r.modbus_detailed_link_id);
    assert.deepEqual(m.map((x) => x.tid), [r.tid], `${type}: tid ${row.tid}: the link names its modbus record`);
  }
}

test('ICSNPP modbus_mask_write_register.log: every message, all fields, link ids', { skip }, async () => {
  await messageLog('modbus_mask_write_register.log', 'modbus_mask_write_register', ['address', 'and_mask', 'or_mask']);
});

test('ICSNPP modbus_read_write_multiple_registers.log: every message, all fields, link ids', { skip }, async () => {
  await messageLog('modbus_read_write_multiple_registers.log', 'modbus_read_write_multiple_registers', [
    'write_start_address', 'write_registers', 'read_start_address', 'read_quantity', 'read_registers',
  ]);
});

test('ICSNPP conn.log: both connections count as modbus', { skip }, async () => {
  const rows = readZeekLog(join(CORPUS, ICSNPP, 'conn.log'));
  const conns = ((await icsnpp()).records.get('conn') ?? []) as Rec[];
  for (const row of rows) {
    const c = conns.find((x) => flowKey(x) === flowKey(row));
    assert.ok(c !== undefined, flowKey(row));
    assert.equal(c.service, row.service, flowKey(row));
  }
});

/** Zeek's modbus.log with one row per PDU: each row is a PDU of ours. Returns the PDUs left over. */
function mapPduRows(rows: ZeekRow[], recs: Rec[]): { missing: string[]; left: [string, number][] } {
  const bag = new Bag();
  for (const p of pdusOf(recs)) {
    const fk = p.isRequest ? `${p.src}|${p.sport}|${p.dst}|${p.dport}` : `${p.dst}|${p.dport}|${p.src}|${p.sport}`;
    bag.add(`${fk}|${p.tid}|${p.unit}|${p.func}|${p.isRequest ? 'REQ' : 'RESP'}|${p.exception ?? '-'}`);
  }
  const missing: string[] = [];
  for (const row of rows) {
    const k = `${flowKey(row)}|${row.tid}|${row.unit}|${row.func}|${row.pdu_type}|${row.exception}`;
    if (!bag.take(k)) missing.push(k);
  }
  return { missing, left: bag.left() };
}

test('Zeek modbus_and_non_modbus_on_port_502: the Modbus PDUs agree; the other flows on port 502 are not Modbus', { skip }, async () => {
  const base = join(CORPUS, 'zeek/testing/btest/Baseline/scripts.base.protocols.modbus.modbus_and_non_modbus_on_port_502');
  const run = await runEngine([join(CORPUS, 'zeek/testing/btest/Traces/modbus/modbus-and-non-modbus-p502.pcap')]);
  const rows = readZeekLog(join(base, 'modbus.log'));
  assert.equal(rows.length, 12);
  const { missing, left } = mapPduRows(rows, (run.records.get('modbus') ?? []) as Rec[]);
  assert.deepEqual(missing, []);
  assert.deepEqual(left, [], 'no PDU of ours that Zeek does not log');
  const conns = (run.records.get('conn') ?? []) as Rec[];
  for (const row of readZeekLog(join(base, 'conn.log'))) {
    const c = conns.filter((x) => flowKey(x) === flowKey(row));
    assert.ok(c.length >= 1, flowKey(row));
    const modbusHere = c.some((x) => String(x.service ?? '').split(',').includes('modbus'));
    assert.equal(modbusHere, row.service === 'modbus', `${flowKey(row)}: Zeek's service ${row.service}`);
  }
});

test('Zeek register_parsing (a fuzzed trace): every PDU Zeek logs is one of ours, and no other', { skip }, async () => {
  const run = await runEngine([join(CORPUS, 'zeek/testing/btest/Traces/modbus/fuzz-1011.pcap')]);
  const rows = readZeekLog(join(CORPUS, 'zeek/testing/btest/Baseline/scripts.base.protocols.modbus.register_parsing/modbus.log'));
  assert.equal(rows.length, 5);
  const { missing, left } = mapPduRows(rows, (run.records.get('modbus') ?? []) as Rec[]);
  assert.deepEqual(missing, []);
  assert.deepEqual(left, []);
});

test('Zeek 7 modbus.log of Plant1_ModbusTCP.pcap (controlthings): every row is a PDU of ours', { skip, timeout: 60_000 }, async () => {
  const dir = join(CORPUS, 'controlthings-ct-samples/Protocols/Modbus/ModbusTCP');
  const run = await runEngine([join(dir, 'Plant1_ModbusTCP.pcap')]);
  const rows = readZeekLog(join(dir, 'modbus.log'));
  assert.ok(rows.length > 7900, `rows: ${rows.length}`);
  const { missing } = mapPduRows(rows, (run.records.get('modbus') ?? []) as Rec[]);
  assert.deepEqual(missing.slice(0, 10), [], `${missing.length} of ${rows.length} rows have no PDU of ours`);
});

test('malformed traces: the events their bytes call for, no internal error, the flows go on', { skip }, async () => {
  // modbus-eit.pcap frame 2: a Read Device Identification response "2b 0e 01 00 4d b7 00"
  // + 4 bytes: More Follows 0x4d (only 0x00/0xff are allowed) and 4 bytes after the 0
  // objects it announces. Frame 4: exception 4 to function 43.
  const eit = await runEngine([join(CORPUS, 'zeek/testing/btest/Traces/modbus/modbus-eit.pcap')]);
  assert.deepEqual(eit.counters.dissectors.modbus.events, { invalid_value: 1, invalid_length: 1 });
  assert.equal(eit.counters.dissectors.modbus.internal_errors, 0);
  const dev = (eit.records.get('modbus_read_device_identification') ?? []) as Rec[];
  assert.deepEqual(dev.filter((r) => r.is_orig === false).map((r) => [r.conformity_level, r.more_follows, r.next_object_id]), [['unknown-0', true, 0xb7]]);
  const ex = ((eit.records.get('modbus') ?? []) as Rec[]).find((r) => r.unit === 255);
  assert.deepEqual([ex?.exception_code, ex?.matched], ['SLAVE_DEVICE_FAILURE', true]);
  // 4SICS frame 1: READ_WRITE_MULTIPLE_REGISTERS "17 0000 0000 00df 2112 bf …": read
  // quantity 0, write quantity 0x2112 (both out of range), byte count 191 with 244 bytes
  // after it. Frame 2: exception 10 (gateway path unavailable).
  const sics = await runEngine([join(CORPUS, 'zeek/testing/btest/Traces/modbus/4SICS-GeekLounge-151022-min.pcap')]);
  assert.deepEqual(sics.counters.dissectors.modbus.events, { invalid_value: 1, invalid_length: 1 });
  const rw = ((sics.records.get('modbus') ?? []) as Rec[])[0];
  assert.deepEqual([rw.func, rw.exception_code, rw.matched], ['READ_WRITE_MULTIPLE_REGISTERS', 'GATEWAY_PATH_UNAVAILABLE', true]);
  const rwm = (sics.records.get('modbus_read_write_multiple_registers') ?? []) as Rec[];
  assert.deepEqual(rwm.map((r) => [r.request_response, r.read_start_address, r.read_quantity, r.write_start_address]), [['REQUEST', 0, 0, 0xdf]]);
  for (const r of [eit, sics]) assert.equal(r.counters.internalErrors, 0);
});
