// TLS on byte arrays written from RFC 5246 (record layer §6.2, handshake §7.4), RFC 8446
// (TLS 1.3 hellos, HelloRetryRequest, PSK), RFC 6066/7301/8422/5077 (extensions), RFC 8701
// (GREASE) and the SSLv2 CLIENT-HELLO (draft-hickman-netscape-ssl-00 §"CLIENT-HELLO"):
// Zeek's ssl.log semantics (history, established, resumption, flips), JA3/JA3S as Salesforce
// defines them, JA4 on FoxIO's worked example (technical_details/JA4.md), certificates and
// x509 records, events, caps, truncation, segmentation, gaps, probing and fuzzing.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { bytewise, concat, everySplit, hex, prefixes, runSession, withoutTs, type Chunk } from '../../dissect/testing.ts';
import { PROBE, type ProbeHint } from '../../dissect/types.ts';
import { ja3, ja3String, ja4 } from './fingerprint.ts';
import { probeSsl, ssl } from './index.ts';
import { EC_DER, RSA_DER } from './test-certs.ts';

const HINT: ProbeHint = { transport: 'tcp', portMatch: true, isOrig: true, srcPort: 50000, dstPort: 443 };

const C = (isOrig: boolean, bytes: Uint8Array): Chunk => ({ isOrig, bytes });
const ascii = (s: string) => new TextEncoder().encode(s);
const b16 = (...v: number[]) => new Uint8Array(v.flatMap((x) => [x >> 8, x & 255]));
const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** A TLS record (§6.2.1): content type, version 3.3, uint16 length, fragment. */
function record(type: number, body: Uint8Array, version = 0x0303): Uint8Array {
  return concat(new Uint8Array([type, version >> 8, version & 255, body.length >> 8, body.length & 255]), body);
}
/** A handshake message (§7.4): type, uint24 length, body. */
function hs(type: number, body: Uint8Array): Uint8Array {
  return concat(new Uint8Array([type, body.length >> 16, (body.length >> 8) & 255, body.length & 255]), body);
}
/** An extension: uint16 type, uint16 length, data. */
function ext(type: number, data: Uint8Array): Uint8Array {
  return concat(b16(type, data.length), data);
}
const vec8 = (b: Uint8Array) => concat(new Uint8Array([b.length]), b);
const vec16 = (b: Uint8Array) => concat(b16(b.length), b);

interface HelloOpts {
  version?: number;
  sessionId?: Uint8Array;
  ciphers?: number[];
  extensions?: Uint8Array[];
}
/** ClientHello body (§7.4.1.2): version, random, session id, cipher suites, compression methods, extensions. */
function clientHello(o: HelloOpts = {}): Uint8Array {
  return hs(1, concat(
    b16(o.version ?? 0x0303), new Uint8Array(32).fill(0x11),
    vec8(o.sessionId ?? new Uint8Array(0)),
    vec16(b16(...(o.ciphers ?? [0xc02f, 0xc030, 0x009c, 0x002f]))),
    hex`01 00 // compression: null`,
    o.extensions === undefined ? new Uint8Array(0) : vec16(concat(...o.extensions)),
  ));
}
/** ServerHello body (§7.4.1.3). */
function serverHello(cipher: number, o: { version?: number; sessionId?: Uint8Array; random?: Uint8Array; extensions?: Uint8Array[] } = {}): Uint8Array {
  return hs(2, concat(
    b16(o.version ?? 0x0303), o.random ?? new Uint8Array(32).fill(0x22),
    vec8(o.sessionId ?? new Uint8Array(0)), b16(cipher), hex`00`,
    o.extensions === undefined ? new Uint8Array(0) : vec16(concat(...o.extensions)),
  ));
}

