// PROFINET IO CM: connectionless DCE/RPC headers in both byte orders, field by field (DCE 1.1
// RPC §12.5), and the PNIO calls of IEC 61158-6-10 as byte arrays — Connect (ARBlockReq,
// IOCRBlockReq, ExpectedSubmoduleBlockReq, AlarmCRBlockReq and their responses), Write and
// MultipleWrite, Read with I&M0, Control, Release — with the records each must give; PNIO
// status in both byte orders; faults; fragment reassembly in any order and its caps; the
// events; truncation at every offset; the probe; fuzzing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { concat, hex, prefixes, runSession, type Chunk, type SessionRun } from '../../dissect/testing.ts';
import { PROBE, type ProbeHint } from '../../dissect/types.ts';
import { errorCode1Name, errorCode2Name } from './constants.ts';
import { MAX_BODY, MAX_FRAGMENTS, MAX_REASSEMBLIES } from './fragments.ts';
import { probeProfinetIoCm, profinet_io_cm } from './index.ts';
import { CALL_TIMEOUT } from './calls.ts';
import { MAX_BLOCKS, MAX_RECORDS } from './pnio.ts';
import { udpFrame } from '../../../test/support/build.ts';
import { Engine } from '../../pipeline/engine.ts';
import { Registry } from '../../dissect/registry.ts';

const DEVICE_IF = 'DEA00001-6C97-11D1-8271-00A02442DF7D';
const CONTROLLER_IF = 'DEA00002-6C97-11D1-8271-00A02442DF7D';
/** PNIO object UUID: instance 0x0001, device id 0x0203, vendor id 0x002A. */
const OBJECT = 'DEA00000-6C97-11D1-8271-00010203002A';
const ACTIVITY = '13142F90-0000-1000-A994-D2106890CA5A';
const AR_UUID = '7C74224E-166C-4A58-BF6B-6C25A75870F0';

/** The 16 bytes of a UUID as sent: the first three fields in the packet's byte order, the rest as they are. */
function uuidBytes(u: string, le = false): number[] {
  const h = u.replace(/-/g, '');
  const b = h.match(/../g)!.map((x) => parseInt(x, 16));
  if (!le) return b;
  return [b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6], ...b.slice(8)];
}
const be16 = (v: number) => [v >> 8, v & 255];
const be32 = (v: number) => [v >>> 24, (v >> 16) & 255, (v >> 8) & 255, v & 255];
const u16 = (v: number, le: boolean) => (le ? [v & 255, v >> 8] : be16(v));
const u32 = (v: number, le: boolean) => (le ? be32(v).reverse() : be32(v));

interface Hdr {
  ptype: number;
  opnum?: number;
  seq?: number;
  le?: boolean;
  flags1?: number;
  iface?: string;
  fragnum?: number;
  bodyLen: number;
  version?: number;
}

/** A connectionless DCE/RPC header (80 bytes). */
function clHeader(h: Hdr): number[] {
  const le = h.le ?? false;
  return [
    h.version ?? 4, // rpc_vers 4
    h.ptype, // packet type
    h.flags1 ?? 0x20, // flags1: idempotent
    0x00, // flags2
    le ? 0x10 : 0x00, 0x00, 0x00, // drep: integers, characters ASCII, floating point IEEE
    0x00, // serial high
    ...uuidBytes(OBJECT, le), // object UUID
    ...uuidBytes(h.iface ?? DEVICE_IF, le), // interface UUID
    ...uuidBytes(ACTIVITY, le), // activity UUID
    ...u32(0, le), // server boot time
    ...u32(1, le), // interface version 1 (major 1, minor 0)
    ...u32(h.seq ?? 0, le), // sequence number
    ...u16(h.opnum ?? 0, le), // opnum
    ...u16(0xffff, le), // interface hint
    ...u16(0xffff, le), // activity hint
    ...u16(h.bodyLen, le), // fragment (body) length
    ...u16(h.fragnum ?? 0, le), // fragment number
    0x00, // auth proto: none
    h.fragnum ?? 0, // serial low
  ];
}

/** A block: BlockType, BlockLength (content + 2), version 1.0 (or the one given), content. */
function blk(type: number, content: number[], versionLow = 0): number[] {
  return [...be16(type), ...be16(content.length + 2), 1, versionLow, ...content];
}

/** A request: header + NDR (ArgsMaximum, ArgsLength, MaximumCount, Offset, ActualCount) + blocks. */
function request(h: Omit<Hdr, 'ptype' | 'bodyLen'>, blocks: number[], argsMax = 4096): Uint8Array {
  const le = h.le ?? false;
  const n = blocks.length;
  const ndr = [...u32(argsMax, le), ...u32(n, le), ...u32(argsMax, le), ...u32(0, le), ...u32(n, le)];
  return new Uint8Array([...clHeader({ ...h, ptype: 0, bodyLen: 20 + n }), ...ndr, ...blocks]);
}

/** A response: header + NDR (PNIOStatus as an NDR Unsigned32, ArgsLength, MaximumCount, Offset, ActualCount) + blocks. */
function response(h: Omit<Hdr, 'ptype' | 'bodyLen'>, blocks: number[], status = 0): Uint8Array {
  const le = h.le ?? false;
  const n = blocks.length;
  const ndr = [...u32(status, le), ...u32(n, le), ...u32(4096, le), ...u32(0, le), ...u32(n, le)];
  return new Uint8Array([...clHeader({ ...h, ptype: 2, flags1: 0x28, bodyLen: 20 + n }), ...ndr, ...blocks]);
}

const fromCtrl = (bytes: Uint8Array, ts?: number): Chunk => ({ isOrig: true, bytes, ts });
const fromDev = (bytes: Uint8Array, ts?: number): Chunk => ({ isOrig: false, bytes, ts });
const FLOW = { respP: 34964, transport: 'udp' as const };

