// BACnet/IP sessions on conversations built from ASHRAE 135 byte layouts: the records of each
// service Palisade decodes, request/answer pairing by invoke id, reassembly of segmented
// messages, the caps and their events, truncation at every offset, malformed messages, fuzzing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { concat, hex, prefixes, runSession, withoutTs, type Chunk } from '../../dissect/testing.ts';
import { bacnet } from './index.ts';
import { MAX_PENDING, MAX_REASSEMBLY_BYTES } from './session.ts';
import { MAX_VALUES } from './services.ts';

const FLOW = { origH: '192.168.0.50', origP: 47808, respH: '192.168.0.24', respP: 47808 };
const run = (chunks: Chunk[]) => runSession(bacnet, chunks, { transport: 'udp', flow: FLOW });
const req = (bytes: Uint8Array): Chunk => ({ isOrig: true, bytes });
const rsp = (bytes: Uint8Array): Chunk => ({ isOrig: false, bytes });
const of = (r: ReturnType<typeof run>, type: string) => r.records.filter(([t]) => t === type).map(([, x]) => x);

/** A BVLC Original-Unicast-NPDU around an NPDU without routing and the given APDU. */
function unicast(apdu: Uint8Array): Uint8Array {
  const n = 6 + apdu.length;
  return concat(new Uint8Array([0x81, 0x0a, n >> 8, n & 0xff, 0x01, 0x04]), apdu);
}

const ORIG = { is_orig: true, source_h: '192.168.0.50', source_p: 47808, destination_h: '192.168.0.24', destination_p: 47808 };
const RESP = { is_orig: false, source_h: '192.168.0.24', source_p: 47808, destination_h: '192.168.0.50', destination_p: 47808 };
/** The routing fields of a service record whose message was not routed. */
const NOT_ROUTED = { snet: undefined, sadr: undefined, dnet: undefined, dadr: undefined, fwd_ip: undefined };

// ReadProperty analog-input 1 present-value, and its ACK: REAL 42.0.
const RP_REQ = hex`
  81 0a 00 11        // BVLC Original-Unicast-NPDU, length 17
  01 04              // NPDU version 1, expecting reply
  00 05 01 0c        // Confirmed-Request, max APDU 1476, invoke id 1, ReadProperty
  0c 00 00 00 01     // [0] object identifier: analog-input 1
  19 55              // [1] property identifier 85: present-value
`;
const RP_ACK = hex`
  81 0a 00 17        // length 23
  01 00              // NPDU
  30 01 0c           // ComplexACK, invoke id 1, ReadProperty
  0c 00 00 00 01     // [0] analog-input 1
  19 55              // [1] present-value
  3e                 // [3] opening: property value
  44 42 28 00 00     //   REAL 42.0
  3f                 // [3] closing
`;