const SNI = (name: string) => ext(0x0000, vec16(concat(hex`00`, vec16(ascii(name))))); // server_name: host_name
const ALPN = (...p: string[]) => ext(0x0010, vec16(concat(...p.map((x) => vec8(ascii(x))))));
const GROUPS = (...g: number[]) => ext(0x000a, vec16(b16(...g)));
const POINTS = ext(0x000b, hex`01 00 // uncompressed`);
const SIGALGS = (...s: number[]) => ext(0x000d, vec16(b16(...s)));
const VERSIONS = (...v: number[]) => ext(0x002b, vec8(b16(...v)));
const KEY_SHARE_CLIENT = ext(0x0033, vec16(concat(b16(0x001d), vec16(new Uint8Array(32).fill(0x33)))));
const KEY_SHARE_SERVER = ext(0x0033, concat(b16(0x001d), vec16(new Uint8Array(32).fill(0x44))));
const SERVER_VERSION_13 = ext(0x002b, b16(0x0304));
const RENEG = ext(0xff01, hex`00`);
const CCS = record(20, hex`01`);
const FINISHED_ENC = record(22, new Uint8Array(40).fill(0xe0)); // an encrypted Finished (after CCS)
const APP = (n: number) => record(23, new Uint8Array(n).fill(0xa5));
const CERT_MSG = (...der: Uint8Array[]) => hs(11, vec24(concat(...der.map(vec24))));
function vec24(b: Uint8Array): Uint8Array {
  return concat(new Uint8Array([b.length >> 16, (b.length >> 8) & 255, b.length & 255]), b);
}
const SKE_X25519 = hs(12, concat(hex`03 00 1d // ECParameters: named_curve x25519`, vec8(new Uint8Array(32).fill(0x55)), b16(0x0403), vec16(new Uint8Array(64).fill(0x66))));
const SHD = hs(14, new Uint8Array(0));
const CKE = hs(16, vec8(new Uint8Array(32).fill(0x77)));

const CH12 = clientHello({ extensions: [SNI('plc-gw.example.com'), GROUPS(0x001d, 0x0017), POINTS, SIGALGS(0x0403, 0x0804), ALPN('h2', 'http/1.1'), RENEG] });
const SH12 = serverHello(0xc02f, { sessionId: new Uint8Array(32).fill(0x99), extensions: [RENEG, ALPN('h2')] });
/** A TLS 1.2 ECDHE handshake with a certificate chain, both sides' CCS and encrypted Finished. */
const TLS12: Chunk[] = [
  C(true, record(22, CH12)),
  C(false, concat(record(22, SH12), record(22, CERT_MSG(EC_DER, RSA_DER)), record(22, concat(SKE_X25519, SHD)))),
  C(true, concat(record(22, CKE), CCS, FINISHED_ENC)),
  C(false, concat(CCS, FINISHED_ENC)),
  C(true, APP(100)),
];

function run(chunks: readonly Chunk[]) {
  const r = runSession(ssl, chunks);
  return { ...r, ssl: r.records.filter(([t]) => t === 'ssl').map(([, x]) => x), x509: r.records.filter(([t]) => t === 'x509').map(([, x]) => x) };
}
const fp = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

