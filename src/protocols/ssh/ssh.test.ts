// SSH on byte arrays written from RFC 4253 (identification §4.2, binary packet §6, KEXINIT
// §7.1, DH §8), RFC 4419 (group exchange) and RFC 5656 (ECDH), the HASSH definition
// (Salesforce: MD5 of "kex;encryption;mac;compression", client-to-server lists for the client,
// server-to-client for the server) and Zeek's authentication heuristic (SSH.cc, main.zeek):
// records, events, caps, truncation, segmentation, gaps, probing and fuzzing.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { bytewise, concat, everySplit, hex, prefixes, runSession, withoutTs, type Chunk } from '../../dissect/testing.ts';
import { PROBE, type ProbeHint } from '../../dissect/types.ts';
import { probeSsh, ssh } from './index.ts';
import { names, negotiate, parseVersionLine } from './parser.ts';

const ON_PORT: ProbeHint = { transport: 'tcp', portMatch: true, isOrig: true, srcPort: 50000, dstPort: 22 };
const OFF_PORT: ProbeHint = { ...ON_PORT, portMatch: false, dstPort: 2222 };


const ascii = (s: string) => new TextEncoder().encode(s);
const C = (isOrig: boolean, bytes: Uint8Array, ts?: number): Chunk => ({ isOrig, bytes, ts });

