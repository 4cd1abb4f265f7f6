// DNS unit tests: messages built byte by byte from RFC 1035 (§4.1 header, §4.1.2 question,
// §4.1.3 resource records, §4.1.4 compression), RFC 3596 (AAAA), RFC 2782 (SRV), RFC 6762
// (mDNS) with the records they must give; pairing and its cap; the Zeek rules the record
// follows (rejected, lower-cased query, answer formatting); TCP framing at every split and
// byte by byte, gaps; truncation at every offset; compression loops and bad pointers;
// probes; fuzzing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { REPO } from '../../../test/support/corpus.ts';
import { bytewise, concat, everySplit, hex, prefixes, runSession, withoutTs, type Chunk } from '../../dissect/testing.ts';
import { FLOW_HEADER_FIELDS, PROBE, type ProbeHint } from '../../dissect/types.ts';
import { dns, probeDns } from './index.ts';
import { DNS_FIELDS } from './records.ts';
import { MAX_PENDING } from './session.ts';

type Rec = Record<string, unknown>;

const UDP = { transport: 'udp' as const, flow: { transport: 'udp' as const, origH: '192.0.2.10', origP: 40000, respH: '192.0.2.53', respP: 53 } };
const TCP = { transport: 'tcp' as const, flow: { origH: '192.0.2.10', origP: 40001, respH: '192.0.2.53', respP: 53 } };
const q = (bytes: Uint8Array, ts?: number): Chunk => ({ isOrig: true, bytes, ts });
const r = (bytes: Uint8Array, ts?: number): Chunk => ({ isOrig: false, bytes, ts });

/** The fields of a dns record after the flow header, in schema order. */
function fields(rec: Rec): Rec {
  const out: Rec = {};
  for (const f of DNS_FIELDS.slice(FLOW_HEADER_FIELDS.length)) if (rec[f.name] !== undefined) out[f.name] = rec[f.name];
  return out;
}

function only(run: ReturnType<typeof runSession>): Rec {
  assert.equal(run.records.length, 1, JSON.stringify(run.records));
  assert.equal(run.records[0][0], 'dns');
  const keys = Object.keys(run.records[0][1]);
  const schema = DNS_FIELDS.map((f) => f.name);
  assert.deepEqual(keys, schema.filter((k) => keys.includes(k)), 'record keys in schema order');
  return run.records[0][1];
}

// "www.example.com" as labels (RFC 1035 §3.1): 3 www 7 example 3 com 0.
const WWW_EXAMPLE_COM = hex`03 77 77 77  07 65 78 61 6d 70 6c 65  03 63 6f 6d  00`;

const QUERY = concat(
  hex`12 34    // ID
      01 00    // QR=0 opcode=0 AA=0 TC=0 RD=1 | RA=0 Z=0 RCODE=0
      00 01    // QDCOUNT
      00 00 00 00 00 00 // ANCOUNT NSCOUNT ARCOUNT`,
  WWW_EXAMPLE_COM,
  hex`00 01 00 01 // QTYPE A, QCLASS IN`,
);

const RESPONSE = concat(
  hex`12 34    // ID
      81 80    // QR=1 opcode=0 AA=0 TC=0 RD=1 | RA=1 Z=0 RCODE=0
      00 01 00 01 00 00 00 00 // QD=1 AN=1 NS=0 AR=0`,
  WWW_EXAMPLE_COM,
  hex`00 01 00 01
      c0 0c          // NAME: pointer to offset 12 (the question's name)
      00 01 00 01    // TYPE A, CLASS IN
      00 00 0e 10    // TTL 3600
      00 04          // RDLENGTH
      5d b8 d8 22    // 93.184.216.34`,
);

