// COTP over TPKT: every TPDU type from byte arrays written after RFC 1006 and ISO 8073,
// segmented DT reassembly, the hand-over of TSDUs to the child, malformed TPDUs raising their
// events, truncation and segmentation independence, fuzzing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { bytewise, concat, everySplit, hex, runSession, withoutTs, type Chunk } from '../../dissect/testing.ts';
import { PROBE, type ProbeHint, type ProtocolDef } from '../../dissect/types.ts';
import { s7comm } from '../s7comm/index.ts';
import { s7comm_plus } from '../s7comm_plus/index.ts';
import { cotp } from './index.ts';
import { MAX_TSDU } from './session.ts';

/** A child of 'cotp' that records every TSDU it gets (as hex) and claims payloads starting 0xAA. */
const echo: ProtocolDef = {
  id: 'echo',
  parents: ['cotp'],
  probe: (d, off, len) => (len > 0 && d[off] === 0xaa ? PROBE.YES : PROBE.NO),
  create(ctx) {
    return {
      data(isOrig, d, off, len) {
        ctx.record('echo', { is_orig: isOrig, tsdu: Buffer.from(d.subarray(off, off + len)).toString('hex') });
      },
      gap() {},
      end() {},
    };
  },
  records: { echo: [] },
  events: {},
};

const hint = (portMatch: boolean): ProbeHint => ({ transport: 'tcp', portMatch, isOrig: true, srcPort: 49152, dstPort: portMatch ? 102 : 3000 });

// CR as a SIMATIC client sends it (s7ident.pcap frame 4 has this shape).
const CR = hex`
  03 00 00 16   // TPKT: version 3, reserved, length 22
  11            // LI: 17 header octets follow
  e0            // CR, CDT 0
  00 00         // DST-REF
  00 01         // SRC-REF
  00            // class 0, normal formats, no explicit flow control
  c0 01 0a      // TPDU size 2^10 = 1024
  c1 02 01 00   // calling TSAP 0100
  c2 02 01 02   // called TSAP 0102 (rack 0, slot 2)
`;
const CC = hex`
  03 00 00 16   // TPKT length 22
  11 d0         // LI 17, CC
  00 01         // DST-REF = the CR's SRC-REF
  00 44         // SRC-REF
  00            // class 0
  c0 01 0a      // TPDU size 1024
  c1 02 01 00   // calling TSAP
  c2 02 01 02   // called TSAP
`;
/** DT class 0 carrying `data`, EOT set or not. */
function dt(data: Uint8Array, eot = true, nr = 0): Uint8Array {
  const n = 7 + data.length;
  return concat(new Uint8Array([0x03, 0x00, n >> 8, n & 0xff, 0x02, 0xf0, (eot ? 0x80 : 0) | nr]), data);
}

