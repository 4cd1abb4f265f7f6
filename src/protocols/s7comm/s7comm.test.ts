// S7comm PDUs from byte arrays written after the S7 protocol as the Wireshark S7comm
// dissector documents it: the header of each ROSCTR, Setup Communication, Read/Write Var and
// their pairing, PLC Control / Stop, block upload, Read SZL (whole and in parts) with device
// identity, mode-transition pushes; malformed PDUs raising their events; caps; truncation,
// segmentation (through COTP) and fuzzing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { bytewise, concat, everySplit, hex, runSession, withoutTs, type Chunk } from '../../dissect/testing.ts';
import { PROBE } from '../../dissect/types.ts';
import { cotp } from '../cotp/index.ts';
import { s7comm } from './index.ts';
import { MAX_PENDING, MAX_SZL } from './session.ts';

const HDR = new Set(['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'source_h', 'source_p', 'destination_h', 'destination_p']);
/** A record without the flow header and unset fields. */
const fields = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).filter(([k, v]) => !HDR.has(k) && v !== undefined));
const of = (run: ReturnType<typeof runSession>, type: string) => run.records.filter(([t]) => t === type).map(([, r]) => fields(r));
/** PDUs straight to an S7comm session (COTP's part). */
const pdus = (...p: [boolean, Uint8Array][]): Chunk[] => p.map(([isOrig, bytes]) => ({ isOrig, bytes }));

const SETUP = hex`
  32            // protocol id
  01            // ROSCTR Job
  00 00         // redundancy id
  00 00         // PDU reference
  00 08         // parameter length
  00 00         // data length
  f0            // Setup Communication
  00            // reserved
  00 01         // max AmQ calling
  00 01         // max AmQ called
  01 e0         // PDU length 480
`;
const SETUP_ACK = hex`
  32 03         // Ack-Data
  00 00 00 00   // redundancy id, PDU reference
  00 08 00 00   // parameter length 8, data length 0
  00 00         // error class, error code: none
  f0 00 00 01 00 01 00 f0   // Setup Communication: AmQ 1/1, PDU length 240
`;

test('Setup Communication: header fields, negotiated PDU size; valid both ways', () => {
  const r = runSession(s7comm, pdus([true, SETUP], [false, SETUP_ACK]));
  assert.deepEqual(of(r, 's7comm'), [
    { is_orig: true, rosctr_code: 1, rosctr_name: 'Job-Request', pdu_reference: 0, function_code: '0xf0', function_name: 'Setup Communication', max_amq_calling: 1, max_amq_called: 1, pdu_length: 480 },
    { is_orig: false, rosctr_code: 3, rosctr_name: 'ACK-Data', pdu_reference: 0, function_code: '0xf0', function_name: 'Setup Communication', error_class: 'No error', error_code: '0x00', max_amq_calling: 1, max_amq_called: 1, pdu_length: 240 },
  ]);
  assert.equal(r.confirmed, true);
  assert.deepEqual(r.events, []);
});

const READ = hex`
  32 01 00 00
  01 00         // PDU reference: bytes 01 00 (ICSNPP reads 1, Wireshark 256)
  00 1a 00 00   // parameter length 26, data length 0
  04 02         // Read Var, 2 items
  12 0a 10      // item 1: variable specification, 10 bytes, S7ANY
  04 00 01      //   transport size WORD, 1 element
  00 01 84      //   DB 1, area DB
  00 00 50      //   bit address 80: byte 10, bit 0  (DB1.DBW10)
  12 0a 10      // item 2: S7ANY
  01 00 01      //   BIT, 1 element
  00 00 83      //   DB 0, area M
  00 00 2b      //   bit address 43: byte 5, bit 3  (M5.3)
`;
const READ_ACK = hex`
  32 03 00 00 01 00
  00 02 00 0b   // parameter length 2, data length 11
  00 00         // no error
  04 02         // Read Var, 2 items
  ff 04 00 10 12 34   // item 1: success, BYTE/WORD/DWORD, 16 bits, 0x1234
  ff 03 00 01 01      // item 2: success, BIT, 1 bit, 1 (last item: no fill byte)
`;
const WRITE = hex`
  32 01 00 00 02 00
  00 0e 00 05   // parameter length 14, data length 5
  05 01         // Write Var, 1 item
  12 0a 10 02 00 01 00 05 84 00 00 00   // S7ANY: BYTE, 1 element, DB 5, DB, byte 0 (DB5.DBB0)
  00 04 00 08 ab                        // data: reserved, BYTE/WORD/DWORD, 8 bits, 0xab
`;
const WRITE_ACK = hex`
  32 03 00 00 02 00
  00 02 00 01 00 00   // parameter 2, data 1, no error
  05 01               // Write Var, 1 item
  ff                  // item 1: success
`;