test('an A query and its response: one record with the query, flags, rtt, answers and TTLs', () => {
  const run = runSession(dns, [q(QUERY, 100), r(RESPONSE, 100.25)], UDP);
  assert.deepEqual(fields(only(run)), {
    proto: 'udp', trans_id: 0x1234, rtt: 0.25, query: 'www.example.com', qclass: 1, qclass_name: 'C_INTERNET', qtype: 1, qtype_name: 'A',
    rcode: 0, rcode_name: 'NOERROR', AA: false, TC: false, RD: true, RA: true, Z: 0, answers: ['93.184.216.34'], TTLs: [3600], rejected: false,
    opcode: 0, opcode_name: 'query', variant: 'dns', answer_names: ['www.example.com'], total_answers: 1, total_replies: 1,
    request_seen: true, response_seen: true,
  });
  assert.equal(run.records[0][1].ts, 100, 'the record has the query time');
  assert.deepEqual(run.events, []);
  assert.ok(run.confirmed);
});

test('query names are lower-cased as Zeek logs them; answer data keeps its case', () => {
  const upper = QUERY.slice();
  upper.set(hex`03 57 57 57 07 45 78 41 6d 50 6c 45 03 43 4f 4d 00`, 12); // WWW.ExAmPlE.COM
  const resp = concat(
    hex`12 34 81 80 00 01 00 01 00 00 00 00`, upper.subarray(12),
    hex`c0 0c 00 05 00 01 00 00 00 3c 00 06  03 43 44 4e c0 10 // CNAME "CDN" + pointer to "ExAmPlE.COM" at 16`,
  );
  const rec = only(runSession(dns, [q(upper), r(resp)], UDP));
  assert.equal(rec.query, 'www.example.com');
  assert.deepEqual(rec.answers, ['CDN.ExAmPlE.COM']);
  assert.deepEqual(rec.answer_names, ['WWW.ExAmPlE.COM']);
});

test('record data is formatted as Zeek does: AAAA, CNAME, PTR, MX, SRV, TXT, SOA (auth), NS (auth), unknown types, OPT left out', () => {
  const resp = concat(
    hex`ab cd 85 80 00 01 00 07 00 02 00 01`,
    WWW_EXAMPLE_COM, hex`00 ff 00 01 // QTYPE * (ANY)`,
    // AAAA 2001:db8::1 (RFC 3596)
    hex`c0 0c 00 1c 00 01 00 00 00 0a 00 10 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01`,
    // CNAME www.example.com → "a" + pointer to example.com (offset 16)
    hex`c0 0c 00 05 00 01 00 00 00 0a 00 04 01 61 c0 10`,
    // PTR → example.com
    hex`c0 0c 00 0c 00 01 00 00 00 0a 00 02 c0 10`,
    // MX preference 10, exchange "mx" + example.com
    hex`c0 0c 00 0f 00 01 00 00 00 0a 00 07 00 0a 02 6d 78 c0 10`,
    // SRV priority 0 weight 5 port 5060, target "sip" + example.com (RFC 2782)
    hex`c0 0c 00 21 00 01 00 00 00 0a 00 0c 00 00 00 05 13 c4 03 73 69 70 c0 10`,
    // TXT "hello" "v=1"
    hex`c0 0c 00 10 00 01 00 00 00 0a 00 0a 05 68 65 6c 6c 6f 03 76 3d 31`,
    // type 99 (SPF) is decoded like TXT; type 4660 (unassigned) is unknown
    hex`c0 0c 12 34 00 01 00 00 00 0a 00 02 ff ff`,
    // authority: SOA mname "ns" + example.com, rname "h" + example.com, 5 × 32-bit
    hex`c0 10 00 06 00 01 00 00 00 0a 00 22  02 6e 73 c0 10  01 68 c0 10  00 00 00 01 00 00 00 02 00 00 00 03 00 00 00 04 00 00 00 05`,
    // authority: NS "ns" + example.com
    hex`c0 10 00 02 00 01 00 00 00 0a 00 05 02 6e 73 c0 10`,
    // additional: OPT (EDNS), which Zeek does not log
    hex`00 00 29 10 00 00 00 00 00 00 00`,
  );
  const rec = only(runSession(dns, [r(resp)], UDP));
  assert.deepEqual(rec.answers, ['2001:db8::1', 'a.example.com', 'example.com', 'mx.example.com', 'sip.example.com', 'TXT 5 hello TXT 3 v=1', '<unknown type=4660>']);
  assert.deepEqual(rec.TTLs, [10, 10, 10, 10, 10, 10, 10]);
  assert.deepEqual(rec.auth, ['ns.example.com']);
  assert.equal(rec.addl, undefined);
  assert.equal(rec.AA, true);
  assert.equal(rec.qtype_name, '*');
  assert.equal(rec.total_answers, 7);
  assert.equal(rec.total_replies, 10);
  assert.equal(rec.request_seen, false);
  assert.equal(rec.rtt, undefined);
});

