// Modbus/TCP: every function as a request and a response, from the examples of the Modbus
// Application Protocol Specification V1.1b3 (§6.1–6.21, §7), with the record each pair must
// give (the values worked out from the specification's meaning of the bytes); pairing by
// transaction id; the caps and events; truncation at every offset; the same records
// whatever the TCP segmentation; the probe; fuzzing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { bytewise, concat, everySplit, hex, runSession, withoutTs, type Chunk } from '../../dissect/testing.ts';
import { FLOW_HEADER_FIELDS, PROBE, type ProbeHint } from '../../dissect/types.ts';
import { REPO } from '../../../test/support/corpus.ts';
import { modbus, probeModbus } from './index.ts';
import { MODBUS_FIELDS } from './records.ts';
import { MAX_PENDING, REQUEST_TIMEOUT } from './session.ts';

/** An ADU: MBAP header (transaction id, protocol id 0, length = unit + PDU, unit id) + PDU. */
function adu(tid: number, unit: number, pdu: Uint8Array, protocolId = 0): Uint8Array {
  const len = pdu.length + 1;
  return concat(new Uint8Array([tid >> 8, tid & 255, protocolId >> 8, protocolId & 255, len >> 8, len & 255, unit]), pdu);
}

const req = (bytes: Uint8Array, ts?: number): Chunk => ({ isOrig: true, bytes, ts });
const resp = (bytes: Uint8Array, ts?: number): Chunk => ({ isOrig: false, bytes, ts });

/** The Modbus record fields after the flow header, with everything unset as undefined. */
function fieldsOf(r: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of MODBUS_FIELDS.slice(FLOW_HEADER_FIELDS.length)) out[f.name] = r[f.name];
  return out;
}

/** An expected record: the listed fields, matched/seen true, the rest unset. */
function expected(tid: number, unit: number, fcode: number, func: string, fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of MODBUS_FIELDS.slice(FLOW_HEADER_FIELDS.length)) out[f.name] = undefined;
  Object.assign(out, { tid, unit, func, function_code: fcode, matched: true, request_seen: true, response_seen: true }, fields);
  return out;
}

interface Case {
  name: string;
  request: Uint8Array;
  response: Uint8Array;
  record: Record<string, unknown>;
  /** Other records the pair writes: [type, fields that must match]. */
  others?: [string, Record<string, unknown>][];
}

const enc = (s: string) => new TextEncoder().encode(s);

// The first case written out in full: MBAP header and PDU, byte by byte.
const READ_COILS_REQ = hex`
  00 01   // transaction id 1
  00 00   // protocol id 0 (Modbus)
  00 06   // length: unit id + 5 PDU bytes
  11      // unit id 17
  01      // function 1: Read Coils
  00 13   // starting address 19 (coil 20)
  00 13   // quantity of coils 19
`;
const READ_COILS_RESP = hex`
  00 01  00 00  00 06  11   // MBAP: tid 1, protocol 0, length 6, unit 17
  01      // function 1
  03      // byte count 3
  cd      // coils 20-27: 1100 1101, LSB first 1,0,1,1,0,0,1,1
  6b      // coils 28-35: 0110 1011 -> 1,1,0,1,0,1,1,0
  05      // coils 36-38: 0000 0101 -> 1,0,1; the five high bits are padding
`;

