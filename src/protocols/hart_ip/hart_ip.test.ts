// HART-IP: messages built byte by byte from HCF_SPEC-085 (HART-IP) and HCF_SPEC-081/-127
// (token-passing frames, command 0 and 13) with the records they give; pairing; the probe;
// truncation at every offset; segmentation; malformed messages; the pending cap; fuzzing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { bytewise, concat, everySplit, hex, prefixes, runSession, withoutTs, type Chunk } from '../../dissect/testing.ts';
import { PROBE, type ProbeHint } from '../../dissect/types.ts';
import { hart_ip } from './index.ts';
import { HART_OK, parseMessage } from './parser.ts';
import { MAX_PENDING } from './session.ts';

const INITIATE_REQ = hex`
  01           // version 1
  00           // message type 0: request
  00           // message id 0: Session Initiate
  00           // status 0
  00 01        // sequence number 1
  00 0d        // length 13
  01           // master type 1: primary
  00 00 75 30  // inactivity close timer 30000 ms
`;
const INITIATE_RES = hex`01 01 00 00 00 01 00 0d  // response, Session Initiate, sequence 1, length 13
  01 00 00 ea 60   // master type 1, inactivity close timer 60000 ms`;

const CMD0_REQ = hex`
  01 00 03 00 00 02 00 0d   // request, Token Passing PDU, sequence 2, length 13
  02           // delimiter: polling address, no expansion bytes, asynchronous, STX (master to field)
  80           // polling address byte 0x80 (primary master, poll address 0)
  00           // command 0: Read Unique Identifier
  00           // byte count 0
  82           // check byte: 02 ^ 80 ^ 00 ^ 00
`;
const CMD0_RES = hex`
  01 01 03 00 00 02 00 29   // response, Token Passing PDU, sequence 2, length 41
  86           // delimiter: unique address, asynchronous, ACK (field to master)
  26 4e 00 00 d2            // unique address
  00           // command 0
  18           // byte count 24
  00           // response code 0
  00           // device status 0
  fe           // 254
  60 10        // expanded device type 0x6010
  05           // minimum request preambles
  07           // HART universal revision 7
  04           // device revision 4
  01           // software revision 1
  0c           // hardware revision / physical signalling
  00           // flags
  00 00 d2     // device id
  05           // minimum response preambles
  04           // maximum device variables
  00 01        // configuration change counter
  00           // extended field device status
  00 26        // manufacturer id 0x0026
  00 26        // private label distributor
  00           // device profile
  73           // check byte (XOR of the frame)
`;
const CMD13_RES = hex`
  01 01 03 00 00 03 00 28   // response, Token Passing PDU, sequence 3, length 40
  86 26 4e 00 00 d2         // delimiter, unique address
  0d           // command 13: Read Tag
  17           // byte count 23
  00 40        // response code 0, device status 0x40 (configuration changed)
  51 4c 70 c6 08 20         // tag "TT101" in packed ASCII
  50 53 50 15 20 54 55 21 60 30 f3 d0   // descriptor "TEMPERATURE LOOP" in packed ASCII
  01 01 7c     // date
  ac           // check byte (XOR of the frame)
`;
const KEEPALIVE_REQ = hex`01 00 02 00 00 04 00 08  // request, Keep Alive, sequence 4, length 8`;
const DIRECT_REQ = hex`
  01 00 04 00 00 05 00 0d   // request, Direct PDU, sequence 5, length 13
  00 00        // device status, extended device status
  00 30 00     // command 48 (16-bit), byte count 0
`;
const DIRECT_RES = hex`
  01 01 04 00 00 05 00 10   // response, Direct PDU, sequence 5, length 16
  40           // device status: configuration changed
  01           // extended status: maintenance required
  00 30 03     // command 48, byte count 3
  00           // response code 0
  12 34        // data
`;
const PUBLISH = hex`01 02 03 00 00 06 00 0b  // publish, Token Passing PDU, sequence 6, length 11
  aa bb cc     // body (not parsed for publish messages)`;

const C = (b: Uint8Array): Chunk => ({ isOrig: true, bytes: b });
const S = (b: Uint8Array): Chunk => ({ isOrig: false, bytes: b });
const HINT: ProbeHint = { transport: 'tcp', portMatch: true, isOrig: true, srcPort: 40000, dstPort: 5094 };
const CONVERSATION = [C(INITIATE_REQ), S(INITIATE_RES), C(CMD0_REQ), S(CMD0_RES), S(CMD13_RES), C(KEEPALIVE_REQ), C(DIRECT_REQ), S(DIRECT_RES), S(PUBLISH)];

