// Kerberos on messages built from RFC 4120 section 5 (ASN.1 module in 5.x, DER encoding),
// each field written out with its tag: AS-REQ, AS-REP, TGS-REQ, TGS-REP and KRB-ERROR
// (KDC_ERR_PREAUTH_FAILED, KDC_ERR_C_PRINCIPAL_UNKNOWN, KDC_ERR_PREAUTH_REQUIRED), PKINIT
// (RFC 4556) with a client certificate, TCP record marking (7.2.2), pairing, probing,
// truncation at every offset, segmentation and fuzzing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { bytewise, concat, everySplit, prefixes, runSession, withoutTs, type Chunk } from '../../dissect/testing.ts';
import { PROBE, type ProbeHint } from '../../dissect/types.ts';
import { kerberos, probeKerberos } from './index.ts';
import { KrbMessage, parseKrb } from './parser.ts';
import { MAX_PENDING } from './session.ts';

// ---- DER, as X.690 8.1: identifier, definite length, contents ----
function tlv(id: number, ...parts: Uint8Array[]): Uint8Array {
  const body = concat(...parts);
  const n = body.length;
  const len = n < 128 ? Uint8Array.of(n) : n < 256 ? Uint8Array.of(0x81, n) : Uint8Array.of(0x82, n >> 8, n & 0xff);
  return concat(Uint8Array.of(id), len, body);
}
const seq = (...p: Uint8Array[]) => tlv(0x30, ...p);
/** [n] EXPLICIT (context, constructed). */
const ctx = (n: number, ...p: Uint8Array[]) => tlv(0xa0 + n, ...p);
/** [APPLICATION n] (constructed). */
const app = (n: number, ...p: Uint8Array[]) => tlv(0x60 + n, ...p);
function int(v: number): Uint8Array {
  const b: number[] = [];
  let x = v;
  do {
    b.unshift(x & 0xff);
    x = Math.floor(x / 256);
  } while (x > 0);
  if (b[0] & 0x80) b.unshift(0);
  return tlv(0x02, Uint8Array.from(b));
}
const gstr = (s: string) => tlv(0x1b, new TextEncoder().encode(s)); // GeneralString (KerberosString)
const gtime = (s: string) => tlv(0x18, new TextEncoder().encode(s)); // GeneralizedTime
const octets = (b: Uint8Array) => tlv(0x04, b);
/** PrincipalName ::= SEQUENCE { name-type [0] Int32, name-string [1] SEQUENCE OF KerberosString } */
const principal = (type: number, ...names: string[]) => seq(ctx(0, int(type)), ctx(1, seq(...names.map(gstr))));
/** EncryptedData ::= SEQUENCE { etype [0], kvno [1] OPTIONAL, cipher [2] } */
const encData = (etype: number, kvno?: number) => seq(ctx(0, int(etype)), ...(kvno === undefined ? [] : [ctx(1, int(kvno))]), ctx(2, octets(new Uint8Array(32).fill(0xee))));
const padata = (type: number, value: Uint8Array) => seq(ctx(1, int(type)), ctx(2, octets(value)));

/** KDCOptions 0x40810010: forwardable (1), renewable (8), canonicalize (15), renewable-ok (27). */
const KDC_OPTIONS = tlv(0x03, Uint8Array.of(0x00, 0x40, 0x81, 0x00, 0x10));

function asReq(user: string, pa: Uint8Array[] = []): Uint8Array {
  return app(10, seq( // AS-REQ ::= [APPLICATION 10] KDC-REQ
    ctx(1, int(5)), // pvno
    ctx(2, int(10)), // msg-type: krb-as-req
    ...(pa.length > 0 ? [ctx(3, seq(...pa))] : []), // padata
    ctx(4, seq( // req-body KDC-REQ-BODY
      ctx(0, KDC_OPTIONS), // kdc-options
      ctx(1, principal(1, user)), // cname: NT-PRINCIPAL
      ctx(2, gstr('PLANT.LOCAL')), // realm
      ctx(3, principal(2, 'krbtgt', 'PLANT.LOCAL')), // sname: NT-SRV-INST
      ctx(5, gtime('20370913024805Z')), // till
      ctx(6, gtime('20370913024805Z')), // rtime
      ctx(7, int(0x12345678)), // nonce
      ctx(8, seq(int(18), int(17), int(23))), // etype: aes256-cts, aes128-cts, rc4-hmac
    )),
  ));
}
const ENC_TS = padata(2, encData(18)); // PA-ENC-TIMESTAMP

