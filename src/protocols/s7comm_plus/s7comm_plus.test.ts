// S7comm-plus PDUs from byte arrays laid out as the S7comm-plus Wireshark plugin documents
// them: V1 and V3 (integrity part) requests and responses, notifications, keep-alives,
// messages split over several PDUs; malformed PDUs raising their events; truncation,
// segmentation (through COTP) and fuzzing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { bytewise, concat, everySplit, hex, runSession, withoutTs, type Chunk } from '../../dissect/testing.ts';
import { PROBE } from '../../dissect/types.ts';
import { cotp } from '../cotp/index.ts';
import { s7comm_plus } from './index.ts';

const HDR = new Set(['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'source_h', 'source_p', 'destination_h', 'destination_p']);
const fields = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).filter(([k, v]) => !HDR.has(k) && v !== undefined));
const recs = (r: ReturnType<typeof runSession>) => r.records.filter(([t]) => t === 's7comm_plus').map(([, x]) => fields(x));
const pdus = (...p: [boolean, Uint8Array][]): Chunk[] => p.map(([isOrig, bytes]) => ({ isOrig, bytes }));
const digest = new Uint8Array(32).fill(0x5a);

const V1_REQUEST = hex`
  72 01 00 10   // protocol id, version 1, data length 16
  31            // opcode: request
  00 00         // reserved
  04 ca         // function: CreateObject
  00 00         // reserved
  00 01         // sequence number 1
  00 00 01 20   // session id 0x120
  36            // a byte
  00 00         // request data
  72 01 00 00   // trailer
`;
const V1_RESPONSE = hex`
  72 01 00 0a
  32 00 00 04 ca 00 00 00 01   // response, CreateObject, sequence number 1
  00                           // a byte
  72 01 00 00
`;
const V3_REQUEST = concat(
  hex`72 03 00 2f   20`,          // version 3, data length 47; digest length 32
  digest,
  hex`
    31 00 00 04 f2 00 00   // request, SetVariable
    83 1a                  // sequence number 0x831a
    70 00 0e 4d            // session id
    74                     // a byte
    72 03 00 00            // trailer
  `,
);
const V3_NOTIFICATION = concat(hex`72 03 00 28 20`, digest, hex`33  00 00 0e 51 01 00  72 03 00 00`); // data: 1 + 32 + 7 bytes
const KEEP_ALIVE = hex`72 ff 05 00`; // version 0xff, keep-alive counter 5

test('V1 and V3 requests and responses, notifications, keep-alives', () => {
  const r = runSession(s7comm_plus, pdus([true, V1_REQUEST], [false, V1_RESPONSE], [true, V3_REQUEST], [false, V3_NOTIFICATION], [true, KEEP_ALIVE]));
  assert.deepEqual(recs(r), [
    { is_orig: true, version: 1, opcode: '0x31', opcode_name: 'Request', function_code: '0x04ca', function_name: 'Create Object', sequence_number: 1, session_id: 0x120, data_length: 16, fragmented: false },
    { is_orig: false, version: 1, opcode: '0x32', opcode_name: 'Response', function_code: '0x04ca', function_name: 'Create Object', sequence_number: 1, data_length: 10, fragmented: false },
    { is_orig: true, version: 3, opcode: '0x31', opcode_name: 'Request', function_code: '0x04f2', function_name: 'Set Variable', sequence_number: 0x831a, session_id: 0x70000e4d, data_length: 47, fragmented: false },
    { is_orig: false, version: 3, opcode: '0x33', opcode_name: 'Notification', data_length: 40, fragmented: false },
    { is_orig: true, version: 255, sequence_number: 5, fragmented: false },
  ]);
  assert.equal(r.confirmed, true);
  assert.deepEqual(r.events, []);
});

test('a message split over two PDUs: one record, at its first fragment, marked fragmented', () => {
  const first = hex`72 02 00 0e  31 0000 054c 0000 0007 00000120 36 00`; // no trailer: more follows
  const rest = hex`72 02 00 04  aa bb cc dd  72 02 00 00`; // continuation, with the trailer
  const r = runSession(s7comm_plus, pdus([true, first], [true, rest], [true, V1_REQUEST]));
  assert.deepEqual(recs(r).map((x) => [x.function_name, x.sequence_number, x.fragmented]), [['Get Multi Variables', 7, true], ['Create Object', 1, false]]);
});