function one(chunks: Chunk[]): SessionRun {
  return runSession(profinet_io_cm, chunks, { transport: 'udp', flow: FLOW });
}
function of(run: SessionRun, type: string): Record<string, unknown>[] {
  return run.records.filter(([t]) => t === type).map(([, r]) => r);
}

// The Control request of the ICSNPP corpus trace profinet_io_cm_device.pcapng (frame 5), byte by byte.
const CONTROL_REQUEST = hex`
  04                                // rpc_vers 4
  00                                // packet type 0: request
  20                                // flags1 0x20: idempotent
  00                                // flags2
  00 00 00                          // drep: big-endian, ASCII, IEEE
  00                                // serial high
  de a0 00 00 6c 97 11 d1 82 71 00 01 00 03 01 5a   // object DEA00000-6C97-11D1-8271-00010003015A
  de a0 00 01 6c 97 11 d1 82 71 00 a0 24 42 df 7d   // interface DEA00001-…: PNIO device
  13 14 2f 90 00 00 10 00 a9 94 d2 10 68 90 ca 5a   // activity 13142F90-0000-1000-A994-D2106890CA5A
  00 00 00 00                       // server boot time 0
  00 00 00 01                       // interface version 1
  00 00 00 02                       // sequence number 2
  00 04                             // opnum 4: Control
  ff ff                             // interface hint
  ff ff                             // activity hint
  00 34                             // body length 52
  00 00                             // fragment number 0
  00                                // auth proto none
  00                                // serial low
  00 00 10 00                       // ArgsMaximum 4096
  00 00 00 20                       // ArgsLength 32
  00 00 10 00                       // MaximumCount 4096
  00 00 00 00                       // Offset 0
  00 00 00 20                       // ActualCount 32
  01 10                             // BlockType 0x0110: IODControlReq PrmEnd
  00 1c                             // BlockLength 28
  01 00                             // version 1.0
  00 00                             // padding
  7c 74 22 4e 16 6c 4a 58 bf 6b 6c 25 a7 58 70 f0   // ARUUID
  00 01                             // SessionKey 1
  00 00                             // padding
  00 01                             // ControlCommand: PrmEnd
  00 00                             // ControlBlockProperties
`;

test('DCE/RPC header, big-endian: every field of the profinet_io_cm record (the corpus Control request)', () => {
  const r = one([fromCtrl(CONTROL_REQUEST, 10)]);
  assert.deepEqual(r.events, []);
  assert.equal(r.confirmed, true);
  const [h] = of(r, 'profinet_io_cm');
  assert.deepEqual(
    { ...h, ts: undefined, uid: undefined },
    {
      ts: undefined, uid: undefined, 'id.orig_h': '192.0.2.1', 'id.orig_p': 49152, 'id.resp_h': '192.0.2.2', 'id.resp_p': 34964,
      source_h: '192.0.2.1', source_p: 49152, destination_h: '192.0.2.2', destination_p: 34964, proto: 'udp', rpc_version: 4,
      packet_type: 'Request', reserved_for_impl_1: false, last_fragment: false, fragment: false, no_fragment_requested: false,
      maybe: false, idempotent: true, broadcast: false, reserved_for_impl_2: false, cancel_was_pending_at_call_end: false,
      integer_encoding: 'Big Endian', character_encoding: 'ASCII', floating_point_encoding: 'IEEE', serial_high: 0,
      object_uuid: 'DEA00000-6C97-11D1-8271-00010003015A', interface_uuid: DEVICE_IF, activity_uuid: ACTIVITY,
      server_boot_time: 0, interface_vers_major: 1, interface_vers_minor: 0, sequence_num: 2, operation_num: 'Control',
      interface_hint: 0xffff, activity_hint: 0xffff, len_of_body: 52, fragment_num: 0, auth_protocol: 0, serial_low: 0,
      vers_fack: undefined, window_size: undefined, max_tsdu: undefined, max_frag_size: undefined, serial_number: undefined,
      sel_ack_len: undefined, array_of_sel_ack: undefined, is_orig: true, packet_type_code: 0, operation_num_code: 4,
      pnio_interface: 'Device', fault_status: undefined, fault_status_name: undefined, pnio_block_types: [0x0110],
      pnio_indexes: undefined, pnio_control_command: 1,
    },
  );
  // Never answered: the call is written at the end, unanswered.
  const [call] = of(r, 'profinet_io_cm_call');
  assert.equal(call.result, 'no_response');
  assert.deepEqual(call.control_command, ['PrmEnd']);
  assert.equal(call.ar_uuid, AR_UUID);
  assert.equal(call.session_key, 1);
  assert.equal(call.object_vendor_id, 0x015a);
  assert.equal(call.object_device_id, 0x0003);
  assert.equal(call.object_instance, 0x0001);
});

test('DCE/RPC header, little-endian: integers and the first three UUID fields byte-swapped; the same record', () => {
  const beRun = one([fromCtrl(request({ opnum: 4, seq: 7 }, []))]);
  const leRun = one([fromCtrl(request({ opnum: 4, seq: 7, le: true }, []))]);
  const be = of(beRun, 'profinet_io_cm')[0];
  const le = of(leRun, 'profinet_io_cm')[0];
  assert.equal(le.integer_encoding, 'Little Endian');
  for (const k of ['object_uuid', 'interface_uuid', 'activity_uuid', 'sequence_num', 'operation_num', 'len_of_body', 'interface_vers_major', 'interface_vers_minor']) {
    assert.deepEqual(le[k], be[k], k);
  }
  assert.equal(le.interface_uuid, DEVICE_IF);
  assert.equal(le.sequence_num, 7);
});

