// NetBIOS unit tests: name service packets built from RFC 1002 §4.2 (name query request and
// responses, registration with its additional record, WACK, node status request and
// response) and datagram service packets from §4.4 carrying an SMB mailslot browser
// announcement (MS-BRWS §2.2.1); names first-level encoded by the RFC 1001 §14.1 rule in
// the test itself. Pairing, caps, malformed messages, truncation at every offset, probes,
// fuzzing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { REPO } from '../../../test/support/corpus.ts';
import { concat, hex, prefixes, runSession, type Chunk } from '../../dissect/testing.ts';
import { FLOW_HEADER_FIELDS, PROBE, type ProbeHint } from '../../dissect/types.ts';
import { netbios } from './index.ts';
import { NETBIOS_FIELDS } from './records.ts';
import { MAX_PENDING } from './session.ts';

type Rec = Record<string, unknown>;

/** RFC 1001 §14.1: the name padded with spaces to 15 bytes, the suffix, each half byte + 'A'; as a 32-byte label. */
function encodeName(name: string, suffix: number, scope: string[] = []): Uint8Array {
  const raw = new Uint8Array(16).fill(0x20);
  for (let i = 0; i < name.length; i++) raw[i] = name.charCodeAt(i);
  raw[15] = suffix;
  const out = [0x20];
  for (const b of raw) out.push(0x41 + (b >> 4), 0x41 + (b & 15));
  for (const l of scope) out.push(l.length, ...[...l].map((c) => c.charCodeAt(0)));
  out.push(0);
  return new Uint8Array(out);
}

const NS_FLOW = { transport: 'udp' as const, flow: { transport: 'udp' as const, origH: '192.0.2.20', origP: 137, respH: '192.0.2.255', respP: 137 } };
const NS_UNICAST = { transport: 'udp' as const, flow: { transport: 'udp' as const, origH: '192.0.2.20', origP: 137, respH: '192.0.2.2', respP: 137 } };
const DGM_FLOW = { transport: 'udp' as const, flow: { transport: 'udp' as const, origH: '192.0.2.20', origP: 138, respH: '192.0.2.255', respP: 138 } };
const out = (bytes: Uint8Array, ts?: number): Chunk => ({ isOrig: true, bytes, ts });
const back = (bytes: Uint8Array, ts?: number): Chunk => ({ isOrig: false, bytes, ts });

function recs(run: ReturnType<typeof runSession>): Rec[] {
  const schema = NETBIOS_FIELDS.map((f) => f.name);
  for (const [t, x] of run.records) {
    assert.equal(t, 'netbios');
    const keys = Object.keys(x).filter((k) => x[k] !== undefined);
    assert.deepEqual(keys, schema.filter((k) => keys.includes(k)), 'record keys are schema fields, in order');
  }
  return run.records.map(([, x]) => x);
}

/** §4.2.12 NAME QUERY REQUEST: B flag set, RD set, one question NB/IN. */
const QUERY_BCAST = concat(
  hex`80 01  // NAME_TRN_ID
      01 10  // R=0 OPCODE=0 NM_FLAGS: RD=1 B=1; RCODE=0
      00 01 00 00 00 00 00 00 // QDCOUNT=1`,
  encodeName('FILESRV', 0x20),
  hex`00 20 00 01 // QUESTION_TYPE NB, QUESTION_CLASS IN`,
);
/** The same query sent to a WINS server (B clear). */
const QUERY_WINS = QUERY_BCAST.slice();
QUERY_WINS[3] = 0x00;

/** §4.2.13 POSITIVE NAME QUERY RESPONSE: R=1, AA, RD, RA; one answer NB with one entry. */
const POSITIVE = concat(
  hex`80 01  85 80  00 00 00 01 00 00 00 00 // R=1 OPCODE=0 AA RD RA; ANCOUNT=1`,
  encodeName('FILESRV', 0x20),
  hex`00 20 00 01  // RR_TYPE NB, RR_CLASS IN
      00 04 93 e0  // TTL 300000
      00 06        // RDLENGTH
      60 00        // NB_FLAGS: G=0, ONT=11 (H node)
      c0 00 02 21  // NB_ADDRESS 192.0.2.33`,
);

test('a broadcast name query is written at once, alone, with the decoded name and its suffix', () => {
  const r = recs(runSession(netbios, [out(QUERY_BCAST)], NS_FLOW));
  assert.equal(r.length, 1);
  const x = r[0];
  assert.deepEqual(
    [x.nb_service, x.trans_id, x.opcode, x.opcode_name, x.name, x.name_suffix, x.name_type, x.qtype, x.qtype_name, x.qclass, x.broadcast, x.RD, x.request_seen, x.response_seen],
    ['name', 0x8001, 0, 'netbios-query', 'FILESRV', 0x20, 'Server', 32, 'NB', 1, true, true, true, false],
  );
});