test("Zeek's rejected: an error without a question, or a question with no record at all", () => {
  const nx = concat(hex`12 34 81 83 00 01 00 00 00 00 00 00`, WWW_EXAMPLE_COM, hex`00 01 00 01`);
  const a = only(runSession(dns, [q(QUERY), r(nx)], UDP));
  assert.equal(a.rcode_name, 'NXDOMAIN');
  assert.equal(a.rejected, true);
  const refused = hex`12 34 81 85 00 00 00 00 00 00 00 00`;
  const b = only(runSession(dns, [q(QUERY), r(refused)], UDP));
  assert.equal(b.rcode_name, 'REFUSED');
  assert.equal(b.rejected, true);
  assert.equal(only(runSession(dns, [q(QUERY), r(RESPONSE)], UDP)).rejected, false);
  const unknown = hex`12 34 81 8d 00 00 00 00 00 00 00 00`;
  assert.equal(only(runSession(dns, [r(unknown)], UDP)).rcode_name, 'unknown-13');
});

test('pairing: responses find their query by id whatever the order; unanswered queries at the end; a response alone', () => {
  const withId = (m: Uint8Array, id: number) => {
    const c = m.slice();
    c[0] = id >> 8;
    c[1] = id & 255;
    return c;
  };
  const run = runSession(dns, [q(withId(QUERY, 1)), q(withId(QUERY, 2)), r(withId(RESPONSE, 2)), r(withId(RESPONSE, 3)), q(withId(QUERY, 4))], UDP);
  const recs = run.records.map(([, x]) => [x.trans_id, x.request_seen, x.response_seen]);
  assert.deepEqual(recs, [[2, true, true], [3, false, true], [1, true, false], [4, true, false]]);
  assert.deepEqual(run.events.map((e) => e.name), ['response_without_query']);
});

test(`pending cap: more than ${MAX_PENDING} unanswered queries raise flooded and write the oldest`, () => {
  const chunks: Chunk[] = [];
  for (let i = 0; i <= MAX_PENDING; i++) {
    const m = QUERY.slice();
    m[0] = i >> 8;
    m[1] = i & 255;
    chunks.push(q(m));
  }
  const run = runSession(dns, chunks, UDP);
  assert.equal(run.events.filter((e) => e.name === 'flooded').length, 1);
  assert.equal(run.records.length, MAX_PENDING + 1);
  assert.equal(run.records[0][1].trans_id, 0, 'the oldest is written first');
});

