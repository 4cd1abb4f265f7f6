// Telnet: negotiations byte by byte (RFC 854 / 855 and the option RFCs), the login heuristic
// on the texts real servers print, line editing, every event, truncation, segmentation, the
// probe and fuzzing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { bytewise, concat, everySplit, hex, prefixes, runSession, withoutTs, type Chunk } from '../../dissect/testing.ts';
import { PROBE, type ProbeHint } from '../../dissect/types.ts';
import { optionName } from './constants.ts';
import { probeTelnet, telnet } from './index.ts';
import { MAX_INPUT, MAX_SUBNEG } from './session.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const C = (s: string | Uint8Array): Chunk => ({ isOrig: true, bytes: typeof s === 'string' ? enc(s) : s });
const S = (s: string | Uint8Array): Chunk => ({ isOrig: false, bytes: typeof s === 'string' ? enc(s) : s });
const one = (r: ReturnType<typeof runSession>) => {
  assert.equal(r.records.length, 1);
  return r.records[0][1];
};
/** A typed line sent one character per segment, as character-mode clients do. */
const typed = (s: string): Chunk[] => [...s].map((ch) => C(ch));
/** The server echoing what is typed (remote echo). */
const echoed = (s: string): Chunk[] => [...s].flatMap((ch) => [C(ch), S(ch === '\r' ? '\r\n' : ch)]);

const NEGOTIATION: Chunk[] = [
  S(hex`ff fd 18 // IAC DO TERMINAL-TYPE
        ff fd 27 // IAC DO NEW-ENVIRON
        ff fb 01 // IAC WILL ECHO
        ff fb 03 // IAC WILL SUPPRESS-GO-AHEAD`),
  C(hex`ff fb 18 // IAC WILL TERMINAL-TYPE
        ff fb 27 // IAC WILL NEW-ENVIRON
        ff fd 01 // IAC DO ECHO
        ff fd 03 // IAC DO SUPPRESS-GO-AHEAD
        ff fc 1f // IAC WONT NAWS`),
  S(hex`ff fa 18 01 ff f0 // IAC SB TERMINAL-TYPE SEND IAC SE`),
  C(hex`ff fa 18 00 // IAC SB TERMINAL-TYPE IS
        76 74 31 30 30 // "vt100"
        ff f0 // IAC SE
        ff fa 27 00 // IAC SB NEW-ENVIRON IS
        00 55 53 45 52 // VAR "USER"
        01 6f 70 65 72 // VALUE "oper"
        03 58 // USERVAR "X"
        ff f0 // IAC SE`),
];

test('negotiation: the options named, those each side agreed to, terminal type and USER variable', () => {
  const r = one(runSession(telnet, [...NEGOTIATION, S('\r\nSCADA gateway v2\r\n\r\nlogin: '), ...echoed('oper\r'), S('Password:'), ...typed('s3cret\r'), S('\r\nLast login: Mon Jan  1 from 10.0.0.9\r\n$ ')]));
  assert.deepEqual(r.options, ['TERMINAL-TYPE', 'NEW-ENVIRON', 'ECHO', 'SUPPRESS-GO-AHEAD', 'NAWS']);
  assert.deepEqual(r.options_server, ['ECHO', 'SUPPRESS-GO-AHEAD']);
  assert.deepEqual(r.options_client, ['TERMINAL-TYPE', 'NEW-ENVIRON']);
  assert.equal(r.terminal_type, 'vt100');
  assert.equal(r.client_user, 'oper');
  assert.equal(r.banner, 'SCADA gateway v2');
  assert.deepEqual([r.user, r.password_present, r.login, r.success, r.login_attempts, r.login_failures, r.confused], ['oper', true, 'success', true, 1, 0, false]);
  assert.equal(r.login_reason, 'Last login: Mon Jan  1 from 10.0.0.9');
  // 4 + 1 server commands, 5 + 2 client commands
  assert.deepEqual([r.commands_resp, r.commands_orig], [5, 7]);
  assert.ok(!JSON.stringify(r).includes('s3cret'));
  assert.deepEqual(Object.keys(r), telnet.records.telnet.map((f) => f.name));
});

test('a failure, then a success: "Login incorrect" ends the first attempt, a shell prompt ends the second', () => {
  const r = one(runSession(telnet, [
    S('login: '), ...typed('admin\r\n'), S('Password: '), ...typed('admin\r\n'),
    S('\r\nLogin incorrect\r\nlogin: '), ...typed('root\r\n'), S('Password: '), ...typed('toor\r\n'),
    S('\r\n# '), C('id\r\n'), S('uid=0(root)\r\n# '),
  ]));
  assert.deepEqual([r.user, r.login, r.login_reason, r.login_attempts, r.login_failures, r.success], ['root', 'success', 'shell prompt "# "', 2, 1, true]);
});