const AR_BLOCK_REQ = blk(0x0101, [
  ...be16(0x0001), // ARType: IOCARSingle
  ...uuidBytes(AR_UUID), // ARUUID
  ...be16(1), // SessionKey
  0x00, 0xa0, 0x45, 0x6d, 0xd3, 0x43, // CMInitiatorMacAdd
  ...uuidBytes('DEA00000-6C97-11D1-8271-0001003C00B0'), // CMInitiatorObjectUUID: instance 1, device 0x003C, vendor 0x00B0
  ...be32(0x00000011), // ARProperties: state active, parameterization server CM initiator
  ...be16(600), // CMInitiatorActivityTimeoutFactor
  ...be16(0x8892), // CMInitiatorUDPRTPort
  ...be16(8), // StationNameLength
  ...[...'plc-line'].map((c) => c.charCodeAt(0)), // CMInitiatorStationName
]);
const IOCR_BLOCK_REQ = blk(0x0102, [
  ...be16(1), // IOCRType: Input CR
  ...be16(1), // IOCRReference
  ...be16(0x8892), // LT
  ...be32(0x00000001), // IOCRProperties: RT_CLASS_1
  ...be16(40), // DataLength
  ...be16(0xc002), // FrameID
  ...be16(32), // SendClockFactor
  ...be16(8), // ReductionRatio
  ...be16(7), // Phase
  ...be16(0), // Sequence
  ...be32(0xffffffff), // FrameSendOffset
  ...be16(24), // WatchdogFactor
  ...be16(24), // DataHoldFactor
  ...be16(0xc000), // IOCRTagHeader
  0, 0, 0, 0, 0, 0, // IOCRMulticastMACAdd
  ...be16(1), // NumberOfAPIs
  ...be32(0), // API 0
  ...be16(2), // NumberOfIODataObjects
  ...be16(0), ...be16(1), ...be16(2), // slot 0, subslot 1, frame offset 2
  ...be16(1), ...be16(1), ...be16(9), // slot 1, subslot 1, frame offset 9
  ...be16(1), // NumberOfIOCS
  ...be16(1), ...be16(1), ...be16(0), // slot 1, subslot 1, frame offset 0
]);
const EXPECTED_SUBMODULE_BLOCK_REQ = blk(0x0104, [
  ...be16(1), // NumberOfAPIs
  ...be32(0), // API
  ...be16(1), // SlotNumber
  ...be32(0xffff8140), // ModuleIdentNumber
  ...be16(0), // ModuleProperties
  ...be16(2), // NumberOfSubmodules
  ...be16(1), ...be32(0x00000010), ...be16(0x0003), // subslot 1, ident 0x10, properties: input and output
  ...be16(1), ...be16(4), 1, 1, // DataDescription: input, 4 bytes, LengthIOCS 1, LengthIOPS 1
  ...be16(2), ...be16(2), 1, 1, // DataDescription: output, 2 bytes
  ...be16(2), ...be32(0x00000020), ...be16(0x0000), // subslot 2, ident 0x20, no input, no output
  ...be16(1), ...be16(0), 1, 1, // one DataDescription (input, 0 bytes)
]);
const ALARM_CR_BLOCK_REQ = blk(0x0103, [
  ...be16(1), // AlarmCRType: Alarm CR
  ...be16(0x8892), // LT
  ...be32(0), // AlarmCRProperties
  ...be16(5), // RTATimeoutFactor
  ...be16(3), // RTARetries
  ...be16(0x8001), // LocalAlarmReference
  ...be16(200), // MaxAlarmDataLength
  ...be16(0xc000), // AlarmCRTagHeaderHigh
  ...be16(0xa000), // AlarmCRTagHeaderLow
]);
const AR_BLOCK_RES = blk(0x8101, [
  ...be16(0x0001), ...uuidBytes(AR_UUID), ...be16(1), // ARType, ARUUID, SessionKey
  0x00, 0x09, 0x91, 0x43, 0xe0, 0x67, // CMResponderMacAdd
  ...be16(0x8892), // CMResponderUDPRTPort
]);
const IOCR_BLOCK_RES = blk(0x8102, [...be16(1), ...be16(1), ...be16(0xc003)]); // Input CR, reference 1, FrameID 0xC003
const ALARM_CR_BLOCK_RES = blk(0x8103, [...be16(1), ...be16(0x0002), ...be16(200)]); // Alarm CR, LocalAlarmReference 2, 200 bytes
const AR_SERVER_BLOCK = blk(0x8106, [...be16(6), ...[...'io-dev'].map((c) => c.charCodeAt(0)), 0, 0]); // StationNameLength 6, name, padding
const MODULE_DIFF_BLOCK = blk(0x8104, [
  ...be16(1), // NumberOfAPIs
  ...be32(0), ...be16(1), // API 0, NumberOfModules 1
  ...be16(1), ...be32(0xffff8141), ...be16(1), ...be16(1), // slot 1, real module ident, ModuleState WrongModule, 1 submodule
  ...be16(2), ...be32(0x00000021), ...be16(0x8040), // subslot 2, real submodule ident, SubmoduleState
]);