test('a unicast query and its positive response: one record with the answer address, TTL and node type', () => {
  const run = runSession(netbios, [out(QUERY_WINS, 10), back(POSITIVE, 10.5)], NS_UNICAST);
  const [x] = recs(run);
  assert.deepEqual(
    [x.trans_id, x.rtt, x.rcode, x.rcode_name, x.AA, x.RA, x.broadcast, x.group, x.node_type, x.answers, x.ttl, x.request_seen, x.response_seen],
    [0x8001, 0.5, 0, 'NOERROR', true, true, false, false, 'H', ['192.0.2.33'], 300000, true, true],
  );
  assert.ok(run.confirmed);
  assert.deepEqual(run.events, []);
});

test('registration: the additional record carries the group flag and the address registered; a negative response', () => {
  // §4.2.2 NAME REGISTRATION REQUEST: OPCODE 5, RD, B; QD=1 AR=1; the RR name points to the question.
  const reg = concat(
    hex`00 07 29 10 00 01 00 00 00 00 00 01`,
    encodeName('WORKGROUP', 0x00),
    hex`00 20 00 01  c0 0c 00 20 00 01 00 04 93 e0 00 06  80 00 // G=1, B node
        c0 00 02 14 // 192.0.2.20`,
  );
  const [a] = recs(runSession(netbios, [out(reg)], NS_FLOW));
  assert.deepEqual([a.opcode_name, a.name, a.name_suffix, a.name_type, a.group, a.node_type, a.request_addrs, a.ttl], ['netbios-registration', 'WORKGROUP', 0, 'Domain Name', true, 'B', ['192.0.2.20'], 300000]);
  // §4.2.6 NEGATIVE NAME REGISTRATION RESPONSE with RCODE ACT_ERR (6), to a unicast request.
  const wins = reg.slice();
  wins[3] = 0x00;
  const neg = concat(hex`00 07 ad 86 00 00 00 01 00 00 00 00`, encodeName('WORKGROUP', 0x00), hex`00 20 00 01 00 00 00 00 00 06 80 00 c0 00 02 14`);
  const [b] = recs(runSession(netbios, [out(wins), back(neg)], NS_UNICAST));
  assert.deepEqual([b.rcode, b.rcode_name, b.request_seen, b.response_seen], [6, 'ACT_ERR', true, true]);
});

test('a WACK is written alone and leaves the request waiting for its real response', () => {
  const reg = concat(hex`00 09 28 00 00 01 00 00 00 00 00 01`, encodeName('HOST1', 0x00), hex`00 20 00 01 c0 0c 00 20 00 01 00 04 93 e0 00 06 60 00 c0 00 02 14`);
  // §4.2.16 WAIT FOR ACKNOWLEDGEMENT RESPONSE: OPCODE 7, AA; RDATA = the request's flags (2 bytes).
  const wack = concat(hex`00 09 bc 00 00 00 00 01 00 00 00 00`, encodeName('HOST1', 0x00), hex`00 20 00 01 00 00 00 02 00 02 28 00`);
  const ok = concat(hex`00 09 ad 80 00 00 00 01 00 00 00 00`, encodeName('HOST1', 0x00), hex`00 20 00 01 00 04 93 e0 00 06 60 00 c0 00 02 14`);
  const r = recs(runSession(netbios, [out(reg), back(wack), back(ok)], NS_UNICAST));
  assert.deepEqual(r.map((x) => [x.opcode_name, x.request_seen, x.response_seen]), [['netbios-wack', false, true], ['netbios-registration', true, true]]);
});