test('TLS 1.2 ECDHE: Zeek ssl.log fields, history, established at the first ciphertext after both CCS', () => {
  const r = run(TLS12);
  assert.equal(r.ssl.length, 1);
  const s = r.ssl[0];
  assert.ok(r.confirmed);
  assert.deepEqual(
    [s.version, s.cipher, s.curve, s.server_name, s.resumed, s.last_alert, s.next_protocol, s.established, s.ssl_history],
    ['TLSv12', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'x25519', 'plc-gw.example.com', false, undefined, 'h2', true, 'CsxknGIi'],
  );
  assert.deepEqual(s.cert_chain_fps, [fp(EC_DER), fp(RSA_DER)]);
  assert.equal(s.subject, 'emailAddress=ot@example.com,CN=plc-gw.example.com+OU=OT+serialNumber=42,O=Acme\\, Inc.,ST=Z\\C3\\BCrich,C=CH');
  assert.equal(s.sni_matches_cert, true);
  assert.equal(s.validation_status, undefined);
  assert.deepEqual([s.client_version, s.client_ciphers, s.client_alpn, s.client_curves, s.client_signature_algorithms], [
    'TLSv12', ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'TLS_RSA_WITH_AES_128_GCM_SHA256', 'TLS_RSA_WITH_AES_128_CBC_SHA'],
    ['h2', 'http/1.1'], ['x25519', 'secp256r1'], ['0403', '0804'],
  ]);
  // JA3: version, ciphers, extensions, groups, point formats (decimal, "-").
  const j3 = '771,49199-49200-156-47,0-10-11-13-16-65281,29-23,0';
  assert.deepEqual([s.ja3_string, s.ja3], [j3, md5(j3)]);
  const j3s = '771,49199,65281-16';
  assert.deepEqual([s.ja3s_string, s.ja3s], [j3s, md5(j3s)]);
  // Written when established; nothing after it is analysed.
  assert.equal(r.records.findIndex(([t]) => t === 'ssl'), r.records.length - 1);
  // One x509 record per certificate: host certificate first.
  assert.deepEqual(r.x509.map((x) => [x.fingerprint, x.host_cert, x.client_cert]), [[fp(EC_DER), true, false], [fp(RSA_DER), false, false]]);
  assert.deepEqual(Object.keys(r.x509[0]), ssl.records.x509.map((f) => f.name));
  assert.deepEqual([r.x509[0]['certificate.serial'], r.x509[0]['certificate.key_length'], r.x509[0]['san.ip'], r.x509[0].uid], ['C0FFEE11', 384, ['10.1.2.3', 'fd00::1:2'], 'CTestFlow0000000001']);
  assert.deepEqual(r.events, []);
});

test('a certificate seen again in the engine gets no second x509 record', () => {
  const r = run([C(true, record(22, CH12)), C(false, record(22, concat(SH12, CERT_MSG(RSA_DER, RSA_DER))))]);
  assert.equal(r.x509.length, 1);
  assert.deepEqual(r.ssl[0].cert_chain_fps, [fp(RSA_DER), fp(RSA_DER)]);
});

test('resumption: the session id echoed (abbreviated handshake, server CCS first)', () => {
  const sid = new Uint8Array(32).fill(0x42);
  const r = run([
    C(true, record(22, clientHello({ sessionId: sid }))),
    C(false, concat(record(22, serverHello(0x002f, { sessionId: sid })), CCS, FINISHED_ENC)),
    C(true, concat(CCS, FINISHED_ENC)),
  ]);
  assert.deepEqual([r.ssl[0].resumed, r.ssl[0].ssl_history, r.ssl[0].established], [true, 'CsiI', true]);
  // 32 zero bytes are no session id (Zeek).
  const zeros = run([C(true, record(22, clientHello({ sessionId: new Uint8Array(32) }))), C(false, record(22, serverHello(0x002f, { sessionId: new Uint8Array(32) })))]);
  assert.equal(zeros.ssl[0].resumed, false);
});

test('resumption by session ticket: a ticket with an empty session id and a client CCS without key exchange', () => {
  const ticket = ext(0x0023, new Uint8Array(48).fill(0x5e));
  const r = run([
    C(true, record(22, clientHello({ extensions: [ticket] }))),
    C(false, concat(record(22, serverHello(0x002f, { extensions: [ext(0x0023, new Uint8Array(0))] })), record(22, hs(4, new Uint8Array(10))), CCS, FINISHED_ENC)),
    C(true, concat(CCS, FINISHED_ENC)),
  ]);
  assert.deepEqual([r.ssl[0].resumed, r.ssl[0].ssl_history], [true, 'CstiI']);
});