function krbError(code: number, user: string, etext?: string): Uint8Array {
  return app(30, seq( // KRB-ERROR ::= [APPLICATION 30]
    ctx(0, int(5)), // pvno
    ctx(1, int(30)), // msg-type: krb-error
    ctx(4, gtime('20240101000000Z')), // stime
    ctx(5, int(0)), // susec
    ctx(6, int(code)), // error-code
    ctx(7, gstr('PLANT.LOCAL')), // crealm
    ctx(8, principal(1, user)), // cname
    ctx(9, gstr('PLANT.LOCAL')), // realm
    ctx(10, principal(2, 'krbtgt', 'PLANT.LOCAL')), // sname
    ...(etext === undefined ? [] : [ctx(11, gstr(etext))]), // e-text
  ));
}

function kdcRep(type: 11 | 13, user: string, service: string[], ticketEtype: number, partEtype: number): Uint8Array {
  return app(type, seq( // AS-REP [APPLICATION 11] / TGS-REP [APPLICATION 13] ::= KDC-REP
    ctx(0, int(5)), // pvno
    ctx(1, int(type)), // msg-type
    ctx(3, gstr('PLANT.LOCAL')), // crealm
    ctx(4, principal(1, user)), // cname
    ctx(5, app(1, seq( // ticket: Ticket ::= [APPLICATION 1]
      ctx(0, int(5)), // tkt-vno
      ctx(1, gstr('PLANT.LOCAL')), // realm
      ctx(2, principal(2, ...service)), // sname
      ctx(3, encData(ticketEtype, 2)), // enc-part (never opened)
    ))),
    ctx(6, encData(partEtype)), // enc-part
  ));
}

function tgsReq(service: string[]): Uint8Array {
  const apReq = app(14, seq(ctx(0, int(5)), ctx(1, int(14)), ctx(2, tlv(0x03, Uint8Array.of(0, 0, 0, 0, 0))),
    ctx(3, app(1, seq(ctx(0, int(5)), ctx(1, gstr('PLANT.LOCAL')), ctx(2, principal(2, 'krbtgt', 'PLANT.LOCAL')), ctx(3, encData(18, 2))))),
    ctx(4, encData(18))));
  return app(12, seq(
    ctx(1, int(5)), ctx(2, int(12)),
    ctx(3, seq(padata(1, apReq))), // PA-TGS-REQ carrying the AP-REQ
    ctx(4, seq(ctx(0, tlv(0x03, Uint8Array.of(0, 0x40, 0x81, 0, 0))), ctx(2, gstr('PLANT.LOCAL')), ctx(3, principal(2, ...service)),
      ctx(5, gtime('20370913024805Z')), ctx(7, int(7)), ctx(8, seq(int(18))))),
  ));
}

/** A client certificate (X.509 v3, RFC 5280 4.1) with subject DC=local, DC=plant, CN=op1. */
function certificate(): Uint8Array {
  const oid = (...b: number[]) => tlv(0x06, Uint8Array.from(b));
  const rdn = (o: Uint8Array, v: Uint8Array) => tlv(0x31, seq(o, v));
  const DC = oid(0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19); // 0.9.2342.19200300.100.1.25
  const CN = oid(0x55, 0x04, 0x03); // 2.5.4.3
  const ia5 = (s: string) => tlv(0x16, new TextEncoder().encode(s));
  const utf8 = (s: string) => tlv(0x0c, new TextEncoder().encode(s));
  const name = (cn: string) => seq(rdn(DC, ia5('local')), rdn(DC, ia5('plant')), rdn(CN, utf8(cn)));
  const alg = seq(oid(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b), tlv(0x05)); // sha256WithRSAEncryption, NULL
  const tbs = seq(
    ctx(0, int(2)), // version v3
    int(4660), // serialNumber
    alg, // signature
    name('Plant-CA'), // issuer
    seq(tlv(0x17, new TextEncoder().encode('240101000000Z')), tlv(0x17, new TextEncoder().encode('340101000000Z'))), // validity
    name('op1'), // subject
    seq(seq(oid(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01), tlv(0x05)), tlv(0x03, Uint8Array.of(0, 1, 2))), // subjectPublicKeyInfo
  );
  return seq(tbs, alg, tlv(0x03, Uint8Array.of(0, 9, 9)));
}
/** PA-PK-AS-REQ ::= SEQUENCE { signedAuthPack [0] IMPLICIT OCTET STRING (ContentInfo of SignedData), … }. */
function pkAsReq(): Uint8Array {
  const signedData = seq(int(3), tlv(0x31), seq(tlv(0x06, Uint8Array.of(0x2b, 0x06, 0x01, 0x05, 0x02, 0x03, 0x01))), ctx(0, certificate()), tlv(0x31));
  const contentInfo = seq(tlv(0x06, Uint8Array.of(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02)), ctx(0, signedData)); // id-signedData
  return seq(tlv(0x80, contentInfo));
}

