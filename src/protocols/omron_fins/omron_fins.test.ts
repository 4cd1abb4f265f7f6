// OMRON FINS: frames built byte by byte from the FINS Commands Reference Manual (W342:
// 3-1 FINS/TCP header, 3-2 FINS header, 5-3 command formats, 5-1-3 end codes) with the records
// they give over UDP and FINS/TCP; pairing by SID; the probe; truncation at every offset;
// segmentation; malformed frames; the pending cap; fuzzing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { bytewise, concat, everySplit, hex, prefixes, runSession, withoutTs, type Chunk } from '../../dissect/testing.ts';
import { PROBE, type ProbeHint } from '../../dissect/types.ts';
import { omron_fins } from './index.ts';
import { FINS_OK, parseFins } from './parser.ts';

const READ_CMD = hex`
  80           // ICF: gateway used, command, response required
  00           // RSV
  02           // GCT: gateway count 2
  00 01 00     // DNA 0, DA1 1 (the PLC), DA2 0 (CPU Unit)
  00 0a 00     // SNA 0, SA1 10 (the HMI), SA2 0
  7a           // SID 0x7a
  01 01        // MRC/SRC 01 01: Memory Area Read
  82           // memory area: DM word
  00 64        // beginning address 100
  00           // bit 0
  00 02        // number of items 2
`;
const READ_RES = hex`
  c0           // ICF: gateway used, response
  00 02        // RSV, GCT
  00 0a 00     // DNA, DA1 10, DA2
  00 01 00     // SNA, SA1 1, SA2
  7a           // SID 0x7a (the command's)
  01 01        // Memory Area Read
  00 00        // end code: normal completion
  12 34 56 78  // two words of data
`;
const RUN_CMD = hex`80 00 02 00 01 00 00 0a 00 7b  // header, SID 0x7b
  04 01        // MRC/SRC 04 01: Run
  ff ff        // program number FFFF
  04           // mode: RUN`;
const RUN_RES_ERR = hex`c0 00 02 00 0a 00 00 01 00 7b  // response header, SID 0x7b
  04 01        // Run
  a2 c3        // end code: MRES 22 with the relay-error bit (0x80), SRES 03 with the fatal (0x80) and non-fatal (0x40) bits: wrong PLC mode (PROGRAM)`;
const CONTROLLER_RES = hex`c1 00 02 00 0a 00 00 01 00 7c  // response, response not required, SID 0x7c
  05 01        // Controller Data Read
  00 00        // normal completion
  43 4a 32 4d 2d 43 50 55 33 31 20 20 20 20 20 20 20 20 20 20   // controller model "CJ2M-CPU31" (20 bytes)
  30 32 2e 30 31 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20   // controller version "02.01" (20 bytes)
`;
/** FINS/TCP: the client's node address request, the server's answer, then a FINS frame. */
const TCP_NODE_REQ = hex`46 49 4e 53  00 00 00 0c  00 00 00 00  00 00 00 00  00 00 00 00
  // "FINS", length 12, command 0 (node address data send, client to server), error 0, client node 0 (ask the server)`;
const TCP_NODE_RES = hex`46 49 4e 53  00 00 00 10  00 00 00 01  00 00 00 00  00 00 00 0a  00 00 00 01
  // "FINS", length 16, command 1 (server to client), error 0, client node 10, server node 1`;
const tcpFrame = (frame: Uint8Array) =>
  concat(hex`46 49 4e 53`, new Uint8Array([0, 0, (frame.length + 8) >> 8, (frame.length + 8) & 255]), hex`00 00 00 02  00 00 00 00 // FINS frame send, error 0`, frame);

const C = (b: Uint8Array): Chunk => ({ isOrig: true, bytes: b });
const S = (b: Uint8Array): Chunk => ({ isOrig: false, bytes: b });
const UDP = { transport: 'udp' as const, flow: { respP: 9600 } };
const HINT: ProbeHint = { transport: 'udp', portMatch: true, isOrig: true, srcPort: 9600, dstPort: 9600 };