test('malformed PDUs raise their events; unknown codes are data', () => {
  const cases: [string, Uint8Array, Record<string, unknown> | null][] = [
    ['unknown_opcode', hex`72 02 00 05  44 00 00 00 00  72 02 00 00`, { opcode: '0x44', opcode_name: 'unknown-68', function_code: '0x0000', function_name: 'unknown-0' }],
    ['bad_integrity', concat(hex`72 03 00 11 10`, new Uint8Array(16), hex`72 03 00 00`), { version: 3 }],
    ['unknown_version', hex`72 05 00 01  31  72 05 00 00`, { version: 5, opcode: '0x31' }],
    ['bad_length', hex`72 02 00 40  31 00`, { version: 2, opcode: '0x31' }],
    ['bad_protocol_id', hex`32 01 00 00`, null],
    ['bad_length', hex`72 01`, null],
  ];
  for (const [event, bytes, expect] of cases) {
    const r = runSession(s7comm_plus, pdus([true, bytes], [true, V1_REQUEST]));
    assert.deepEqual(r.events.map((e) => e.name), [event], event);
    const all = recs(r);
    assert.equal(all.length, expect === null ? 1 : 2, `${event}: the next PDU is still read`);
    if (expect !== null) for (const [k, v] of Object.entries(expect)) assert.deepEqual(all[0][k], v, `${event}: ${k}`);
  }
});

test('probe: protocol id 0x72 and a data length within the TSDU', () => {
  const h = { transport: 'tcp' as const, portMatch: true, isOrig: true, srcPort: 0, dstPort: 0 };
  assert.equal(s7comm_plus.probe(V1_REQUEST, 0, V1_REQUEST.length, h), PROBE.YES);
  assert.equal(s7comm_plus.probe(V3_REQUEST, 0, V3_REQUEST.length, h), PROBE.YES);
  assert.equal(s7comm_plus.probe(KEEP_ALIVE, 0, 4, h), PROBE.YES);
  assert.equal(s7comm_plus.probe(V1_REQUEST, 0, 10, h), PROBE.NO);
  assert.equal(s7comm_plus.probe(hex`32 01 00 00 00 00 00 00 00 00`, 0, 10, h), PROBE.NO);
});

const ALL = [V1_REQUEST, V1_RESPONSE, V3_REQUEST, V3_NOTIFICATION, KEEP_ALIVE];

test('truncation at every offset: no exception, nothing read beyond the bytes held', () => {
  for (const pdu of ALL) {
    for (let n = 0; n < pdu.length; n++) {
      const r = runSession(s7comm_plus, pdus([true, pdu.slice(0, n)]));
      for (const x of recs(r)) if (typeof x.data_length === 'number' && x.data_length + 4 > n) assert.equal(x.fragmented, false);
    }
  }
});

const tpkt = (p: Uint8Array) => concat(new Uint8Array([3, 0, (p.length + 7) >> 8, (p.length + 7) & 0xff, 2, 0xf0, 0x80]), p);

test('through COTP: the same records whatever the TCP segmentation', () => {
  const conv: Chunk[] = [
    { isOrig: true, bytes: tpkt(V1_REQUEST) },
    { isOrig: false, bytes: tpkt(V1_RESPONSE) },
    { isOrig: true, bytes: concat(tpkt(V3_REQUEST), tpkt(KEEP_ALIVE)) },
    { isOrig: false, bytes: tpkt(V3_NOTIFICATION) },
  ];
  const base = withoutTs(runSession(cotp, conv, { children: [s7comm_plus] }));
  assert.equal(base.filter(([t]) => t === 's7comm_plus').length, 5);
  for (const chunks of everySplit(conv)) assert.deepEqual(withoutTs(runSession(cotp, chunks, { children: [s7comm_plus] })), base);
  assert.deepEqual(withoutTs(runSession(cotp, bytewise(conv), { children: [s7comm_plus] })), base);
});

test('fuzz: random and bit-flipped PDUs never throw', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.boolean(), fc.uint8Array({ maxLength: 120 })), { maxLength: 10 }), (parts) => {
      runSession(s7comm_plus, parts.map(([isOrig, bytes]) => ({ isOrig, bytes: concat(hex`72`, bytes) })));
    }),
    { numRuns: 500 },
  );
  fc.assert(
    fc.property(fc.nat(ALL.length - 1), fc.array(fc.tuple(fc.nat(200), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 6 }), (which, flips) => {
      const b = ALL[which].slice();
      for (const [at, bit] of flips) b[at % b.length] ^= 1 << bit;
      runSession(s7comm_plus, pdus([true, b], [false, b], [true, V1_REQUEST]));
    }),
    { numRuns: 1000 },
  );
});

test('docs/protocols/s7comm_plus.md documents every field of every record type and every event', () => {
  const doc = readFileSync(new URL('../../../docs/protocols/s7comm_plus.md', import.meta.url), 'utf8');
  const rows = doc.split('\n').filter((l) => l.startsWith('|'));
  const documented = (name: string) => rows.some((l) => new RegExp(`(^\\|\\s*|[ ,\`])${name.replace('.', '\\.')}([ ,\`|])`).test(l));
  for (const [type, list] of Object.entries(s7comm_plus.records)) {
    assert.ok(doc.includes(`## \`${type}\` record`), `section for ${type}`);
    for (const f of list) assert.ok(documented(f.name), `${type}.${f.name} documented`);
  }
  for (const e of Object.keys(s7comm_plus.events)) assert.ok(doc.includes(`s7comm_plus.${e}`), `event s7comm_plus.${e} documented`);
});