test('ReadProperty request and ACK: bacnet records, property rows, pairing by invoke id', () => {
  const r = run([{ ...req(RP_REQ), ts: 1700000000 }, { ...rsp(RP_ACK), ts: 1700000000.25 }]);
  assert.equal(r.rejected, null);
  assert.equal(r.confirmed, true); // valid messages both ways
  assert.deepEqual(r.events, []);
  const b = of(r, 'bacnet');
  assert.equal(b.length, 2);
  assert.deepEqual(
    { ...b[0], ts: undefined, uid: undefined },
    {
      ts: undefined, uid: undefined, 'id.orig_h': '192.168.0.50', 'id.orig_p': 47808, 'id.resp_h': '192.168.0.24', 'id.resp_p': 47808,
      ...ORIG, bvlc_function: 'Original_Unicast_NPDU', pdu_type: 'CONFIRMED_REQUEST', pdu_service: 'read_property', invoke_id: 1,
      result_code: undefined, snet: undefined, slen: undefined, sadr: undefined, dnet: undefined, dlen: undefined, dadr: undefined,
      fwd_ip: undefined, fwd_port: undefined, bvlc_function_code: 10, pdu_type_code: 0, pdu_service_code: 12, result_code_num: undefined,
      error_class: undefined, hop_count: undefined, segmented: false, more_follows: undefined, sequence_number: undefined,
      window_size: undefined, max_apdu: 1476, networks: undefined, bvlc_entries: undefined, ttl: undefined,
      request_service: undefined, rtt: undefined,
    },
  );
  assert.equal(b[1].pdu_type, 'COMPLEX_ACK');
  assert.equal(b[1].request_service, 'read_property');
  assert.ok(Math.abs((b[1].rtt as number) - 0.25) < 1e-6);
  const p = of(r, 'bacnet_property').map((x) => ({ ...x, ts: undefined, uid: undefined }));
  const base = { ts: undefined, uid: undefined, 'id.orig_h': '192.168.0.50', 'id.orig_p': 47808, 'id.resp_h': '192.168.0.24', 'id.resp_p': 47808 };
  assert.deepEqual(p, [
    {
      ...base, ...ORIG, invoke_id: 1, pdu_service: 'read-property-request', object_type: 'analog-input', instance_number: 1,
      property: 'present-value', array_index: undefined, value: undefined, object_type_code: 0, property_code: 85,
      value_type: undefined, priority: undefined, error_class: undefined, error_code: undefined, ...NOT_ROUTED,
    },
    {
      ...base, ...RESP, invoke_id: 1, pdu_service: 'read-property-ack', object_type: 'analog-input', instance_number: 1,
      property: 'present-value', array_index: undefined, value: '42.000000', object_type_code: 0, property_code: 85,
      value_type: 'real', priority: undefined, error_class: undefined, error_code: undefined, ...NOT_ROUTED,
    },
  ]);
});

test('an Error answer to ReadProperty: result code on the bacnet record, an error row with the request\'s reference', () => {
  const err = hex`
    81 0a 00 0d   // length 13
    01 00
    50 01 0c      // Error PDU, invoke id 1, ReadProperty
    91 02         // error class: property
    91 20         // error code 32: unknown-property
  `;
  const r = run([req(RP_REQ), rsp(err)]);
  const b = of(r, 'bacnet')[1];
  assert.deepEqual([b.pdu_type, b.pdu_service, b.result_code, b.result_code_num, b.error_class, b.request_service],
    ['ERROR_PDU', 'read_property', 'unknown-property', 32, 'property', 'read_property']);
  const e = of(r, 'bacnet_property')[1];
  assert.deepEqual([e.pdu_service, e.object_type, e.instance_number, e.property, e.error_class, e.error_code, e.value],
    ['ERROR: read_property', 'analog-input', 1, 'present-value', 'property', 'unknown-property', undefined]);
});

test('WriteProperty with a priority, WritePropertyMultiple, SimpleACK', () => {
  const wp = unicast(hex`
    00 05 02 0f         // Confirmed-Request, invoke id 2, WriteProperty
    0c 00 40 00 65      // [0] analog-output 101 (type 1)
    19 55               // [1] present-value
    3e 44 42 48 00 00 3f // [3] REAL 50.0
    49 08               // [4] priority 8
  `);
  const ack = unicast(hex`20 02 0f`); // SimpleACK, invoke id 2, WriteProperty
  const wpm = unicast(hex`
    00 05 03 10         // Confirmed-Request, invoke id 3, WritePropertyMultiple
    0c 01 00 00 05      // [0] binary-output 5 (type 4)
    1e                  // [1] opening: list of properties
      09 55             //   [0] present-value
      2e 91 01 2f       //   [2] Enumerated 1 (active)
      39 0a             //   [3] priority 10
      09 51             //   [0] out-of-service
      2e 11 2f          //   [2] Boolean TRUE
    1f                  // [1] closing
  `);
  const r = run([req(wp), rsp(ack), req(wpm)]);
  assert.deepEqual(r.events, []);
  const rows = of(r, 'bacnet_property').map((x) => [x.pdu_service, x.object_type, x.instance_number, x.property, x.value, x.value_type, x.priority]);
  assert.deepEqual(rows, [
    ['write-property', 'analog-output', 101, 'present-value', '50.000000', 'real', 8],
    ['write-property-multiple', 'binary-output', 5, 'present-value', '1', 'enumerated', 10],
    ['write-property-multiple', 'binary-output', 5, 'out-of-service', 'true', 'boolean', undefined],
  ]);
  assert.equal(of(r, 'bacnet')[1].request_service, 'write_property');
});