test('Read Var and Write Var: one s7comm_read_write per variable, paired with the answer by PDU reference', () => {
  const r = runSession(s7comm, pdus([true, READ], [true, WRITE], [false, WRITE_ACK], [false, READ_ACK]));
  assert.deepEqual(of(r, 's7comm').map((x) => [x.rosctr_name, x.pdu_reference, x.function_name, x.item_count]), [
    ['Job-Request', 1, 'Read Variable', 2],
    ['Job-Request', 2, 'Write Variable', 1],
    ['ACK-Data', 2, 'Write Variable', 1],
    ['ACK-Data', 1, 'Read Variable', 2],
  ]);
  assert.deepEqual(of(r, 's7comm_read_write'), [
    {
      is_orig: true, pdu_reference: 2, function_code: '0x05', function_name: 'Write Variable', item_index: 1, syntax_id: '0x10', syntax_name: 'S7ANY',
      area_code: '0x84', area_name: 'DB', db_number: 5, byte_address: 0, bit_address: 0, transport_size_code: '0x02', transport_size_name: 'BYTE',
      length: 1, return_code: '0xff', return_code_name: 'Success', data_length: 1, data: 'ab',
    },
    {
      is_orig: true, pdu_reference: 1, function_code: '0x04', function_name: 'Read Variable', item_index: 1, syntax_id: '0x10', syntax_name: 'S7ANY',
      area_code: '0x84', area_name: 'DB', db_number: 1, byte_address: 10, bit_address: 0, transport_size_code: '0x04', transport_size_name: 'WORD',
      length: 1, return_code: '0xff', return_code_name: 'Success', data_length: 2, data: '1234',
    },
    {
      is_orig: true, pdu_reference: 1, function_code: '0x04', function_name: 'Read Variable', item_index: 2, syntax_id: '0x10', syntax_name: 'S7ANY',
      area_code: '0x83', area_name: 'M', byte_address: 5, bit_address: 3, transport_size_code: '0x01', transport_size_name: 'BIT',
      length: 1, return_code: '0xff', return_code_name: 'Success', data_length: 1, data: '01',
    },
  ]);
  // The record's time is the job's.
  const rw = r.records.filter(([t]) => t === 's7comm_read_write').map(([, x]) => x.ts);
  const jobs = r.records.filter(([t, x]) => t === 's7comm' && x.rosctr_code === 1).map(([, x]) => x.ts);
  assert.deepEqual(rw, [jobs[1], jobs[0], jobs[0]]);
});

test('a failed item carries no data; an error Ack fails every variable; an unanswered job is written at the end', () => {
  const failed = hex`32 03 0000 0100  0002 0009 0000  04 02  0a 00 0004  ff 03 0001 01`; // item 1: object does not exist
  const ack = hex`32 02 0000 0200  0000 0000  85 00`; // Ack: error on supplies
  const r = runSession(s7comm, pdus([true, READ], [false, failed], [true, WRITE], [false, ack], [true, hex`32 01 0000 0300 000e 0000 04 01 12 0a 10 02 0001 0001 84 000000`]));
  const rw = of(r, 's7comm_read_write');
  assert.deepEqual(rw.map((x) => [x.pdu_reference, x.return_code, x.data_length, x.data, x.error_class, x.error_code]), [
    [1, '0x0a', 0, undefined, undefined, undefined],
    [1, '0xff', 1, '01', undefined, undefined],
    [2, undefined, 1, 'ab', 'Error on supplies', '0x00'],
    [3, undefined, undefined, undefined, undefined, undefined],
  ]);
  assert.equal(rw[0].return_code_name, 'Object does not exist');
  assert.deepEqual(r.events, []);
});

test('a job sent by the PLC (Download Block) pairs with the answer from the other side', () => {
  const job = hex`32 01 0000 0a00 000e 0000  04 01 12 0a 10 02 0001 0001 84 000000`;
  const ans = hex`32 03 0000 0a00 0002 0005 0000  04 01  ff 04 0008 07`;
  const r = runSession(s7comm, pdus([false, job], [true, ans]));
  assert.deepEqual(of(r, 's7comm_read_write').map((x) => [x.is_orig, x.return_code, x.data]), [[false, '0xff', '07']]);
});