const CASES: Case[] = [
  {
    name: 'Read Coils (§6.1)',
    request: READ_COILS_REQ,
    response: READ_COILS_RESP,
    record: expected(1, 17, 1, 'READ_COILS', {
      address: 19,
      quantity: 19,
      response_values: [1, 0, 1, 1, 0, 0, 1, 1, 1, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1],
      // ICSNPP writes the padding bits of the last byte into response_data.
      response_data: '0,0,0,0,0',
    }),
  },
  {
    name: 'Read Discrete Inputs (§6.2)',
    request: adu(2, 1, hex`02  00 c4  // address 196
      00 16  // 22 inputs
      `),
    response: adu(2, 1, hex`
      02  03   // function 2, byte count 3
      ac       // inputs 196-203: 1010 1100 -> 0,0,1,1,0,1,0,1
      db       // 204-211: 1101 1011 -> 1,1,0,1,1,0,1,1
      35       // 212-217: 0011 0101 -> 1,0,1,0,1,1 and two padding bits 0,0
    `),
    record: expected(2, 1, 2, 'READ_DISCRETE_INPUTS', {
      address: 196,
      quantity: 22,
      response_values: [0, 0, 1, 1, 0, 1, 0, 1, 1, 1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 0, 1, 1],
      response_data: '0,0',
    }),
  },
  {
    name: 'Read Holding Registers (§6.3)',
    request: adu(3, 1, hex`03  00 6b  // address 107
      00 03  // 3 registers
      `),
    response: adu(3, 1, hex`03  06  // 6 bytes
      02 2b  // 555
      00 00  // 0
      00 64  // 100
      `),
    record: expected(3, 1, 3, 'READ_HOLDING_REGISTERS', { address: 107, quantity: 3, response_values: [555, 0, 100] }),
  },
  {
    name: 'Read Input Registers (§6.4)',
    request: adu(4, 1, hex`04  00 08  // address 8
      00 01  // 1 register
      `),
    response: adu(4, 1, hex`04  02  00 0a  // 10
      `),
    record: expected(4, 1, 4, 'READ_INPUT_REGISTERS', { address: 8, quantity: 1, response_values: [10] }),
  },
  {
    name: 'Write Single Coil (§6.5)',
    request: adu(5, 1, hex`05  00 ac  // address 172
      ff 00  // ON
      `),
    response: adu(5, 1, hex`05  00 ac  ff 00  // echo
      `),
    record: expected(5, 1, 5, 'WRITE_SINGLE_COIL', { address: 172, quantity: 1, request_values: [1], response_values: [1] }),
  },
  {
    name: 'Write Single Register (§6.6)',
    request: adu(6, 1, hex`06  00 01  // address 1
      00 03  // value 3
      `),
    response: adu(6, 1, hex`06  00 01  00 03  // echo
      `),
    record: expected(6, 1, 6, 'WRITE_SINGLE_REGISTER', { address: 1, quantity: 1, request_values: [3], response_values: [3] }),
  },
  {
    name: 'Read Exception Status (§6.7)',
    request: adu(7, 1, hex`07`),
    response: adu(7, 1, hex`07  6d  // outputs 0110 1101
      `),
    record: expected(7, 1, 7, 'READ_EXCEPTION_STATUS', { response_data: '6d' }),
  },
  {
    name: 'Diagnostics, Return Query Data (§6.8)',
    request: adu(8, 1, hex`08  00 00  // sub-function 0
      a5 37  // data
      `),
    response: adu(8, 1, hex`08  00 00  a5 37  // echo
      `),
    record: expected(8, 1, 8, 'DIAGNOSTICS', {
      request_subfunction_code: 'Return Query Data',
      response_subfunction_code: 'Return Query Data',
      request_subfunction_num: 0,
      response_subfunction_num: 0,
      request_data: 'a537',
      response_data: 'a537',
    }),
  },
  {
    name: 'Get Comm Event Counter (§6.9)',
    request: adu(9, 1, hex`0b`),
    response: adu(9, 1, hex`0b  ff ff  // status: busy
      01 08  // event count 264
      `),
    record: expected(9, 1, 11, 'GET_COMM_EVENT_COUNTER', { response_data: 'ffff0108' }),
  },
  {
    name: 'Get Comm Event Log (§6.10)',
    request: adu(10, 1, hex`0c`),
    response: adu(10, 1, hex`0c  08  // byte count
      00 00  // status
      01 08  // events
      01 21  // messages
      20 00  // events 0, 1
      `),
    record: expected(10, 1, 12, 'GET_COMM_EVENT_LOG', { response_data: '0000' + '0108' + '0121' + '2000' }),
  },
  {
    name: 'Write Multiple Coils (§6.11)',
    request: adu(11, 1, hex`
      0f  00 13  // address 19
      00 0a  // 10 coils
      02  // 2 bytes
      cd  // coils 20-27: 1,0,1,1,0,0,1,1
      01  // coils 28-29: 1,0
      `),
    response: adu(11, 1, hex`0f  00 13  00 0a`),
    record: expected(11, 1, 15, 'WRITE_MULTIPLE_COILS', { address: 19, quantity: 10, request_values: [1, 0, 1, 1, 0, 0, 1, 1, 1, 0] }),
  },
  {
    name: 'Write Multiple Registers (§6.12)',
    request: adu(12, 1, hex`10  00 01  // address 1
      00 02  // 2 registers
      04  // bytes
      00 0a  // 10
      01 02  // 258
      `),
    response: adu(12, 1, hex`10  00 01  00 02`),
    record: expected(12, 1, 16, 'WRITE_MULTIPLE_REGISTERS', { address: 1, quantity: 2, request_values: [10, 258] }),
  },
  {
    name: 'Report Server ID (§6.13)',
    request: adu(13, 1, hex`11`),
    // Server id and additional data are device-specific: here the text "PLC-1" and run indicator ON.
    response: adu(13, 1, concat(hex`11  07  // byte count
      `, enc('PLC-1'), hex`ff  // run indicator ON
      00`)),
    record: expected(13, 1, 17, 'REPORT_SLAVE_ID', { response_data: '504c432d31ff00', slave_id_text: 'PLC-1\u00ff\u0000' }),
  },
  {
    name: 'Read File Record (§6.14)',
    request: adu(14, 1, hex`
      14  0e       // function 20, byte count 14: two sub-requests
      06 00 04 00 01 00 02   // reference type 6, file 4, record 1, 2 registers
      06 00 03 00 09 00 02   // reference type 6, file 3, record 9, 2 registers
    `),
    response: adu(14, 1, hex`
      14  0c       // byte count 12
      05 06  0d fe 00 20     // 5 bytes: reference type 6, registers 0x0dfe 0x0020
      05 06  33 cd 00 40     // 5 bytes: reference type 6, registers 0x33cd 0x0040
    `),
    record: expected(14, 1, 20, 'READ_FILE_RECORD', {
      quantity: 2,
      request_data: '06000400010002' + '06000300090002',
      response_data: '05060dfe0020' + '050633cd0040',
    }),
  },
  {
    name: 'Write File Record (§6.15)',
    request: adu(15, 1, hex`15  0d  06 00 04 00 07 00 03  06 af 04 be 10 0d   // file 4, record 7, 3 registers`),
    response: adu(15, 1, hex`15  0d  06 00 04 00 07 00 03  06 af 04 be 10 0d   // echo`),
    record: expected(15, 1, 21, 'WRITE_FILE_RECORD', {
      quantity: 1,
      request_data: '06000400070003' + '06af04be100d',
      response_data: '06000400070003' + '06af04be100d',
    }),
  },
  {
    name: 'Mask Write Register (§6.16)',
    request: adu(16, 1, hex`16  00 04  // address 4
      00 f2  // AND mask
      00 25  // OR mask
      `),
    response: adu(16, 1, hex`16  00 04  00 f2  00 25  // echo
      `),
    record: expected(16, 1, 22, 'MASK_WRITE_REGISTER', { address: 4, modbus_detailed_link_id: 'CTestFlow0000000001-1' }),
    others: [
      ['modbus_mask_write_register', { is_orig: true, request_response: 'REQUEST', address: 4, and_mask: 0xf2, or_mask: 0x25, tid: 16, modbus_detailed_link_id: 'CTestFlow0000000001-1', source_p: 49152, destination_p: 502 }],
      ['modbus_mask_write_register', { is_orig: false, request_response: 'RESPONSE', address: 4, and_mask: 0xf2, or_mask: 0x25, tid: 16, modbus_detailed_link_id: 'CTestFlow0000000001-1', source_p: 502, destination_p: 49152 }],
    ],
  },
  {
    name: 'Read/Write Multiple Registers (§6.17)',
    request: adu(17, 1, hex`
      17  00 03  // read from 3
      00 06  // 6 registers
      00 0e  // write at 14
      00 03  // 3 registers
      06  // bytes
      00 ff  00 ff  00 ff
    `),
    response: adu(17, 1, hex`17  0c  00 fe  0a cd  00 01  00 03  00 0d  00 ff`),
    record: expected(17, 1, 23, 'READ_WRITE_MULTIPLE_REGISTERS', { modbus_detailed_link_id: 'CTestFlow0000000001-1' }),
    others: [
      ['modbus_read_write_multiple_registers', {
        request_response: 'REQUEST', read_start_address: 3, read_quantity: 6, write_start_address: 14, write_registers: [255, 255, 255], read_registers: undefined,
      }],
      ['modbus_read_write_multiple_registers', {
        request_response: 'RESPONSE', read_registers: [0xfe, 0x0acd, 1, 3, 0x0d, 0xff], read_start_address: undefined, write_registers: undefined,
      }],
    ],
  },
  {
    name: 'Read FIFO Queue (§6.18)',
    request: adu(18, 1, hex`18  04 de  // FIFO pointer 1246
      `),
    response: adu(18, 1, hex`18  00 06  // byte count
      00 02  // FIFO count
      01 b8  // 440
      12 84  // 4740
      `),
    record: expected(18, 1, 24, 'READ_FIFO_QUEUE', { address: 1246, quantity: 2, response_values: [440, 4740] }),
  },
  {
    name: 'Read Device Identification (§6.21)',
    request: adu(19, 1, hex`2b  0e  // MEI type 14
      01  // basic device identification
      00  // from object 0
      `),
    response: adu(19, 1, concat(
      hex`2b 0e  01  // read device id code
      01  // conformity: basic, stream
      00  // no more
      00  // next object
      03  // objects
      `,
      hex`00 16`, enc('Company identification'), // object 0 VendorName, 22 bytes
      hex`01 0d`, enc('Product code '), // object 1 ProductCode, 13 bytes
      hex`02 05`, enc('V2.11'), // object 2 MajorMinorRevision, 5 bytes
    )),
    record: expected(19, 1, 43, 'ENCAP_INTERFACE_TRANSPORT', {
      mei_type: 'Read Device Identification', mei_type_code: 14, modbus_detailed_link_id: 'CTestFlow0000000001-1',
    }),
    others: [
      ['modbus_read_device_identification', {
        request_response: 'REQUEST', mei_type: 'READ-DEVICE-IDENTIFICATION', device_id_code: 1, device_id: 'Basic Device Identification',
        object_id_code: '0x00', object_id: 'VendorName', object_value: undefined, conformity_level_code: undefined,
      }],
      ['modbus_read_device_identification', {
        request_response: 'RESPONSE', device_id_code: 1, conformity_level_code: '0x01', conformity_level: 'Basic Identification (Stream)',
        object_id_code: '0x00', object_id: 'VendorName', object_value: 'Company identification', more_follows: false, next_object_id: 0,
      }],
      ['modbus_read_device_identification', { request_response: 'RESPONSE', object_id_code: '0x01', object_id: 'ProductCode', object_value: 'Product code ' }],
      ['modbus_read_device_identification', { request_response: 'RESPONSE', object_id_code: '0x02', object_id: 'MajorMinorVersion', object_value: 'V2.11' }],
    ],
  },
  {
    name: 'CANopen General Reference (§6.20)',
    request: adu(20, 1, hex`2b  0d  // MEI type 13
      01 02 03`),
    response: adu(20, 1, hex`2b  0d  04 05`),
    record: expected(20, 1, 43, 'ENCAP_INTERFACE_TRANSPORT', {
      mei_type: 'CANopen', mei_type_code: 13, modbus_detailed_link_id: 'CTestFlow0000000001-1', request_data: '010203', response_data: '0405',
    }),
  },
  {
    name: 'exception response (§7)',
    request: adu(21, 1, hex`01  04 a1  // address 1185
      00 01`),
    response: adu(21, 1, hex`81  // Read Coils + exception bit
      02  // ILLEGAL DATA ADDRESS
      `),
    record: expected(21, 1, 1, 'READ_COILS', { address: 1185, quantity: 1, exception_code: 'ILLEGAL_DATA_ADDRESS', exception_num: 2 }),
  },
  {
    name: 'UMAS (function 90) READ_ID',
    request: adu(22, 0, hex`5a  00  // pairing key
      02  // UMAS READ_ID
      `),
    response: adu(22, 0, hex`5a  00  fe  // OK
      10 ff`),
    record: expected(22, 0, 90, 'PROGRAM_UNITY', {
      umas_func: 'READ_ID', umas_func_code: 2, umas_pairing_key: 0, umas_status: 'OK', umas_status_code: 0xfe, response_data: '10ff',
    }),
  },
  {
    name: 'unknown function 65',
    request: adu(23, 1, hex`41  01 02`),
    response: adu(23, 1, hex`41  03`),
    record: expected(23, 1, 65, 'unknown-65', { request_data: '0102', response_data: '03' }),
  },
];