test('ReadPropertyMultiple request and ACK, with a value list and a property error', () => {
  const rpm = unicast(hex`
    00 05 04 0e         // Confirmed-Request, invoke id 4, ReadPropertyMultiple
    0c 02 00 00 6c      // [0] device 108
    1e                  // [1] opening: property references
      09 4d             //   [0] object-name
      09 79             //   [0] vendor-name
      09 57 19 02       //   [0] priority-array, [1] array index 2
    1f
  `);
  const ack = hex`
    81 0a 00 2b 01 00   // BVLC length 43, NPDU
    30 04 0e            // ComplexACK, invoke id 4, ReadPropertyMultiple
    0c 02 00 00 6c      // [0] device 108
    1e                  // [1] opening: results
      29 4d             //   [2] object-name
      4e 75 06 00 41 48 55 31 32 4f  // [4] CharacterString "AHU12"
      29 79             //   [2] vendor-name
      5e 91 02 91 20 5f //   [5] error: property / unknown-property
      29 57 39 02       //   [2] priority-array, [3] index 2
      4e 00 4f          //   [4] Null
    1f
  `;
  assert.equal(ack.length, 43);
  const r = run([req(rpm), rsp(ack)]);
  assert.deepEqual(r.events, []);
  const rows = of(r, 'bacnet_property').map((x) => [x.pdu_service, x.object_type, x.instance_number, x.property, x.array_index, x.value, x.value_type, x.error_code]);
  assert.deepEqual(rows, [
    ['read-property-multiple-request', 'device', 108, 'object-name', undefined, undefined, undefined, undefined],
    ['read-property-multiple-request', 'device', 108, 'vendor-name', undefined, undefined, undefined, undefined],
    ['read-property-multiple-request', 'device', 108, 'priority-array', 2, undefined, undefined, undefined],
    ['read-property-multiple-ack', 'device', 108, 'object-name', undefined, 'AHU12', 'character-string', undefined],
    ['read-property-multiple-ack', 'device', 108, 'vendor-name', undefined, undefined, undefined, 'unknown-property'],
    ['read-property-multiple-ack', 'device', 108, 'priority-array', 2, undefined, 'null', undefined],
  ]);
});