/** TCP record marking (RFC 4120 7.2.2): a 4-byte big-endian length, high bit 0. */
const mark = (m: Uint8Array) => concat(Uint8Array.of(0, (m.length >> 16) & 0xff, (m.length >> 8) & 0xff, m.length & 0xff), m);

test('AS-REQ: kdc-options, names, realm, till, etypes, padata', () => {
  const m = new KrbMessage();
  const b = asReq('op1', [ENC_TS]);
  assert.ok(parseKrb(b, 0, b.length, m));
  assert.deepEqual([m.msgType, m.kdcOptions >>> 0, m.cname, m.realm, m.sname, m.till, m.rtime, m.etypes, m.padata, m.problem],
    [10, 0x40810010, 'op1', 'PLANT.LOCAL', 'krbtgt/PLANT.LOCAL', Date.UTC(2037, 8, 13, 2, 48, 5) / 1000, Date.UTC(2037, 8, 13, 2, 48, 5) / 1000, [18, 17, 23], [2], '']);
});

test('KRB-ERROR, AS-REP, TGS-REP fields; a wrong pvno or a msg-type other than the tag is no Kerberos message', () => {
  const m = new KrbMessage();
  let b = krbError(24, 'op1');
  assert.ok(parseKrb(b, 0, b.length, m));
  assert.deepEqual([m.msgType, m.errorCode, m.cname, m.crealm, m.sname, m.etext], [30, 24, 'op1', 'PLANT.LOCAL', 'krbtgt/PLANT.LOCAL', '']);
  b = kdcRep(13, 'op1', ['cifs', 'fs1.plant.local'], 18, 23);
  assert.ok(parseKrb(b, 0, b.length, m));
  assert.deepEqual([m.msgType, m.cname, m.crealm, m.ticketRealm, m.ticketSname, m.ticketEtype, m.encPartEtype], [13, 'op1', 'PLANT.LOCAL', 'PLANT.LOCAL', 'cifs/fs1.plant.local', 18, 23]);
  b = app(10, seq(ctx(1, int(4)), ctx(2, int(10))));
  assert.ok(!parseKrb(b, 0, b.length, m));
  b = app(10, seq(ctx(1, int(5)), ctx(2, int(12))));
  assert.ok(!parseKrb(b, 0, b.length, m));
});

test('session (UDP): a login with pre-authentication, a failed one, an unknown user, a service ticket', () => {
  const run = runSession(kerberos, [
    { isOrig: true, bytes: asReq('op1') },
    { isOrig: false, bytes: krbError(25, 'op1', 'NEEDED_PREAUTH') }, // not recorded (Zeek's ignored_errors)
    { isOrig: true, bytes: asReq('op1', [ENC_TS]), ts: 1700000010 },
    { isOrig: false, bytes: kdcRep(11, 'op1', ['krbtgt', 'PLANT.LOCAL'], 18, 18), ts: 1700000011 },
    { isOrig: true, bytes: asReq('op1', [ENC_TS]) },
    { isOrig: false, bytes: krbError(24, 'op1') },
    { isOrig: true, bytes: asReq('ghost') },
    { isOrig: false, bytes: krbError(6, 'ghost', 'CLIENT_NOT_FOUND') },
    { isOrig: true, bytes: tgsReq(['cifs', 'fs1.plant.local']) },
    { isOrig: false, bytes: kdcRep(13, 'op1', ['cifs', 'fs1.plant.local'], 23, 18) },
  ], { transport: 'udp', flow: { respP: 88 } });
  assert.deepEqual(run.events, []);
  assert.ok(run.confirmed);
  const r = run.records.map(([, x]) => x);
  assert.deepEqual(r.map((x) => [x.request_type, x.client, x.service, x.success, x.error_code, x.error_msg, x.error_name, x.cipher]), [
    ['AS', 'op1/PLANT.LOCAL', 'krbtgt/PLANT.LOCAL', true, undefined, undefined, undefined, 'aes256-cts-hmac-sha1-96'],
    ['AS', 'op1/PLANT.LOCAL', 'krbtgt/PLANT.LOCAL', false, 24, 'KDC_ERR_PREAUTH_FAILED', 'KDC_ERR_PREAUTH_FAILED', undefined],
    ['AS', 'ghost/PLANT.LOCAL', 'krbtgt/PLANT.LOCAL', false, 6, 'CLIENT_NOT_FOUND', 'KDC_ERR_C_PRINCIPAL_UNKNOWN', undefined],
    ['TGS', 'op1/PLANT.LOCAL', 'cifs/fs1.plant.local', true, undefined, undefined, undefined, 'rc4-hmac'],
  ]);
  const first = r[0];
  assert.deepEqual([first.forwardable, first.renewable, first.till, first.from, first.realm, first.request_etypes, first.reply_cipher, first.preauth, first.client_cert, first.request_msg, first.reply_msg],
    [true, true, Date.UTC(2037, 8, 13, 2, 48, 5) / 1000, undefined, 'PLANT.LOCAL', ['aes256-cts-hmac-sha1-96', 'aes128-cts-hmac-sha1-96', 'rc4-hmac'], 'aes256-cts-hmac-sha1-96', ['PA-ENC-TIMESTAMP'], false, 'AS-REQ', 'AS-REP']);
  assert.equal(r[0].ts, 1700000010, 'an exchange is dated by its request');
});