test('mDNS to the multicast group: every message is a record of its own, variant mdns, the QU bit apart from the class', () => {
  const flow = { transport: 'udp' as const, origH: '192.0.2.7', origP: 5353, respH: '224.0.0.251', respP: 5353 };
  // Query "_ipp._tcp.local PTR" asking for a unicast response (class 0x8001, RFC 6762 §5.4).
  const query = concat(hex`00 00 00 00 00 01 00 00 00 00 00 00`, hex`04 5f 69 70 70 04 5f 74 63 70 05 6c 6f 63 61 6c 00`, hex`00 0c 80 01`);
  // The answer another host multicasts: no question, PTR → "printer" + pointer, cache-flush class.
  const answer = concat(hex`00 00 84 00 00 00 00 01 00 00 00 00`, hex`04 5f 69 70 70 04 5f 74 63 70 05 6c 6f 63 61 6c 00`,
    hex`00 0c 80 01 00 00 11 94 00 0a 07 70 72 69 6e 74 65 72 c0 0c`);
  const run = runSession(dns, [q(query), q(answer)], { transport: 'udp', flow });
  assert.equal(run.records.length, 2);
  const [a, b] = run.records.map(([, x]) => x);
  assert.deepEqual([a.variant, a.query, a.qtype_name, a.qclass, a.qclass_name, a.qu, a.request_seen, a.response_seen], ['mdns', '_ipp._tcp.local', 'PTR', 1, 'C_INTERNET', true, true, false]);
  // The answer: Zeek's query is the first answer's owner name when there is no question.
  assert.deepEqual([b.query, b.qtype, b.answers, b.TTLs, b.AA, b.response_seen], ['_ipp._tcp.local', undefined, ['printer._ipp._tcp.local'], [4500], true, true]);
  assert.deepEqual(run.events, [], 'no response_without_query on a multicast flow');
});

test('LLMNR on 5355 is variant llmnr; its unicast answer, in a flow of its own, is no anomaly', () => {
  const rec = only(runSession(dns, [q(QUERY)], { transport: 'udp', flow: { transport: 'udp', origH: '192.0.2.7', origP: 50000, respH: '224.0.0.252', respP: 5355 } }));
  assert.equal(rec.variant, 'llmnr');
  const answer = runSession(dns, [q(RESPONSE)], { transport: 'udp', flow: { transport: 'udp', origH: '192.0.2.8', origP: 5355, respH: '192.0.2.7', respP: 50000 } });
  assert.deepEqual([only(answer).variant, only(answer).response_seen, answer.events], ['llmnr', true, []]);
  const dnsAnswer = runSession(dns, [r(RESPONSE)], UDP);
  assert.deepEqual(dnsAnswer.events.map((e) => e.name), ['response_without_query']);
});

// ---- names ----

test('compression: a pointer to itself, a forward pointer, and pointers chained past the cap are bad names, not hangs', () => {
  // Answer name at offset 33 is a pointer to 33 itself.
  const self = concat(hex`12 34 81 80 00 01 00 01 00 00 00 00`, WWW_EXAMPLE_COM, hex`00 01 00 01  c0 21 00 01 00 01 00 00 00 3c 00 04 01 02 03 04`);
  const a = runSession(dns, [q(QUERY), r(self)], UDP);
  assert.deepEqual(a.events.map((e) => e.name), ['bad_name']);
  assert.equal(a.records.length, 1, 'the transaction is still written');
  // Question name: a pointer forward to offset 20.
  const fwd = hex`12 34 01 00 00 01 00 00 00 00 00 00  c0 14 00 01 00 01  00 00 00 00 01 61 00`;
  assert.deepEqual(runSession(dns, [q(fwd)], UDP).events.map((e) => e.name), ['bad_name']);
  // 40 answer records whose owner names each point at the previous record's owner name (a
  // pointer to a pointer, which RFC 1035 allows): the 34th needs 33 jumps, past MAX_POINTERS.
  const rrs: Uint8Array[] = [];
  let at = 17; // the first owner name: offset 17, after the root question (12..16)
  for (let i = 0; i < 40; i++) {
    rrs.push(concat(i === 0 ? hex`00` : new Uint8Array([0xc0 | (at >> 8), at & 255]), hex`00 01 00 01 00 00 00 3c 00 00`));
    if (i > 0) at += i === 1 ? 11 : 12;
  }
  const msg = concat(hex`12 34 81 80 00 01 00 28 00 00 00 00  00 00 01 00 01`, ...rrs);
  const run = runSession(dns, [r(msg)], UDP);
  assert.ok(run.events.some((e) => e.name === 'bad_name' && /too many compression pointers/.test(e.addl ?? '')), JSON.stringify(run.events));
});