test('PLC Stop, PLC Control (_INSE with block names, cold restart), Ack errors', () => {
  const stop = hex`
    32 01 0000 0300 0010 0000
    29                    // PLC Stop
    00 00 00 00 00        // unknown
    09 50 5f 50 52 4f 47 52 41 4d   // "P_PROGRAM"
  `;
  const stopAck = hex`32 03 0000 0300 0001 0000 0000  29`;
  const insert = hex`
    32 01 0000 0400 001a 0000
    28                    // PLC Control (PI service)
    00 00 00 00 00 00 fd  // unknown
    00 0a                 // parameter block length 10
    01 00                 //   1 block, a byte
    30 41 30 30 30 30 31 50   //   "0A00001P": DB 1, passive file system
    05 5f 49 4e 53 45     // "_INSE"
  `;
  const coldStart = hex`
    32 01 0000 0500 0016 0000
    28 00 00 00 00 00 00 fd
    00 02 43 20           // parameter block "C " (cold restart)
    09 50 5f 50 52 4f 47 52 41 4d   // "P_PROGRAM"
  `;
  const denied = hex`32 02 0000 0500 0000 0000  d2 41`; // Ack, error 0xd241
  const r = runSession(s7comm, pdus([true, stop], [false, stopAck], [true, insert], [true, coldStart], [false, denied]));
  assert.deepEqual(of(r, 's7comm'), [
    { is_orig: true, rosctr_code: 1, rosctr_name: 'Job-Request', pdu_reference: 3, function_code: '0x29', function_name: 'PLC Stop' },
    { is_orig: false, rosctr_code: 3, rosctr_name: 'ACK-Data', pdu_reference: 3, function_code: '0x29', function_name: 'PLC Stop', error_class: 'No error', error_code: '0x00' },
    { is_orig: true, rosctr_code: 1, rosctr_name: 'Job-Request', pdu_reference: 4, function_code: '0x28', function_name: 'PLC Control', subfunction_code: '_INSE', subfunction_name: 'Activates a PLC module', pi_parameter: ['0A00001P'] },
    { is_orig: true, rosctr_code: 1, rosctr_name: 'Job-Request', pdu_reference: 5, function_code: '0x28', function_name: 'PLC Control', subfunction_code: 'P_PROGRAM', subfunction_name: 'PLC Start / Stop', pi_parameter: ['C'] },
    { is_orig: false, rosctr_code: 2, rosctr_name: 'ACK', pdu_reference: 5, error_class: 'unknown-210', error_code: '0x41' },
  ]);
});

test('block upload: Start Upload, Upload, End Upload as ICSNPP logs them', () => {
  const start = hex`
    32 01 0000 0600 0012 0000
    1d 00 00 00           // Start Upload, status 0, 2 bytes
    00 00 00 00           // upload id 0
    09 5f 30 41 30 30 30 30 31 41   // "_0A00001A": complete module, DB 1, active
  `;
  const startAck = hex`
    32 03 0000 0600 0010 0000 0000
    1d 00 01 00           // Start Upload, status, 2 bytes
    00 00 00 07           // upload id 7
    07 30 30 30 30 32 31 36   // block length "0000216"
  `;
  const upload = hex`32 01 0000 0700 0008 0000  1e 00 0000 00000007`;
  const uploadAck = hex`32 03 0000 0700 0002 0008 0000  1e 00  0004 00fb 70700101`; // data: length 4, 2 bytes, block bytes
  const end = hex`32 01 0000 0800 0008 0000  1f 00 0000 00000007`;
  const endAck = hex`32 03 0000 0800 0001 0000 0000  1f`;
  const r = runSession(s7comm, pdus([true, start], [false, startAck], [true, upload], [false, uploadAck], [true, end], [false, endAck]));
  assert.deepEqual(of(r, 's7comm_upload_download'), [
    { is_orig: true, rosctr: 'Job-Request', pdu_reference: 6, function_name: 'Start Upload', function_status: '0x00', session_id: 0, filename: '_0A00001A', block_type: 'Data Block', block_number: '00001', destination_filesystem: 'Active' },
    { is_orig: false, rosctr: 'ACK-Data', pdu_reference: 6, function_name: 'Start Upload', function_status: '0x00', session_id: 7, blocklength: 216 },
    { is_orig: true, rosctr: 'Job-Request', pdu_reference: 7, function_name: 'Upload', function_status: '0x00', session_id: 7 },
    { is_orig: false, rosctr: 'ACK-Data', pdu_reference: 7, function_name: 'Upload', function_status: '0x00', blocklength: 4 },
    { is_orig: true, rosctr: 'Job-Request', pdu_reference: 8, function_name: 'End Upload', function_status: '0x00', session_id: 7 },
    { is_orig: false, rosctr: 'ACK-Data', pdu_reference: 8, function_name: 'End Upload' },
  ]);
});