test('Who-Is, I-Am (vendor, max APDU, segmentation), Who-Has, I-Have, Who-Am-I, You-Are: discovery records; one-way flows count', () => {
  const whoIs = hex`
    81 0b 00 0c         // Original-Broadcast-NPDU, length 12
    01 00
    10 08               // Unconfirmed-Request Who-Is
    09 6c 19 6c         // [0] low 108, [1] high 108
  `;
  const iAm = hex`
    81 0b 00 14         // length 20
    01 00
    10 00               // I-Am
    c4 02 00 00 6c      // device 108
    22 05 c4            // max APDU length accepted 1476
    91 03               // segmentation: no-segmentation
    21 2a               // vendor id 42
  `;
  const whoHas = unicast(hex`10 07 3d 08 00 53 59 4e 45 52 47 59`); // Who-Has [3] object name "SYNERGY"
  const iHave = unicast(hex`
    10 01               // I-Have
    c4 02 00 00 3d      // device 61
    c4 00 00 00 02      // analog-input 2
    75 08 00 53 59 4e 45 52 47 59  // object name "SYNERGY"
  `);
  const whoAmI = unicast(hex`
    10 0d               // Who-Am-I
    21 0f               // vendor id 15
    75 04 00 4d 31 30   // model name "M10"
    75 05 00 53 4e 2d 31 // serial number "SN-1"
  `);
  const youAre = unicast(hex`
    10 0e 21 0f 75 04 00 4d 31 30 75 05 00 53 4e 2d 31  // You-Are: vendor 15, "M10", "SN-1"
    c4 02 00 04 d2      // device 1234
    62 01 07            // MAC address 01 07
  `);
  const r = run([req(whoIs), req(iAm), req(whoHas), req(iHave), req(whoAmI), req(youAre)]);
  assert.deepEqual(r.events, []);
  assert.equal(r.confirmed, true); // unconfirmed services confirm a one-way flow
  assert.equal(r.validResp, false);
  const d = of(r, 'bacnet_discovery').map((x) => [x.pdu_service, x.device_id_type, x.device_id_number, x.object_type, x.instance_number,
    x.vendor, x.range, x.object_name, x.vendor_id, x.max_apdu, x.segmentation, x.model_name, x.serial_number, x.mac_address]);
  const u = undefined;
  assert.deepEqual(d, [
    ['who-is', u, u, u, u, u, '108-108', u, u, u, u, u, u, u],
    ['i-am', u, u, 'device', 108, 'Acuity Brands Lighting, Inc.', u, u, 42, 1476, 'no-segmentation', u, u, u],
    ['who-has', u, u, u, u, u, 'All', 'SYNERGY', u, u, u, u, u, u],
    ['i-have', 'device', 61, 'analog-input', 2, u, u, 'SYNERGY', u, u, u, u, u, u],
    ['who-am-i', u, u, u, u, 'Cornell University', u, u, 15, u, u, 'M10', 'SN-1', u],
    ['you-are', u, u, 'device', 1234, 'Cornell University', u, u, 15, u, u, 'M10', 'SN-1', '0107'],
  ]);
});

test('DeviceCommunicationControl and ReinitializeDevice: state, password presence (never the password), results', () => {
  const dcc = unicast(hex`
    00 05 07 11         // Confirmed-Request, invoke id 7, DeviceCommunicationControl
    09 05               // [0] time duration 5 minutes
    19 01               // [1] enable-disable: disable
    2d 09 00 66 69 6c 69 73 74 65 72  // [2] password "filister"
  `);
  const dccErr = unicast(hex`50 07 11 91 05 91 1a`); // Error: class services, code 26 password-failure
  const reinit = unicast(hex`
    00 05 08 14         // invoke id 8, ReinitializeDevice
    09 01               // [0] warmstart
  `);
  const reinitAck = unicast(hex`20 08 14`);
  const reinit2 = unicast(hex`00 05 09 14 09 00`); // coldstart
  const reject = unicast(hex`60 09 09`); // Reject invoke 9: unrecognized-service
  const r = run([req(dcc), rsp(dccErr), req(reinit), rsp(reinitAck), req(reinit2), rsp(reject)]);
  assert.deepEqual(r.events, []);
  const rows = of(r, 'bacnet_device_control').map((x) => [x.is_orig, x.invoke_id, x.pdu_service, x.time_duration, x.device_state,
    x.result, x.result_code, x.password_present, x.error_class]);
  const u = undefined;
  assert.deepEqual(rows, [
    [true, 7, 'device_communication_control', 5, 'disable', u, u, true, u],
    [false, 7, 'device_communication_control', u, u, 'ERROR', 'password-failure', u, 'services'],
    [true, 8, 'reinitialize_device', u, 'warmstart', u, u, false, u],
    [false, 8, 'reinitialize_device', u, u, 'SUCCESS', u, u, u],
    [true, 9, 'reinitialize_device', u, 'coldstart', u, u, false, u],
    [false, 9, 'reinitialize_device', u, u, 'REJECT', 'unrecognized-service', u, u],
  ]);
  // the password is not in any record
  assert.ok(!JSON.stringify(r.records).includes('filister'));
  const rejectRec = of(r, 'bacnet')[5];
  assert.deepEqual([rejectRec.pdu_type, rejectRec.pdu_service, rejectRec.result_code, rejectRec.request_service], ['REJECT_PDU', 'reject', 'unrecognized-service', 'reinitialize_device']);
});