test('every function: request and response give the record the specification describes', () => {
  for (const c of CASES) {
    const run = runSession(modbus, [req(c.request), resp(c.response)]);
    const main = run.records.filter(([t]) => t === 'modbus');
    assert.equal(main.length, 1, c.name);
    assert.deepEqual(fieldsOf(main[0][1]), c.record, c.name);
    const others = run.records.filter(([t]) => t !== 'modbus');
    assert.equal(others.length, c.others?.length ?? 0, `${c.name}: other records`);
    (c.others ?? []).forEach(([type, fields], i) => {
      assert.equal(others[i][0], type, c.name);
      for (const [k, v] of Object.entries(fields)) assert.deepEqual(others[i][1][k], v, `${c.name}: ${type} ${k}`);
    });
    assert.equal(run.confirmed, true, c.name);
    const bad = run.events.filter((e) => e.name !== 'unknown_function');
    assert.deepEqual(bad, [], c.name);
  }
});

test('the flow header and the records\' keys follow the declared Zeek columns', () => {
  const run = runSession(modbus, CASES.flatMap((c) => [req(c.request), resp(c.response)]));
  for (const [type, r] of run.records) {
    const cols = modbus.records[type].map((f) => f.name);
    const keys = Object.keys(r);
    assert.deepEqual(keys, cols.filter((c) => keys.includes(c)), `${type}: keys in column order`);
    for (const k of keys) assert.ok(cols.includes(k), `${type}: ${k} is a declared column`);
    assert.deepEqual(keys.slice(0, 6), ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p']);
  }
});

test('the transaction record carries the request time; per-message records their own', () => {
  const c = CASES.find((x) => x.name.startsWith('Mask'))!;
  const run = runSession(modbus, [req(c.request, 100), resp(c.response, 100.25)]);
  const ts = run.records.map(([t, r]) => [t, r.ts]);
  assert.deepEqual(ts, [['modbus_mask_write_register', 100], ['modbus_mask_write_register', 100.25], ['modbus', 100]]);
});

// ---- pairing ----

const rd = (tid: number, unit = 1, addr = 0) => adu(tid, unit, new Uint8Array([3, addr >> 8, addr & 255, 0, 1]));
const rdResp = (tid: number, unit = 1, v = 7) => adu(tid, unit, new Uint8Array([3, 2, v >> 8, v & 255]));

test('pipelined requests are paired by transaction id, whatever the order of the responses', () => {
  const run = runSession(modbus, [req(concat(rd(1, 1, 10), rd(2, 1, 20), rd(3, 1, 30))), resp(rdResp(3, 1, 33)), resp(concat(rdResp(1, 1, 11), rdResp(2, 1, 22)))]);
  const recs = run.records.map(([, r]) => [r.tid, r.address, r.response_values, r.matched]);
  assert.deepEqual(recs, [[3, 30, [33], true], [1, 10, [11], true], [2, 20, [22], true]]);
  assert.deepEqual(run.events, []);
});

test('a response without a request: written alone, event raised', () => {
  const run = runSession(modbus, [resp(rdResp(9)), req(rd(10)), resp(rdResp(10))]);
  assert.deepEqual(run.events.map((e) => e.name), ['response_without_request']);
  const [first, second] = run.records.map(([, r]) => r);
  assert.deepEqual([first.tid, first.matched, first.request_seen, first.response_seen, first.quantity, first.response_values], [9, false, false, true, 1, [7]]);
  assert.equal(second.matched, true);
  assert.equal(run.confirmed, true);
});

test('a lone exception response is named <FUNCTION>_EXCEPTION with its wire code (ICSNPP)', () => {
  const run = runSession(modbus, [resp(adu(4, 1, hex`83 02`))]);
  const r = run.records[0][1];
  assert.deepEqual([r.func, r.function_code, r.exception_code, r.matched], ['READ_HOLDING_REGISTERS_EXCEPTION', 0x83, 'ILLEGAL_DATA_ADDRESS', false]);
});

test('unanswered requests are written unmatched at the end of the flow', () => {
  const run = runSession(modbus, [req(rd(1)), req(rd(2)), resp(rdResp(2))]);
  const recs = run.records.map(([, r]) => [r.tid, r.matched, r.response_seen]);
  assert.deepEqual(recs, [[2, true, true], [1, false, false]]);
});

test('a request reusing a waiting transaction id: the older one had no answer', () => {
  const run = runSession(modbus, [req(rd(0, 1, 1)), req(rd(0, 1, 2)), resp(rdResp(0, 1, 5))]);
  const recs = run.records.map(([, r]) => [r.address, r.matched]);
  assert.deepEqual(recs, [[1, false], [2, true]]);
});

test('a response for another unit or function: response_mismatch, the request keeps waiting', () => {
  const run = runSession(modbus, [req(rd(5, 1)), resp(rdResp(5, 2)), resp(adu(5, 1, hex`04 02 00 01`)), resp(rdResp(5, 1))]);
  assert.deepEqual(run.events.map((e) => e.name), ['response_mismatch', 'response_mismatch']);
  const recs = run.records.map(([, r]) => [r.unit, r.function_code, r.matched]);
  assert.deepEqual(recs, [[2, 3, false], [1, 4, false], [1, 3, true]]);
});

test(`more than ${MAX_PENDING} waiting requests: flooded, the oldest written unmatched, the flow goes on`, () => {
  const chunks: Chunk[] = [];
  for (let i = 0; i < MAX_PENDING + 3; i++) chunks.push(req(rd(i)));
  chunks.push(resp(rdResp(MAX_PENDING + 2)));
  const run = runSession(modbus, chunks);
  assert.equal(run.events.filter((e) => e.name === 'flooded').length, 3);
  const recs = run.records.map(([, r]) => r);
  assert.deepEqual(recs.slice(0, 3).map((r) => [r.tid, r.matched]), [[0, false], [1, false], [2, false]]);
  assert.deepEqual([recs[3].tid, recs[3].matched], [MAX_PENDING + 2, true]);
  assert.equal(recs.length, MAX_PENDING + 3);
});

test(`a request waiting more than ${REQUEST_TIMEOUT} s is written unmatched when the next request comes`, () => {
  const run = runSession(modbus, [req(rd(1), 10), req(rd(2), 10 + REQUEST_TIMEOUT + 1), resp(rdResp(1), 10 + REQUEST_TIMEOUT + 2)]);
  const recs = run.records.map(([, r]) => [r.tid, r.matched, r.request_seen]);
  assert.deepEqual(recs, [[1, false, true], [1, false, false], [2, false, true]]);
  assert.deepEqual(run.events.map((e) => e.name), ['response_without_request']);
});

// ---- malformed input ----

test('a protocol id other than 0: unknown_protocol_id, bytes skipped to the next header, the flow goes on', () => {
  const bad = adu(7, 1, hex`03 00 00 00 01`, 1);
  const run = runSession(modbus, [req(rd(1)), resp(rdResp(1)), req(concat(bad, rd(2))), resp(rdResp(2))]);
  assert.deepEqual(run.events.map((e) => e.name), ['unknown_protocol_id', 'resync']);
  assert.equal(run.events[1].addl, `${bad.length} bytes skipped`);
  assert.deepEqual(run.records.map(([, r]) => [r.tid, r.matched]), [[1, true], [2, true]]);
});

test('an MBAP length of 1 or over 2048: invalid_length and resync', () => {
  const short = hex`00 09  00 00  00 01  01`;
  const long = hex`00 0a  00 00  08 01  01 03`;
  for (const bad of [short, long]) {
    const run = runSession(modbus, [req(concat(bad, rd(2))), resp(rdResp(2))]);
    assert.equal(run.events[0].name, 'invalid_length');
    assert.equal(run.events[1].name, 'resync');
    assert.deepEqual(run.records.map(([, r]) => [r.tid, r.matched]), [[2, true]]);
  }
});

test('a PDU shorter than its function, or a byte count that does not fit: invalid_length, partial record kept', () => {
  const run = runSession(modbus, [
    req(adu(1, 1, hex`03 00 10`)), // address only, no quantity
    resp(adu(1, 1, hex`03 04 00 01`)), // byte count 4, 2 bytes follow
    req(rd(2)),
    resp(rdResp(2)),
  ]);
  assert.deepEqual(run.events.map((e) => [e.name, e.isOrig]), [['invalid_length', true], ['invalid_length', false]]);
  const r = run.records.map(([, x]) => x);
  assert.deepEqual([r[0].address, r[0].quantity, r[0].response_values, r[0].matched], [undefined, 1, [1], true]);
  assert.equal(r[1].matched, true);
});

test('an MBAP length over 254 on a standard function: invalid_length (UMAS may be longer)', () => {
  const big = adu(1, 1, concat(hex`10 00 00 00 7e fc`, new Uint8Array(252)));
  const run = runSession(modbus, [req(big)]);
  assert.ok(run.events.some((e) => e.name === 'invalid_length' && e.addl === 'MBAP length 259 over 254'));
  const umas = adu(2, 0, concat(hex`5a 00 31`, new Uint8Array(400)));
  const run2 = runSession(modbus, [req(umas), resp(adu(2, 0, hex`5a 00 fe`))]);
  assert.deepEqual(run2.events, []);
  assert.equal(run2.records[0][1].umas_func, 'UPLOAD_BLOCK');
  assert.equal((run2.records[0][1].request_data as string).length, 2 * 256, 'request_data keeps 256 bytes');
});

test('values outside the specification: invalid_value; unknown functions and exceptions are data', () => {
  const run = runSession(modbus, [
    req(adu(1, 1, hex`05 00 01 12 34`)), // coil value neither 0xff00 nor 0
    resp(adu(1, 1, hex`05 00 01 12 34`)),
    req(adu(2, 1, hex`03 00 00 00 00`)), // quantity 0
    resp(adu(2, 1, hex`83 63`)), // exception code 99
    req(adu(3, 1, hex`64 aa`)), // function 100
    resp(adu(3, 1, hex`e4 01`)), // its exception
  ]);
  assert.deepEqual(run.events.map((e) => e.name), ['invalid_value', 'invalid_value', 'invalid_value', 'unknown_exception', 'unknown_function', 'unknown_function']);
  const r = run.records.map(([, x]) => x);
  assert.deepEqual([r[0].request_values, r[1].exception_code, r[1].exception_num, r[2].func, r[2].exception_code], [[0], 'unknown-99', 99, 'unknown-100', 'ILLEGAL_FUNCTION']);
});

test('after a gap, parsing resumes at the next valid header; the waiting request stays', () => {
  const run = runSession(modbus, [
    req(rd(1)),
    { isOrig: false, bytes: new Uint8Array(0), gap: 5 },
    resp(concat(rdResp(1).subarray(5), rdResp(1))),
  ]);
  assert.deepEqual(run.events.map((e) => [e.name, e.addl]), [['resync', '6 bytes skipped after a gap']]);
  assert.deepEqual(run.records.map(([, r]) => r.matched), [true]);
});

test('a flow that never sends a valid message is rejected after 4 KiB of garbage', () => {
  const junk = new Uint8Array(5000).fill(0x41);
  const run = runSession(modbus, [req(junk)]);
  assert.equal(run.rejected, 'no valid Modbus/TCP message');
  assert.deepEqual(run.records, []);
});

test('a read device identification response with bad objects keeps what is there', () => {
  const r = adu(1, 1, concat(hex`2b 0e 01 83 4d b7 02  00 05`, enc('ab'))); // 2 objects announced, first of 5 bytes has 2
  const run = runSession(modbus, [req(adu(1, 1, hex`2b 0e 01 00`)), resp(r)]);
  assert.deepEqual(run.events.map((e) => e.name), ['invalid_length', 'invalid_value']);
  const dev = run.records.filter(([t]) => t === 'modbus_read_device_identification').map(([, x]) => x);
  assert.equal(dev.length, 2);
  assert.deepEqual([dev[1].object_id, dev[1].object_value, dev[1].conformity_level, dev[1].more_follows, dev[1].next_object_id], ['VendorName', 'ab', 'Extended Identification (Stream, Individual)', true, 0xb7]);
});

test('a Read Device Identification response with more than 128 objects: too_many_objects, 128 records', () => {
  const objs: Uint8Array[] = [];
  for (let i = 0; i < 200; i++) objs.push(new Uint8Array([0x80 + (i % 128), 1, 0x41])); // private object, 1 byte "A"
  const r = adu(1, 1, concat(hex`2b 0e 03 83 00 00 c8`, ...objs)); // extended, 200 objects (MBAP length 608: invalid_length too)
  const run = runSession(modbus, [req(adu(1, 1, hex`2b 0e 03 80`)), resp(r)]);
  assert.deepEqual(run.events.map((e) => e.name), ['invalid_length', 'too_many_objects']);
  const dev = run.records.filter(([t]) => t === 'modbus_read_device_identification' && t).map(([, x]) => x);
  assert.equal(dev.length, 1 + 128);
  assert.deepEqual([dev[1].object_id, dev[1].object_value, dev[128].object_id], ['private-128', 'A', 'private-255']);
});

test('responses pair with the waiting request of their unit when two units share a transaction id', () => {
  const run = runSession(modbus, [req(concat(rd(7, 1, 100), rd(7, 2, 200))), resp(rdResp(7, 2, 22)), resp(rdResp(7, 1, 11))]);
  assert.deepEqual(run.events, []);
  assert.deepEqual(run.records.map(([, r]) => [r.unit, r.address, r.response_values, r.matched]), [[2, 200, [22], true], [1, 100, [11], true]]);
});

// ---- truncation and segmentation ----

/** Minimal PDU length of each function's request and response (§6), for the truncation test. */
function fixedStructure(fcode: number): boolean {
  // Functions whose data is free-form (vendor-specific, UMAS after its header, diagnostics
  // data) may be cut and still be well-formed.
  return fcode !== 0x41 && fcode !== 0x5a && fcode !== 0x08 && fcode !== 0x2b;
}

test('truncation at every offset: a PDU cut short (with a length that says so) never throws, never claims more', () => {
  for (const c of CASES) {
    for (const [isOrig, full] of [[true, c.request], [false, c.response]] as const) {
      const pdu = full.subarray(7);
      for (let n = 1; n < pdu.length; n++) {
        const cut = adu((full[0] << 8) | full[1], full[6], pdu.subarray(0, n));
        const chunks = isOrig ? [req(cut)] : [req(c.request), resp(cut)];
        const run = runSession(modbus, chunks);
        // Only the fields filled from the side that was cut.
        const values = isOrig ? ['request_values', 'write_registers'] : ['response_values', 'read_registers'];
        const data = isOrig ? ['request_data'] : ['response_data'];
        for (const [, r] of run.records) {
          for (const k of values) {
            const v = r[k] as number[] | undefined;
            if (v !== undefined) assert.ok(v.length <= 8 * n, `${c.name} ${n}: ${k}`);
          }
          for (const k of data) {
            const s = r[k] as string | undefined;
            if (s !== undefined && !s.includes(',')) assert.ok(s.length <= 2 * n, `${c.name} ${n}: ${k}`);
          }
        }
        if (fixedStructure(pdu[0] & 0x7f)) {
          assert.ok(run.events.some((e) => e.name === 'invalid_length'), `${c.name}: ${isOrig ? 'request' : 'response'} cut to ${n} bytes`);
        }
      }
    }
  }
});

test('truncation of the stream at every offset: what is whole is written, nothing else', () => {
  const stream = concat(...CASES.map((c) => c.request));
  for (let n = 0; n < stream.length; n++) {
    const run = runSession(modbus, [req(stream.subarray(0, n))]);
    let whole = 0;
    for (let o = 0; o < n; o += 6 + ((stream[o + 4] << 8) | stream[o + 5])) if (o + 6 + ((stream[o + 4] << 8) | stream[o + 5]) <= n) whole++;
    assert.equal(run.records.filter(([t]) => t === 'modbus').length, whole, `cut at ${n}`);
  }
});

const CONVERSATION: Chunk[] = CASES.flatMap((c) => [req(c.request), resp(c.response)]);

test('the same records whatever the TCP segmentation (every split, one byte at a time)', () => {
  const want = withoutTs(runSession(modbus, CONVERSATION));
  assert.ok(want.length > CASES.length);
  assert.deepEqual(withoutTs(runSession(modbus, bytewise(CONVERSATION))), want);
  let runs = 0;
  for (const chunks of everySplit(CONVERSATION)) {
    assert.deepEqual(withoutTs(runSession(modbus, chunks)), want);
    runs++;
  }
  assert.ok(runs > 300);
});

test('several ADUs in one segment and an ADU over three segments', () => {
  const all = concat(rd(1), rd(2), rd(3));
  const parts = [all.subarray(0, 3), all.subarray(3, 20), all.subarray(20)];
  const run = runSession(modbus, [...parts.map((b) => req(b)), resp(concat(rdResp(1), rdResp(2), rdResp(3)))]);
  assert.deepEqual(run.records.map(([, r]) => [r.tid, r.matched]), [[1, true], [2, true], [3, true]]);
});

// ---- detection ----

const HINT = (portMatch: boolean, isOrig = true): ProbeHint => ({ transport: 'tcp', portMatch, isOrig, srcPort: 49152, dstPort: portMatch ? 502 : 5020 });

test('probe: on port 502 a plausible MBAP header is enough; elsewhere the whole first message must be clean', () => {
  const ok = rd(1);
  assert.equal(probeModbus(ok, 0, ok.length, HINT(true)), PROBE.YES);
  assert.equal(probeModbus(ok, 0, ok.length, HINT(false)), PROBE.YES);
  assert.equal(probeModbus(rdResp(1), 0, 11, HINT(false, false)), PROBE.YES);
  // Partial: wait for more.
  for (let n = 0; n < ok.length; n++) assert.equal(probeModbus(ok, 0, n, HINT(false)), PROBE.MAYBE, `prefix ${n}`);
  // Protocol id not 0, length out of range: never.
  for (const h of [true, false]) {
    assert.equal(probeModbus(adu(1, 1, hex`03 00 00 00 01`, 5), 0, 12, HINT(h)), PROBE.NO);
    assert.equal(probeModbus(hex`00 01 00 00 00 01 01 03`, 0, 8, HINT(h)), PROBE.NO);
  }
  // Another port: a UMAS frame, an unknown function, a quantity of 0, a bad byte count, a request-shaped response.
  const strictNo = [adu(1, 0, hex`5a 00 02`), adu(1, 1, hex`41 00`), adu(1, 1, hex`03 00 00 00 00`), adu(1, 1, hex`10 00 00 00 02 03 00 01 00 02`)];
  for (const b of strictNo) {
    assert.equal(probeModbus(b, 0, b.length, HINT(false)), PROBE.NO, `strict: ${Buffer.from(b).toString('hex')}`);
    assert.equal(probeModbus(b, 0, b.length, HINT(true)), PROBE.YES, `port 502: ${Buffer.from(b).toString('hex')}`);
  }
  assert.equal(probeModbus(rd(1), 0, 12, HINT(false, false)), PROBE.NO);
  // Another port: a good first ADU followed by something that is not a header.
  const tail = concat(rd(1), hex`16 03 01 00`);
  assert.equal(probeModbus(tail, 0, tail.length, HINT(false)), PROBE.NO);
  assert.equal(probeModbus(concat(rd(1), rd(2).subarray(0, 5)), 0, 17, HINT(false)), PROBE.YES);
  assert.equal(probeModbus(ok, 0, ok.length, { ...HINT(true), transport: 'udp' }), PROBE.NO);
  // Text and TLS on port 502.
  for (const s of ['GET / HTTP/1.1\r\n\r\n', '\x16\x03\x01\x00\xa5\x01\x00\x00']) {
    const b = enc(s);
    assert.equal(probeModbus(b, 0, b.length, HINT(true)), PROBE.NO, s);
  }
});

// ---- fuzzing ----

test('fuzzing: random bytes on both sides never throw', () => {
  fc.assert(
    fc.property(fc.array(fc.record({ isOrig: fc.boolean(), bytes: fc.uint8Array({ maxLength: 300 }) }), { maxLength: 12 }), (chunks) => {
      runSession(modbus, chunks);
    }),
    { numRuns: 400 },
  );
});

test('fuzzing: valid messages with random bit flips, cut anywhere, never throw', () => {
  const stream = CONVERSATION;
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.nat(stream.length - 1), fc.nat(10_000), fc.nat(7)), { minLength: 1, maxLength: 8 }),
      fc.nat(5),
      (flips, cutSeed) => {
        const chunks = stream.map((c) => ({ ...c, bytes: c.bytes.slice() }));
        for (const [i, at, bit] of flips) {
          const b = chunks[i].bytes;
          b[at % b.length] ^= 1 << bit;
        }
        const cut = chunks.flatMap((c) => {
          const k = (cutSeed % c.bytes.length) + 1;
          return [{ ...c, bytes: c.bytes.subarray(0, k) }, { ...c, bytes: c.bytes.subarray(k) }];
        });
        runSession(modbus, cut);
      },
    ),
    { numRuns: 400 },
  );
});

test('fuzzing: random PDUs behind a valid MBAP header never throw', () => {
  fc.assert(
    fc.property(fc.boolean(), fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 260 }), (isOrig, fcode, body) => {
      const a = adu(1, 1, concat(new Uint8Array([fcode]), body));
      runSession(modbus, isOrig ? [req(a)] : [req(adu(1, 1, new Uint8Array([fcode & 0x7f, 0, 0, 0, 1]))), resp(a)]);
    }),
    { numRuns: 2000 },
  );
});

// ---- documentation ----

test('docs/protocols/modbus.md documents every record field and every event', () => {
  const doc = readFileSync(`${REPO}/docs/protocols/modbus.md`, 'utf8');
  for (const [type, fields] of Object.entries(modbus.records)) {
    assert.ok(doc.includes(`\`${type}\``), type);
    for (const f of fields.slice(FLOW_HEADER_FIELDS.length)) assert.ok(doc.includes(`| \`${f.name}\``), `${type}.${f.name}`);
  }
  for (const e of Object.keys(modbus.events)) assert.ok(doc.includes(`\`modbus.${e}\``), e);
});