test('a label with the reserved 0x40/0x80 types is a bad name; 64+ byte labels cannot occur', () => {
  const m = hex`12 34 01 00 00 01 00 00 00 00 00 00  41 61 00 00 01 00 01`;
  assert.deepEqual(runSession(dns, [q(m)], UDP).events.map((e) => e.name), ['bad_name']);
});

// ---- malformed ----

test('malformed messages raise their event and the flow goes on', () => {
  const short = hex`12 34 01`;
  const cut = RESPONSE.subarray(0, RESPONSE.length - 2);
  const trailing = concat(RESPONSE, hex`00 00 00`);
  const run = runSession(dns, [q(QUERY), r(short), r(cut), q(QUERY), r(trailing)], UDP);
  assert.deepEqual(run.events.map((e) => e.name), ['short_message', 'truncated', 'trailing_bytes']);
  // The cut response still answers the first query (its header and question are whole).
  assert.deepEqual(run.records.map(([, x]) => [x.request_seen, x.response_seen]), [[true, true], [true, true]]);
});

test('too many questions: Zeek\'s dns_max_queries, the message is not used', () => {
  const m = hex`12 34 01 00 00 1a 00 00 00 00 00 00`;
  const run = runSession(dns, [q(m)], UDP);
  assert.deepEqual(run.events.map((e) => e.name), ['too_many_questions']);
  assert.equal(run.records.length, 0);
});

test('an unassigned opcode is recorded and raises unknown_opcode', () => {
  const m = QUERY.slice();
  m[2] = 0x49; // opcode 9
  const rec = runSession(dns, [q(m)], UDP);
  assert.deepEqual(rec.events.map((e) => e.name), ['unknown_opcode']);
  assert.deepEqual([rec.records[0][1].opcode, rec.records[0][1].opcode_name], [9, 'unknown-9']);
});

// ---- TCP ----

const tcpMsg = (m: Uint8Array) => concat(new Uint8Array([m.length >> 8, m.length & 255]), m);
const TCP_CONV: Chunk[] = [q(tcpMsg(QUERY)), r(tcpMsg(RESPONSE))];

/** Records without the packet times (segmentation changes chunk times, so ts and rtt). */
const noTimes = (run: ReturnType<typeof runSession>): [string, Rec][] => withoutTs(run).map(([t, x]) => [t, { ...x, rtt: undefined }]);

test('TCP: length-prefixed messages; the same records at every split and byte by byte', () => {
  const whole = noTimes(runSession(dns, TCP_CONV, TCP));
  assert.equal(whole.length, 1);
  assert.equal(whole[0][1].proto, 'tcp');
  assert.deepEqual(whole[0][1].answers, ['93.184.216.34']);
  for (const split of everySplit(TCP_CONV)) assert.deepEqual(noTimes(runSession(dns, split, TCP)), whole);
  assert.deepEqual(noTimes(runSession(dns, bytewise(TCP_CONV), TCP)), whole);
  // Two messages in one segment.
  const two = runSession(dns, [q(concat(tcpMsg(QUERY), tcpMsg(QUERY)))], TCP);
  assert.equal(two.records.length, 2);
});

test('TCP: after a gap, parsing resumes at the next believable message', () => {
  const run = runSession(dns, [q(tcpMsg(QUERY).subarray(0, 9)), { isOrig: true, bytes: new Uint8Array(0), gap: 30 }, q(concat(hex`ff ff ff`, tcpMsg(QUERY))), r(tcpMsg(RESPONSE))], TCP);
  assert.equal(run.records.length, 1);
  assert.equal(run.records[0][1].response_seen, true);
  assert.ok(run.events.some((e) => e.name === 'resync'));
});

// ---- truncation ----

test('truncation at every offset: no exception, never more answers than the bytes hold', () => {
  for (const p of prefixes(RESPONSE)) {
    const run = runSession(dns, [q(QUERY), r(p)], UDP);
    for (const [, x] of run.records) {
      const answers = (x.answers as string[] | undefined)?.length ?? 0;
      assert.ok(answers <= (p.length >= RESPONSE.length ? 1 : 0), `${p.length} bytes: ${answers} answers`);
    }
  }
  for (const p of prefixes(tcpMsg(RESPONSE))) runSession(dns, [q(tcpMsg(QUERY)), r(p)], TCP);
});