test('node status: the "*" query and the response listing the node\'s names and its MAC address', () => {
  // §4.2.17 NODE STATUS REQUEST: the name "*" padded with NULs, type NBSTAT.
  const star = new Uint8Array(34);
  star[0] = 0x20;
  const raw = new Uint8Array(16);
  raw[0] = 0x2a;
  for (let i = 0; i < 16; i++) {
    star[1 + 2 * i] = 0x41 + (raw[i] >> 4);
    star[2 + 2 * i] = 0x41 + (raw[i] & 15);
  }
  const req = concat(hex`00 42 00 00 00 01 00 00 00 00 00 00`, star, hex`00 21 00 01`);
  // §4.2.18 NODE STATUS RESPONSE: NUM_NAMES 2, each 16 bytes + NAME_FLAGS, then the statistics (UNIT_ID first).
  const name = (s: string, suffix: number, flags: number) => {
    const b = new Uint8Array(18).fill(0x20);
    for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
    b[15] = suffix;
    b[16] = flags >> 8;
    b[17] = flags & 255;
    return b;
  };
  const rdata = concat(hex`02`, name('PLC-HMI-01', 0x00, 0x0400), name('CONTROLNET', 0x00, 0x8400), hex`00 1d 9c 12 34 56`, new Uint8Array(40));
  const resp = concat(hex`00 42 84 00 00 00 00 01 00 00 00 00`, star, hex`00 21 00 01 00 00 00 00`, new Uint8Array([rdata.length >> 8, rdata.length & 255]), rdata);
  const [x] = recs(runSession(netbios, [out(req), back(resp)], NS_UNICAST));
  assert.deepEqual([x.name, x.name_suffix, x.qtype_name, x.answers, x.unit_id], ['*', 0, 'NBSTAT', ['PLC-HMI-01<00>', 'CONTROLNET<00>'], '00:1d:9c:12:34:56']);
});

test('a NetBIOS scope after the name is its own field', () => {
  const m = concat(hex`80 02 01 10 00 01 00 00 00 00 00 00`, encodeName('HMI', 0x00, ['plant', 'local']), hex`00 20 00 01`);
  const [x] = recs(runSession(netbios, [out(m)], NS_FLOW));
  assert.deepEqual([x.name, x.scope], ['HMI', 'plant.local']);
});

test(`pending cap: more than ${MAX_PENDING} unicast requests without answers raise flooded`, () => {
  const chunks: Chunk[] = [];
  for (let i = 0; i <= MAX_PENDING; i++) {
    const m = QUERY_WINS.slice();
    m[0] = i >> 8;
    m[1] = i & 255;
    chunks.push(out(m));
  }
  const run = runSession(netbios, chunks, NS_UNICAST);
  assert.equal(run.events.filter((e) => e.name === 'flooded').length, 1);
  assert.equal(run.records.length, MAX_PENDING + 1);
});

// ---- datagram service ----

/** An SMB Transaction to \MAILSLOT\BROWSE (MS-SMB 2.2.4.33 layout) carrying `data`. */
function mailslot(data: Uint8Array, slot = '\\MAILSLOT\\BROWSE'): Uint8Array {
  const name = concat(new TextEncoder().encode(slot), hex`00`);
  const header = hex`ff 53 4d 42 25 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00`;
  const wc = 17;
  // Data offset: header (32) + word count (1) + 17 words (34) + byte count (2) + name.
  const dataOffset = 32 + 1 + 2 * wc + 2 + name.length;
  const w = new Uint8Array(2 * wc);
  const dv = new DataView(w.buffer);
  dv.setUint16(2, data.length, true); // TotalDataCount
  dv.setUint16(22, data.length, true); // DataCount
  dv.setUint16(24, dataOffset, true); // DataOffset
  w[26] = 3; // SetupCount
  dv.setUint16(28, 1, true); // Setup[0]: mailslot write
  const bc = name.length + data.length;
  return concat(header, new Uint8Array([wc]), w, new Uint8Array([bc & 255, bc >> 8]), name, data);
}

/** MS-BRWS 2.2.1 HostAnnouncement: "PLC-HMI-01", Windows 6.1, workstation + server + NT, comment "Line 3 HMI". */
const HOST_ANNOUNCEMENT = concat(
  hex`01          // command: HostAnnouncement
      03          // UpdateCount
      60 ea 00 00 // Periodicity 60000 ms`,
  new TextEncoder().encode('PLC-HMI-01'), new Uint8Array(6), // ServerName, 16 bytes NUL-padded
  hex`06 01       // OSVersionMajor 6, Minor 1
      03 10 00 00 // ServerType: WORKSTATION | SERVER | NT (0x1003)
      0f 01       // BrowserVersion 15.1
      55 aa       // Signature`,
  new TextEncoder().encode('Line 3 HMI'), hex`00`,
);

function datagram(type: number, user: Uint8Array, src = 'PLC-HMI-01', dst = 'CONTROLNET', dstSuffix = 0x1d): Uint8Array {
  const names = concat(encodeName(src, 0x00), encodeName(dst, dstSuffix));
  const len = names.length + user.length;
  return concat(
    new Uint8Array([type, 0x02]), // MSG_TYPE, FLAGS: F (first), B node
    hex`12 34   // DGM_ID
        c0 00 02 14 // SOURCE_IP 192.0.2.20
        00 8a`,     // SOURCE_PORT 138
    new Uint8Array([len >> 8, len & 255, 0, 0]), // DGM_LENGTH, PACKET_OFFSET
    names, user,
  );
}