const CH13 = clientHello({ ciphers: [0x1301, 0x1302, 0x1303], sessionId: new Uint8Array(32).fill(7), extensions: [SNI('hist.plant'), GROUPS(0x001d), VERSIONS(0x0304, 0x0303), KEY_SHARE_CLIENT, SIGALGS(0x0403)] });
const SH13 = serverHello(0x1301, { sessionId: new Uint8Array(32).fill(7), extensions: [SERVER_VERSION_13, KEY_SHARE_SERVER] });

test('TLS 1.3 with compatibility CCS: version from supported_versions, curve from key_share, history "CsiI"', () => {
  const r = run([C(true, record(22, CH13)), C(false, concat(record(22, SH13), CCS, APP(500))), C(true, concat(CCS, APP(53))), C(false, APP(200))]);
  const s = r.ssl[0];
  assert.deepEqual([s.version, s.cipher, s.curve, s.ssl_history, s.established, s.resumed, s.client_supported_versions], ['TLSv13', 'TLS_AES_128_GCM_SHA256', 'x25519', 'CsiI', true, false, ['TLSv13', 'TLSv12']]);
  // JA3S uses the ServerHello's legacy version (0x0303).
  assert.equal(s.ja3s_string, '771,4865,43-51');
});

test('TLS 1.3 without CCS: established by the application-data sequence (server, client, server, server)', () => {
  const r = run([C(true, record(22, CH13)), C(false, concat(record(22, SH13), APP(500))), C(true, APP(53)), C(false, APP(100)), C(false, APP(100))]);
  assert.deepEqual([r.ssl[0].established, r.ssl[0].ssl_history], [true, 'Cs']);
  const cut = run([C(true, record(22, CH13)), C(false, concat(record(22, SH13), APP(500))), C(true, APP(53)), C(false, APP(100))]);
  assert.equal(cut.ssl[0].established, false);
});

test('TLS 1.3 PSK resumption; HelloRetryRequest ("j")', () => {
  const psk = ext(0x0029, new Uint8Array(20));
  const chPsk = clientHello({ ciphers: [0x1301], extensions: [VERSIONS(0x0304), KEY_SHARE_CLIENT, psk] });
  const shPsk = serverHello(0x1301, { extensions: [SERVER_VERSION_13, KEY_SHARE_SERVER, ext(0x0029, b16(0))] });
  assert.equal(run([C(true, record(22, chPsk)), C(false, record(22, shPsk))]).ssl[0].resumed, true);
  const HRR_RANDOM = hex`cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c`;
  const hrr = serverHello(0x1301, { random: HRR_RANDOM, extensions: [SERVER_VERSION_13, ext(0x0033, b16(0x0017))] });
  const r = run([C(true, record(22, CH13)), C(false, record(22, hrr)), C(true, record(22, CH13)), C(false, record(22, SH13))]);
  assert.deepEqual([r.ssl[0].ssl_history, r.ssl[0].curve], ['CjCs', 'x25519']);
});

test('a handshake failure alert: last_alert, "l", not established, written at the end', () => {
  const r = run([C(true, record(22, CH12)), C(false, record(21, hex`02 28 // fatal handshake_failure`))]);
  assert.deepEqual([r.ssl[0].last_alert, r.ssl[0].ssl_history, r.ssl[0].established, r.ssl[0].version], ['handshake_failure', 'Cl', false, undefined]);
  assert.equal(run([C(true, record(22, CH12)), C(false, record(21, hex`02 ee`))]).ssl[0].last_alert, 'unknown-238');
});

test('a client certificate: client_cert_chain_fps, client subject, x509 client_cert', () => {
  const r = run([...TLS12.slice(0, 2), C(true, concat(record(22, concat(CERT_MSG(RSA_DER), CKE)), CCS, FINISHED_ENC)), C(false, concat(CCS, FINISHED_ENC))]);
  const s = r.ssl[0];
  assert.deepEqual([s.client_cert_chain_fps, s.client_subject, s.ssl_history], [[fp(RSA_DER)], 'O=Semi\\;colon,CN=\\ lead space#', 'CsxknXGIi']);
});

