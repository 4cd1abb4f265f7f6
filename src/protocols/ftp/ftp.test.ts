// FTP control connection: conversations written line by line (each line a field) with the
// records RFC 959 / RFC 2428 and Zeek's ftp.log rules give; login outcomes; data channels;
// Zeek's path handling; every event; truncation, segmentation, the probe and fuzzing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { bytewise, concat, everySplit, prefixes, runSession, withoutTs, type Chunk } from '../../dissect/testing.ts';
import { PROBE, type ProbeHint } from '../../dissect/types.ts';
import { ftp, probeFtp } from './index.ts';
import { bannerProduct, buildUrl, extractPath, normalizePath, parseEprt, parseEpsv, parseHostPort, parsePasv } from './parser.ts';
import { MAX_ARG, MAX_PENDING, MAX_USER } from './session.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const lines = (...l: string[]) => enc(l.map((x) => `${x}\r\n`).join(''));
const C = (...l: string[]): Chunk => ({ isOrig: true, bytes: lines(...l) });
const S = (...l: string[]): Chunk => ({ isOrig: false, bytes: lines(...l) });
const FLOW = { flow: { respP: 21 } };
const recs = (r: ReturnType<typeof runSession>, type = 'ftp') => r.records.filter(([t]) => t === type).map(([, x]) => x);
const events = (r: ReturnType<typeof runSession>) => r.events.map((e) => e.name);
const row = (x: Record<string, unknown>) => [x.command, x.arg, x.reply_code, x.login];

const LOGIN: Chunk[] = [
  S('220 (vsFTPd 3.0.3)'), // greeting: the <init> row, software FTP::SERVER vsFTPd 3.0.3
  C('USER anonymous'), // user name
  S('331 Please specify the password.'), // more needed: no outcome yet
  C('PASS guest@example.com'), // password: never written
  S('230 Login successful.'), // success
  C('SYST'),
  S('215 UNIX Type: L8'),
  C('QUIT'),
  S('221 Goodbye.'),
];

test('a login: the greeting, USER, PASS (success), the user on every later row, no password anywhere', () => {
  const r = runSession(ftp, LOGIN, FLOW);
  assert.equal(r.confirmed, true);
  assert.deepEqual(events(r), []);
  const f = recs(r);
  assert.deepEqual(f.map(row), [
    ['<init>', undefined, 220, undefined],
    ['USER', 'anonymous', 331, undefined],
    ['PASS', '<hidden>', 230, 'success'],
    ['SYST', undefined, 215, undefined],
    ['QUIT', undefined, 221, undefined],
  ]);
  assert.deepEqual(f.map((x) => [x.user, x.password_present]), [['<unknown>', false], ['anonymous', false], ['anonymous', true], ['anonymous', true], ['anonymous', true]]);
  assert.deepEqual(Object.keys(f[0]), ftp.records.ftp.map((x) => x.name));
  assert.ok(!JSON.stringify(r.records).includes('guest@example.com'));
  assert.deepEqual(recs(r, 'software').map((s) => [s.software_type, s.host, s.host_p, s.name, s['version.major'], s['version.minor'], s['version.minor2']]), [
    ['FTP::SERVER', '192.0.2.2', 21, 'vsFTPd', 3, 0, 3],
  ]);
});

test('login failures: 530 to PASS, 530 to USER, 421; 332 asks for ACCT, 230 to ACCT is a success', () => {
  const r = runSession(ftp, [
    S('220 ready'),
    C('USER bob'), S('331 Password required for bob.'),
    C('PASS wrong'), S('530 Login incorrect.'),
    C('USER root'), S('530 Permission denied.'),
    C('USER bob'), S('331 Password required.'),
    C('PASS right'), S('332 Need account for login.'),
    C('ACCT x'), S('230 User logged in.'),
    C('USER eve'), S('421 Too many users, closing control connection.'),
  ]);
  assert.deepEqual(recs(r).filter((x) => x.login !== undefined).map((x) => [x.command, x.user, x.reply_code, x.login]), [
    ['PASS', 'bob', 530, 'failure'],
    ['USER', 'root', 530, 'failure'],
    ['ACCT', 'bob', 230, 'success'],
    ['USER', 'eve', 421, 'failure'],
  ]);
});