test('Connect: AR, IOCR, expected submodules, alarm CR and the device response give call, AR, IOCR and submodule records', () => {
  const req = request({ opnum: 0 }, [...AR_BLOCK_REQ, ...IOCR_BLOCK_REQ, ...EXPECTED_SUBMODULE_BLOCK_REQ, ...ALARM_CR_BLOCK_REQ]);
  const res = response({ opnum: 0, le: true }, [...AR_BLOCK_RES, ...IOCR_BLOCK_RES, ...ALARM_CR_BLOCK_RES, ...AR_SERVER_BLOCK, ...MODULE_DIFF_BLOCK]);
  const r = one([fromCtrl(req, 5), fromDev(res, 5.5)]);
  assert.deepEqual(r.events, []);
  const [call] = of(r, 'profinet_io_cm_call');
  assert.equal(call.action, 'connect_ar');
  assert.equal(call.operation, 'Connect');
  assert.equal(call.result, 'ok');
  assert.equal(call.rtt, 0.5);
  assert.equal(call.pnio_status, '00000000');
  assert.deepEqual(call.request_blocks, ['ARBlockReq', 'IOCRBlockReq', 'ExpectedSubmoduleBlockReq', 'AlarmCRBlockReq']);
  assert.deepEqual(call.response_blocks, ['ARBlockRes', 'IOCRBlockRes', 'AlarmCRBlockRes', 'ARServerBlockRes', 'ModuleDiffBlock']);
  const [ar] = of(r, 'profinet_io_cm_ar');
  assert.equal(ar.ar_uuid, AR_UUID);
  assert.equal(ar.ar_type, 'IOCARSingle');
  assert.equal(ar.cm_initiator_mac, '00:a0:45:6d:d3:43');
  assert.equal(ar.cm_initiator_vendor_id, 0x00b0);
  assert.equal(ar.cm_initiator_device_id, 0x003c);
  assert.equal(ar.cm_initiator_station_name, 'plc-line');
  assert.equal(ar.cm_initiator_activity_timeout_factor, 600);
  assert.equal(ar.cm_responder_mac, '00:09:91:43:e0:67');
  assert.equal(ar.cm_responder_station_name, 'io-dev');
  assert.equal(ar.object_vendor_id, 0x002a);
  assert.equal(ar.object_device_id, 0x0203);
  assert.equal(ar.iocr_count, 1);
  assert.equal(ar.expected_submodule_count, 2);
  assert.equal(ar.module_diff_count, 1);
  assert.equal(ar.alarm_cr_type, 'Alarm CR');
  assert.equal(ar.local_alarm_reference, 0x8001);
  assert.equal(ar.responder_alarm_reference, 2);
  assert.equal(ar.rta_retries, 3);
  const [cr] = of(r, 'profinet_io_cm_iocr');
  assert.equal(cr.iocr_type, 'Input CR');
  assert.equal(cr.rt_class, 'RT_CLASS_1');
  assert.equal(cr.frame_id, 0xc002);
  assert.equal(cr.response_frame_id, 0xc003);
  assert.equal(cr.send_clock_factor, 32);
  assert.equal(cr.reduction_ratio, 8);
  assert.equal(cr.io_data_objects, 2);
  assert.equal(cr.iocs, 1);
  const subs = of(r, 'profinet_io_cm_submodule');
  assert.equal(subs.length, 2);
  assert.equal(subs[0].module_ident_number, 0xffff8140);
  assert.equal(subs[0].submodule_type, 'INPUT_OUTPUT');
  assert.equal(subs[0].input_length, 4);
  assert.equal(subs[0].output_length, 2);
  assert.equal(subs[0].diff, false);
  assert.equal(subs[1].submodule_type, 'NO_IO');
  assert.equal(subs[1].diff, true);
  assert.equal(subs[1].module_state, 'WrongModule');
  assert.equal(subs[1].real_submodule_ident_number, 0x21);
  assert.equal(subs[1].submodule_state, 0x8040);
});

test('Connect refused: PNIOStatus as an NDR Unsigned32 (little-endian: ErrorCode last), named', () => {
  // ErrorCode 0xDB IODConnectRes, ErrorDecode 0x81 PNIO, ErrorCode1 0x40 CMRPC, ErrorCode2 4 "Out of AR Resources".
  for (const le of [false, true]) {
    const r = one([fromCtrl(request({ opnum: 0, le }, AR_BLOCK_REQ)), fromDev(response({ opnum: 0, le }, [], 0xdb814004))]);
    assert.deepEqual(r.events, []);
    const [call] = of(r, 'profinet_io_cm_call');
    assert.equal(call.result, 'error');
    assert.equal(call.pnio_status, 'db814004');
    assert.equal(call.error_code_name, 'IODConnectRes');
    assert.equal(call.error_decode_name, 'PNIO');
    assert.equal(call.error_code1_name, 'CMRPC');
    assert.equal(call.error_code2_name, 'Out of AR Resources');
    assert.equal(of(r, 'profinet_io_cm_ar')[0].result, 'error');
  }
  assert.equal(errorCode1Name(0x80, 0xb0), 'access: invalid index');
  assert.equal(errorCode1Name(0x80, 0xa7), 'application: busy');
  assert.equal(errorCode2Name(0x80, 0xb0, 3), 'user specific');
  assert.equal(errorCode1Name(0x81, 0x99), 'unknown-153');
});

/** An IODWriteReqHeader (64 bytes) for `index` with `rdl` bytes of record data. */
function writeReqHeader(seq: number, slot: number, subslot: number, index: number, rdl: number): number[] {
  return blk(0x0008, [
    ...be16(seq), // SeqNumber
    ...uuidBytes(AR_UUID), // ARUUID
    ...be32(0), // API
    ...be16(slot), ...be16(subslot), // SlotNumber, SubslotNumber
    0, 0, // padding
    ...be16(index), // Index
    ...be32(rdl), // RecordDataLength
    ...new Array(24).fill(0), // RWPadding
  ]);
}
/** An IODWriteResHeader (64 bytes) with its PNIOStatus (ErrorCode first: blocks are big-endian). */
function writeResHeader(seq: number, slot: number, subslot: number, index: number, rdl: number, status: number): number[] {
  return blk(0x8008, [
    ...be16(seq), ...uuidBytes(AR_UUID), ...be32(0), ...be16(slot), ...be16(subslot), 0, 0, ...be16(index), ...be32(rdl),
    ...be16(0), ...be16(0), // AdditionalValue1, AdditionalValue2
    ...be32(status), // PNIOStatus
    ...new Array(16).fill(0), // RWPadding
  ]);
}