test('roles flipped: the responder sends the ClientHello (Zeek "^", letters by role)', () => {
  const r = run([C(false, record(22, CH12)), C(true, record(22, SH12))]);
  assert.deepEqual([r.ssl[0].ssl_history, r.ssl[0].server_name], ['^Cs', 'plc-gw.example.com']);
});

test('SSLv2 CLIENT-HELLO with TLS cipher specs, answered with a TLS ServerHello', () => {
  const v2 = hex`80 2e           // SSLv2 record header: length 46
    01                            // CLIENT-HELLO
    03 01                         // version TLS 1.0
    00 15 00 00 00 10             // cipher spec length 21, session id length 0, challenge length 16
    00 00 2f 00 00 35 00 00 0a 01 00 80 07 00 c0 03 00 80 00 00 ff // specs: 002f, 0035, 000a, SSL_CK_RC4_128_WITH_MD5, SSL_CK_DES_192_EDE3_CBC_WITH_MD5, SSL_CK_RC2_128_CBC_WITH_MD5, SCSV
    000102030405060708090a0b0c0d0e0f // challenge`;
  const r = run([C(true, v2), C(false, record(22, serverHello(0x002f, { version: 0x0301 }), 0x0301))]);
  const s = r.ssl[0];
  assert.deepEqual([s.sslv2_client_hello, s.version, s.cipher, s.ja3, s.ssl_history], [true, 'TLSv10', 'TLS_RSA_WITH_AES_128_CBC_SHA', undefined, 's']);
  assert.deepEqual(s.client_ciphers, ['TLS_RSA_WITH_AES_128_CBC_SHA', 'TLS_RSA_WITH_AES_256_CBC_SHA', 'TLS_RSA_WITH_3DES_EDE_CBC_SHA', 'SSLv20_CK_RC4_128_WITH_MD5', 'SSLv20_CK_DES_192_EDE3_CBC_WITH_MD5', 'SSLv20_CK_RC2_128_CBC_WITH_MD5', 'TLS_EMPTY_RENEGOTIATION_INFO_SCSV']);
  // A v2 hello nobody answers still gives a record.
  assert.equal(run([C(true, v2)]).ssl.length, 1);
  assert.equal(probeSsl(v2, 0, v2.length, HINT), PROBE.YES);
});

test('JA4 on the worked example of FoxIO\'s specification, GREASE ignored everywhere', () => {
  // technical_details/JA4.md "Example": 15 ciphers, 16 extensions, ALPN h2, TLS 1.3.
  const h = {
    version: 0x0303,
    ciphers: [0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035, 0x0a0a],
    extensions: [0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d, 0x000d, 0x0005, 0x0023, 0x0012, 0x002b, 0xff01, 0x000b, 0x000a, 0x0015, 0xfafa],
    groups: [0x6a6a, 0x001d],
    pointFormats: [0],
    sigAlgs: [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601],
    supportedVersions: [0x2a2a, 0x0304, 0x0303],
    firstAlpn: ascii('h2'),
  };
  const j = ja4(h);
  assert.equal(j.ja4, 't13d1516h2_8daaf6152771_e5627efa2ab1');
  assert.equal(j.raw, 't13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_0403,0804,0401,0503,0805,0501,0806,0601');
  // Without signature algorithms the hash input ends without "_" (the spec's second example).
  assert.equal(ja4({ ...h, sigAlgs: [] }).ja4.split('_')[2], '6d807ffa2a79');
  // No SNI, no ALPN, no ciphers, no extensions.
  assert.equal(ja4({ ...h, ciphers: [], extensions: [], supportedVersions: [], firstAlpn: null }).ja4, 't12i000000_000000000000_000000000000');
  // ALPN first/last non-alphanumeric: the hex of the bytes.
  assert.equal(ja4({ ...h, firstAlpn: new Uint8Array([0x30, 0xab]) }).ja4.slice(8, 10), '3b');
  assert.equal(ja4({ ...h, firstAlpn: ascii('x') }).ja4.slice(8, 10), 'xx');
  // JA3 drops GREASE too.
  assert.equal(ja3String(h), '771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,27-0-51-16-17513-23-45-13-5-35-18-43-65281-11-10-21,29,0');
  assert.equal(ja3(h), md5(ja3String(h)));
});