test('multi-line replies: one reply, the text of its last line; the first line names the server', () => {
  const r = runSession(ftp, [
    S('220-ProFTPD 1.3.5 Server (Debian) [10.0.0.1]', ' welcome to the plant file server', '220 ready.'),
    C('USER anonymous'), S('331 Guest login ok.'),
    C('PASS x'), S('230-', '    The NetBSD Project FTP Server', '230 Guest login ok, access restrictions apply.'),
    C('FEAT'), S('211-Features:', ' EPRT', ' EPSV', ' MDTM', '211 End'),
  ]);
  assert.deepEqual(recs(r).map((x) => [x.command, x.reply_code, x.reply_msg, x.reply_codes]), [
    ['<init>', 220, 'ready.', [220]],
    ['USER', 331, 'Guest login ok.', [331]],
    ['PASS', 230, 'Guest login ok, access restrictions apply.', [230]],
    ['FEAT', 211, 'End', [211]],
  ]);
  assert.deepEqual(recs(r, 'software').map((s) => [s.name, s['version.major'], s['version.minor'], s['version.minor2']]), [['ProFTPD', 1, 3, 5]]);
});

test("a multi-line reply the server never ends (Zeek's quirk): a later 'ddd text' line is a reply of its own", () => {
  const r = runSession(ftp, [
    S('220 ok'),
    C('STOR intermol.ps'),
    S('150 Opening ASCII mode data connection for intermol.ps.', '230- WARNING! 4 bare linefeeds received in ASCII mode', '   File may not have transferred correctly.', '226 Transfer complete.'),
    C('QUIT'), S('221 bye'),
  ]);
  assert.deepEqual(recs(r).map((x) => [x.command, x.reply_code, x.reply_codes]), [['<init>', 220, [220]], ['STOR', 230, [150, 230]], ['<missing>', 226, [226]], ['QUIT', 221, [221]]]);
});

test('data channels: PORT, EPRT (IPv4, IPv6), PASV, EPSV as Zeek’s data_channel fields', () => {
  const r = runSession(ftp, [
    S('220 ok'),
    C('PORT 192,168,1,20,19,137'), S('200 PORT command successful.'), // port 19*256+137 = 5001
    C('EPRT |1|132.235.1.2|6275|'), S('200 EPRT command successful.'), // RFC 2428 §2 example
    C('EPRT |2|1080::8:800:200C:417A|5282|'), S('200 EPRT command successful.'), // RFC 2428 §2 example
    C('PASV'), S('227 Entering Passive Mode (10,0,0,5,4,1).'), // 4*256+1 = 1025
    C('EPSV'), S('229 Entering Extended Passive Mode (|||6446|)'), // RFC 2428 §3 example: the server's address
    C('PORT 1,2,3'), S('501 Syntax error'),
  ]);
  assert.deepEqual(recs(r).slice(1).map((x) => [x.command, x['data_channel.passive'], x['data_channel.orig_h'], x['data_channel.resp_h'], x['data_channel.resp_p']]), [
    ['PORT', false, '192.0.2.2', '192.168.1.20', 5001],
    ['EPRT', false, '192.0.2.2', '132.235.1.2', 6275],
    ['EPRT', false, '192.0.2.2', '1080::8:800:200c:417a', 5282],
    ['PASV', true, '192.0.2.1', '10.0.0.5', 1025],
    ['EPSV', true, '192.0.2.1', '192.0.2.2', 6446],
    ['PORT', undefined, undefined, undefined, undefined],
  ]);
  assert.deepEqual(events(r), ['bad_data_channel']);
  assert.deepEqual(parseHostPort('10,0,0,256,1,1'), null);
  assert.deepEqual(parsePasv('Entering Passive Mode =10,0,0,5,0,21'), { h: '10.0.0.5', p: 21 });
  assert.deepEqual(parseEprt('|3|x|1|'), null);
  assert.deepEqual(parseEpsv('229 (!!!2121!)'), { h: '', p: 2121 });
  assert.equal(parseEpsv('229 (|||70000|)'), null);
});