test('Request Download: file name and the load memory length', () => {
  const req = hex`
    32 01 0000 0900 0020 0000
    1a 00 01 00 00 00 00 00   // Request Download, status, block control
    09 5f 30 41 30 30 30 30 31 50   // "_0A00001P"
    0d 31                     // length part 2 (13), a char
    30 30 30 32 31 36         // load memory length "000216"
    30 30 30 30 38 38         // MC7 length "000088"
  `;
  const r = runSession(s7comm, pdus([false, req]));
  assert.deepEqual(of(r, 's7comm_upload_download'), [
    { is_orig: false, rosctr: 'Job-Request', pdu_reference: 9, function_name: 'Request Download', function_status: '0x00', session_id: 0, blocklength: 216, filename: '_0A00001P', block_type: 'Data Block', block_number: '00001', destination_filesystem: 'Passive' },
  ]);
});

const SZL_REQUEST = hex`
  32 07 0000 0100 0008 0008
  00 01 12      // parameter head
  04            // parameter length 4
  11            // method: request
  44            // type 4 (request), function group 4 (CPU functions)
  01            // Read SZL
  00            // sequence number
  ff 09 00 04   // data: return code, octet string, 4 bytes
  00 11 00 00   // SZL id 0x0011, index 0
`;
const mlfb = (s: string) => new TextEncoder().encode(s.padEnd(20, ' '));
const SZL_0011 = concat(
  hex`
    32 07 0000 0100 000c 0044
    00 01 12 08 12 84 01 00   // head, length 8, response, type 8 group 4, Read SZL, seq
    00 00 00 00               // data unit reference, last data unit, error code 0
    ff 09 00 40               // data: success, octet string, 64 bytes
    00 11 00 00               // SZL id 0x0011, index 0
    00 1c 00 02               // record length 28, 2 records
    00 01                     // record 1: index 1, the module
  `,
  mlfb('6ES7 315-2EH14-0AB0'),
  hex`00 c0  00 04  00 01`,   // BGTyp, Ausbg 4, Ausbe 1
  hex`00 07`,                 // record 2: index 7, basic firmware
  mlfb(''),
  hex`00 c0  56 03  02 06`,   // Ausbg 'V' 3, Ausbe 2.6: V3.2.6
);
/** An SZL 0x001C record: index and 32 bytes of text. */
const ci = (index: number, text: string) => {
  const b = new Uint8Array(34);
  b[1] = index;
  b.set(new TextEncoder().encode(text), 2);
  return b;
};
const SZL_001C = concat(
  hex`
    32 07 0000 0200 000c 00b6
    00 01 12 08 12 84 01 00  00 00 00 00
    ff 09 00 b2               // data: 178 bytes
    00 1c 00 00 00 22 00 05   // SZL 0x001C, index 0, record length 34, 5 records
  `,
  ci(1, 'PLANT-A PLC'), ci(2, 'CPU 315-2 PN/DP'), ci(3, ''), ci(5, 'S C-C2UR28922012'), ci(7, 'CPU 315-2 PN/DP'),
);