test('framing: a ClientHello fragmented over two records, several messages per record, a record over chunks', () => {
  const body = CH12;
  const frag = concat(record(22, body.subarray(0, 30)), record(22, body.subarray(30)));
  const r = run([C(true, frag), ...TLS12.slice(1)]);
  assert.deepEqual(withoutTs({ ...r, records: r.records }), withoutTs(runSession(ssl, TLS12)));
});

test('events: not TLS, a record too long, a cut ClientHello, an overlong handshake message, many names, bad certificates', () => {
  const notTls = run([C(true, ascii('GET / HTTP/1.1\r\n\r\n'))]);
  assert.equal(notTls.rejected, 'no TLS record');
  assert.deepEqual(run([C(true, record(22, CH12)), C(false, hex`17 03 03 ff ff`)]).events.map((e) => e.name), ['record_too_long']);
  assert.deepEqual(run([C(true, record(22, hs(1, hex`03 03 00 00`)))]).events.map((e) => e.name), ['malformed_client_hello']);
  const big = run([C(true, record(22, CH12)), C(false, record(22, hex`0b 10 00 00`))]);
  assert.deepEqual(big.events.map((e) => e.name), ['handshake_too_long']);
  const two = run([C(true, record(22, clientHello({ extensions: [ext(0, vec16(concat(hex`00`, vec16(ascii('a')), hex`00`, vec16(ascii('b')))))] })))]);
  assert.deepEqual([two.events.map((e) => e.name), two.ssl[0].server_names], [['many_server_names'], ['a', 'b']]);
  const bad = run([C(true, record(22, CH12)), C(false, record(22, concat(SH12, CERT_MSG(hex`30 03 02 01 00`))))]);
  assert.deepEqual([bad.events.map((e) => e.name), bad.x509.length, (bad.ssl[0].cert_chain_fps as string[]).length], [['bad_certificate'], 0, 1]);
  const many = run([C(true, record(22, CH12)), C(false, concat(record(22, SH12), record(22, CERT_MSG(...Array.from({ length: 17 }, () => RSA_DER)))))]);
  assert.deepEqual(many.events.map((e) => e.name), ['too_many_certificates']);
  const early = run([C(true, record(22, CH12)), C(false, record(22, SH12)), C(true, APP(10))]);
  assert.deepEqual(early.events.map((e) => e.name), ['early_application_data']);
  const cutExt = run([C(true, record(22, clientHello({ extensions: [SNI('x'), hex`00 0a 00 40 00 1d`] })))]);
  assert.deepEqual([cutExt.events.map((e) => e.name), cutExt.ssl[0].server_name], [['malformed_extension'], 'x']);
  const exts = run([C(true, record(22, clientHello({ extensions: Array.from({ length: 70 }, (_, i) => ext(0x1000 + i, new Uint8Array(0))) })))]);
  assert.deepEqual(exts.events.map((e) => e.name), ['too_many_extensions']);
  const hist = run([C(true, record(22, CH12)), ...Array.from({ length: 120 }, () => C(false, record(22, hs(0, new Uint8Array(0)))))]);
  assert.deepEqual([hist.events.map((e) => e.name), (hist.ssl[0].ssl_history as string).length], [['history_too_long'], 100]);
});

test('after a TCP gap the session stops analysing (Zeek), the record keeps what was seen', () => {
  const r = run([TLS12[0], { isOrig: false, bytes: new Uint8Array(0), gap: 100 }, ...TLS12.slice(1)]);
  assert.deepEqual([r.ssl[0].server_name, r.ssl[0].version, r.ssl[0].established], ['plc-gw.example.com', undefined, false]);
});