test('AtomicWriteFile and AtomicReadFile: file records with access, start, count and data length', () => {
  const awf = unicast(hex`
    00 05 0a 07         // invoke id 10, AtomicWriteFile
    c4 02 80 00 01      // file 1 (type 10)
    0e                  // [0] opening: stream access
      31 00             //   file start position 0
      65 05 01 02 03 04 05 // file data: 5 octets
    0f
  `);
  const awfAck = unicast(hex`30 0a 07 09 00`); // ComplexACK: [0] start position 0
  const arf = unicast(hex`00 05 0b 06 c4 02 80 00 01 0e 31 00 22 01 00 0f`); // AtomicReadFile file 1, stream, start 0, 256 octets
  const arfAck = unicast(hex`30 0b 06 11 0e 31 00 63 aa bb cc 0f`); // end of file TRUE, stream, start 0, 3 octets
  const r = run([req(awf), rsp(awfAck), req(arf), rsp(arfAck)]);
  assert.deepEqual(r.events, []);
  const rows = of(r, 'bacnet_file').map((x) => [x.pdu_service, x.object_type, x.instance_number, x.access, x.start_position, x.count, x.data_length, x.end_of_file]);
  const u = undefined;
  assert.deepEqual(rows, [
    ['atomic-write-file-request', 'file', 1, 'stream', 0, 5, 5, u],
    ['atomic-write-file-ack', u, u, 'stream', 0, u, u, u],
    ['atomic-read-file-request', 'file', 1, 'stream', 0, 256, u, u],
    ['atomic-read-file-ack', u, u, 'stream', 0, 3, 3, true],
  ]);
});

test('BVLC-only messages, Forwarded-NPDU, routing fields and network layer messages', () => {
  const result = hex`81 00 00 06 00 30`; // BVLC-Result: Register-Foreign-Device NAK
  const register = hex`81 05 00 06 00 3c`; // Register-Foreign-Device, TTL 60
  const readBdtAck = hex`81 03 00 0e c0 a8 00 01 ba c0 ff ff ff ff`; // one BDT entry
  const fwd = hex`
    81 04 00 1d           // Forwarded-NPDU, length 29
    c0 a8 01 4d ba c0     // from 192.168.1.77:47808
    01 08 00 03 01 6c     // NPDU: SNET 3, SLEN 1, SADR 6c
    10 00 c4 02 00 00 6c 21 05 91 00 21 05 // I-Am device 108, max APDU 5, segmented-both, vendor 5
  `;
  const iAmRouter = hex`81 0b 00 0b 01 80 01 00 03 00 05`; // I-Am-Router-To-Network 3, 5
  const r = run([req(result), req(register), req(readBdtAck), req(fwd), req(iAmRouter)]);
  assert.deepEqual(r.events, []);
  const b = of(r, 'bacnet').map((x) => [x.bvlc_function, x.pdu_type, x.pdu_service, x.result_code, x.ttl, x.bvlc_entries, x.fwd_ip, x.fwd_port, x.snet, x.sadr, x.networks]);
  const u = undefined;
  assert.deepEqual(b, [
    ['BVLC_Result', u, u, 'Register-Foreign-Device_NAK', u, u, u, u, u, u, u],
    ['Register_Foreign_Device', u, u, u, 60, u, u, u, u, u, u],
    ['Read_Broadcast_Table_ACK', u, u, u, u, ['192.168.0.1:47808'], u, u, u, u, u],
    ['Forwarded_NPDU', 'UNCONFIRMED_REQUEST', 'i_am', u, u, u, '192.168.1.77', 47808, 3, '6c', u],
    ['Original_Broadcast_NPDU', 'NPDU', 'i_am_router_to_network', u, u, u, u, u, u, u, [3, 5]],
  ]);
  const d = of(r, 'bacnet_discovery')[0];
  assert.equal(d.vendor, 'Johnson Controls, Inc.');
  // The service record carries the routing of its message: who the device is behind the router and BBMD.
  assert.deepEqual([d.snet, d.sadr, d.dnet, d.dadr, d.fwd_ip], [3, '6c', u, u, '192.168.1.77']);
});