test('a DIRECT_GROUP datagram with a browser HostAnnouncement: names, host, OS version, server type, comment', () => {
  const run = runSession(netbios, [out(datagram(0x11, mailslot(HOST_ANNOUNCEMENT)))], DGM_FLOW);
  const [x] = recs(run);
  assert.deepEqual(
    [x.nb_service, x.msg_type, x.msg_type_code, x.dgm_id, x.source_addr, x.source_port, x.source_node_type, x.source_name, x.source_suffix, x.destination_name, x.destination_suffix],
    ['datagram', 'DIRECT_GROUP', 0x11, 0x1234, '192.0.2.20', 138, 'B', 'PLC-HMI-01', 0, 'CONTROLNET', 0x1d],
  );
  assert.deepEqual(
    [x.mailslot, x.browser_command, x.browser_command_code, x.server_name, x.os_version, x.server_type, x.server_type_names, x.browser_version, x.comment, x.announce_interval],
    ['\\MAILSLOT\\BROWSE', 'HostAnnouncement', 1, 'PLC-HMI-01', '6.1', 0x1003, ['SV_TYPE_WORKSTATION', 'SV_TYPE_SERVER', 'SV_TYPE_NT'], '15.1', 'Line 3 HMI', 60],
  );
  assert.deepEqual(run.events, []);
  assert.ok(run.confirmed);
});

test('other browser messages: election, backup list; other mailslots are named only; ERROR datagrams', () => {
  const election = concat(hex`08 01 00 00 00 00 00 00 00 00 00 00 00 00`, new TextEncoder().encode('ENG-WS'), hex`00`);
  const backup = concat(hex`0a 02 01 00 00 00`, new TextEncoder().encode('BDC1'), hex`00`, new TextEncoder().encode('BDC2'), hex`00`);
  const netlogon = mailslot(hex`07 00`, '\\MAILSLOT\\NET\\NETLOGON');
  const error = hex`13 02 00 05 c0 00 02 14 00 8a 82 // ERROR: DESTINATION NAME NOT PRESENT`;
  const r = recs(runSession(netbios, [out(datagram(0x11, mailslot(election))), out(datagram(0x10, mailslot(backup))), out(datagram(0x12, netlogon)), out(error)], DGM_FLOW));
  assert.deepEqual([r[0].browser_command, r[0].server_name], ['RequestElection', 'ENG-WS']);
  assert.deepEqual([r[1].msg_type, r[1].browser_command, r[1].backup_servers], ['DIRECT_UNIQUE', 'GetBackupListResponse', ['BDC1', 'BDC2']]);
  assert.deepEqual([r[2].msg_type, r[2].mailslot, r[2].browser_command], ['BROADCAST', '\\MAILSLOT\\NET\\NETLOGON', undefined]);
  assert.deepEqual([r[3].msg_type, r[3].error_code, r[3].error_name, r[3].source_name], ['ERROR', 0x82, 'DESTINATION_NAME_NOT_PRESENT', undefined]);
});

test('malformed: a name that is not encoded, a DGM_LENGTH that does not match, a fragment, a cut record; the flow goes on', () => {
  const bad = QUERY_BCAST.slice();
  bad[13] = 0x5a; // 'Z' is not in 'A'..'P'
  const wrongLength = datagram(0x11, mailslot(HOST_ANNOUNCEMENT));
  wrongLength[11] += 1;
  const fragment = datagram(0x11, mailslot(HOST_ANNOUNCEMENT));
  fragment[1] = 0x03; // F and M: more fragments follow
  const run = runSession(netbios, [out(bad), out(QUERY_BCAST)], NS_FLOW);
  assert.deepEqual(run.events.map((e) => e.name), ['bad_name']);
  assert.equal(run.records.length, 1);
  const d = runSession(netbios, [out(wrongLength), out(fragment)], DGM_FLOW);
  assert.deepEqual(d.events.map((e) => e.name), ['bad_length', 'fragment']);
  assert.equal(recs(d)[1].browser_command, undefined, 'a fragment\'s user data is not decoded');
  const cut = runSession(netbios, [out(QUERY_WINS), back(POSITIVE.subarray(0, POSITIVE.length - 3))], NS_UNICAST);
  assert.deepEqual(cut.events.map((e) => e.name), ['truncated']);
  assert.equal(recs(cut)[0].answers, undefined);
});