test('truncation at every offset: no exception; nothing from a hello not yet complete', () => {
  const client = TLS12[0].bytes;
  for (const p of prefixes(client)) {
    const r = run([C(true, p)]);
    assert.equal(r.ssl[0]?.ja3, undefined, `prefix ${p.length}`);
  }
  const server = TLS12[1].bytes;
  for (const p of prefixes(server)) run([TLS12[0], C(false, p)]);
});

test('segmentation: the same records whatever the TCP cut', () => {
  const whole = withoutTs(runSession(ssl, TLS12));
  let i = 0;
  for (const split of everySplit(TLS12)) if (i++ % 11 === 0) assert.deepEqual(withoutTs(runSession(ssl, split)), whole);
  assert.deepEqual(withoutTs(runSession(ssl, bytewise(TLS12))), whole);
});

test('probe: a handshake record whose first message is a hello with a 3.x version', () => {
  const ch = record(22, CH12);
  assert.equal(probeSsl(ch, 0, ch.length, HINT), PROBE.YES);
  assert.equal(probeSsl(ch, 0, 10, { ...HINT, portMatch: false }), PROBE.YES);
  assert.equal(probeSsl(ch, 0, 4, HINT), PROBE.MAYBE);
  const sh = record(22, SH12);
  assert.equal(probeSsl(sh, 0, sh.length, { ...HINT, isOrig: false }), PROBE.YES);
  assert.equal(probeSsl(APP(20), 0, 25, HINT), PROBE.NO); // application data: mid-stream, not claimed
  assert.equal(probeSsl(hex`16 03 01 00 05 0b 00 00 01 00`, 0, 10, HINT), PROBE.NO); // not a hello
  assert.equal(probeSsl(hex`16 03 01 00 30 01 00 00 2c 02 00`, 0, 10, HINT), PROBE.NO); // hello version 2.0
  assert.equal(probeSsl(hex`16 03 05`, 0, 3, HINT), PROBE.NO);
  assert.equal(probeSsl(ch, 0, ch.length, { ...HINT, transport: 'udp' }), PROBE.NO);
});

test('fuzzing: random bytes and bit-flipped handshakes never throw', () => {
  const client = concat(...TLS12.filter((c) => c.isOrig).map((c) => c.bytes));
  const server = concat(...TLS12.filter((c) => !c.isOrig).map((c) => c.bytes));
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(server.length * 8 - 1), { maxLength: 24 }), fc.nat(client.length), (rand, flips, cut) => {
      const s = server.slice();
      for (const f of flips) s[f >> 3] ^= 1 << (f & 7);
      const c = client.slice();
      for (const f of flips) c[(f >> 3) % c.length] ^= 1 << (f & 7);
      runSession(ssl, [C(true, c.subarray(0, cut)), C(false, s), C(true, c.subarray(cut)), C(false, rand)]);
      runSession(ssl, [C(true, concat(record(22, CH12), rand)), C(false, concat(hex`16 03 03`, rand))]);
      probeSsl(rand, 0, rand.length, HINT);
    }),
    { numRuns: 300 },
  );
});

test('docs/protocols/ssl.md documents every field and every event', () => {
  const doc = readFileSync(new URL('../../../docs/protocols/ssl.md', import.meta.url), 'utf8');
  const fields = ssl.records.ssl;
  assert.deepEqual(fields.slice(0, 6).map((f) => f.name), ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p']);
  for (const f of [...fields.slice(6), ...ssl.records.x509]) assert.ok(doc.includes(`| \`${f.name}\` | ${f.type} |`), `${f.name} documented with its type`);
  for (const e of Object.keys(ssl.events)) assert.ok(doc.includes(`| \`ssl.${e}\` |`), `event ssl.${e} documented`);
});