test('Write of one record: a configuration change, with the data written', () => {
  const data = [0x12, 0x34, 0x56];
  const r = one([
    fromCtrl(request({ opnum: 3, seq: 1 }, [...writeReqHeader(0, 1, 1, 0x01f4, 3), ...data])),
    fromDev(response({ opnum: 3, seq: 1 }, writeResHeader(0, 1, 1, 0x01f4, 3, 0))),
  ]);
  assert.deepEqual(r.events, []);
  const [call] = of(r, 'profinet_io_cm_call');
  assert.equal(call.action, 'write_record');
  assert.equal(call.config_change, true);
  assert.equal(call.record_count, 1);
  const [rec] = of(r, 'profinet_io_cm_record');
  assert.equal(rec.action, 'write_record');
  assert.equal(rec.index, 0x01f4);
  assert.equal(rec.index_name, 'user specific');
  assert.equal(rec.slot, 1);
  assert.equal(rec.record_data_length, 3);
  assert.equal(rec.record_data, '123456');
  assert.equal(rec.result, 'ok');
  assert.equal(of(r, 'profinet_io_cm')[0].pnio_indexes?.toString(), '500');
});

test('MultipleWrite (0xE040): sub-writes padded to 4 bytes, block-coded record data, a per-record error', () => {
  // PDInterfaceAdjust (0x0250, 12 bytes: padding 2, MultipleInterfaceMode) as the data of index 0x8071.
  const pdInterfaceAdjust = blk(0x0250, [0, 0, ...be32(0)]);
  const sub1 = [...writeReqHeader(1, 0, 0x8000, 0x8071, pdInterfaceAdjust.length), ...pdInterfaceAdjust];
  const sub2 = [...writeReqHeader(2, 1, 1, 0x0100, 5), 1, 2, 3, 4, 5, 0, 0, 0]; // 5 data bytes + 3 padding
  const inner = [...sub1, ...sub2.slice(0, sub2.length - 3)];
  const body = [...writeReqHeader(0, 0, 0, 0xe040, inner.length), ...inner];
  const res = [
    ...writeResHeader(0, 0, 0, 0xe040, 128, 0xdf80b100), // the MultipleWrite: IODWriteRes, PNIORW, access: write length error
    ...writeResHeader(1, 0, 0x8000, 0x8071, 0, 0),
    ...writeResHeader(2, 1, 1, 0x0100, 0, 0xdf80b000), // access: invalid index
  ];
  const r = one([fromCtrl(request({ opnum: 3 }, body)), fromDev(response({ opnum: 3 }, res))]);
  assert.deepEqual(r.events, []);
  const [h] = of(r, 'profinet_io_cm');
  assert.deepEqual(h.pnio_block_types, [0x0008, 0x0008, 0x0250, 0x0008]);
  assert.deepEqual(h.pnio_indexes, [0xe040, 0x8071, 0x0100]);
  const recs = of(r, 'profinet_io_cm_record');
  assert.equal(recs.length, 3);
  assert.deepEqual(recs.map((x) => x.multiple_write), [false, true, true]);
  assert.deepEqual(recs[1].record_blocks, ['PDInterfaceAdjust']);
  assert.equal(recs[1].index_name, 'PDInterfaceAdjust for one subslot');
  assert.equal(recs[1].result, 'ok');
  assert.equal(recs[2].result, 'error');
  assert.equal(recs[2].error_code1_name, 'access: invalid index');
  assert.equal(recs[2].record_data, '0102030405');
  assert.equal(recs[0].error_code1_name, 'access: write length error');
});

test('Read of I&M0: the device identity (vendor, order id, serial, hardware and software revision)', () => {
  const im0 = blk(0x0020, [
    ...be16(0x002a), // VendorID: 0x002A
    ...[...'6ES7 151-1AA05-0AB0 '].map((c) => c.charCodeAt(0)), // OrderID, 20 characters
    ...[...'S C-X4U123456   '].map((c) => c.charCodeAt(0)), // IM_Serial_Number, 16 characters
    ...be16(5), // IM_Hardware_Revision
    0x56, 2, 1, 0, // IM_Software_Revision: 'V' 2.1.0
    ...be16(3), // IM_Revision_Counter
    ...be16(0xf600), // IM_Profile_ID
    ...be16(0x0004), // IM_Profile_Specific_Type
    1, 1, // IM_Version 1.1
    ...be16(0x001e), // IM_Supported: I&M1..4
  ]);
  assert.equal(im0.length, 60);
  const readReq = blk(0x0009, [...be16(4), ...uuidBytes(AR_UUID), ...be32(0), ...be16(0), ...be16(1), 0, 0, ...be16(0xaff0), ...be32(4096), ...new Array(24).fill(0)]);
  const readRes = blk(0x8009, [...be16(4), ...uuidBytes(AR_UUID), ...be32(0), ...be16(0), ...be16(1), 0, 0, ...be16(0xaff0), ...be32(60), ...be16(0), ...be16(0), ...new Array(20).fill(0)]);
  const r = one([fromCtrl(request({ opnum: 2 }, readReq)), fromDev(response({ opnum: 2, le: true }, [...readRes, ...im0]))]);
  assert.deepEqual(r.events, []);
  const [rec] = of(r, 'profinet_io_cm_record');
  assert.equal(rec.action, 'read_record');
  assert.equal(rec.index_name, 'I&M0');
  assert.equal(rec.record_data_length, 4096);
  assert.equal(rec.response_record_data_length, 60);
  assert.deepEqual(rec.record_blocks, ['I&M0']);
  assert.equal(rec.im_vendor_id, 0x002a);
  assert.equal(rec.im_order_id, '6ES7 151-1AA05-0AB0');
  assert.equal(rec.im_serial_number, 'S C-X4U123456');
  assert.equal(rec.im_hardware_revision, 5);
  assert.equal(rec.im_software_revision, 'V2.1.0');
  assert.equal(rec.im_revision_counter, 3);
  assert.equal(rec.im_profile_id, 0xf600);
  assert.equal(rec.im_version, '1.1');
  assert.equal(rec.im_supported, 0x1e);
});