function defined(r: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) if (v !== undefined && !['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'rtt'].includes(k)) out[k] = v;
  return out;
}

test('messages give the ICSNPP general-log fields they encode', () => {
  const r = runSession(hart_ip, CONVERSATION);
  assert.deepEqual(r.events, []);
  assert.equal(r.confirmed, true);
  const recs = r.records.map(([, x]) => defined(x));
  const hdr = (type: string, id: string, seq: number, len: number, isOrig: boolean, codes: [number, number]) => ({
    proto: 'tcp', header_version: 1, header_message_type_reserved: 0, header_message_type_message_type: type, header_message_id: id,
    header_status_code: 'Success', header_sequence_number: seq, header_length: len, is_orig: isOrig,
    header_message_type_code: codes[0], header_message_id_code: codes[1], header_status_code_code: 0,
  });
  assert.deepEqual(recs[0], { ...hdr('Request', 'Session Initiate', 1, 13, true, [0, 0]), session_initiate_master_type: 1, session_initiate_inactivity_close_timer: 30000 });
  assert.deepEqual(recs[1], { ...hdr('Response', 'Session Initiate', 1, 13, false, [1, 0]), session_initiate_master_type: 1, session_initiate_inactivity_close_timer: 60000 });
  assert.deepEqual(recs[2], {
    ...hdr('Request', 'Token Passing PDU', 2, 13, true, [0, 3]),
    token_passing_pdu_delimiter_address_type: 'Polling Address', token_passing_pdu_delimiter_expansion_bytes: 0,
    token_passing_pdu_delimiter_physical_layer_type: 'Asynchronous', token_passing_pdu_delimiter_frame_type: 'STX Master to Field',
    token_passing_pdu_address_v4: 0x80, token_passing_pdu_command_number: 'Read Unique Identifier', token_passing_pdu_command_number_code: 0,
    token_passing_pdu_byte_count: 0, token_passing_pdu_check_byte: 0x82,
  });
  const flags = (v: number) => {
    const names = ['device_malfunction', 'configuration_changed', 'cold_start', 'more_status_available', 'loop_current_fixed', 'loop_current_saturated', 'non_primary_variable_out_of_limits', 'primary_variable_out_of_limits'];
    return Object.fromEntries(names.map((n, i) => [`token_passing_pdu_contents_response_device_status_${n}`, (v & (0x80 >> i)) !== 0]));
  };
  assert.deepEqual(recs[3], {
    ...hdr('Response', 'Token Passing PDU', 2, 41, false, [1, 3]),
    token_passing_pdu_delimiter_address_type: 'Unique Address', token_passing_pdu_delimiter_expansion_bytes: 0,
    token_passing_pdu_delimiter_physical_layer_type: 'Asynchronous', token_passing_pdu_delimiter_frame_type: 'Acknowledgement Field to Master',
    token_passing_pdu_address_v6: '264e0000d2', token_passing_pdu_command_number: 'Read Unique Identifier', token_passing_pdu_command_number_code: 0,
    token_passing_pdu_byte_count: 24, token_passing_pdu_check_byte: 0x73, token_passing_pdu_contents_response_response_code: 0, ...flags(0),
    token_passing_pdu_contents_data_data: 'fe6010050704010c000000d20504000100002600260' + '0',
    device_expanded_type: 0x6010, device_manufacturer_id: 0x26, device_id: '0000d2', device_hart_revision: 7, device_revision: 4, device_software_revision: 1,
  });
  assert.equal(recs[4].device_tag, 'TT101');
  assert.equal(recs[4].token_passing_pdu_contents_response_device_status_configuration_changed, true);
  assert.deepEqual(recs[5], hdr('Request', 'Keep Alive', 4, 8, true, [0, 2]));
  assert.equal(recs[6].direct_pdu_extended_status_maintenance_required, false);
  assert.deepEqual(recs[6].direct_pdu_command_names, ['Read Additional Device Status']);
  assert.equal(recs[7].direct_pdu_device_status_configuration_changed, true);
  assert.equal(recs[7].direct_pdu_extended_status_maintenance_required, true);
  assert.deepEqual(recs[7].direct_pdu_command_numbers, [48]);
  assert.deepEqual(recs[7].direct_pdu_byte_counts, [3]);
  assert.deepEqual(recs[7].direct_pdu_response_codes, [0]);
  assert.equal(recs[8].header_message_type_message_type, 'Publish');
  assert.equal(recs[8].message_packet_bytes, 'aabbcc');
});

test('responses carry the time since their request (same message id and sequence number)', () => {
  const r = runSession(hart_ip, [C(INITIATE_REQ), S(INITIATE_RES), S(CMD13_RES)]);
  assert.ok(Math.abs((r.records[1][1].rtt as number) - 0.001) < 1e-6);
  assert.equal(r.records[0][1].rtt, undefined);
  assert.equal(r.records[2][1].rtt, undefined, 'a response without its request');
});

test('UDP: one message per datagram gives the same records', () => {
  const tcp = runSession(hart_ip, CONVERSATION).records.map(([, x]) => ({ ...defined(x), proto: 'udp' }));
  const udp = runSession(hart_ip, CONVERSATION, { transport: 'udp' }).records.map(([, x]) => defined(x));
  assert.deepEqual(udp, tcp);
});

test('probe: a whole header of a defined message is YES; other bytes NO; a UDP datagram must be exactly one message', () => {
  assert.equal(hart_ip.probe(INITIATE_REQ, 0, INITIATE_REQ.length, HINT), PROBE.YES);
  assert.equal(hart_ip.probe(INITIATE_REQ, 0, 5, HINT), PROBE.MAYBE);
  assert.equal(hart_ip.probe(INITIATE_REQ, 0, 13, { ...HINT, transport: 'udp' }), PROBE.YES);
  assert.equal(hart_ip.probe(concat(INITIATE_REQ, hex`00`), 0, 14, { ...HINT, transport: 'udp' }), PROBE.NO);
  assert.equal(hart_ip.probe(hex`03 00 00 00 00 01 00 08`, 0, 8, HINT), PROBE.NO, 'version 3');
  assert.equal(hart_ip.probe(hex`01 10 00 00 00 01 00 08`, 0, 8, HINT), PROBE.NO, 'reserved bits');
  assert.equal(hart_ip.probe(hex`01 00 09 00 00 01 00 08`, 0, 8, HINT), PROBE.NO, 'message id 9');
  assert.equal(hart_ip.probe(hex`01 00 00 00 00 01 00 07`, 0, 8, HINT), PROBE.NO, 'length 7');
  assert.equal(hart_ip.probe(hex`47 45 54 20 2f 20 48 54`, 0, 8, HINT), PROBE.NO);
});

test('the same records whatever the TCP segmentation', () => {
  const want = withoutTs(runSession(hart_ip, CONVERSATION)).map(([t, r]) => [t, { ...r, rtt: undefined }]);
  const norm = (chunks: Chunk[]) => withoutTs(runSession(hart_ip, chunks)).map(([t, r]) => [t, { ...r, rtt: undefined }]);
  for (const chunks of everySplit(CONVERSATION.slice(0, 4))) assert.deepEqual(norm([...chunks, ...CONVERSATION.slice(4)]), want);
  assert.deepEqual(norm(bytewise(CONVERSATION)), want);
});

test('truncation at every offset: no exception, and no record from a cut message', () => {
  for (const m of [INITIATE_REQ, CMD0_REQ, CMD0_RES, CMD13_RES, DIRECT_RES, PUBLISH]) {
    for (const p of prefixes(m)) {
      assert.notEqual(parseMessage(p, 0, p.length).problem, HART_OK, `prefix ${p.length}`);
      for (const transport of ['tcp', 'udp'] as const) assert.equal(runSession(hart_ip, [C(p)], { transport }).records.length, 0);
    }
  }
});

test('malformed messages raise the declared events and the connection goes on', () => {
  const badCheck = CMD0_RES.slice();
  badCheck[badCheck.length - 1] ^= 0xff;
  const badCount = CMD0_REQ.slice();
  badCount[11] = 0x40; // byte count 64: beyond the message
  const badDirect = DIRECT_RES.slice();
  badDirect[12] = 0x09; // command byte count 9: beyond the message
  const r = runSession(hart_ip, [C(INITIATE_REQ), S(badCheck), C(badCount), S(badDirect), C(hex`ff ff ff`), C(KEEPALIVE_REQ)]);
  assert.deepEqual(r.events.map((e) => e.name).sort(), ['bad_body', 'bad_body', 'bad_check_byte', 'resync']);
  assert.equal(r.records.at(-1)![1].header_message_id, 'Keep Alive');
  const u = runSession(hart_ip, [C(INITIATE_REQ.subarray(0, 10))], { transport: 'udp' });
  assert.deepEqual(u.events.map((e) => e.name), ['truncated']);
});

test('the pending cap forgets the oldest request with one event per overflow', () => {
  const chunks: Chunk[] = [];
  for (let i = 0; i <= MAX_PENDING; i++) chunks.push(C(hex`01 00 02 00 ${(i >> 8).toString(16).padStart(2, '0')} ${(i & 255).toString(16).padStart(2, '0')} 00 08`));
  const r = runSession(hart_ip, chunks);
  assert.deepEqual(r.events.map((e) => e.name), ['too_many_pending']);
  assert.equal(r.records.length, MAX_PENDING + 1);
});

test('fuzz: random bytes and bit flips never throw', () => {
  const stream = concat(...CONVERSATION.map((c) => c.bytes));
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (b, udp) => {
      runSession(hart_ip, [C(b), S(b)], { transport: udp ? 'udp' : 'tcp' });
      return true;
    }),
    { numRuns: 500 },
  );
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(stream.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 }), (flips) => {
      const b = stream.slice();
      for (const [i, x] of flips) b[i] ^= x;
      runSession(hart_ip, [C(b)]);
      return true;
    }),
    { numRuns: 500 },
  );
});