function defined(r: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) if (v !== undefined && !['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'rtt'].includes(k)) out[k] = v;
  return out;
}

const header = (isOrig: boolean, icf: number, da1: number, sa1: number, sid: number) => ({
  proto: 'udp', is_orig: isOrig, icf_gateway: 'Use Gateway', icf_data_type: icf & 0x40 ? 'Response' : 'Command',
  icf_response_setting: icf & 1 ? 'Response Not Required' : 'Response Required', icf, gateway_count: 2, destination_network_address: 0,
  destination_node_number: da1, destination_unit_address: 0, source_network_address: 0, source_node_number: sa1, source_unit_address: 0, service_id: sid,
});

test('UDP: commands and responses give the fields they encode', () => {
  const r = runSession(omron_fins, [C(READ_CMD), S(READ_RES), C(RUN_CMD), S(RUN_RES_ERR), S(CONTROLLER_RES)], UDP);
  assert.deepEqual(r.events, []);
  assert.equal(r.confirmed, true);
  const recs = r.records.map(([, x]) => defined(x));
  assert.deepEqual(recs[0], {
    ...header(true, 0x80, 1, 10, 0x7a), command_code: 'Memory Area Read', command_code_code: 0x0101, mrc: 1, src: 1,
    memory_area_code: 'DM word', memory_area_code_code: 0x82, beginning_address: 100, beginning_address_bit: 0, number_of_items: 2,
  });
  assert.deepEqual(recs[1], {
    ...header(false, 0xc0, 10, 1, 0x7a), command_code: 'Memory Area Read', command_code_code: 0x0101, mrc: 1, src: 1,
    response_code: 'Normal completion', response_code_code: 0, relay_error: false, fatal_error: false, non_fatal_error: false, data: '12345678',
  });
  assert.deepEqual(recs[2], {
    ...header(true, 0x80, 1, 10, 0x7b), command_code: 'Run', command_code_code: 0x0401, mrc: 4, src: 1,
    program_number: 0xffff, run_mode: 'RUN', run_mode_code: 4,
  });
  assert.deepEqual(
    [recs[3].response_code, recs[3].response_code_code, recs[3].relay_error, recs[3].fatal_error, recs[3].non_fatal_error],
    ['Wrong PLC mode (PROGRAM)', 0xa2c3, true, true, true],
  );
  assert.deepEqual([recs[4].controller_model, recs[4].controller_version, recs[4].icf_response_setting], ['CJ2M-CPU31', '02.01', 'Response Not Required']);
  assert.ok(Math.abs((r.records[1][1].rtt as number) - 0.001) < 1e-6, 'the response is paired with its command by SID');
  assert.equal(r.records[4][1].rtt, undefined, 'no command with SID 0x7c');
});

test('FINS/TCP: node address exchange and frames, the same FINS fields as over UDP', () => {
  const r = runSession(omron_fins, [C(TCP_NODE_REQ), S(TCP_NODE_RES), C(tcpFrame(READ_CMD)), S(tcpFrame(READ_RES))], { flow: { respP: 9600 } });
  assert.deepEqual(r.events, []);
  const recs = r.records.map(([, x]) => defined(x));
  assert.deepEqual(recs[0], { proto: 'tcp', is_orig: true, tcp_command: 'Node Address Data Send (client to server)', tcp_command_code: 0, tcp_error: 'Normal', tcp_error_code: 0, client_node_address: 0 });
  assert.deepEqual([recs[1].tcp_command_code, recs[1].client_node_address, recs[1].server_node_address], [1, 10, 1]);
  const udp = runSession(omron_fins, [C(READ_CMD), S(READ_RES)], UDP).records.map(([, x]) => defined(x));
  assert.deepEqual(recs[2], { ...udp[0], proto: 'tcp', tcp_command: 'FINS Frame Send', tcp_command_code: 2, tcp_error: 'Normal', tcp_error_code: 0 });
  assert.deepEqual(recs[3], { ...udp[1], proto: 'tcp', tcp_command: 'FINS Frame Send', tcp_command_code: 2, tcp_error: 'Normal', tcp_error_code: 0 });
});

test('probe: FINS headers on UDP 9600, FINS/TCP by its magic; other bytes are not FINS', () => {
  assert.equal(omron_fins.probe(READ_CMD, 0, READ_CMD.length, HINT), PROBE.YES);
  assert.equal(omron_fins.probe(READ_CMD, 0, READ_CMD.length, { ...HINT, portMatch: false }), PROBE.YES, 'a known command code off the port');
  const unknownCmd = READ_CMD.slice();
  unknownCmd[10] = 0x7f;
  assert.equal(omron_fins.probe(unknownCmd, 0, unknownCmd.length, { ...HINT, portMatch: false }), PROBE.NO);
  const reserved = READ_CMD.slice();
  reserved[0] = 0x82;
  assert.equal(omron_fins.probe(reserved, 0, reserved.length, HINT), PROBE.NO);
  assert.equal(omron_fins.probe(TCP_NODE_REQ, 0, TCP_NODE_REQ.length, { ...HINT, transport: 'tcp' }), PROBE.YES);
  assert.equal(omron_fins.probe(TCP_NODE_REQ, 0, 6, { ...HINT, transport: 'tcp' }), PROBE.MAYBE);
  assert.equal(omron_fins.probe(hex`47 45 54 20 2f 20`, 0, 6, { ...HINT, transport: 'tcp' }), PROBE.NO);
});

test('FINS/TCP: the same records whatever the segmentation', () => {
  const conv = [C(TCP_NODE_REQ), S(TCP_NODE_RES), C(tcpFrame(READ_CMD)), S(tcpFrame(READ_RES))];
  const norm = (chunks: Chunk[]) => withoutTs(runSession(omron_fins, chunks)).map(([t, r]) => [t, { ...r, rtt: undefined }]);
  const want = norm(conv);
  for (const chunks of everySplit(conv)) assert.deepEqual(norm(chunks), want);
  assert.deepEqual(norm(bytewise(conv)), want);
});

test('truncation at every offset: no exception; a frame cut before its command code is no record', () => {
  for (const m of [READ_CMD, READ_RES, RUN_CMD, CONTROLLER_RES]) {
    for (const p of prefixes(m)) {
      const f = parseFins(p, 0, p.length);
      const r = runSession(omron_fins, [C(p)], UDP);
      if (p.length < 12) assert.equal(r.records.length, 0);
      if (p.length < m.length && m === READ_CMD && p.length >= 12) assert.notEqual(f.problem, FINS_OK, `prefix ${p.length}`);
    }
    for (const p of prefixes(tcpFrame(m))) assert.equal(runSession(omron_fins, [C(p)]).records.length, 0, 'a cut FINS/TCP message waits for its end');
  }
});

test('malformed frames raise the declared events and the flow goes on', () => {
  const reserved = READ_CMD.slice();
  reserved[1] = 0x01; // RSV set
  const shortRead = READ_CMD.subarray(0, 15); // memory area parameters cut short
  const tcpErr = hex`46 49 4e 53  00 00 00 08  00 00 00 03  00 00 00 21 // frame send error notification, error 0x21: node already connected`;
  const u = runSession(omron_fins, [C(reserved), C(shortRead), C(hex`80 00 02`), C(READ_CMD)], UDP);
  assert.deepEqual(u.events.map((e) => e.name), ['bad_header', 'bad_parameters', 'truncated']);
  assert.equal(u.records.at(-1)![1].command_code, 'Memory Area Read');
  const t = runSession(omron_fins, [C(TCP_NODE_REQ), S(tcpErr), S(hex`00 01 02 03`), S(TCP_NODE_RES)]);
  assert.deepEqual(t.events.map((e) => e.name), ['tcp_error', 'resync']);
  assert.equal(t.records[1][1].tcp_error, 'The specified node is already connected');
});

test('SIDs wrap: a new command with a SID still waiting replaces it, and the state stays bounded', () => {
  const chunks: Chunk[] = [];
  for (let i = 0; i < 600; i++) {
    const c = READ_CMD.slice();
    c[9] = i & 255;
    chunks.push(C(c));
  }
  const res = READ_RES.slice();
  res[9] = 599 & 255;
  chunks.push(S(res));
  const r = runSession(omron_fins, chunks, UDP);
  assert.deepEqual(r.events, []);
  assert.equal(r.records.length, 601);
  assert.ok(Math.abs((r.records[600][1].rtt as number) - 0.001) < 1e-6, 'paired with the latest command of that SID');
});

test('fuzz: random bytes and bit flips never throw', () => {
  const stream = concat(TCP_NODE_REQ, tcpFrame(READ_CMD), tcpFrame(RUN_CMD));
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (b, udp) => {
      runSession(omron_fins, [C(b), S(b)], udp ? UDP : {});
      return true;
    }),
    { numRuns: 500 },
  );
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(stream.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 }), (flips) => {
      const b = stream.slice();
      for (const [i, x] of flips) b[i] ^= x;
      runSession(omron_fins, [C(b)]);
      return true;
    }),
    { numRuns: 500 },
  );
});