test('file commands: the argument as Zeek’s URL with the working directory, the file name, the size from 150 or 213', () => {
  const r = runSession(ftp, [
    S('220 ok'),
    C('PWD'), S('257 "/pub" is the current directory'), // cwd = /pub
    C('SIZE fw.bin'), S('213 39424'),
    C('RETR fw.bin'), S('150 Opening BINARY mode data connection for fw.bin (39424 bytes).', '226 Transfer complete.'),
    C('CWD uploads'), S('250 CWD command successful.'), // cwd = /pub/uploads
    C('STOR logic.st'), S('150 Ok to send data.', '226 Transfer complete.'),
    C('DELE /etc/passwd'), S('550 Permission denied.'), // absolute: the name alone
    C('CDUP'), S('250 ok'), // Zeek's quirk: cwd becomes "/.."
    C('RETR a.txt'), S('550 no'),
  ]);
  assert.deepEqual(recs(r).slice(1).map((x) => [x.command, x.arg, x.file_name, x.file_size, x.reply_codes]), [
    ['PWD', undefined, undefined, undefined, [257]],
    ['SIZE', 'ftp://192.0.2.2/pub/fw.bin', 'fw.bin', 39424, [213]],
    ['RETR', 'ftp://192.0.2.2/pub/fw.bin', 'fw.bin', 39424, [150, 226]],
    ['CWD', 'ftp://192.0.2.2/pub/uploads', 'uploads', undefined, [250]],
    ['STOR', 'ftp://192.0.2.2/pub/uploads/logic.st', 'logic.st', undefined, [150, 226]],
    ['DELE', 'ftp://192.0.2.2/etc/passwd', '/etc/passwd', undefined, [550]],
    ['CDUP', undefined, undefined, undefined, [250]],
    ['RETR', 'ftp://192.0.2.2/../a.txt', 'a.txt', undefined, [550]],
  ]);
  // Without a PWD reply the working directory is Zeek's ".".
  assert.equal(buildUrl('10.0.0.1', '.', 'robots.txt'), 'ftp://10.0.0.1/./robots.txt');
  assert.equal(buildUrl('2001:db8::1', '/', 'x'), 'ftp://[2001:db8::1]/x');
  assert.equal(extractPath('257 "/home/ftp" is current directory.'), '/home/ftp');
  assert.equal(extractPath('257 "C:/data" created'), 'C:/data');
});

test("normalizePath follows Zeek's normalize_path", () => {
  // Zeek's unit tests of util::normalize_path (src/util.cc).
  const cases: [string, string][] = [
    ['/1/2/3', '/1/2/3'], ['/1/./2/3', '/1/2/3'], ['/1/2/../3', '/1/3'], ['1/2/3/', '1/2/3'], ['1/2//3///', '1/2/3'],
    ['~/zeek/testing', '~/zeek/testing'], ['~jon/zeek/testing', '~jon/zeek/testing'], ['~jon/./zeek/testing', '~jon/zeek/testing'],
    ['~/zeek/testing/../././.', '~/zeek'], ['./zeek', './zeek'], ['../zeek', '../zeek'], ['../zeek/testing/..', '../zeek'],
    ['./zeek/..', '.'], ['./zeek/../..', '..'], ['./zeek/../../..', '../..'], ['./..', '..'], ['../..', '../..'], ['/..', '/..'],
    ['~/..', '~/..'], ['/../..', '/../..'], ['~/../..', '~/../..'], ['zeek/..', ''], ['zeek/../..', '..'],
  ];
  for (const [a, b] of cases) assert.equal(normalizePath(a), b, a);
});

test('the NVT layer: IAC sequences are not text (IAC IP IAC DM ABOR), IAC IAC is a 255 byte', () => {
  const r = runSession(ftp, [
    S('220 ok'),
    { isOrig: true, bytes: concat(new Uint8Array([0xff, 0xf4, 0xff, 0xf2]), enc('ABOR\r\n')) }, // RFC 959 §4.1.3
    S('226 Abort successful'),
    { isOrig: true, bytes: concat(enc('CWD a'), new Uint8Array([0xff, 0xff]), enc('b\r\n')) },
    S('250 ok'),
    { isOrig: false, bytes: concat(new Uint8Array([0xff, 0xfb, 0x01, 0xff, 0xfa, 0x18, 0x01, 0xff, 0xf0]), enc('200 after telnet\r\n')) },
  ]);
  assert.deepEqual(recs(r).map((x) => [x.command, x.reply_code]), [['<init>', 220], ['ABOR', 226], ['CWD', 250], ['<missing>', 200]]);
  assert.equal(recs(r)[2].file_name, 'a\\xffb');
  assert.deepEqual(events(r), ['telnet_command']);
});

test('CLNT names the client software; AUTH TLS answered 234 ends the reading', () => {
  const r = runSession(ftp, [
    S('220 ok'),
    C('CLNT NcFTP 3.2.6 macosx10.13'), S('200 Noted.'),
    C('AUTH TLS'), S('234 Proceed with negotiation.'),
    { isOrig: true, bytes: new Uint8Array([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x0a, 0x0d]) },
    { isOrig: false, bytes: new Uint8Array([0x16, 0x03, 0x03, 0x00, 0x5a, 0x0a]) },
  ]);
  assert.deepEqual(recs(r).map((x) => [x.command, x.reply_code]), [['<init>', 220], ['CLNT', 200], ['AUTH', 234]]);
  assert.deepEqual(events(r), []);
  assert.deepEqual(recs(r, 'software').map((s) => [s.software_type, s.host, s.name, s['version.major'], s['version.minor'], s['version.minor2'], s['version.addl']]), [
    ['FTP::CLIENT', '192.0.2.1', 'NcFTP', 3, 2, 6, 'macosx10'],
  ]);
});

