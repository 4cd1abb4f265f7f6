// SSDP unit tests: the messages of UPnP Device Architecture 2.0 §1.2-1.3 (NOTIFY ssdp:alive
// and ssdp:byebye, M-SEARCH, the search response) with the records they give; header name
// case and whitespace (RFC 7230 §3.2); caps; malformed messages; truncation at every
// offset; probes; fuzzing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { REPO } from '../../../test/support/corpus.ts';
import { prefixes, runSession } from '../../dissect/testing.ts';
import { FLOW_HEADER_FIELDS, PROBE, type ProbeHint } from '../../dissect/types.ts';
import { ssdp } from './index.ts';
import { MAX_HEADERS } from './parser.ts';
import { SSDP_FIELDS } from './records.ts';

type Rec = Record<string, unknown>;
const enc = (s: string) => new TextEncoder().encode(s);
const FLOW = { transport: 'udp' as const, flow: { transport: 'udp' as const, origH: '192.0.2.30', origP: 1900, respH: '239.255.255.250', respP: 1900 } };

function one(s: string, isOrig = true): { rec: Rec; events: string[] } {
  const run = runSession(ssdp, [{ isOrig, bytes: enc(s) }], FLOW);
  assert.equal(run.records.length, 1, JSON.stringify(run.events));
  const rec = run.records[0][1];
  const out: Rec = {};
  for (const f of SSDP_FIELDS.slice(FLOW_HEADER_FIELDS.length)) if (rec[f.name] !== undefined) out[f.name] = rec[f.name];
  return { rec: out, events: run.events.map((e) => e.name) };
}

const ALIVE =
  'NOTIFY * HTTP/1.1\r\n' +
  'HOST: 239.255.255.250:1900\r\n' +
  'CACHE-CONTROL: max-age = 1800\r\n' +
  'LOCATION: http://192.0.2.30:49152/description.xml\r\n' +
  'NT: urn:schemas-upnp-org:device:Basic:1\r\n' +
  'NTS: ssdp:alive\r\n' +
  'SERVER: Linux/4.14 UPnP/2.0 SIMATIC-HMI/15.1\r\n' +
  'USN: uuid:2fac1234-31f8-11b4-a222-08002b34c003::urn:schemas-upnp-org:device:Basic:1\r\n' +
  'BOOTID.UPNP.ORG: 7\r\n' +
  'CONFIGID.UPNP.ORG: 1\r\n' +
  '\r\n';

test('NOTIFY ssdp:alive: device type, USN and its uuid, LOCATION, SERVER, max-age, BOOTID and CONFIGID', () => {
  const { rec, events } = one(ALIVE);
  assert.deepEqual(rec, {
    is_orig: true, method: 'NOTIFY', version: '1.1', host: '239.255.255.250:1900', nt: 'urn:schemas-upnp-org:device:Basic:1', nts: 'ssdp:alive',
    usn: 'uuid:2fac1234-31f8-11b4-a222-08002b34c003::urn:schemas-upnp-org:device:Basic:1', uuid: '2fac1234-31f8-11b4-a222-08002b34c003',
    location: 'http://192.0.2.30:49152/description.xml', server: 'Linux/4.14 UPnP/2.0 SIMATIC-HMI/15.1', cache_control: 'max-age = 1800', max_age: 1800,
    bootid: 7, configid: 1,
  });
  assert.deepEqual(events, []);
});

test('M-SEARCH: MAN, MX, ST and USER-AGENT; header names in any case, values trimmed, bare LF line ends', () => {
  const { rec } = one('M-SEARCH * HTTP/1.1\nhost:239.255.255.250:1900\nman:  "ssdp:discover"  \nMx: 2\nSt: ssdp:all\nUser-Agent: Windows/10.0 UPnP/2.0 App/1.0\n\n');
  assert.deepEqual(rec, {
    is_orig: true, method: 'M-SEARCH', version: '1.1', host: '239.255.255.250:1900', man: '"ssdp:discover"', mx: 2, st: 'ssdp:all', user_agent: 'Windows/10.0 UPnP/2.0 App/1.0',
  });
});

test('a search response: the status line, ST, USN, LOCATION, SERVER; byebye', () => {
  const { rec } = one('HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\nEXT:\r\nLOCATION: http://192.0.2.40/rootDesc.xml\r\nSERVER: OS/1.0 UPnP/1.0 PLC/2.3\r\nST: upnp:rootdevice\r\nUSN: uuid:abc::upnp:rootdevice\r\n\r\n', false);
  assert.deepEqual([rec.status_code, rec.status_msg, rec.method, rec.st, rec.uuid, rec.max_age, rec.is_orig], [200, 'OK', undefined, 'upnp:rootdevice', 'abc', 120, false]);
  const bye = one('NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nNT: upnp:rootdevice\r\nNTS: ssdp:byebye\r\nUSN: uuid:abc::upnp:rootdevice\r\n\r\n').rec;
  assert.deepEqual([bye.nts, bye.location, bye.max_age], ['ssdp:byebye', undefined, undefined]);
});