test('Read SZL: request and answer records, and the device identity from SZL 0x0011 and 0x001C', () => {
  const req1c = hex`32 07 0000 0200 0008 0008  00 01 12 04 11 44 01 00  ff 09 0004 001c 0000`;
  const r = runSession(s7comm, pdus([true, SZL_REQUEST], [false, SZL_0011], [true, req1c], [false, SZL_001C], [false, SZL_0011]));
  assert.deepEqual(of(r, 's7comm_read_szl'), [
    { is_orig: true, pdu_reference: 1, method: 'Request', szl_id: '0x0011', szl_id_name: 'Module identification', szl_index: '0x0000', return_code: '0xff', return_code_name: 'Success' },
    { is_orig: false, pdu_reference: 1, method: 'Response', szl_id: '0x0011', szl_id_name: 'Module identification', szl_index: '0x0000', return_code: '0xff', return_code_name: 'Success', szl_record_length: 28, szl_record_count: 2 },
    { is_orig: true, pdu_reference: 2, method: 'Request', szl_id: '0x001c', szl_id_name: 'Component Identification', szl_index: '0x0000', return_code: '0xff', return_code_name: 'Success' },
    { is_orig: false, pdu_reference: 2, method: 'Response', szl_id: '0x001c', szl_id_name: 'Component Identification', szl_index: '0x0000', return_code: '0xff', return_code_name: 'Success', szl_record_length: 34, szl_record_count: 5 },
    { is_orig: false, pdu_reference: 1, method: 'Response', szl_id: '0x0011', szl_id_name: 'Module identification', szl_index: '0x0000', return_code: '0xff', return_code_name: 'Success', szl_record_length: 28, szl_record_count: 2 },
  ]);
  // One identity record, when the names arrive; the repeated 0x0011 answer changes nothing.
  assert.deepEqual(of(r, 's7comm_known_devices'), [{
    is_orig: false, automation_system_name: 'PLANT-A PLC', module_name: 'CPU 315-2 PN/DP', plant_name: '', module_serial: 'S C-C2UR28922012',
    module_type_name: 'CPU 315-2 PN/DP', order_number: '6ES7 315-2EH14-0AB0', hardware_version: '4', firmware_version: 'V3.2.6',
  }]);
  assert.deepEqual(of(r, 's7comm').map((x) => [x.function_code, x.function_name, x.subfunction_code, x.subfunction_name]).slice(0, 2), [
    ['0x44', 'Request: CPU Functions', '0x01', 'Read SZL'], ['0x84', 'Response: CPU Functions', '0x01', 'Read SZL'],
  ]);
  const module = runSession(s7comm, pdus([true, SZL_REQUEST], [false, SZL_0011]));
  assert.deepEqual(of(module, 's7comm_known_devices').map((x) => [x.order_number, x.firmware_version, x.module_name]), [['6ES7 315-2EH14-0AB0', 'V3.2.6', undefined]], 'module identification alone is written at the end');
});

test('an SZL answer in two parts is one s7comm_read_szl record with the SZL id of the whole', () => {
  const part1 = hex`
    32 07 0000 0600 000c 000e
    00 01 12 08 12 84 01 03   // response, Read SZL, seq 3
    d6 01 00 00               // data unit reference 0xd6, more data units follow, no error
    ff 09 00 0a               // data: 10 bytes
    00 00 00 00 00 02 00 04   // SZL 0x0000, index 0, records of 2 bytes, 4 of them
    00 11                     // record 1
  `;
  const next = hex`32 07 0000 0700 000c 0004  00 01 12 08 12 44 01 03  d6 00 00 00  0a 00 00 00`; // request for the next part
  const part2 = hex`32 07 0000 0700 000c 000a  00 01 12 08 12 84 01 03  d6 00 00 00  ff 09 00 06  00 12 00 1c 00 24`;
  const r = runSession(s7comm, pdus([false, part1], [true, next], [false, part2]));
  assert.deepEqual(of(r, 's7comm_read_szl'), [
    { is_orig: false, pdu_reference: 7, method: 'Response', szl_id: '0x0000', szl_id_name: 'List of all the SZL-IDs of a module', szl_index: '0x0000', return_code: '0xff', return_code_name: 'Success', szl_record_length: 2, szl_record_count: 4 },
  ]);
  assert.equal(of(r, 's7comm').length, 3);
});

test('an SZL answer beyond the cap raises szl_too_large and is dropped', () => {
  const part = (last: boolean) => {
    const body = new Uint8Array(900);
    const n = body.length;
    return concat(hex`32 07 0000 0100 000c`, new Uint8Array([(n + 4) >> 8, (n + 4) & 0xff]), hex`00 01 12 08 12 84 01 00`, new Uint8Array([0x11, last ? 0 : 1, 0, 0]), new Uint8Array([0xff, 0x09, n >> 8, n & 0xff]), body);
  };
  const chunks: Chunk[] = [];
  for (let i = 0; i * 900 <= MAX_SZL; i++) chunks.push({ isOrig: false, bytes: part(false) });
  chunks.push({ isOrig: false, bytes: part(true) });
  const r = runSession(s7comm, chunks);
  assert.deepEqual(r.events.map((e) => e.name), ['szl_too_large']);
  assert.deepEqual(of(r, 's7comm_read_szl'), []);
});