test('server products in greetings', () => {
  assert.equal(bannerProduct('(vsFTPd 3.0.3)'), 'vsFTPd 3.0.3');
  assert.equal(bannerProduct('ftp.NetBSD.org FTP server (NetBSD-ftpd 20100320) ready.'), 'NetBSD-ftpd 20100320');
  assert.equal(bannerProduct('redmint FTP server (Version 6.4/OpenBSD/Linux-ftpd-0.17) ready.'), 'Linux-ftpd 0.17');
  assert.equal(bannerProduct('Microsoft FTP Service'), 'Microsoft FTP Service');
  assert.equal(bannerProduct('FileZilla Server version 0.9.60 beta'), 'FileZilla Server 0.9.60');
  assert.equal(bannerProduct('VxWorks FTP server (VxWorks 5.4.2) ready.'), 'VxWorks 5.4.2');
  assert.equal(bannerProduct('Welcome to mirrors.rit.edu.'), null);
});

test('events and caps: bad lines, long arguments and users, too many waiting commands, gaps', () => {
  const many: Chunk[] = [S('220 ok')];
  for (let i = 0; i <= MAX_PENDING; i++) many.push(C(`NOOP`));
  const r = runSession(ftp, [
    ...many,
    C('12345 not a command'),
    S('this is not a reply'),
    C(`USER ${'u'.repeat(MAX_USER + 5)}`),
    C(`STOR ${'f'.repeat(MAX_ARG + 5)}`),
    { isOrig: true, bytes: enc('RETR part') },
    { isOrig: true, bytes: new Uint8Array(0), gap: 20 },
    C('QUIT'),
  ]);
  assert.deepEqual(events(r), ['too_many_pending_commands', 'bad_command', 'bad_reply', 'user_too_long', 'too_many_pending_commands', 'arg_too_long', 'too_many_pending_commands', 'gap', 'too_many_pending_commands']);
  const f = recs(r);
  assert.equal(f[f.length - 1].command, 'QUIT');
  assert.equal((f.find((x) => x.command === 'USER')!.user as string).length, MAX_USER);
  assert.ok(f.every((x) => x.command !== 'RETR'), 'the line cut by the gap is dropped');
});

const CONVO: Chunk[] = [
  ...LOGIN.slice(0, 5),
  C('PASV'), S('227 Entering Passive Mode (10,0,0,5,4,1)'),
  C('RETR plc.bak'), S('150 Opening BINARY mode data connection for plc.bak (1234 bytes).', '226 Transfer complete.'),
  S('421 Timeout.'),
];

test('segmentation: the same records whatever the TCP cut', () => {
  const whole = withoutTs(runSession(ftp, CONVO));
  assert.equal(whole.filter(([t]) => t === 'ftp').length, 6);
  for (const chunks of everySplit(CONVO)) assert.deepEqual(withoutTs(runSession(ftp, chunks)), whole);
  assert.deepEqual(withoutTs(runSession(ftp, bytewise(CONVO))), whole);
});

test('truncation: every prefix of each side gives no exception and no reply that was not sent', () => {
  const server = concat(...CONVO.filter((c) => !c.isOrig).map((c) => c.bytes));
  const client = concat(...CONVO.filter((c) => c.isOrig).map((c) => c.bytes));
  for (const p of prefixes(server)) {
    const r = runSession(ftp, [{ isOrig: false, bytes: p }, { isOrig: true, bytes: client }]);
    const sent = new TextDecoder().decode(p);
    for (const x of recs(r)) if (x.reply_code !== undefined) assert.ok(sent.includes(`${x.reply_code} `), `${x.reply_code} in ${JSON.stringify(sent)}`);
  }
  for (const p of prefixes(client)) runSession(ftp, [{ isOrig: true, bytes: p }]);
});

const H = (isOrig: boolean, portMatch: boolean): ProbeHint => ({ transport: 'tcp', portMatch, isOrig, srcPort: 40000, dstPort: 21 });