test('PKINIT: the client certificate\'s subject, RFC 4514 order', () => {
  const run = runSession(kerberos, [{ isOrig: true, bytes: asReq('op1', [padata(16, pkAsReq())]) }, { isOrig: false, bytes: kdcRep(11, 'op1', ['krbtgt', 'PLANT.LOCAL'], 18, 18) }], { transport: 'udp' });
  const r = run.records[0][1];
  assert.deepEqual([r.client_cert, r.client_cert_subject, r.preauth], [true, 'CN=op1,DC=plant,DC=local', ['PA-PK-AS-REQ']]);
});

const tcpConversation: Chunk[] = [
  { isOrig: true, bytes: mark(asReq('op1', [ENC_TS])) },
  { isOrig: false, bytes: mark(krbError(24, 'op1')) },
];

test('session (TCP): record marking, the same record whatever the segmentation', () => {
  const want = withoutTs(runSession(kerberos, tcpConversation));
  assert.equal(want.length, 1);
  assert.equal(want[0][1].error_code, 24);
  for (const chunks of everySplit(tcpConversation)) assert.deepEqual(withoutTs(runSession(kerberos, chunks)), want);
  assert.deepEqual(withoutTs(runSession(kerberos, bytewise(tcpConversation))), want);
});

test('session (TCP): after a gap the next record mark is found again', () => {
  const a = mark(asReq('op1', [ENC_TS]));
  const run = runSession(kerberos, [
    { isOrig: true, bytes: a.subarray(0, 20) },
    { isOrig: true, gap: a.length - 20, bytes: new Uint8Array(0) },
    { isOrig: false, bytes: mark(krbError(24, 'op1')) },
    { isOrig: true, bytes: concat(Uint8Array.of(1, 2, 3), a) },
    { isOrig: false, bytes: mark(kdcRep(11, 'op1', ['krbtgt', 'PLANT.LOCAL'], 18, 18)) },
  ]);
  assert.deepEqual(run.events.map((e) => e.name), ['resync'], 'a KRB-ERROR alone is no anomaly (a KDC may answer what the capture missed)');
  assert.deepEqual(run.records.map(([, r]) => [r.request_msg, r.reply_msg, r.success]), [[undefined, 'KRB-ERROR', false], ['AS-REQ', 'AS-REP', true]]);
});

test('unanswered requests are written at the end; a reply without a request stands alone; flooding is capped', () => {
  let run = runSession(kerberos, [{ isOrig: true, bytes: asReq('op1') }], { transport: 'udp' });
  assert.deepEqual(run.records.map(([, r]) => [r.request_type, r.success, r.reply_msg]), [['AS', undefined, undefined]]);
  run = runSession(kerberos, [{ isOrig: false, bytes: kdcRep(13, 'op1', ['host', 'hmi1'], 18, 18) }], { transport: 'udp' });
  assert.deepEqual(run.events.map((e) => e.name), ['unexpected_message']);
  assert.deepEqual(run.records.map(([, r]) => [r.request_type, r.service, r.success]), [['TGS', 'host/hmi1', true]]);
  const many: Chunk[] = [];
  for (let i = 0; i < MAX_PENDING + 2; i++) many.push({ isOrig: true, bytes: mark(asReq(`u${i}`)) });
  run = runSession(kerberos, many);
  assert.equal(run.events.filter((e) => e.name === 'flooded').length, 2);
  assert.equal(run.records.length, MAX_PENDING + 2);
});