const head = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).filter(([k]) => !['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'source_h', 'source_p', 'destination_h', 'destination_p'].includes(k)));
const defined = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(head(r)).filter(([, v]) => v !== undefined));

test('CR and CC: references, class, TPDU size and TSAPs; valid both ways', () => {
  const r = runSession(cotp, [{ isOrig: true, bytes: CR }, { isOrig: false, bytes: CC }]);
  assert.equal(r.records.length, 2);
  assert.deepEqual(defined(r.records[0][1]), {
    is_orig: true, pdu_code: '0x0e', pdu_name: 'CR Connection Request', dst_ref: 0, src_ref: 1, class: 0,
    tpdu_size: 1024, calling_tsap: '0100', called_tsap: '0102', user_data_length: 0,
  });
  assert.deepEqual(defined(r.records[1][1]), {
    is_orig: false, pdu_code: '0x0d', pdu_name: 'CC Connection Confirm', dst_ref: 1, src_ref: 0x44, class: 0,
    tpdu_size: 1024, calling_tsap: '0100', called_tsap: '0102', user_data_length: 0,
  });
  const rec = r.records[0][1];
  assert.deepEqual([rec.source_h, rec.source_p, rec.destination_h, rec.destination_p], ['192.0.2.1', 49152, '192.0.2.2', 502]);
  assert.equal(r.confirmed, true);
  assert.deepEqual(r.events, []);
});

test('DT: the TSDU goes to the child whose probe claims it; EOT segments are joined first', () => {
  const chunks: Chunk[] = [
    { isOrig: true, bytes: CR },
    { isOrig: false, bytes: CC },
    { isOrig: true, bytes: dt(hex`aa 01 02`) },
    // one TSDU in three DTs: EOT 0, 0, 1
    { isOrig: false, bytes: concat(dt(hex`aa 10`, false, 0), dt(hex`11 12`, false, 1)) },
    { isOrig: false, bytes: dt(hex`13`, true, 2) },
  ];
  const r = runSession(cotp, chunks, { children: [echo] });
  assert.deepEqual(r.children, ['echo']);
  assert.deepEqual(r.records.filter(([t]) => t === 'echo').map(([, x]) => [x.is_orig, x.tsdu]), [[true, 'aa0102'], [false, 'aa10111213']]);
  const dts = r.records.filter(([t]) => t === 'cotp').slice(2).map(([, x]) => [x.pdu_code, x.tpdu_nr, x.eot, x.user_data_length]);
  assert.deepEqual(dts, [['0x0f', 0, true, 3], ['0x0f', 0, false, 2], ['0x0f', 1, false, 2], ['0x0f', 2, true, 1]]);
});

test('DR, DC, ER, AK and an AK concatenated with a class 2 DT', () => {
  const DR = hex`03 00 00 0b  06 80  00 44  00 01  80`; // LI 6, DR, DST-REF, SRC-REF, reason 128
  const DC = hex`03 00 00 0a  05 c0  00 01  00 44`; // LI 5, DC, DST-REF, SRC-REF
  const ER = hex`03 00 00 09  04 70  00 01  02`; // LI 4, ER, DST-REF, reject cause 2
  const AK_DT = hex`
    03 00 00 12      // TPKT length 18
    04 61 00 01 05   // AK, CDT 1, DST-REF 1, YR-TU-NR 5
    04 f0 00 01 86   // DT class 2: DST-REF 1, EOT, TPDU-NR 6
    aa 01 02 03      // user data
  `;
  const r = runSession(cotp, [{ isOrig: true, bytes: AK_DT }, { isOrig: false, bytes: ER }, { isOrig: true, bytes: DR }, { isOrig: false, bytes: DC }], { children: [echo] });
  const recs = r.records.filter(([t]) => t === 'cotp').map(([, x]) => defined(x));
  assert.deepEqual(recs, [
    { is_orig: true, pdu_code: '0x06', pdu_name: 'AK Data Acknowledgement', dst_ref: 1, tpdu_nr: 5 },
    { is_orig: true, pdu_code: '0x0f', pdu_name: 'DT Data', dst_ref: 1, tpdu_nr: 6, eot: true, user_data_length: 4 },
    { is_orig: false, pdu_code: '0x07', pdu_name: 'ER TPDU Error', dst_ref: 1, reason_code: 2, reason: 'Invalid TPDU type' },
    { is_orig: true, pdu_code: '0x08', pdu_name: 'DR Disconnect Request', dst_ref: 0x44, src_ref: 1, reason_code: 128, reason: 'Normal disconnect initiated by the session entity', user_data_length: 0 },
    { is_orig: false, pdu_code: '0x0c', pdu_name: 'DC Disconnect Confirm', dst_ref: 1, src_ref: 0x44 },
  ]);
  assert.deepEqual(r.records.filter(([t]) => t === 'echo').map(([, x]) => x.tsdu), ['aa010203']);
});

test('RDP puts its negotiation request in the CR header: no parameter error', () => {
  const RDP_CR = hex`03 00 00 13  0e e0 00 00 00 00 00  01 00 08 00 0b 00 00 00`; // ndpi rdp.pcap frame 4
  const r = runSession(cotp, [{ isOrig: true, bytes: RDP_CR }]);
  assert.deepEqual(r.events, []);
  assert.equal(r.records[0][1].pdu_name, 'CR Connection Request');
});

test('malformed TPKTs and TPDUs raise their events and the flow goes on', () => {
  const good = dt(hex`aa 00`);
  const cases: [string, Uint8Array][] = [
    ['bad_tpkt_length', hex`03 00 00 05 00`], // a TPKT of 5 bytes cannot hold a TPDU
    ['bad_length_indicator', hex`03 00 00 07 09 f0 80`], // LI 9 runs past the TPKT
    ['bad_length_indicator', hex`03 00 00 07 00 f0 80`], // LI 0
    ['bad_length_indicator', hex`03 00 00 09 04 e0 00 00 00`], // CR needs LI 6
    ['unknown_tpdu', hex`03 00 00 07 02 30 80`], // code 3 is not defined
    ['bad_parameter', hex`03 00 00 0e 09 e0 00 00 00 01 00 c1 05 01`], // calling TSAP of 5 octets in a 1-octet space
    ['bad_class', hex`03 00 00 0b 06 e0 00 00 00 01 50`], // class 5
    ['resync', hex`01 02 03 04`], // not a TPKT
  ];
  for (const [event, bytes] of cases) {
    const r = runSession(cotp, [{ isOrig: true, bytes: good }, { isOrig: true, bytes }, { isOrig: true, bytes: good }, { isOrig: false, bytes: good }], { children: [echo] });
    assert.deepEqual(r.events.map((e) => e.name), [event], event);
    assert.equal(r.records.filter(([t]) => t === 'echo').length, 3, `${event}: the TSDUs around it are still delivered`);
    assert.equal(r.rejected, null);
  }
  const unknown = runSession(cotp, [{ isOrig: true, bytes: hex`03 00 00 07 02 30 80` }]);
  assert.equal(unknown.records[0][1].pdu_name, 'unknown-3', 'an unknown TPDU code is data');
});

test('a segmented TSDU beyond the cap is dropped with an event; the next one arrives', () => {
  const seg = new Uint8Array(60000).fill(0xaa);
  const chunks: Chunk[] = [];
  for (let i = 0; i * seg.length <= MAX_TSDU; i++) chunks.push({ isOrig: true, bytes: dt(seg, false) });
  chunks.push({ isOrig: true, bytes: dt(hex`aa`) }, { isOrig: true, bytes: dt(hex`aa 02`) });
  const r = runSession(cotp, chunks, { children: [echo] });
  assert.deepEqual(r.events.map((e) => e.name), ['reassembly_too_large']);
  assert.deepEqual(r.records.filter(([t]) => t === 'echo').map(([, x]) => x.tsdu), ['aa02']);
});

test('a connection that leaves TPKT before any data (RDP turning to TLS) is given up', () => {
  const tls = new Uint8Array(5000).fill(0x16);
  const r = runSession(cotp, [{ isOrig: true, bytes: CR }, { isOrig: false, bytes: CC }, { isOrig: true, bytes: tls }]);
  assert.equal(r.rejected, 'the stream is not TPKT');
  assert.equal(r.records.length, 2);
});

test('after a gap, parsing resumes at the next valid TPKT', () => {
  const r = runSession(cotp, [
    { isOrig: true, bytes: dt(hex`aa 01`) },
    { isOrig: true, bytes: new Uint8Array(0), gap: 10 },
    { isOrig: true, bytes: concat(hex`00 07 02 f0`, dt(hex`aa 02`)) },
  ], { children: [echo] });
  assert.deepEqual(r.records.filter(([t]) => t === 'echo').map(([, x]) => x.tsdu), ['aa01', 'aa02']);
  assert.deepEqual(r.events, [], 'skipping after a gap is no anomaly of its own');
});

test('probe: TPKT + COTP header; off port 102 a whole CR/CC/DT that parses', () => {
  assert.equal(cotp.probe(CR, 0, CR.length, hint(true)), PROBE.YES);
  assert.equal(cotp.probe(CR, 0, CR.length, hint(false)), PROBE.YES);
  assert.equal(cotp.probe(CR, 0, 10, hint(false)), PROBE.MAYBE, 'off port: the whole first TPKT is wanted');
  assert.equal(cotp.probe(CR, 0, 3, hint(true)), PROBE.MAYBE);
  assert.equal(cotp.probe(hex`03 00 00 07 02 f0 80`, 0, 7, hint(false)), PROBE.YES);
  assert.equal(cotp.probe(hex`03 00 00 09 04 70 00 01 02`, 0, 9, hint(false)), PROBE.NO, 'an ER does not start a connection');
  assert.equal(cotp.probe(hex`03 00 00 09 04 70 00 01 02`, 0, 9, hint(true)), PROBE.YES);
  assert.equal(cotp.probe(hex`16 03 01 00 a5 01`, 0, 6, hint(true)), PROBE.NO);
  assert.equal(cotp.probe(hex`03 00 00 06 01 f0`, 0, 6, hint(true)), PROBE.NO, 'TPKT length below 7');
  assert.equal(cotp.probe(CR, 0, CR.length, { ...hint(true), transport: 'udp' }), PROBE.NO);
});

// A whole S7 conversation through COTP: handshake, Setup Communication both ways, a Read Var.
const S7_SETUP = hex`32 01 0000 0000 0008 0000  f0 00 0001 0001 01e0`;
const S7_SETUP_ACK = hex`32 03 0000 0000 0008 0000 00 00  f0 00 0001 0001 00f0`;
const S7_READ = hex`32 01 0000 0100 000e 0000  04 01 12 0a 10 02 0004 0001 84 000000`;
const S7_READ_ACK = hex`32 03 0000 0100 0002 0008 00 00  04 01  ff 04 0020 01020304`;
const CONVERSATION: Chunk[] = [
  { isOrig: true, bytes: CR },
  { isOrig: false, bytes: CC },
  { isOrig: true, bytes: dt(S7_SETUP) },
  { isOrig: false, bytes: dt(S7_SETUP_ACK) },
  { isOrig: true, bytes: concat(dt(S7_READ.subarray(0, 9), false), dt(S7_READ.subarray(9))) },
  { isOrig: false, bytes: dt(S7_READ_ACK) },
];

test('the same records whatever the TCP segmentation (every split, byte by byte)', () => {
  const base = withoutTs(runSession(cotp, CONVERSATION, { children: [s7comm] }));
  assert.equal(base.filter(([t]) => t === 's7comm').length, 4);
  assert.equal(base.filter(([t]) => t === 's7comm_read_write').length, 1);
  for (const chunks of everySplit(CONVERSATION)) assert.deepEqual(withoutTs(runSession(cotp, chunks, { children: [s7comm] })), base);
  assert.deepEqual(withoutTs(runSession(cotp, bytewise(CONVERSATION), { children: [s7comm] })), base);
});

test('truncation at every offset: no exception, and the records are a prefix of the whole run', () => {
  const stream = concat(...CONVERSATION.filter((c) => c.isOrig).map((c) => c.bytes));
  const full = withoutTs(runSession(cotp, [{ isOrig: true, bytes: stream }], { children: [s7comm] }));
  for (let n = 0; n < stream.length; n++) {
    const part = withoutTs(runSession(cotp, [{ isOrig: true, bytes: stream.subarray(0, n) }], { children: [s7comm] }));
    assert.deepEqual(part, full.slice(0, part.length), `prefix of ${n} bytes`);
  }
});

test('fuzz: random bytes and bit-flipped conversations never throw', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.boolean(), fc.uint8Array({ maxLength: 300 })), { maxLength: 12 }), (parts) => {
      runSession(cotp, parts.map(([isOrig, bytes]) => ({ isOrig, bytes })), { children: [s7comm, s7comm_plus, echo] });
    }),
    { numRuns: 300 },
  );
  const stream = concat(...CONVERSATION.map((c) => c.bytes));
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(stream.length - 1), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 8 }), fc.nat(stream.length), (flips, cut) => {
      const b = stream.slice();
      for (const [at, bit] of flips) b[at] ^= 1 << bit;
      runSession(cotp, [{ isOrig: true, bytes: b.subarray(0, cut) }, { isOrig: false, bytes: b.subarray(cut) }], { children: [s7comm, s7comm_plus, echo] });
    }),
    { numRuns: 500 },
  );
});

test('docs/protocols/cotp.md documents every field of every record type and every event', () => {
  const doc = readFileSync(new URL('../../../docs/protocols/cotp.md', import.meta.url), 'utf8');
  const rows = doc.split('\n').filter((l) => l.startsWith('|'));
  const documented = (name: string) => rows.some((l) => new RegExp(`(^\\|\\s*|[ ,\`])${name.replace('.', '\\.')}([ ,\`|])`).test(l));
  for (const [type, list] of Object.entries(cotp.records)) {
    assert.ok(doc.includes(`## \`${type}\` record`), `section for ${type}`);
    for (const f of list) assert.ok(documented(f.name), `${type}.${f.name} documented`);
  }
  for (const e of Object.keys(cotp.events)) assert.ok(doc.includes(`cotp.${e}`), `event cotp.${e} documented`);
});