test('mode-transition push: the current mode is the subfunction', () => {
  const push = hex`
    32 07 0000 0000 0008 0000
    01 00 10      // parameter head of mode transitions
    10            // parameter length
    00            // method
    00            // type 0 (push), function group 0 (mode transition)
    00            // current mode: STOP
    00            // sequence number
  `;
  const r = runSession(s7comm, pdus([false, push]));
  assert.deepEqual(of(r, 's7comm').map((x) => [x.function_code, x.function_name, x.subfunction_code, x.subfunction_name]), [['0x00', 'Push: Mode-Transition', '0x00', 'Stop']]);
  assert.deepEqual(r.events, []);
});

test('malformed PDUs raise their events; unknown codes are data', () => {
  const cases: [string, Uint8Array, Record<string, unknown>][] = [
    ['bad_length', hex`32 01 0000 0100 0020 0000  04 01`, { rosctr_name: 'Job-Request', function_name: 'Read Variable' }],
    ['unknown_rosctr', hex`32 05 0000 0100 0000 0000`, { rosctr_code: 5, rosctr_name: 'unknown-5' }],
    ['bad_parameter', hex`32 01 0000 0100 0004 0000  04 01 13 0a`, { function_name: 'Read Variable', item_count: 1 }],
    ['bad_parameter', hex`32 01 0000 0100 0006 0000  f0 00 0001 0001`, { function_name: 'Setup Communication', max_amq_calling: 1, max_amq_called: 1 }],
    ['bad_data', hex`32 01 0000 0100 000e 0003  05 01 12 0a 10 02 0004 0001 84 000000  00 04 00`, { function_name: 'Write Variable' }],
  ];
  for (const [event, bytes, expect] of cases) {
    const r = runSession(s7comm, pdus([true, bytes], [true, SETUP]));
    assert.deepEqual(r.events.map((e) => e.name), [event], event);
    const rec = of(r, 's7comm')[0];
    for (const [k, v] of Object.entries(expect)) assert.deepEqual(rec[k], v, `${event}: ${k}`);
    assert.equal(of(r, 's7comm').length, 2, `${event}: the next PDU is still read`);
  }
  const notS7 = runSession(s7comm, pdus([true, hex`72 01 00 00`]));
  assert.deepEqual(notS7.events.map((e) => e.name), ['bad_protocol_id']);
  const func = runSession(s7comm, pdus([true, hex`32 01 0000 0100 0001 0000 77`]));
  assert.deepEqual(of(func, 's7comm')[0].function_name, 'unknown-119');
  const ud = runSession(s7comm, pdus([true, hex`32 07 0000 0100 0008 0000 00 01 12 04 11 49 05 00`]));
  assert.deepEqual([of(ud, 's7comm')[0].function_name, of(ud, 's7comm')[0].subfunction_name], ['Request: unknown-9', 'unknown-5']);
});

test('caps: pending jobs beyond the cap are written unanswered with an event; item lists beyond the cap are cut', () => {
  const chunks: Chunk[] = [];
  for (let i = 0; i <= MAX_PENDING; i++) chunks.push({ isOrig: true, bytes: concat(hex`32 01 0000`, new Uint8Array([i >> 8, i & 0xff]), hex`000e 0000 04 01 12 0a 10 02 0001 0001 84 000000`) });
  const r = runSession(s7comm, chunks);
  assert.deepEqual(r.events.map((e) => e.name), ['too_many_pending']);
  assert.equal(of(r, 's7comm_read_write').length, MAX_PENDING + 1);
  const many = concat(hex`32 01 0000 0100`, new Uint8Array([0x03, 0x4a]), hex`0000 04 46`, ...Array.from({ length: 70 }, () => hex`12 0a 10 02 0001 0001 84 000000`));
  const m = runSession(s7comm, pdus([true, many]));
  assert.deepEqual(m.events.map((e) => e.name), ['too_many_items']);
  assert.equal(of(m, 's7comm')[0].item_count, 70);
  assert.equal(of(m, 's7comm_read_write').length, 64);
});