test('malformed: a header line without a colon, no empty line at the end, numbers that are not numbers; still recorded', () => {
  const { rec, events } = one('NOTIFY * HTTP/1.1\r\nHOST 239.255.255.250\r\nMX: soon\r\nCACHE-CONTROL: max-age=forever\r\nNT: x');
  assert.deepEqual(events, ['bad_header', 'unterminated', 'bad_number']);
  assert.deepEqual([rec.nt, rec.mx, rec.max_age, rec.cache_control], ['x', undefined, undefined, 'max-age=forever']);
});

test(`caps: more than ${MAX_HEADERS} header lines, and a line over 2048 bytes`, () => {
  let s = 'NOTIFY * HTTP/1.1\r\n';
  for (let i = 0; i < MAX_HEADERS + 5; i++) s += `X-${i}: v\r\n`;
  s += `SERVER: ${'a'.repeat(3000)}\r\n\r\n`;
  const { rec, events } = one(s);
  assert.ok(events.includes('too_many_headers'));
  assert.equal(rec.server, undefined, 'headers past the cap are not read');
  const long = one(`NOTIFY * HTTP/1.1\r\nSERVER: ${'b'.repeat(3000)}\r\n\r\n`);
  assert.ok(long.events.includes('long_line'));
  assert.equal((long.rec.server as string).length, 2048 - 'SERVER: '.length);
});

test('a datagram that is not SSDP raises bad_start_line and gives no record; 16 of them end the session', () => {
  const run = runSession(ssdp, Array.from({ length: 20 }, () => ({ isOrig: true, bytes: enc('hello world\r\n\r\n') })), FLOW);
  assert.equal(run.records.length, 0);
  assert.equal(run.events[0].name, 'bad_start_line');
  assert.equal(run.rejected, 'no SSDP message');
});

test('truncation at every offset: no exception', () => {
  for (const p of prefixes(enc(ALIVE))) runSession(ssdp, [{ isOrig: true, bytes: p }], FLOW);
});

test('probe: port 1900 and an SSDP start line', () => {
  const hint = (portMatch: boolean): ProbeHint => ({ transport: 'udp', portMatch, isOrig: true, srcPort: 50000, dstPort: 1900 });
  const b = enc(ALIVE);
  assert.equal(ssdp.probe(b, 0, b.length, hint(true)), PROBE.YES);
  assert.equal(ssdp.probe(b, 0, b.length, hint(false)), PROBE.NO);
  for (const s of ['HTTP/1.1 200 OK\r\n\r\n', 'M-SEARCH * HTTP/1.1\r\n']) assert.equal(ssdp.probe(enc(s), 0, s.length, hint(true)), PROBE.YES, s);
  for (const s of ['GET /\r\n', 'HTTP/2 200\r\n', '\u0000\u0001\u0002', 'NOTIFY *\r\n']) assert.equal(ssdp.probe(enc(s), 0, s.length, hint(true)), PROBE.NO, s);
  assert.equal(ssdp.probe(b, 0, b.length, { ...hint(true), transport: 'tcp' }), PROBE.NO);
});

test('fuzzing: random datagrams and mutated messages never throw', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
      runSession(ssdp, [{ isOrig: true, bytes }], FLOW);
    }),
    { numRuns: 500 },
  );
  const base = enc(ALIVE);
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(10_000), fc.nat(255)), { minLength: 1, maxLength: 12 }), (edits) => {
      const m = base.slice();
      for (const [at, v] of edits) m[at % m.length] = v;
      runSession(ssdp, [{ isOrig: true, bytes: m }], FLOW);
    }),
    { numRuns: 3000 },
  );
});

test('docs/protocols/ssdp.md documents every record field and every event', () => {
  const doc = readFileSync(`${REPO}/docs/protocols/ssdp.md`, 'utf8');
  for (const f of SSDP_FIELDS.slice(FLOW_HEADER_FIELDS.length)) assert.ok(doc.includes(`| \`${f.name}\``), f.name);
  for (const e of Object.keys(ssdp.events)) assert.ok(doc.includes(`\`ssdp.${e}\``), e);
});