// ---- probes ----

const hint = (portMatch: boolean, transport: 'udp' | 'tcp' = 'udp'): ProbeHint => ({ transport, portMatch, isOrig: true, srcPort: 40000, dstPort: portMatch ? 53 : 9999 });

test('probe: DNS on its ports; strict elsewhere; NetBIOS ports left alone; text and junk refused', () => {
  assert.equal(probeDns(QUERY, 0, QUERY.length, hint(true)), PROBE.YES);
  assert.equal(probeDns(QUERY, 0, QUERY.length, hint(false)), PROBE.YES);
  assert.equal(probeDns(RESPONSE, 0, RESPONSE.length, hint(false)), PROBE.YES);
  // A response with a byte too many is not DNS off the port (every byte must be accounted for).
  const extra = concat(RESPONSE, hex`00`);
  assert.equal(probeDns(extra, 0, extra.length, hint(false)), PROBE.NO);
  assert.equal(probeDns(extra, 0, extra.length, hint(true)), PROBE.YES);
  assert.equal(probeDns(QUERY, 0, QUERY.length, { ...hint(true), srcPort: 137, dstPort: 137 }), PROBE.NO);
  const text = new TextEncoder().encode('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.equal(probeDns(text, 0, text.length, hint(true)), PROBE.NO);
  assert.equal(probeDns(text, 0, text.length, hint(true, 'tcp')), PROBE.NO);
  const t = tcpMsg(QUERY);
  assert.equal(probeDns(t, 0, t.length, hint(true, 'tcp')), PROBE.YES);
  assert.equal(probeDns(t, 0, t.length, hint(false, 'tcp')), PROBE.YES);
  assert.equal(probeDns(t, 0, 10, hint(true, 'tcp')), PROBE.MAYBE);
  assert.equal(probeDns(t, 0, 10, hint(false, 'tcp')), PROBE.NO);
  let yes = 0;
  const rnd = fc.sample(fc.uint8Array({ minLength: 12, maxLength: 200 }), { numRuns: 2000, seed: 4 });
  for (const b of rnd) if (probeDns(b, 0, b.length, hint(false)) === PROBE.YES) yes++;
  assert.equal(yes, 0, 'random bytes are not DNS off the port');
});

// ---- fuzzing ----

test('fuzzing: random datagrams and random TCP bytes never throw', () => {
  fc.assert(
    fc.property(fc.array(fc.record({ isOrig: fc.boolean(), bytes: fc.uint8Array({ maxLength: 300 }) }), { maxLength: 10 }), (chunks) => {
      runSession(dns, chunks, UDP);
      runSession(dns, chunks, TCP);
    }),
    { numRuns: 500 },
  );
});

test('fuzzing: valid messages with random bit flips never throw', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(1), fc.nat(10_000), fc.nat(7)), { minLength: 1, maxLength: 10 }), (flips) => {
      const msgs = [QUERY.slice(), RESPONSE.slice()];
      for (const [i, at, bit] of flips) msgs[i][at % msgs[i].length] ^= 1 << bit;
      runSession(dns, [q(msgs[0]), r(msgs[1])], UDP);
      runSession(dns, [q(tcpMsg(msgs[0])), r(tcpMsg(msgs[1]))], TCP);
    }),
    { numRuns: 2000 },
  );
});

// ---- documentation ----

test('docs/protocols/dns.md documents every record field and every event', () => {
  const doc = readFileSync(`${REPO}/docs/protocols/dns.md`, 'utf8');
  for (const f of DNS_FIELDS.slice(FLOW_HEADER_FIELDS.length)) assert.ok(doc.includes(`| \`${f.name}\``), f.name);
  for (const e of Object.keys(dns.events)) assert.ok(doc.includes(`\`dns.${e}\``), e);
});