test('probe: protocol id 0x32, a known ROSCTR, lengths within the TSDU', () => {
  assert.equal(s7comm.probe(SETUP, 0, SETUP.length, { transport: 'tcp', portMatch: true, isOrig: true, srcPort: 0, dstPort: 0 }), PROBE.YES);
  assert.equal(s7comm.probe(SETUP, 0, SETUP.length - 1, { transport: 'tcp', portMatch: true, isOrig: true, srcPort: 0, dstPort: 0 }), PROBE.NO);
  assert.equal(s7comm.probe(hex`32 05 0000 0000 0000 0000`, 0, 10, { transport: 'tcp', portMatch: true, isOrig: true, srcPort: 0, dstPort: 0 }), PROBE.NO);
  assert.equal(s7comm.probe(hex`72 01 0000 0000 0000 0000`, 0, 10, { transport: 'tcp', portMatch: true, isOrig: true, srcPort: 0, dstPort: 0 }), PROBE.NO);
});

const ALL = [SETUP, SETUP_ACK, READ, READ_ACK, WRITE, WRITE_ACK, SZL_REQUEST, SZL_0011, SZL_001C];

test('truncation at every offset of every PDU: no exception, no record claiming bytes it does not have', () => {
  for (const pdu of ALL) {
    for (let n = 0; n < pdu.length; n++) {
      const part = pdu.slice(0, n);
      const r = runSession(s7comm, pdus([true, part], [false, part]));
      for (const [, rec] of r.records) {
        if (typeof rec.data_length === 'number') assert.ok(rec.data_length <= n, `data_length ${rec.data_length} of a ${n}-byte PDU`);
      }
    }
  }
});

/** The PDUs wrapped in TPKT/COTP DT, as they travel on port 102. */
const tpkt = (p: Uint8Array) => concat(new Uint8Array([3, 0, (p.length + 7) >> 8, (p.length + 7) & 0xff, 2, 0xf0, 0x80]), p);

test('through COTP: the same records whatever the TCP segmentation', () => {
  const conv: Chunk[] = [SETUP, SETUP_ACK, READ, WRITE, WRITE_ACK, READ_ACK, SZL_REQUEST, SZL_0011].map((p, i) => ({ isOrig: [0, 2, 3, 6].includes(i), bytes: tpkt(p) }));
  const base = withoutTs(runSession(cotp, conv, { children: [s7comm] }));
  assert.equal(base.filter(([t]) => t === 's7comm').length, 8);
  for (const chunks of everySplit(conv)) assert.deepEqual(withoutTs(runSession(cotp, chunks, { children: [s7comm] })), base);
  assert.deepEqual(withoutTs(runSession(cotp, bytewise(conv), { children: [s7comm] })), base);
});

test('fuzz: random PDUs and bit-flipped valid PDUs never throw', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.boolean(), fc.uint8Array({ maxLength: 200 })), { maxLength: 10 }), (parts) => {
      runSession(s7comm, parts.map(([isOrig, bytes]) => ({ isOrig, bytes: concat(hex`32`, bytes) })));
    }),
    { numRuns: 500 },
  );
  fc.assert(
    fc.property(fc.nat(ALL.length - 1), fc.array(fc.tuple(fc.nat(400), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 6 }), (which, flips) => {
      const b = ALL[which].slice();
      for (const [at, bit] of flips) b[at % b.length] ^= 1 << bit;
      runSession(s7comm, pdus([true, READ], [true, b], [false, b], [false, READ_ACK]));
    }),
    { numRuns: 1000 },
  );
});

test('docs/protocols/s7comm.md documents every field of every record type and every event', () => {
  const doc = readFileSync(new URL('../../../docs/protocols/s7comm.md', import.meta.url), 'utf8');
  const rows = doc.split('\n').filter((l) => l.startsWith('|'));
  const documented = (name: string) => rows.some((l) => new RegExp(`(^\\|\\s*|[ ,\`])${name.replace('.', '\\.')}([ ,\`|])`).test(l));
  for (const [type, list] of Object.entries(s7comm.records)) {
    assert.ok(doc.includes(`## \`${type}\` record`), `section for ${type}`);
    for (const f of list) assert.ok(documented(f.name), `${type}.${f.name} documented`);
  }
  for (const e of Object.keys(s7comm.events)) assert.ok(doc.includes(`s7comm.${e}`), `event s7comm.${e} documented`);
});