function u32(n: number): Uint8Array {
  return new Uint8Array([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
}
/** An SSH `string` / `name-list`: uint32 length, bytes (RFC 4251 §5). */
function str(s: string | Uint8Array): Uint8Array {
  const b = typeof s === 'string' ? ascii(s) : s;
  return concat(u32(b.length), b);
}
/**
 * An SSH-2 binary packet (RFC 4253 §6): uint32 packet_length, byte padding_length, payload,
 * random padding (here 0x00), at least 4 bytes, total a multiple of 8.
 */
function packet(payload: Uint8Array): Uint8Array {
  let pad = 8 - ((5 + payload.length) % 8);
  if (pad < 4) pad += 8;
  return concat(u32(1 + payload.length + pad), new Uint8Array([pad]), payload, new Uint8Array(pad));
}

interface Lists { kex: string; hk: string; enc: string; mac: string; comp: string }
/** SSH_MSG_KEXINIT (§7.1): 20, 16-byte cookie, ten name-lists, first_kex_packet_follows, reserved. */
function kexinit(l: Lists, encS2C = l.enc): Uint8Array {
  return packet(concat(
    new Uint8Array([20]),
    new Uint8Array(16).fill(0xaa),
    str(l.kex), str(l.hk), str(l.enc), str(encS2C), str(l.mac), str(l.mac), str(l.comp), str(l.comp), str(''), str(''),
    new Uint8Array([0]), u32(0),
  ));
}

const CLIENT_LISTS: Lists = {
  kex: 'curve25519-sha256,ecdh-sha2-nistp256,diffie-hellman-group-exchange-sha256,ext-info-c',
  hk: 'ssh-ed25519,rsa-sha2-512,ssh-rsa',
  enc: 'chacha20-poly1305@openssh.com,aes128-ctr',
  mac: 'umac-64-etm@openssh.com,hmac-sha2-256',
  comp: 'none,zlib@openssh.com',
};
const SERVER_LISTS: Lists = {
  kex: 'diffie-hellman-group-exchange-sha256,ecdh-sha2-nistp256,curve25519-sha256',
  hk: 'rsa-sha2-512,ssh-ed25519',
  enc: 'aes128-ctr,chacha20-poly1305@openssh.com',
  mac: 'hmac-sha2-256,umac-64-etm@openssh.com',
  comp: 'none',
};

const V_CLIENT = ascii('SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13\r\n');
const V_SERVER = ascii('SSH-2.0-dropbear_2022.83\r\n');
/** The server host key blob (RFC 8709 §4): string "ssh-ed25519", string key (32 bytes). */
const HOST_KEY = concat(str('ssh-ed25519'), str(new Uint8Array(32).fill(0x11)));
/** SSH_MSG_KEX_ECDH_INIT (RFC 5656 §4): 30, string Q_C. */
const ECDH_INIT = packet(concat(new Uint8Array([30]), str(new Uint8Array(32).fill(0x22))));
/** SSH_MSG_KEX_ECDH_REPLY: 31, string K_S (host key), string Q_S, string signature. */
const ECDH_REPLY = packet(concat(new Uint8Array([31]), str(HOST_KEY), str(new Uint8Array(32).fill(0x33)), str(new Uint8Array(83).fill(0x44))));
/** SSH_MSG_NEWKEYS: 21 alone. */
const NEWKEYS = packet(new Uint8Array([21]));

/** A clear-text exchange negotiating curve25519-sha256 (the client's first kex the server lists). */
const CLEAR: Chunk[] = [
  C(false, concat(V_SERVER, kexinit(SERVER_LISTS))),
  C(true, V_CLIENT),
  C(true, kexinit(CLIENT_LISTS)),
  C(true, ECDH_INIT),
  C(false, concat(ECDH_REPLY, NEWKEYS)),
  C(true, NEWKEYS),
];

/** A session run with only the ssh records kept in `records` (software records go to `software`). */
function run(chunks: readonly Chunk[]) {
  const r = runSession(ssh, chunks);
  return { ...r, records: r.records.filter(([t]) => t === 'ssh'), software: r.records.filter(([t]) => t === 'software').map(([, x]) => x) };
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const colons = (h: string) => h.match(/../g)!.join(':');

test('identification lines, negotiated algorithms, HASSH and the host key', () => {
  const r = run(CLEAR);
  assert.equal(r.records.length, 1);
  const [type, rec] = r.records[0];
  assert.equal(type, 'ssh');
  assert.ok(r.confirmed);
  const hasshAlgs = `${CLIENT_LISTS.kex};${CLIENT_LISTS.enc};${CLIENT_LISTS.mac};${CLIENT_LISTS.comp}`;
  const hasshServerAlgs = `${SERVER_LISTS.kex};${SERVER_LISTS.enc};${SERVER_LISTS.mac};${SERVER_LISTS.comp}`;
  assert.deepEqual({ ...rec, ts: 0 }, {
    ts: 0, uid: 'CTestFlow0000000001', 'id.orig_h': '192.0.2.1', 'id.orig_p': 49152, 'id.resp_h': '192.0.2.2', 'id.resp_p': 502,
    version: 2,
    auth_success: undefined,
    auth_attempts: 0,
    direction: undefined,
    client: 'SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13',
    server: 'SSH-2.0-dropbear_2022.83',
    cipher_alg: 'chacha20-poly1305@openssh.com', // client's first that the server lists (RFC 4253 §7.1)
    mac_alg: 'umac-64-etm@openssh.com',
    compression_alg: 'none',
    kex_alg: 'curve25519-sha256',
    host_key_alg: 'ssh-ed25519',
    host_key: colons(createHash('md5').update(HOST_KEY).digest('hex')),
    hassh: md5(hasshAlgs),
    hassh_server: md5(hasshServerAlgs),
    hassh_algorithms: hasshAlgs,
    hassh_server_algorithms: hasshServerAlgs,
    cshka: CLIENT_LISTS.hk,
    sshka: SERVER_LISTS.hk,
    host_key_type: 'ssh-ed25519',
    host_key_sha256: `SHA256:${createHash('sha256').update(HOST_KEY).digest('base64').replace(/=+$/, '')}`,
    client_proto_version: '2.0',
    client_software: 'OpenSSH_9.6p1',
    client_comments: 'Ubuntu-3ubuntu13',
    server_proto_version: '2.0',
    server_software: 'dropbear_2022.83',
    server_comments: undefined,
  });
  assert.deepEqual(r.events, []);
  // ts is the time of the first identification line (Zeek's set_session).
  const t = run(CLEAR.map((c, i) => ({ ...c, ts: 100 + i })));
  assert.equal(t.records[0][1].ts, 100);
});

test('software records for both identification strings, as policy/protocols/ssh/software.zeek reports them', () => {
  const r = run(CLEAR);
  assert.equal(r.software.length, 2);
  const [server, client] = r.software;
  assert.deepEqual([server.host, server.host_p, server.software_type, server.unparsed_version], ['192.0.2.2', 502, 'SSH::SERVER', 'dropbear_2022.83']);
  assert.deepEqual([client.host, client.host_p, client.software_type, client.unparsed_version], ['192.0.2.1', undefined, 'SSH::CLIENT', 'OpenSSH_9.6p1 Ubuntu-3ubuntu13']);
  // Software::parse cuts at the first run of version characters.
  assert.deepEqual([client.name, client['version.major'], client['version.minor']], ['OpenSSH', 9, 6]);
  assert.deepEqual([server.name, server['version.major']], ['dropbear', 2022]);
  assert.deepEqual(Object.keys(server), ssh.records.software.map((f) => f.name));
});

test('group exchange: the host key comes in KEX_DH_GEX_REPLY (33), not in the GROUP message (31)', () => {
  const gexServer = { ...SERVER_LISTS, kex: 'diffie-hellman-group-exchange-sha256' };
  const group = packet(concat(new Uint8Array([31]), str(new Uint8Array([0x00, 0xff, 0xff])), str(new Uint8Array([2])))); // p, g
  const reply = packet(concat(new Uint8Array([33]), str(HOST_KEY), str(new Uint8Array(16).fill(1)), str(new Uint8Array(20).fill(2))));
  const r = run([
    C(false, concat(V_SERVER, kexinit(gexServer))),
    C(true, concat(V_CLIENT, kexinit({ ...CLIENT_LISTS, kex: 'diffie-hellman-group-exchange-sha256' }))),
    C(true, packet(concat(new Uint8Array([34]), u32(2048), u32(3072), u32(8192)))), // GEX_REQUEST
    C(false, group),
    C(true, packet(concat(new Uint8Array([32]), str(new Uint8Array(16).fill(3))))), // GEX_INIT
    C(false, concat(reply, NEWKEYS)),
  ]);
  const rec = r.records[0][1];
  assert.equal(rec.kex_alg, 'diffie-hellman-group-exchange-sha256');
  assert.equal(rec.host_key, colons(createHash('md5').update(HOST_KEY).digest('hex')));
});

test("Zeek's heuristic: SERVICE_ACCEPT size S, a failure size F, then S-16 is a success", () => {
  const enc = (isOrig: boolean, n: number) => C(isOrig, new Uint8Array(n).fill(0xee));
  // Client: SERVICE_REQUEST; server: SERVICE_ACCEPT (52); client: USERAUTH_REQUEST (password);
  // server: FAILURE (68, sets F, not counted); client: retry; server: FAILURE (68, attempt 1);
  // client: retry; server: SUCCESS (36 = 52 - 16, attempt 2), written at once.
  const conv = [...CLEAR, enc(true, 52), enc(false, 52), enc(true, 100), enc(false, 68), enc(true, 100), enc(false, 68), enc(true, 100), enc(false, 36), enc(false, 500)];
  const r = run(conv);
  assert.equal(r.records.length, 1);
  assert.equal(r.records[0][1].auth_success, true);
  assert.equal(r.records[0][1].auth_attempts, 2);
  // Written when the success is inferred, with the record's ts still the first identification line.
  assert.equal(r.records[0][1].ts, 1700000000.001);
});

test("Zeek's heuristic: failures only → auth_success F with the count; server data before the client's is ignored", () => {
  const enc = (isOrig: boolean, n: number) => C(isOrig, new Uint8Array(n).fill(0xee));
  const r = run([...CLEAR, enc(false, 300), enc(true, 52), enc(false, 52), enc(true, 90), enc(false, 84), enc(true, 90), enc(false, 84), enc(true, 90), enc(false, 84)]);
  const rec = r.records[0][1];
  assert.equal(rec.auth_success, false);
  assert.equal(rec.auth_attempts, 2);
});

test("Zeek's heuristic: 'none' authentication accepted at once; a banner larger than S+256 is skipped once", () => {
  const enc = (isOrig: boolean, n: number) => C(isOrig, new Uint8Array(n).fill(0xee));
  const none = run([...CLEAR, enc(true, 52), enc(false, 52), enc(true, 60), enc(false, 36)]);
  assert.deepEqual([none.records[0][1].auth_success, none.records[0][1].auth_attempts], [true, 1]);
  const banner = run([...CLEAR, enc(true, 52), enc(false, 52), enc(true, 60), enc(false, 52 + 400), enc(false, 84), enc(true, 60), enc(false, 84), enc(true, 60), enc(false, 36)]);
  assert.deepEqual([banner.records[0][1].auth_success, banner.records[0][1].auth_attempts], [true, 2]);
});

test('zlib compression: the heuristic is not applied (Zeek SSH::compression_algorithms)', () => {
  const enc = (isOrig: boolean, n: number) => C(isOrig, new Uint8Array(n).fill(0xee));
  const zlibServer = { ...SERVER_LISTS, comp: 'zlib@openssh.com' };
  const conv = CLEAR.map((c, i) => (i === 0 ? C(false, concat(V_SERVER, kexinit(zlibServer))) : c));
  const r = run([...conv, enc(true, 52), enc(false, 52), enc(true, 60), enc(false, 36)]);
  const rec = r.records[0][1];
  assert.equal(rec.compression_alg, 'zlib@openssh.com');
  assert.deepEqual([rec.auth_success, rec.auth_attempts], [undefined, 0]);
});

test('NEWKEYS and encrypted bytes in one chunk: the bytes after NEWKEYS are the first encrypted delivery', () => {
  const r = run([
    ...CLEAR.slice(0, 5),
    C(true, concat(NEWKEYS, new Uint8Array(52))), // NEWKEYS + SERVICE_REQUEST in one segment
    C(false, new Uint8Array(52)),
    C(true, new Uint8Array(80)),
    C(false, new Uint8Array(36)),
  ]);
  assert.deepEqual([r.records[0][1].auth_success, r.records[0][1].auth_attempts], [true, 1]);
});

test('different ciphers per direction: "To server: x, to client: y"; no common algorithm: negotiation failed', () => {
  const server = { ...SERVER_LISTS, enc: 'aes128-ctr' };
  const r = run([
    C(false, concat(V_SERVER, kexinit(server, 'aes256-ctr,chacha20-poly1305@openssh.com'))),
    C(true, concat(V_CLIENT, kexinit({ ...CLIENT_LISTS, hk: 'ssh-dss' }))),
  ]);
  const rec = r.records[0][1];
  assert.equal(rec.cipher_alg, 'To server: aes128-ctr, to client: chacha20-poly1305@openssh.com');
  assert.equal(rec.host_key_alg, 'Algorithm negotiation failed');
});

test('server lines before the identification are skipped (RFC 4253 §4.2)', () => {
  const r = run([C(false, ascii('Welcome to the plant gateway\r\nAuthorised use only\r\n')), ...CLEAR]);
  assert.equal(r.records[0][1].server, 'SSH-2.0-dropbear_2022.83');
  assert.deepEqual(r.events, []);
});

test('SSH-1: a 1.5 client against a 1.99 server talks version 1; the host key fingerprint is MD5(modulus || exponent)', () => {
  // SSH-1 packet: uint32 length (type + data + CRC), 8 - length % 8 bytes of padding, type, data, CRC-32.
  const mp = (b: Uint8Array) => concat(new Uint8Array([(b.length * 8) >> 8, (b.length * 8) & 255]), b); // uint16 bits, bytes
  const hostExp = new Uint8Array([0x01, 0x00, 0x01]);
  const hostMod = new Uint8Array(64).fill(0xc3);
  const body = concat(
    new Uint8Array([2]),                       // SSH_SMSG_PUBLIC_KEY
    new Uint8Array(8).fill(9),                 // anti-spoofing cookie
    u32(768), mp(new Uint8Array([3])), mp(new Uint8Array(48).fill(0xd1)), // server key bits, exponent, modulus
    u32(512), mp(hostExp), mp(hostMod),        // host key bits, exponent, modulus
    u32(2), u32(0x48), u32(0x24),              // protocol flags, cipher mask, auth mask
  );
  const len = body.length + 4;
  const pkt = concat(u32(len), new Uint8Array(8 - (len % 8)), body, u32(0));
  const r = run([C(false, ascii('SSH-1.99-OpenSSH_3.9p1\n')), C(true, ascii('SSH-1.5-OpenSSH_6.2\n')), C(false, pkt)]);
  const rec = r.records[0][1];
  assert.equal(rec.version, 1);
  assert.equal(rec.host_key, colons(createHash('md5').update(hostMod).update(hostExp).digest('hex')));
});

test('version mismatch (SSH-1.5 client, SSH-2.0 server): version unset, event', () => {
  const r = run([C(false, ascii('SSH-2.0-OpenSSH_8.0\r\n')), C(true, ascii('SSH-1.5-Nmap\r\n'))]);
  assert.equal(r.records[0][1].version, undefined);
  assert.deepEqual(r.events.map((e) => e.name), ['version_mismatch']);
});

test('not SSH: a client line that is no identification is rejected; a bad packet length stops the side', () => {
  const bad = run([C(true, ascii('GET / HTTP/1.1\r\n'))]);
  assert.equal(bad.rejected, 'no SSH identification line');
  assert.deepEqual(bad.records, []);
  const len = run([C(false, V_SERVER), C(true, V_CLIENT), C(true, hex`ff ff ff ff 00 14`), C(false, kexinit(SERVER_LISTS))]);
  assert.deepEqual(len.events.map((e) => e.name), ['bad_packet_length']);
  assert.equal(len.records[0][1].hassh, undefined);
  assert.equal(len.records[0][1].hassh_server, md5(`${SERVER_LISTS.kex};${SERVER_LISTS.enc};${SERVER_LISTS.mac};${SERVER_LISTS.comp}`));
});

test('malformed KEXINIT (a name-list longer than the packet) raises malformed_kexinit; the flow goes on', () => {
  const broken = packet(concat(new Uint8Array([20]), new Uint8Array(16), u32(5000), ascii('curve25519-sha256')));
  const r = run([C(false, V_SERVER), C(true, V_CLIENT), C(true, broken), C(false, kexinit(SERVER_LISTS))]);
  assert.deepEqual(r.events.map((e) => e.name), ['malformed_kexinit']);
  assert.ok(r.records[0][1].hassh_server !== undefined);
});

test('caps: a 300-byte identification line is cut to 255 with an event; 256 KiB of key exchange stops the side', () => {
  const long = run([C(true, ascii(`SSH-2.0-${'x'.repeat(300)}\r\n`))]);
  assert.equal((long.records[0][1].client as string).length, 255);
  assert.deepEqual(long.events.map((e) => e.name), ['version_too_long']);
  // 260 KiB of KEXINIT-sized packets that never reach NEWKEYS.
  const ignore = packet(concat(new Uint8Array([2]), str(new Uint8Array(30000))));
  const flood = run([C(false, V_SERVER), C(true, V_CLIENT), ...Array.from({ length: 9 }, () => C(true, ignore))]);
  assert.deepEqual(flood.events.map((e) => e.name), ['kex_too_long']);
  const many = run([C(false, V_SERVER), C(true, V_CLIENT), C(true, kexinit({ ...CLIENT_LISTS, kex: Array.from({ length: 300 }, (_, i) => `k${i}`).join(',') }))]);
  assert.deepEqual(many.events.map((e) => e.name), ['too_many_algorithms']);
});

test('after a TCP gap the session stops analysing, as Zeek does (the record keeps what was seen)', () => {
  const enc = (isOrig: boolean, n: number) => C(isOrig, new Uint8Array(n).fill(0xee));
  const r = run([...CLEAR, enc(true, 52), { isOrig: false, bytes: new Uint8Array(0), gap: 52 }, enc(true, 60), enc(false, 36)]);
  assert.deepEqual([r.records[0][1].auth_success, r.records[0][1].auth_attempts], [undefined, 0]);
  assert.equal(r.records[0][1].kex_alg, 'curve25519-sha256');
});

test('truncation at every offset of each side: no exception; a cut KEXINIT gives no HASSH', () => {
  const client = concat(V_CLIENT, kexinit(CLIENT_LISTS), ECDH_INIT, NEWKEYS);
  const server = concat(V_SERVER, kexinit(SERVER_LISTS), ECDH_REPLY, NEWKEYS);
  const kexEnd = V_CLIENT.length + kexinit(CLIENT_LISTS).length;
  for (const p of prefixes(client)) {
    const r = run([C(false, server), C(true, p)]);
    if (p.length < V_CLIENT.length) assert.equal(r.records[0][1].client, undefined);
    if (p.length < kexEnd) assert.equal(r.records[0][1].hassh, undefined, `prefix ${p.length}`);
  }
  for (const p of prefixes(server)) run([C(true, client), C(false, p)]);
});

test('segmentation: the clear-text part gives the same record whatever the TCP cut', () => {
  const whole = withoutTs(runSession(ssh, CLEAR));
  let n = 0;
  for (const split of everySplit(CLEAR)) {
    if (n++ % 7 !== 0) continue; // bytewise below covers every offset
    assert.deepEqual(withoutTs(runSession(ssh, split)), whole);
  }
  assert.deepEqual(withoutTs(runSession(ssh, bytewise(CLEAR))), whole);
});

test('parser helpers: identification parts, name-lists, negotiation', () => {
  assert.deepEqual(parseVersionLine('SSH-2.0-billsSSH_3.6.3q3 comment here'), { proto: '2.0', software: 'billsSSH_3.6.3q3', comments: 'comment here' });
  assert.equal(parseVersionLine('SSH2.0'), null);
  assert.deepEqual(names(',a,,b,'), ['a', 'b']);
  assert.equal(negotiate('x,y,z', 'z,y'), 'y');
  assert.equal(negotiate('x', 'y'), null);
});

test('probe: "SSH-<digits>.<digits>-" on any port; pre-banner lines only on port 22 from the server', () => {
  assert.equal(probeSsh(V_CLIENT, 0, V_CLIENT.length, OFF_PORT), PROBE.YES);
  assert.equal(probeSsh(V_CLIENT, 0, 3, OFF_PORT), PROBE.MAYBE);
  assert.equal(probeSsh(ascii('SSH-2.'), 0, 6, OFF_PORT), PROBE.MAYBE);
  assert.equal(probeSsh(ascii('SSH-x.0-'), 0, 8, OFF_PORT), PROBE.NO);
  assert.equal(probeSsh(ascii('SSH2.0-foo'), 0, 10, OFF_PORT), PROBE.NO);
  assert.equal(probeSsh(ascii('GET / HTTP/1.1\r\n'), 0, 16, OFF_PORT), PROBE.NO);
  const pre = ascii('Authorised use only\r\nSSH-2.0-x\r\n');
  const server22: ProbeHint = { ...ON_PORT, isOrig: false };
  assert.equal(probeSsh(pre, 0, pre.length, server22), PROBE.YES);
  assert.equal(probeSsh(pre, 0, pre.length, { ...server22, portMatch: false }), PROBE.NO);
  assert.equal(probeSsh(pre, 0, 10, server22), PROBE.MAYBE);
  assert.equal(probeSsh(hex`00 01 02 03`, 0, 4, server22), PROBE.NO);
  assert.equal(probeSsh(V_CLIENT, 0, V_CLIENT.length, { ...ON_PORT, transport: 'udp' }), PROBE.NO);
});

test('fuzzing: random bytes and bit-flipped exchanges never throw', () => {
  const client = concat(V_CLIENT, kexinit(CLIENT_LISTS), ECDH_INIT, NEWKEYS);
  const server = concat(V_SERVER, kexinit(SERVER_LISTS), ECDH_REPLY, NEWKEYS);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(client.length * 8 - 1), { maxLength: 20 }), fc.nat(server.length), (rand, flips, cut) => {
      const m = client.slice();
      for (const f of flips) m[f >> 3] ^= 1 << (f & 7);
      const s = server.slice();
      for (const f of flips) s[(f >> 3) % s.length] ^= 1 << (f & 7);
      run([C(false, s.subarray(0, cut)), C(true, m), C(false, s.subarray(cut)), C(true, rand), C(false, rand)]);
      run([C(true, concat(ascii('SSH-2.0-x\r\n'), rand)), C(false, concat(ascii('SSH-1.99-y\n'), rand))]);
      probeSsh(rand, 0, rand.length, { ...ON_PORT, isOrig: false });
    }),
    { numRuns: 300 },
  );
});

test('docs/protocols/ssh.md documents every field and every event', () => {
  const doc = readFileSync(new URL('../../../docs/protocols/ssh.md', import.meta.url), 'utf8');
  const fields = ssh.records.ssh;
  assert.deepEqual(fields.slice(0, 6).map((f) => f.name), ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p']);
  for (const f of fields.slice(6)) assert.ok(doc.includes(`| \`${f.name}\` | ${f.type} |`), `ssh.${f.name} documented with its type`);
  for (const e of Object.keys(ssh.events)) assert.ok(doc.includes(`| \`ssh.${e}\` |`), `event ssh.${e} documented`);
});