test('a routed ReadProperty: the request names DNET/DADR, the answer SNET/SADR, in the property records too', () => {
  // NPDU control 0x24: DNET present, expecting reply; DNET 26001 (0x6591), DLEN 1, DADR 72, hop count 255.
  // ReadProperty analog-input 1, description.
  const rpReq = hex`81 0a 00 16  01 24 65 91 01 72 ff  00 05 01 0c  0c 00 00 00 01  19 1c`;
  // NPDU control 0x08: SNET present; SNET 26001, SLEN 1, SADR 72. ComplexACK, invoke 1, ReadProperty: description "AHU".
  const rpAck = hex`81 0a 00 1b  01 08 65 91 01 72  30 01 0c  0c 00 00 00 01  19 1c  3e 74 00 41 48 55 3f`;
  const r = run([req(rpReq), rsp(rpAck)]);
  assert.deepEqual(r.events, []);
  const p = of(r, 'bacnet_property').map((x) => [x.pdu_service, x.property, x.value, x.snet, x.sadr, x.dnet, x.dadr, x.fwd_ip]);
  const u = undefined;
  assert.deepEqual(p, [
    ['read-property-request', 'description', u, u, u, 26001, '72', u],
    ['read-property-ack', 'description', 'AHU', 26001, '72', u, u, u],
  ]);
});

/** An RPM-ACK for device 108 with `n` object-list elements (object identifiers). */
function rpmAckData(n: number): Uint8Array {
  const values: number[] = [];
  for (let i = 0; i < n; i++) values.push(0xc4, 0x00, 0x00, 0x00, i & 0xff); // analog-input i
  return concat(hex`0c 02 00 00 6c 1e 29 4c 4e`, new Uint8Array(values), hex`4f 1f`);
}

/** The same ComplexACK, unsegmented, or cut into segments of `size` octets of service data. */
function segmentedAck(data: Uint8Array, size: number, invoke = 5): Chunk[] {
  const out: Chunk[] = [];
  let seq = 0;
  for (let o = 0; o < data.length; o += size, seq++) {
    const more = o + size < data.length;
    out.push(rsp(unicast(concat(new Uint8Array([more ? 0x3c : 0x38, invoke, seq, 4, 0x0e]), data.subarray(o, o + size)))));
    if (more) out.push(req(unicast(new Uint8Array([0x40, invoke, seq, 4])))); // SegmentACK from the client
  }
  return out;
}