test('a login prompt again without a message is a failure; "N failures since last successful login" is not', () => {
  const again = one(runSession(telnet, [S('Username: '), ...typed('plc\r'), S('Password: '), ...typed('1234\r'), S('\r\n\r\nUsername: '), C('x')]));
  assert.deepEqual([again.login, again.login_reason, again.login_failures], ['failure', 'login prompt again', 1]);
  const nf = one(runSession(telnet, [S('login: '), ...typed('op\r\n'), S('Password:'), ...typed('pw\r\n'), S('\r\n3 failures since last successful login.\r\nLast login: Tue\r\n> ')]));
  assert.deepEqual([nf.login, nf.login_failures, nf.login_reason], ['success', 0, '3 failures since last successful login.']);
});

test("the server's echo of the typed name is not a message, even when the name is a failure word", () => {
  const r = one(runSession(telnet, [S('login: '), ...echoed('invalid\r'), S('Password:'), ...typed('x\r'), S('\r\n$ ')]));
  assert.deepEqual([r.user, r.login, r.login_failures], ['invalid', 'success', 0]);
});

test('a device that asks only for a password (Cisco line password), then its prompt', () => {
  const r = one(runSession(telnet, [S('\r\n\r\nUser Access Verification\r\n\r\nPassword: '), ...typed('cisco\r'), S('\r\nRouter>'), C('enable\r')]));
  assert.deepEqual([r.user, r.password_present, r.login, r.login_reason], [undefined, true, 'success', 'shell prompt ">"']);
  assert.equal(r.banner, 'User Access Verification');
});

test('line editing: backspace, DEL, ^U, IAC EC and IAC EL act on what was typed; CR NUL ends a line', () => {
  const r = one(runSession(telnet, [
    S('login: '),
    C('xx\x15'), // ^U: line killed
    C('roox\x08'), // backspace
    C('tt\x7f'), // DEL
    C(concat(enc('q'), hex`ff f7 // IAC EC`, enc('z'), hex`ff f8 // IAC EL`)),
    C(concat(enc('root'), hex`0d 00 // CR NUL`)),
    S('Password: '), C('x\r\n'), S('Authentication failed.\r\n'),
  ]));
  assert.deepEqual([r.user, r.login, r.login_reason], ['root', 'failure', 'Authentication failed.']);
});

test('escape codes around a prompt are not text; IAC IAC is a 255 byte', () => {
  const r = one(runSession(telnet, [S(concat(enc('\x1b[1;32mlogin:\x1b[0m '))), ...typed('a\r'), S(concat(enc('Password'), hex`ff ff`, enc(':'))), C('b\r')]));
  assert.equal(r.user, 'a');
  assert.equal(r.password_present, false, 'the password prompt was "Password\\xff:", not one');
  assert.equal(r.login, 'unknown');
});

test('outcomes left open: credentials without a verdict are unknown; text typed before any prompt is confused', () => {
  const u = one(runSession(telnet, [S('login: '), ...typed('op\r'), S('Password: '), ...typed('pw\r')]));
  assert.deepEqual([u.login, u.success, u.login_attempts], ['unknown', false, 0]);
  const c = one(runSession(telnet, [S('Welcome\r\n'), C('ls\r\n'), S('file1\r\n')]));
  assert.deepEqual([c.login, c.confused, c.banner], [undefined, true, 'Welcome']);
  const none = one(runSession(telnet, [S(hex`ff fd 01`), C(hex`ff fc 01`)]));
  assert.deepEqual([none.login, none.confused, none.options, none.options_server], [undefined, false, ['ECHO'], []]);
});

test('events: long subnegotiation, IAC and a non-command, a long typed line, a gap', () => {
  const r = runSession(telnet, [
    S(concat(hex`ff fa 18`, new Uint8Array(MAX_SUBNEG + 10).fill(0x41), hex`ff f0`)),
    S(hex`ff 10`),
    S('login: '),
    C('a'.repeat(MAX_INPUT + 5) + '\r'),
    { isOrig: false, bytes: new Uint8Array(0), gap: 10 },
    S('Password: '), C('p\r'), S('Login incorrect\r\n'),
  ]);
  assert.deepEqual(r.events.map((e) => e.name), ['subnegotiation_too_long', 'bad_command', 'input_too_long', 'gap']);
  const t = r.records[0][1];
  assert.equal((t.user as string).length, 64);
  assert.equal(t.login, 'failure');
});

test('option names: the RFC keywords, unknown numbers as data', () => {
  assert.equal(optionName(24), 'TERMINAL-TYPE');
  assert.equal(optionName(31), 'NAWS');
  assert.equal(optionName(39), 'NEW-ENVIRON');
  assert.equal(optionName(37), 'AUTHENTICATION');
  assert.equal(optionName(200), 'unknown-200');
});

const CONVO: Chunk[] = [...NEGOTIATION, S('\r\nOpenBSD/i386 (oof) (ttyp2)\r\n\r\nlogin: '), C('fake\r\n'), S(hex`ff fc 01`), S('Password:'), C('user\r\n'), S('\r\nLast login: Sat Nov 27\r\n$ '), C('exit\r\n')];