/** An IODControlReq/Res or IODReleaseReq/Res block. */
function controlBlock(type: number, command: number): number[] {
  return blk(type, [0, 0, ...uuidBytes(AR_UUID), ...be16(1), 0, 0, ...be16(command), ...be16(0)]);
}

test('Control (PrmEnd, Done), ApplicationReady from the device on the controller interface, Release', () => {
  const r = one([
    fromCtrl(request({ opnum: 4, seq: 2 }, controlBlock(0x0110, 0x0001))),
    fromDev(response({ opnum: 4, seq: 2 }, controlBlock(0x8110, 0x0008))),
    fromDev(request({ opnum: 4, seq: 0, iface: CONTROLLER_IF }, controlBlock(0x0112, 0x0002))),
    fromCtrl(response({ opnum: 4, seq: 0, iface: CONTROLLER_IF }, controlBlock(0x8112, 0x0008))),
    fromCtrl(request({ opnum: 1, seq: 3 }, controlBlock(0x0114, 0x0004))),
    fromDev(response({ opnum: 1, seq: 3 }, controlBlock(0x8114, 0x0008))),
  ]);
  assert.deepEqual(r.events, []);
  const calls = of(r, 'profinet_io_cm_call');
  assert.deepEqual(calls.map((c) => [c.action, c.pnio_interface, c.control_command, c.response_control_command]), [
    ['control', 'Device', ['PrmEnd'], ['Done']],
    ['control', 'Controller', ['ApplicationReady'], ['Done']],
    ['release_ar', 'Device', ['Release'], ['Done']],
  ]);
  // The device called the controller: caller and callee as sent.
  assert.equal(calls[1].source_h, '192.0.2.2');
  assert.equal(calls[1].destination_h, '192.0.2.1');
});

test('fault and reject end a call; fack bodies are read into the ICSNPP fields', () => {
  const fault = new Uint8Array([...clHeader({ ptype: 3, opnum: 2, bodyLen: 4 }), ...be32(0x1c010003)]); // nca_s_unk_if
  const fack = new Uint8Array([
    ...clHeader({ ptype: 9, opnum: 3, bodyLen: 20, flags1: 0 }),
    1, 0, // version 1, padding
    ...be16(1), // window size
    ...be32(1464), ...be32(1464), // max TSDU, max fragment size
    ...be16(0), // serial number
    ...be16(1), // selective acknowledgement length: 1
    ...be32(0x00000001), // selective acknowledgement mask
  ]);
  const r = one([fromCtrl(request({ opnum: 2 }, [])), fromDev(fault), fromDev(fack)]);
  const [call] = of(r, 'profinet_io_cm_call');
  assert.equal(call.result, 'fault');
  assert.equal(call.fault_status_name, 'nca_s_unk_if');
  const h = of(r, 'profinet_io_cm');
  assert.equal(h[1].packet_type, 'Fault');
  assert.equal(h[1].fault_status, 0x1c010003);
  assert.equal(h[2].packet_type, 'Fragment Acknowledge');
  assert.equal(h[2].vers_fack, 'Default version');
  assert.equal(h[2].max_tsdu, 1464);
  assert.equal(h[2].sel_ack_len, 1);
  assert.deepEqual(h[2].array_of_sel_ack, [1]);
});

/** A request body cut into fragments of `size` bytes, as datagrams (frag flag, last flag on the last). */
function fragmented(body: number[], size: number, opts: { le?: boolean; seq?: number } = {}): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0, n = 0; i < body.length; i += size, n++) {
    const part = body.slice(i, i + size);
    const last = i + size >= body.length;
    out.push(new Uint8Array([...clHeader({ ptype: 0, opnum: 3, le: opts.le, seq: opts.seq, flags1: 0x24 | (last ? 0x02 : 0), fragnum: n, bodyLen: part.length }), ...part]));
  }
  return out;
}

test('fragments: reassembled in any order, duplicates ignored, the PDU shown on the completing datagram', () => {
  const blocks = [...writeReqHeader(0, 1, 1, 0x0100, 100), ...new Array(100).fill(7)];
  const n = blocks.length;
  const body = [...be32(4096), ...be32(n), ...be32(4096), ...be32(0), ...be32(n), ...blocks];
  const frags = fragmented(body, 64);
  assert.equal(frags.length, 3);
  const orders = [[0, 1, 2], [2, 0, 1], [1, 2, 0], [0, 0, 1, 1, 2]];
  for (const order of orders) {
    const r = one(order.map((i) => fromCtrl(frags[i])));
    assert.deepEqual(r.events, [], order.join());
    const h = of(r, 'profinet_io_cm');
    assert.equal(h.length, order.length);
    const done = h.filter((x) => x.pnio_block_types !== undefined);
    assert.equal(done.length, 1);
    // The datagram after which all three fragments were held.
    const seen = new Set<number>();
    const completing = order.findIndex((i) => seen.add(i).size === 3);
    assert.equal(done[0], h[completing]);
    assert.deepEqual(done[0].pnio_indexes, [0x0100]);
    const [call] = of(r, 'profinet_io_cm_call');
    assert.equal(call.request_fragments, 3);
    assert.equal(of(r, 'profinet_io_cm_record')[0].record_data, '07'.repeat(100));
  }
});