test('segmented ComplexACK: the same property rows whatever the segment size; SegmentACKs and pairing', () => {
  const rpmReq = req(unicast(hex`02 05 05 0e 0c 02 00 00 6c 1e 09 4c 1f`)); // SA=1, invoke 5, RPM device 108 object-list
  const data = rpmAckData(40);
  const whole = run([rpmReq, rsp(unicast(concat(hex`30 05 0e`, data)))]);
  const rows = (r: ReturnType<typeof run>) => withoutTs(r).filter(([t]) => t === 'bacnet_property').map(([, x]) => x);
  const expected = rows(whole);
  assert.equal(expected.length, 41); // request row + 40 values
  assert.equal(expected[40].value, 'analog-input: 39');
  for (let size = 1; size <= data.length; size++) {
    const r = run([rpmReq, ...segmentedAck(data, size)]);
    assert.deepEqual(r.events, [], `segment size ${size}`);
    assert.deepEqual(rows(r), expected, `segment size ${size}`);
  }
  const seg = run([rpmReq, ...segmentedAck(data, 64)]);
  const b = of(seg, 'bacnet');
  assert.deepEqual(b.map((x) => [x.pdu_type, x.segmented, x.more_follows, x.sequence_number]), [
    ['CONFIRMED_REQUEST', false, undefined, undefined],
    ['COMPLEX_ACK', true, true, 0], ['SEGMENT_ACK', undefined, undefined, 0],
    ['COMPLEX_ACK', true, true, 1], ['SEGMENT_ACK', undefined, undefined, 1],
    ['COMPLEX_ACK', true, true, 2], ['SEGMENT_ACK', undefined, undefined, 2],
    ['COMPLEX_ACK', true, false, 3],
  ]);
  assert.equal(b[7].request_service, 'read_property_multiple');
});

test('segments: a repeated segment is ignored, a missing one drops the message with an event', () => {
  const data = rpmAckData(10);
  const segs = segmentedAck(data, 16).filter((c) => !c.isOrig);
  const repeated = run([segs[0], segs[1], segs[1], ...segs.slice(2)]);
  assert.deepEqual(repeated.events, []);
  assert.equal(of(repeated, 'bacnet_property').length, 10);
  const missing = run([segs[0], ...segs.slice(2)]);
  assert.deepEqual(missing.events.map((e) => e.name), ['segment_missing', 'segment_missing']);
  assert.equal(of(missing, 'bacnet_property').length, 0);
  // a capture that starts mid-message
  const midway = run(segs.slice(1));
  assert.equal(midway.events[0].name, 'segment_missing');
});

test('caps: pending requests, reassembly size, values per message', () => {
  const chunks: Chunk[] = [];
  for (let i = 0; i <= MAX_PENDING; i++) {
    // invoke ids repeat every 256: vary the requesting side's routed address to make each distinct
    chunks.push(req(concat(hex`81 0a 00 15 01 0c 00 01 01`, new Uint8Array([i & 0xff]), hex`00 05`, new Uint8Array([i >> 8]), hex`0c 0c 00 00 00 01 19 55`)));
  }
  const flooded = run(chunks);
  assert.deepEqual(flooded.events.map((e) => e.name), ['flooded']);
  assert.equal(of(flooded, 'bacnet').length, MAX_PENDING + 1);

  const big = new Uint8Array(MAX_REASSEMBLY_BYTES + 100);
  const over = run(segmentedAck(big, 1400).filter((c) => !c.isOrig));
  assert.ok(over.events.some((e) => e.name === 'reassembly_overflow'));

  const many = rpmAckData(MAX_VALUES + 10);
  const capped = run([rsp(unicast(concat(hex`30 05 0e`, many)))]);
  assert.deepEqual(capped.events.map((e) => e.name), ['too_many_values']);
  assert.equal(of(capped, 'bacnet_property').length, MAX_VALUES);
});

test('malformed messages raise their events and the flow goes on', () => {
  const badVersion = hex`81 0a 00 08 02 00 10 08`; // NPDU version 2
  const badLength = hex`81 0a 00 20 01 00 10 08`; // BVLC length 32 on 8 octets
  const notBvlc = hex`ff ff ff ff`;
  const badTag = unicast(hex`00 05 01 0c 0c 00 00 00`); // ReadProperty object identifier cut short
  const unknownType = unicast(hex`90 00`); // APDU type 9
  const noClose = unicast(hex`30 01 0c 0c 00 00 00 01 19 55 3e 44 42 28 00 00`); // ACK without the closing tag
  const r = run([req(badVersion), req(badLength), req(notBvlc), req(badTag), req(unknownType), rsp(noClose), req(RP_REQ), rsp(RP_ACK)]);
  assert.deepEqual(r.events.map((e) => e.name), ['bad_npdu_version', 'bad_bvlc_length', 'not_bvlc', 'malformed_service', 'unknown_pdu_type', 'malformed_service']);
  assert.equal(r.rejected, null);
  const p = of(r, 'bacnet_property');
  assert.equal(p[p.length - 1].value, '42.000000'); // the valid exchange after them is read
  // the bad-length Who-Is was still decoded
  assert.equal(of(r, 'bacnet').length, 7);
});