test('truncation at every offset: no exception, no record with more than the bytes hold', () => {
  for (const p of prefixes(POSITIVE)) {
    for (const x of recs(runSession(netbios, [out(QUERY_WINS), back(p)], NS_UNICAST))) assert.ok(x.answers === undefined || p.length === POSITIVE.length, `${p.length} bytes`);
  }
  const dg = datagram(0x11, mailslot(HOST_ANNOUNCEMENT));
  for (const p of prefixes(dg)) {
    for (const x of recs(runSession(netbios, [out(p)], DGM_FLOW))) assert.ok(x.comment === undefined || p.length >= dg.length - 1, `${p.length} bytes`);
  }
});

// ---- probes ----

const hint = (src: number, dst: number): ProbeHint => ({ transport: 'udp', portMatch: true, isOrig: true, srcPort: src, dstPort: dst });

test('probe: encoded names make both services recognisable on any port; text and random bytes are not', () => {
  const dg = datagram(0x11, mailslot(HOST_ANNOUNCEMENT));
  assert.equal(netbios.probe(QUERY_BCAST, 0, QUERY_BCAST.length, hint(137, 137)), PROBE.YES);
  assert.equal(netbios.probe(QUERY_BCAST, 0, QUERY_BCAST.length, { ...hint(5000, 6000), portMatch: false }), PROBE.YES);
  assert.equal(netbios.probe(POSITIVE, 0, POSITIVE.length, hint(137, 137)), PROBE.YES);
  assert.equal(netbios.probe(dg, 0, dg.length, hint(138, 138)), PROBE.YES);
  assert.equal(netbios.probe(dg, 0, dg.length, { ...hint(5000, 6000), portMatch: false }), PROBE.YES);
  assert.equal(netbios.probe(dg, 0, dg.length, hint(137, 137)), PROBE.NO, 'a datagram is not a name service message');
  assert.equal(netbios.probe(QUERY_BCAST, 0, QUERY_BCAST.length, { ...hint(137, 137), transport: 'tcp' }), PROBE.NO);
  // DGM_LENGTH is checked off port 138 only (some senders count the whole datagram).
  const whole = dg.slice();
  whole[10] = dg.length >> 8;
  whole[11] = dg.length & 255;
  assert.equal(netbios.probe(whole, 0, whole.length, hint(138, 138)), PROBE.YES);
  assert.equal(netbios.probe(whole, 0, whole.length, { ...hint(5000, 6000), portMatch: false }), PROBE.NO);
  let yes = 0;
  for (const b of fc.sample(fc.uint8Array({ minLength: 12, maxLength: 200 }), { numRuns: 2000, seed: 7 })) if (netbios.probe(b, 0, b.length, hint(5000, 6000)) === PROBE.YES) yes++;
  assert.equal(yes, 0);
});

// ---- fuzzing ----

test('fuzzing: random datagrams, and valid ones with bit flips, never throw', () => {
  fc.assert(
    fc.property(fc.array(fc.record({ isOrig: fc.boolean(), bytes: fc.uint8Array({ maxLength: 300 }) }), { maxLength: 10 }), (chunks) => {
      runSession(netbios, chunks, NS_UNICAST);
      runSession(netbios, chunks, DGM_FLOW);
    }),
    { numRuns: 500 },
  );
  const msgs = [QUERY_WINS, POSITIVE, datagram(0x11, mailslot(HOST_ANNOUNCEMENT))];
  fc.assert(
    fc.property(fc.nat(2), fc.array(fc.tuple(fc.nat(10_000), fc.nat(7)), { minLength: 1, maxLength: 8 }), (i, flips) => {
      const m = msgs[i].slice();
      for (const [at, bit] of flips) m[at % m.length] ^= 1 << bit;
      runSession(netbios, [out(m), back(m)], i === 2 ? DGM_FLOW : NS_UNICAST);
    }),
    { numRuns: 3000 },
  );
});

test('docs/protocols/netbios.md documents every record field and every event', () => {
  const doc = readFileSync(`${REPO}/docs/protocols/netbios.md`, 'utf8');
  for (const f of NETBIOS_FIELDS.slice(FLOW_HEADER_FIELDS.length)) assert.ok(doc.includes(`| \`${f.name}\``), f.name);
  for (const e of Object.keys(netbios.events)) assert.ok(doc.includes(`\`netbios.${e}\``), e);
});