test('malformed: garbage and a reserved record-mark bit raise events; the stream resynchronises', () => {
  const run = runSession(kerberos, [
    { isOrig: true, bytes: Uint8Array.of(0x80, 0, 0, 4, 1, 2, 3, 4) },
    ...tcpConversation,
  ]);
  assert.deepEqual(run.events.map((e) => e.name), ['bad_record_mark']);
  assert.equal(run.records.length, 1);
  const udp = runSession(kerberos, [{ isOrig: true, bytes: Uint8Array.of(0x6a, 0x03, 0x30, 0x01, 0x00) }], { transport: 'udp' });
  assert.deepEqual(udp.events.map((e) => e.name), ['malformed']);
});

test('probe: Kerberos over UDP and TCP says YES; DNS, TLS and short garbage NO', () => {
  const H: ProbeHint = { transport: 'udp', portMatch: true, isOrig: true, srcPort: 50000, dstPort: 88 };
  const a = asReq('op1');
  assert.equal(probeKerberos(a, 0, a.length, H), PROBE.YES);
  const t = mark(a);
  assert.equal(probeKerberos(t, 0, t.length, { ...H, transport: 'tcp' }), PROBE.YES);
  assert.equal(probeKerberos(t, 0, 6, { ...H, transport: 'tcp' }), PROBE.MAYBE);
  assert.equal(probeKerberos(Uint8Array.of(0x12, 0x34, 1, 0, 0, 1, 0, 0), 0, 8, H), PROBE.NO); // a DNS query
  assert.equal(probeKerberos(Uint8Array.of(0x16, 3, 1, 0, 0x50), 0, 5, { ...H, transport: 'tcp' }), PROBE.NO); // TLS
  assert.equal(probeKerberos(Uint8Array.of(0x6a, 0x05, 0x30, 0x03, 0xa1, 0x01, 0x05), 0, 7, H), PROBE.NO);
});

test('truncation: every prefix of every message parses without an exception', () => {
  const m = new KrbMessage();
  for (const b of [asReq('op1', [ENC_TS, padata(16, pkAsReq())]), krbError(24, 'op1', 'x'), kdcRep(11, 'op1', ['krbtgt', 'PLANT.LOCAL'], 18, 18), tgsReq(['cifs', 'fs1'])]) {
    for (const p of prefixes(b)) {
      parseKrb(p, 0, p.length, m);
      runSession(kerberos, [{ isOrig: true, bytes: p }], { transport: 'udp' });
      runSession(kerberos, [{ isOrig: true, bytes: mark(p) }]);
    }
  }
});

test('fuzzing: random bytes and bit flips never throw', () => {
  const m = new KrbMessage();
  const samples = [asReq('op1', [ENC_TS, padata(16, pkAsReq())]), krbError(24, 'op1', 'x'), kdcRep(13, 'op1', ['cifs', 'fs1'], 18, 18), tgsReq(['cifs', 'fs1'])];
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
    parseKrb(b, 0, b.length, m);
    runSession(kerberos, [{ isOrig: true, bytes: b }], { transport: 'udp' });
    runSession(kerberos, [{ isOrig: true, bytes: b }]);
  }), { numRuns: 2000 });
  fc.assert(fc.property(fc.integer({ min: 0, max: samples.length - 1 }), fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), (i, flips) => {
    const b = samples[i].slice();
    for (const f of flips) b[f % b.length] ^= 1 << (f % 8);
    parseKrb(b, 0, b.length, m);
    runSession(kerberos, [{ isOrig: true, bytes: b }, { isOrig: false, bytes: b }], { transport: 'udp' });
  }), { numRuns: 3000 });
});

test('docs/protocols/kerberos.md documents every field and event', () => {
  const doc = readFileSync(new URL('../../../docs/protocols/kerberos.md', import.meta.url), 'utf8');
  const rows = doc.split('\n').filter((l) => l.startsWith('|'));
  for (const f of kerberos.records.kerberos.slice(6)) assert.ok(rows.some((l) => l.startsWith(`| ${f.name} |`)), `kerberos.${f.name} documented`);
  for (const e of Object.keys(kerberos.events)) assert.ok(doc.includes(`kerberos.${e}`), `event kerberos.${e} documented`);
});