test('fragment caps: fragment numbers, body size, bodies in progress', () => {
  const big = fragmented(new Array(200).fill(0), 100);
  const high = new Uint8Array(big[0]);
  high[76] = 0; // fragment number MAX_FRAGMENTS
  high[77] = MAX_FRAGMENTS;
  const r1 = one([fromCtrl(high)]);
  assert.deepEqual(r1.events.map((e) => e.name), ['too_many_fragments']);
  // More than MAX_BODY bytes: fragments of 1400 bytes, never the last.
  const chunks: Chunk[] = [];
  const part = new Array(1400).fill(1);
  for (let i = 0; i * 1400 <= MAX_BODY && i < MAX_FRAGMENTS - 1; i++) {
    chunks.push(fromCtrl(new Uint8Array([...clHeader({ ptype: 0, opnum: 3, flags1: 0x24, fragnum: i, bodyLen: 1400 }), ...part])));
  }
  const r2 = one(chunks);
  assert.deepEqual(r2.events.map((e) => e.name), ['too_many_fragments']);
  assert.match(r2.events[0].addl!, new RegExp(`${MAX_BODY} bytes`));
  // Bodies in progress: first fragments of MAX_REASSEMBLIES + 1 calls.
  const starts: Chunk[] = [];
  for (let s = 0; s <= MAX_REASSEMBLIES; s++) starts.push(fromCtrl(fragmented(new Array(20).fill(0), 10, { seq: s })[0]));
  const r3 = one(starts);
  assert.deepEqual(r3.events.map((e) => e.name), ['too_many_fragments']);
});

test('malformed: bad headers, unknown operation, NDR and block lengths, the block cap; the flow goes on', () => {
  const v5 = new Uint8Array(clHeader({ ptype: 0, bodyLen: 0, version: 5 }));
  const shortDg = new Uint8Array(40);
  const overLong = new Uint8Array(clHeader({ ptype: 0, bodyLen: 200 }));
  // Each a call of its own (sequence numbers 1..4).
  const unknownOp = request({ opnum: 9, seq: 1 }, []);
  const shortNdr = new Uint8Array([...clHeader({ ptype: 0, opnum: 2, seq: 2, bodyLen: 8 }), 0, 0, 0, 0, 0, 0, 0, 0]);
  const badBlock = request({ opnum: 4, seq: 3 }, [...be16(0x0110), ...be16(200), 1, 0, 0, 0]);
  const shortBlock = request({ opnum: 4, seq: 4 }, blk(0x0110, [0, 0, 1, 2]));
  const r = one([v5, shortDg, overLong, unknownOp, shortNdr, badBlock, shortBlock].map((b) => fromCtrl(b)));
  // (The over-long datagram is a Connect request without its NDR header: bad_ndr too.)
  assert.deepEqual(r.events.map((e) => e.name), ['bad_header', 'bad_header', 'bad_header', 'bad_ndr', 'unknown_operation', 'bad_ndr', 'bad_block_length', 'bad_block_length']);
  assert.equal(of(r, 'profinet_io_cm').length, 5);
  assert.ok(of(r, 'profinet_io_cm_call').some((c) => c.operation === 'unknown-9' && c.action === 'unknown-9'));
  // The block cap: MAX_BLOCKS + 1 minimal blocks.
  const many: number[] = [];
  for (let i = 0; i <= MAX_BLOCKS; i++) many.push(...blk(0x0f00, []));
  const capped = one([fromCtrl(request({ opnum: 3 }, many, 65535))]);
  assert.deepEqual(capped.events.map((e) => e.name), ['too_many_blocks']);
  assert.equal((of(capped, 'profinet_io_cm')[0].pnio_block_types as number[]).length, MAX_BLOCKS);
});

test('caps: record headers per PDU; a request unanswered for CALL_TIMEOUT is written unanswered before the end', () => {
  const headers: number[] = [];
  for (let i = 0; i <= MAX_RECORDS; i++) headers.push(...writeReqHeader(i, 1, 1, 0x0100, 0));
  const r = one([fromCtrl(request({ opnum: 3 }, headers, 65535))]);
  assert.deepEqual(r.events.map((e) => e.name), ['too_many_entries']);
  assert.equal(of(r, 'profinet_io_cm_record').length, MAX_RECORDS);
  assert.equal((of(r, 'profinet_io_cm')[0].pnio_indexes as number[]).length, MAX_RECORDS + 1);
  // Two requests CALL_TIMEOUT + 1 s apart: the first is written (unanswered) when the second comes.
  const t = one([fromCtrl(request({ opnum: 2, seq: 1 }, []), 100), fromCtrl(request({ opnum: 2, seq: 2 }, []), 100 + CALL_TIMEOUT + 1), fromDev(response({ opnum: 2, seq: 2 }, []), 200)]);
  const calls = of(t, 'profinet_io_cm_call');
  assert.deepEqual(calls.map((c) => [c.sequence_num, c.result]), [[1, 'no_response'], [2, 'ok']]);
});

test('calls across flows: keyed by the two hosts as well, so copies of one device with the same activity stay apart; a late answer is alone', () => {
  const out: [string, Record<string, unknown>][] = [];
  const e = new Engine({ write: (t, r) => out.push([t, r as Record<string, unknown>]) }, { registry: new Registry([profinet_io_cm]) });
  // Two controllers call two devices with the same activity UUID and sequence number (as
  // replays or copies of one device's traffic do); only the second device answers, from its
  // own port.
  e.frame(udpFrame('10.0.0.1', '10.0.0.2', 49152, 34964, request({ opnum: 2, seq: 5 }, []), 1));
  e.frame(udpFrame('10.0.1.1', '10.0.1.2', 49152, 34964, request({ opnum: 2, seq: 5 }, []), 1.5));
  e.frame(udpFrame('10.0.1.2', '10.0.1.1', 49153, 49152, response({ opnum: 2, seq: 5 }, []), 2));
  // A third answers CALL_TIMEOUT + 1 s late, with no other request in between.
  e.frame(udpFrame('10.0.2.1', '10.0.2.2', 49152, 34964, request({ opnum: 2, seq: 6 }, []), 10));
  e.frame(udpFrame('10.0.2.2', '10.0.2.1', 49153, 49152, response({ opnum: 2, seq: 6 }, []), 11 + CALL_TIMEOUT));
  e.finish();
  const calls = out.filter(([t]) => t === 'profinet_io_cm_call').map(([, r]) => [r.source_h, r.sequence_num, r.request_seen, r.response_seen, r.result]);
  assert.deepEqual(calls.sort(), [
    ['10.0.0.1', 5, true, false, 'no_response'],
    ['10.0.1.1', 5, true, true, 'ok'],
    ['10.0.2.1', 6, false, true, 'ok'],
    ['10.0.2.1', 6, true, false, 'no_response'],
  ]);
});