test('truncation at every offset: no exception, and nothing a prefix records contradicts the whole message', () => {
  const messages = [RP_REQ, RP_ACK,
    hex`81 0b 00 14 01 00 10 00 c4 02 00 00 6c 22 05 c4 91 03 21 2a`,
    hex`81 04 00 1d c0 a8 01 4d ba c0 01 08 00 03 01 6c 10 00 c4 02 00 00 6c 21 05 91 00 21 05`,
    unicast(hex`00 05 07 11 09 05 19 01 2d 09 00 66 69 6c 69 73 74 65 72`),
    unicast(concat(hex`30 05 0e`, rpmAckData(3))),
  ];
  for (const m of messages) {
    const full = run([req(m)]);
    const fullProps = of(full, 'bacnet_property');
    for (const p of prefixes(m)) {
      const r = run([req(p)]);
      assert.ok(r.events.length > 0, `prefix ${p.length} of ${m.length} raised no event`);
      for (const row of of(r, 'bacnet_property')) {
        if (row.value === undefined) continue;
        assert.ok(fullProps.some((f) => f.property === row.property && f.value === row.value), `prefix ${p.length}: value ${row.value}`);
      }
      for (const row of of(r, 'bacnet_discovery')) {
        const f = of(full, 'bacnet_discovery')[0];
        if (row.vendor_id !== undefined) assert.equal(row.vendor_id, f.vendor_id);
        if (row.instance_number !== undefined) assert.equal(row.instance_number, f.instance_number);
      }
    }
  }
});

test('fuzzing: random datagrams and bit-flipped valid messages never throw', () => {
  const valid = [RP_REQ, RP_ACK, unicast(concat(hex`3c 05 00 04 0e`, rpmAckData(5))), hex`81 0b 00 0b 01 80 01 00 03 00 05`];
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ minLength: 0, maxLength: 80 }), { maxLength: 12 }), fc.boolean(), (datagrams, bvlc) => {
      run(datagrams.map((d, i) => {
        const b = d.slice();
        if (bvlc && b.length >= 4) {
          b[0] = 0x81;
          b[2] = b.length >> 8;
          b[3] = b.length & 0xff;
        }
        return { isOrig: i % 2 === 0, bytes: b };
      }));
    }),
    { numRuns: 1500 },
  );
  fc.assert(
    fc.property(fc.integer({ min: 0, max: valid.length - 1 }), fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), (k, flips) => {
      const b = valid[k].slice();
      for (const f of flips) b[f % b.length] ^= 1 << (f % 8);
      run([req(valid[0]), req(b), rsp(b)]);
    }),
    { numRuns: 3000 },
  );
});

test('every record field and every event is documented in docs/protocols/bacnet.md', async () => {
  const { readFileSync } = await import('node:fs');
  const doc = readFileSync(new URL('../../../docs/protocols/bacnet.md', import.meta.url), 'utf8');
  for (const [type, fields] of Object.entries(bacnet.records)) {
    assert.ok(doc.includes(`\`${type}\``), `record type ${type}`);
    for (const f of fields) assert.ok(doc.includes(`\`${f.name}\``), `${type}.${f.name}`);
  }
  for (const ev of Object.keys(bacnet.events)) assert.ok(doc.includes(`\`${ev}\``), `event ${ev}`);
});