test('probe: replies and client commands on port 21; on other ports only FTP greetings and FTP-only commands', () => {
  const p = (s: string, isOrig: boolean, port: boolean) => probeFtp(enc(s), 0, s.length, H(isOrig, port));
  assert.equal(p('220 (vsFTPd 3.0.3)\r\n', false, true), PROBE.YES);
  assert.equal(p('220-Welcome\r\n', false, true), PROBE.YES);
  assert.equal(p('220 ', false, true), PROBE.MAYBE);
  assert.equal(p('22', false, true), PROBE.MAYBE);
  assert.equal(p('SSH-2.0-OpenSSH_8.9\r\n', false, true), PROBE.NO);
  assert.equal(p('600 x\r\n', false, true), PROBE.NO);
  assert.equal(p('USER bob\r\n', true, true), PROBE.YES);
  assert.equal(p('AUTH TLS\r\n', true, true), PROBE.YES);
  assert.equal(p('US', true, true), PROBE.MAYBE);
  assert.equal(p('HELLO\r\n', true, true), PROBE.NO);
  // another port: SMTP and POP3 look alike
  assert.equal(p('220 mail.example.com ESMTP Postfix\r\n', false, false), PROBE.NO);
  assert.equal(p('220 plc FTP server ready\r\n', false, false), PROBE.YES);
  assert.equal(p('331 Password required\r\n', false, false), PROBE.NO);
  assert.equal(p('USER bob\r\n', true, false), PROBE.NO);
  assert.equal(p('PASV\r\n', true, false), PROBE.YES);
  assert.equal(p('220 \x01\x02\r\n', false, true), PROBE.NO);
  assert.equal(probeFtp(enc('220 ok\r\n'), 0, 8, { ...H(false, true), transport: 'udp' }), PROBE.NO);
});

test('fuzzing: random bytes and bit-flipped conversations never throw', () => {
  fc.assert(
    fc.property(fc.array(fc.record({ isOrig: fc.boolean(), bytes: fc.uint8Array({ maxLength: 300 }) }), { maxLength: 12 }), (chunks) => {
      runSession(ftp, [...LOGIN.slice(0, 1), ...chunks]);
      for (const c of chunks) probeFtp(c.bytes, 0, c.bytes.length, H(c.isOrig, true));
    }),
    { numRuns: 300 },
  );
  const stream = concat(...CONVO.map((c) => c.bytes));
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(stream.length - 1), fc.nat(7)), { minLength: 1, maxLength: 8 }), fc.nat(stream.length), (flips, cut) => {
      const b = stream.slice();
      for (const [i, bit] of flips) b[i] ^= 1 << bit;
      runSession(ftp, [{ isOrig: false, bytes: b.subarray(0, cut) }, { isOrig: true, bytes: b.subarray(cut) }, { isOrig: false, bytes: b }]);
    }),
    { numRuns: 300 },
  );
  const token = fc.constantFrom('220', '230-', '230 ', '150 ', '227 (1,2,3,4,5,6)', '229 (|||1|)', 'PORT ', 'EPRT |2|::1|', 'PASV', 'USER ', 'PASS ', 'CWD ', '..', '/', '\r\n', '\xff', ' ', 'x');
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.boolean(), fc.array(token, { maxLength: 20 })), { maxLength: 12 }), (parts) => {
      runSession(ftp, parts.map(([o, t]) => ({ isOrig: o, bytes: Uint8Array.from(t.join(''), (ch) => ch.charCodeAt(0) & 0xff) })));
    }),
    { numRuns: 300 },
  );
});

test('docs/protocols/ftp.md documents every field of every record type and every event', () => {
  const doc = readFileSync(new URL('../../../docs/protocols/ftp.md', import.meta.url), 'utf8');
  const rows = doc.split('\n').filter((l) => l.startsWith('|'));
  const documented = (name: string) => rows.some((l) => new RegExp(`(^\\|\\s*|[ ,\`])${name.replaceAll('.', '\\.')}([ ,\`|])`).test(l));
  for (const [type, fields] of Object.entries(ftp.records)) {
    assert.ok(doc.includes(`### \`${type}\``), `section for ${type}`);
    for (const f of type === 'ftp' ? fields.slice(6) : fields) assert.ok(documented(f.name), `${type}.${f.name} documented`);
  }
  assert.ok(doc.includes('`ts, uid, id.orig_h, id.orig_p, id.resp_h, id.resp_p`'));
  for (const e of Object.keys(ftp.events)) assert.ok(doc.includes(`ftp.${e}`), `event ftp.${e} documented`);
});