test('truncation at every offset of a Connect request: no exception, only blocks that fit', () => {
  const req = request({ opnum: 0 }, [...AR_BLOCK_REQ, ...IOCR_BLOCK_REQ, ...EXPECTED_SUBMODULE_BLOCK_REQ, ...ALARM_CR_BLOCK_REQ]);
  const ends = [AR_BLOCK_REQ, IOCR_BLOCK_REQ, EXPECTED_SUBMODULE_BLOCK_REQ, ALARM_CR_BLOCK_REQ].reduce<number[]>((a, b) => [...a, (a.at(-1) ?? 100) + b.length], []);
  for (const p of prefixes(req)) {
    const r = one([fromCtrl(p)]);
    const h = of(r, 'profinet_io_cm');
    if (p.length < 80) {
      assert.equal(h.length, 0);
      continue;
    }
    const blocks = (h[0].pnio_block_types as number[] | undefined) ?? [];
    const whole = ends.filter((e) => e <= p.length).length;
    assert.ok(blocks.length <= whole + 1, `prefix ${p.length}: ${blocks.length} blocks, ${whole} whole`);
    const call = of(r, 'profinet_io_cm_call')[0];
    if (call !== undefined) assert.ok(((call.request_blocks as string[] | undefined)?.length ?? 0) <= whole + 1);
  }
});

test('probe: a PNIO interface on any UDP port; another DCE/RPC interface only on 34964', () => {
  const hint = (portMatch: boolean, transport: 'udp' | 'tcp' = 'udp'): ProbeHint => ({ transport, portMatch, isOrig: true, srcPort: 49152, dstPort: 65151 });
  const dg = CONTROL_REQUEST;
  assert.equal(probeProfinetIoCm(dg, 0, dg.length, hint(false)), PROBE.YES);
  assert.equal(probeProfinetIoCm(dg, 0, dg.length, hint(false, 'tcp')), PROBE.NO);
  assert.equal(probeProfinetIoCm(dg, 0, 79, hint(true)), PROBE.NO);
  const epm = new Uint8Array([...clHeader({ ptype: 0, bodyLen: 0, iface: 'E1AF8308-5D1F-11C9-91A4-08002B14A0FA' })]);
  assert.equal(probeProfinetIoCm(epm, 0, epm.length, hint(true)), PROBE.YES);
  assert.equal(probeProfinetIoCm(epm, 0, epm.length, hint(false)), PROBE.NO);
  const long = new Uint8Array(clHeader({ ptype: 0, bodyLen: 10 }));
  assert.equal(probeProfinetIoCm(long, 0, long.length, hint(true)), PROBE.NO);
  assert.equal(probeProfinetIoCm(hex`05 00 03 10 00 00 00 00`, 0, 8, hint(true)), PROBE.NO);
});

test('fuzzing: random datagrams, bit-flipped calls and fragments never throw', () => {
  fc.assert(
    fc.property(fc.array(fc.record({ isOrig: fc.boolean(), bytes: fc.uint8Array({ maxLength: 400 }) }), { maxLength: 8 }), (chunks) => {
      one(chunks);
    }),
    { numRuns: 300 },
  );
  const calls = [
    request({ opnum: 0 }, [...AR_BLOCK_REQ, ...IOCR_BLOCK_REQ, ...EXPECTED_SUBMODULE_BLOCK_REQ, ...ALARM_CR_BLOCK_REQ]),
    response({ opnum: 0, le: true }, [...AR_BLOCK_RES, ...IOCR_BLOCK_RES, ...ALARM_CR_BLOCK_RES, ...AR_SERVER_BLOCK, ...MODULE_DIFF_BLOCK]),
    request({ opnum: 3 }, [...writeReqHeader(0, 0, 0, 0xe040, 72), ...writeReqHeader(1, 0, 0x8000, 0x8071, 8), ...blk(0x0250, [0, 0, 0, 0, 0, 0])]),
    CONTROL_REQUEST,
    ...fragmented([...be32(4096), ...be32(80), ...be32(4096), ...be32(0), ...be32(80), ...writeReqHeader(0, 1, 1, 0x802f, 16), ...blk(0x0202, new Array(10).fill(0))], 50),
  ];
  fc.assert(
    fc.property(fc.nat(calls.length - 1), fc.array(fc.tuple(fc.nat(2000), fc.nat(7)), { minLength: 1, maxLength: 8 }), (which, flips) => {
      const b = calls[which].slice();
      for (const [at, bit] of flips) b[at % b.length] ^= 1 << bit;
      one([fromCtrl(calls[0]), fromDev(b), fromCtrl(concat(b, b.subarray(0, 10)))]);
      probeProfinetIoCm(b, 0, b.length, { transport: 'udp', portMatch: false, isOrig: true, srcPort: 1, dstPort: 2 });
    }),
    { numRuns: 1000 },
  );
});

test('docs/protocols/profinet_io_cm.md documents every record type, every field and every event', async () => {
  const { readFileSync } = await import('node:fs');
  const doc = readFileSync(new URL('../../../docs/protocols/profinet_io_cm.md', import.meta.url), 'utf8');
  for (const [type, fields] of Object.entries(profinet_io_cm.records)) {
    assert.ok(doc.includes(`### \`${type}\``), `section for ${type}`);
    for (const f of fields) assert.ok(doc.includes(`\`${f.name}\``) || f.name.startsWith('id.') || f.name === 'ts' || f.name === 'uid', `${type}.${f.name} documented`);
  }
  for (const e of Object.keys(profinet_io_cm.events)) assert.ok(doc.includes(`profinet_io_cm.${e}`), `event profinet_io_cm.${e} documented`);
});