test('segmentation: the same record whatever the TCP cut', () => {
  const whole = withoutTs(runSession(telnet, CONVO));
  assert.equal(whole[0][1].login, 'success');
  for (const chunks of everySplit(CONVO)) assert.deepEqual(withoutTs(runSession(telnet, chunks)), whole);
  assert.deepEqual(withoutTs(runSession(telnet, bytewise(CONVO))), whole);
});

test('truncation: every prefix of each side gives no exception and counts no command that was not sent', () => {
  const server = concat(...CONVO.filter((c) => !c.isOrig).map((c) => c.bytes));
  for (const p of prefixes(server)) {
    const r = runSession(telnet, [S(p)]);
    let iac = 0;
    for (let i = 0; i + 1 < p.length; i++) if (p[i] === 0xff && p[i + 1] >= 240) iac++;
    assert.ok((r.records[0][1].commands_resp as number) <= iac);
  }
  const client = concat(...CONVO.filter((c) => c.isOrig).map((c) => c.bytes));
  for (const p of prefixes(client)) runSession(telnet, [S('login: '), C(p)]);
});

const H = (portMatch: boolean): ProbeHint => ({ transport: 'tcp', portMatch, isOrig: false, srcPort: 23, dstPort: 40000 });

test('probe: on port 23 an IAC command or text; elsewhere two negotiations in a row', () => {
  const p = (b: Uint8Array, port: boolean) => probeTelnet(b, 0, b.length, H(port));
  assert.equal(p(hex`ff fd 18`, true), PROBE.YES);
  assert.equal(p(hex`ff`, true), PROBE.MAYBE);
  assert.equal(p(hex`ff 00`, true), PROBE.NO);
  assert.equal(p(enc('\r\nlogin: '), true), PROBE.YES);
  assert.equal(p(hex`00 01`, true), PROBE.NO);
  assert.equal(p(hex`ff fd 18 ff fb 01`, false), PROBE.YES);
  assert.equal(p(hex`ff fd 18`, false), PROBE.MAYBE);
  assert.equal(p(hex`ff fd 18 00`, false), PROBE.NO);
  assert.equal(p(hex`ff fd c8 ff fb 01`, false), PROBE.NO, 'option 200 is unassigned');
  assert.equal(p(enc('login: '), false), PROBE.NO);
  assert.equal(probeTelnet(hex`ff fd 18`, 0, 3, { ...H(true), transport: 'udp' }), PROBE.NO);
});

test('fuzzing: random bytes and bit-flipped conversations never throw', () => {
  fc.assert(
    fc.property(fc.array(fc.record({ isOrig: fc.boolean(), bytes: fc.uint8Array({ maxLength: 300 }) }), { maxLength: 12 }), (chunks) => {
      runSession(telnet, chunks);
      for (const c of chunks) probeTelnet(c.bytes, 0, c.bytes.length, H(c.isOrig));
    }),
    { numRuns: 300 },
  );
  const stream = concat(...CONVO.map((c) => c.bytes));
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(stream.length - 1), fc.nat(7)), { minLength: 1, maxLength: 8 }), fc.nat(stream.length), (flips, cut) => {
      const b = stream.slice();
      for (const [i, bit] of flips) b[i] ^= 1 << bit;
      runSession(telnet, [S(b.subarray(0, cut)), C(b.subarray(cut)), S(b), C(b)]);
    }),
    { numRuns: 300 },
  );
  const token = fc.constantFrom('login: ', 'Password: ', 'Login incorrect\r\n', 'Last login\r\n', '$ ', '\r', '\n', '\x00', '\x08', '\x1b[', 'm', '\xff', '\xfa', '\xf0', '\xfb', '\x18', 'x');
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.boolean(), fc.array(token, { maxLength: 20 })), { maxLength: 12 }), (parts) => {
      runSession(telnet, parts.map(([o, t]) => ({ isOrig: o, bytes: Uint8Array.from(t.join(''), (ch) => ch.charCodeAt(0) & 0xff) })));
    }),
    { numRuns: 300 },
  );
});

test('docs/protocols/telnet.md documents every field and every event', () => {
  const doc = readFileSync(new URL('../../../docs/protocols/telnet.md', import.meta.url), 'utf8');
  const rows = doc.split('\n').filter((l) => l.startsWith('|'));
  const documented = (name: string) => rows.some((l) => new RegExp(`(^\\|\\s*|[ ,\`])${name}([ ,\`|])`).test(l));
  for (const [type, fields] of Object.entries(telnet.records)) {
    assert.ok(doc.includes(`### \`${type}\``), `section for ${type}`);
    for (const f of fields.slice(6)) assert.ok(documented(f.name), `${type}.${f.name} documented`);
  }
  assert.ok(doc.includes('`ts, uid, id.orig_h, id.orig_p, id.resp_h, id.resp_p`'));
  for (const e of Object.keys(telnet.events)) assert.ok(doc.includes(`telnet.${e}`), `event telnet.${e} documented`);
});
