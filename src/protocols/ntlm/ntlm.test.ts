// NTLM on byte arrays written from MS-NLMP 2.2.1 (NEGOTIATE, CHALLENGE, AUTHENTICATE) and
// RFC 4178 (SPNEGO NegTokenInit / NegTokenResp): fields, target info AV pairs, versions,
// the session's attempts and verdicts, truncation at every offset, fuzzing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { concat, hex, prefixes, runSession } from '../../dissect/testing.ts';
import { PROBE, type ProbeHint } from '../../dissect/types.ts';
import { ntlm, probeNtlm } from './index.ts';
import { GSS_KRB5, GSS_NTLMSSP, GSS_SPNEGO_INIT, GSS_SPNEGO_RESP, GssToken, NtlmMessage, parseGssToken, parseNtlmssp } from './parser.ts';

const utf16 = (s: string) => {
  const b = new Uint8Array(2 * s.length);
  for (let i = 0; i < s.length; i++) {
    b[2 * i] = s.charCodeAt(i) & 0xff;
    b[2 * i + 1] = s.charCodeAt(i) >> 8;
  }
  return b;
};

/** NEGOTIATE_MESSAGE (MS-NLMP 2.2.1.1) with no supplied domain/workstation and a Version. */
const negotiate = hex`
  4e 54 4c 4d 53 53 50 00   // Signature "NTLMSSP\0"
  01 00 00 00               // MessageType: NEGOTIATE
  b7 82 08 e2               // NegotiateFlags 0xe20882b7 (UNICODE, OEM, REQUEST_TARGET, SIGN, SEAL, NTLM, ALWAYS_SIGN, EXTENDED_SESSIONSECURITY, VERSION, 128, KEY_EXCH, 56)
  00 00 00 00 00 00 00 00   // DomainNameFields: none
  00 00 00 00 00 00 00 00   // WorkstationFields: none
  0a 00 63 45 00 00 00 0f   // Version: 10.0 build 17763, NTLMRevisionCurrent 15
`;

/** CHALLENGE_MESSAGE (2.2.1.2): target name "LAB", target info with the server's names (2.2.2.1). */
const targetInfo = concat(
  hex`02 00 06 00`, utf16('LAB'), // MsvAvNbDomainName "LAB"
  hex`01 00 06 00`, utf16('DC1'), // MsvAvNbComputerName "DC1"
  hex`04 00 0e 00`, utf16('lab.ics'), // MsvAvDnsDomainName "lab.ics"
  hex`03 00 16 00`, utf16('dc1.lab.ics'), // MsvAvDnsComputerName "dc1.lab.ics"
  hex`05 00 0e 00`, utf16('lab.ics'), // MsvAvDnsTreeName "lab.ics"
  hex`07 00 08 00 00 00 00 00 00 00 00 00`, // MsvAvTimestamp
  hex`00 00 00 00`, // MsvAvEOL
);
const challenge = concat(hex`
  4e 54 4c 4d 53 53 50 00   // Signature
  02 00 00 00               // MessageType: CHALLENGE
  06 00 06 00 38 00 00 00   // TargetNameFields: 6 bytes at 56
  35 82 89 e2               // NegotiateFlags 0xe2898235 (UNICODE, TARGET_INFO, VERSION, …)
  01 23 45 67 89 ab cd ef   // ServerChallenge (never recorded)
  00 00 00 00 00 00 00 00   // Reserved
  ${targetInfo.length.toString(16).padStart(2, '0')} 00 ${targetInfo.length.toString(16).padStart(2, '0')} 00 3e 00 00 00 // TargetInfoFields at 62
  06 01 b1 1d 00 00 00 0f   // Version: 6.1 build 7601
`, utf16('LAB'), targetInfo);

/** AUTHENTICATE_MESSAGE (2.2.1.3), NTLMv2 response of 48 bytes, user "operator" of LAB from "ENG-WS1". */
function authenticate(user: string, domain: string, host: string, ntLen = 48, lmLen = 24): Uint8Array {
  const d = utf16(domain);
  const u = utf16(user);
  const h = utf16(host);
  const head = 88; // fixed fields, Version and MIC
  const lm = new Uint8Array(lmLen).fill(0x11);
  const nt = new Uint8Array(ntLen).fill(0x22);
  const key = new Uint8Array(16).fill(0x33);
  const offs = [head, head + lm.length, head + lm.length + nt.length];
  offs.push(offs[2] + d.length, offs[2] + d.length + u.length, offs[2] + d.length + u.length + h.length);
  const f = (len: number, off: number) => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setUint16(0, len, true);
    new DataView(b.buffer).setUint16(2, len, true);
    new DataView(b.buffer).setUint32(4, off, true);
    return b;
  };
  return concat(
    hex`4e 54 4c 4d 53 53 50 00  03 00 00 00`, // Signature, MessageType AUTHENTICATE
    f(lm.length, offs[0]), // LmChallengeResponseFields
    f(nt.length, offs[1]), // NtChallengeResponseFields
    f(d.length, offs[2]), // DomainNameFields
    f(u.length, offs[3]), // UserNameFields
    f(h.length, offs[4]), // WorkstationFields
    f(key.length, offs[5]), // EncryptedRandomSessionKeyFields
    hex`35 82 88 e2`, // NegotiateFlags 0xe2888235 (UNICODE, VERSION, …)
    hex`0a 00 61 4a 00 00 00 0f`, // Version: 10.0 build 19041
    new Uint8Array(16), // MIC
    lm, nt, d, u, h, key,
  );
}
const auth = authenticate('operator', 'LAB', 'ENG-WS1');

/** SPNEGO: InitialContextToken { SPNEGO OID, NegTokenInit { mechTypes [NTLMSSP], mechToken } }. */
function spnegoInit(token: Uint8Array): Uint8Array {
  const mech = hex`06 0a 2b 06 01 04 01 82 37 02 02 0a`; // OID 1.3.6.1.4.1.311.2.2.10 (NTLMSSP)
  const mechTypes = concat(hex`a0 0e 30 0c`, mech); // [0] SEQUENCE OF MechType
  const mechToken = concat(hex`a2`, len(token.length + 2 + (token.length > 127 ? 1 : 0)), hex`04`, len(token.length), token); // [2] OCTET STRING
  const seq = concat(hex`30`, len(mechTypes.length + mechToken.length), mechTypes, mechToken);
  const init = concat(hex`a0`, len(seq.length), seq); // negTokenInit [0]
  const body = concat(hex`06 06 2b 06 01 05 05 02`, init); // thisMech 1.3.6.1.5.5.2 (SPNEGO)
  return concat(hex`60`, len(body.length), body);
}
/** SPNEGO NegTokenResp { negState, supportedMech NTLMSSP, responseToken }. */
function spnegoResp(state: number, token?: Uint8Array): Uint8Array {
  const parts = [hex`a0 03 0a 01 ${state.toString(16).padStart(2, '0')}`, hex`a1 0c 06 0a 2b 06 01 04 01 82 37 02 02 0a`];
  if (token !== undefined) parts.push(concat(hex`a2`, len(token.length + 2 + (token.length > 127 ? 1 : 0)), hex`04`, len(token.length), token));
  const inner = concat(...parts);
  const seq = concat(hex`30`, len(inner.length), inner);
  return concat(hex`a1`, len(seq.length), seq);
}
function len(n: number): Uint8Array {
  return n < 128 ? Uint8Array.of(n) : n < 256 ? Uint8Array.of(0x81, n) : Uint8Array.of(0x82, n >> 8, n & 0xff);
}

test('NEGOTIATE: flags and version', () => {
  const m = new NtlmMessage();
  assert.ok(parseNtlmssp(negotiate, 0, negotiate.length, m));
  assert.deepEqual([m.type, m.flags >>> 0, m.hasVersion, m.major, m.minor, m.build, m.revision, m.domain, m.problem],
    [1, 0xe20882b7, true, 10, 0, 17763, 15, '', '']);
});

test('CHALLENGE: target name, the five names of the target info, server version', () => {
  const m = new NtlmMessage();
  assert.ok(parseNtlmssp(challenge, 0, challenge.length, m));
  assert.deepEqual(
    [m.type, m.targetName, m.nbDomainName, m.nbComputerName, m.dnsDomainName, m.dnsComputerName, m.dnsTreeName, m.avPairs, m.major, m.minor, m.build, m.problem],
    [2, 'LAB', 'LAB', 'DC1', 'lab.ics', 'dc1.lab.ics', 'lab.ics', 6, 6, 1, 7601, ''],
  );
});

test('AUTHENTICATE: user, domain, workstation, response lengths, version; never the responses', () => {
  const m = new NtlmMessage();
  assert.ok(parseNtlmssp(auth, 0, auth.length, m));
  assert.deepEqual([m.type, m.user, m.domain, m.workstation, m.lmLen, m.ntLen, m.sessionKeyLen, m.major, m.build, m.problem],
    [3, 'operator', 'LAB', 'ENG-WS1', 24, 48, 16, 10, 19041, '']);
  assert.ok(!Object.values(m).some((v) => v instanceof Uint8Array), 'no bytes kept');
});

test('a field that points outside the message is a problem, the other fields are kept', () => {
  const bad = auth.slice();
  new DataView(bad.buffer).setUint32(36 + 4, 5000, true); // UserNameFields offset past the end
  const m = new NtlmMessage();
  assert.ok(parseNtlmssp(bad, 0, bad.length, m));
  assert.equal(m.user, '');
  assert.equal(m.domain, 'LAB');
  assert.match(m.problem, /user field/);
});

test('SPNEGO: NegTokenInit with the NTLM token, NegTokenResp with negState and token, a bare Kerberos token', () => {
  const g = new GssToken();
  const init = spnegoInit(negotiate);
  assert.ok(parseGssToken(init, 0, init.length, g));
  assert.deepEqual([g.kind, g.mech, g.offersNtlm, g.tokenLen], [GSS_SPNEGO_INIT, 'ntlmssp', true, negotiate.length]);
  assert.deepEqual(init.subarray(g.tokenOff, g.tokenOff + g.tokenLen), negotiate);
  const resp = spnegoResp(1, challenge);
  assert.ok(parseGssToken(resp, 0, resp.length, g));
  assert.deepEqual([g.kind, g.negState, g.mech, g.tokenLen], [GSS_SPNEGO_RESP, 1, 'ntlmssp', challenge.length]);
  assert.ok(parseGssToken(negotiate, 0, negotiate.length, g));
  assert.equal(g.kind, GSS_NTLMSSP);
  // InitialContextToken with the Kerberos OID 1.2.840.113554.1.2.2, TOK_ID 01 00 (AP-REQ follows)
  const krb = hex`60 0f 06 09 2a 86 48 86 f7 12 01 02 02 01 00 6e 00`;
  assert.ok(parseGssToken(krb, 0, krb.length, g));
  assert.deepEqual([g.kind, g.mech], [GSS_KRB5, 'kerberos']);
});

const HINT: ProbeHint = { transport: 'tcp', portMatch: true, isOrig: true, srcPort: 0, dstPort: 0 };

test('probe: YES for a blob holding an NTLM message, NO for SPNEGO without one and for Kerberos', () => {
  assert.equal(probeNtlm(negotiate, 0, negotiate.length, HINT), PROBE.YES);
  const init = spnegoInit(negotiate);
  assert.equal(probeNtlm(init, 0, init.length, HINT), PROBE.YES);
  const noToken = spnegoResp(0);
  assert.equal(probeNtlm(noToken, 0, noToken.length, HINT), PROBE.NO);
  assert.equal(probeNtlm(hex`60 0f 06 09 2a 86 48 86 f7 12 01 02 02 01 00 6e 00`, 0, 17, HINT), PROBE.NO);
});

test('session: one attempt, success from SPNEGO accept-completed, written at the end', () => {
  const run = runSession(ntlm, [
    { isOrig: true, bytes: spnegoInit(negotiate) },
    { isOrig: false, bytes: spnegoResp(1, challenge) },
    { isOrig: true, bytes: spnegoResp(1, auth) },
    { isOrig: false, bytes: spnegoResp(0) },
  ]);
  assert.deepEqual(run.events, []);
  assert.ok(run.confirmed);
  assert.equal(run.records.length, 1);
  const [type, r] = run.records[0];
  assert.equal(type, 'ntlm');
  const { ts: _ts, uid: _u, 'id.orig_h': _a, 'id.orig_p': _b, 'id.resp_h': _c, 'id.resp_p': _d, ...rest } = r;
  assert.deepEqual(rest, {
    username: 'operator', hostname: 'ENG-WS1', domainname: 'LAB', server_nb_computer_name: 'DC1',
    server_dns_computer_name: 'dc1.lab.ics', server_tree_name: 'lab.ics', success: true, status: undefined, status_code: undefined,
    server_nb_domain_name: 'LAB', server_dns_domain_name: 'lab.ics', client_version: '10.0.19041', server_version: '6.1.7601',
    negotiate_flags: '0xe2888235', response_type: 'NTLMv2', lm_response_len: 24, nt_response_len: 48,
    messages: ['NEGOTIATE_MESSAGE', 'CHALLENGE_MESSAGE', 'AUTHENTICATE_MESSAGE'],
  });
  assert.equal(r.ts, 1700000000.001, 'the time of the first message of the attempt');
});

test('session: SPNEGO reject is a failure; two attempts give two records; anonymous and NTLMv1 response types', () => {
  const anon = authenticate('', '', 'ENG-WS1', 0, 1);
  const v1 = authenticate('op', 'LAB', 'HMI', 24, 24);
  const run = runSession(ntlm, [
    { isOrig: true, bytes: negotiate },
    { isOrig: false, bytes: challenge },
    { isOrig: true, bytes: anon },
    { isOrig: false, bytes: spnegoResp(2) },
    { isOrig: true, bytes: negotiate },
    { isOrig: false, bytes: challenge },
    { isOrig: true, bytes: v1 },
  ]);
  const rs = run.records.map(([, r]) => [r.username, r.success, r.response_type]);
  assert.deepEqual(rs, [[undefined, false, 'anonymous'], ['op', undefined, 'NTLMv1']]);
});

test('session: the wrong direction and a blob that is no GSS token raise events, nothing stops', () => {
  const run = runSession(ntlm, [
    { isOrig: false, bytes: negotiate },
    { isOrig: true, bytes: hex`01 02 03 04` },
    { isOrig: true, bytes: auth },
  ]);
  assert.deepEqual(run.events.map((e) => e.name), ['wrong_direction', 'not_gss']);
  assert.equal(run.records.length, 1);
  assert.equal(run.records[0][1].username, 'operator');
});

test('truncation: every prefix of every message and token parses without an exception or a name past its bytes', () => {
  const m = new NtlmMessage();
  const g = new GssToken();
  for (const full of [negotiate, challenge, auth, spnegoInit(auth), spnegoResp(1, challenge)]) {
    for (const p of prefixes(full)) {
      parseGssToken(p, 0, p.length, g);
      if (parseNtlmssp(p, 0, p.length, m)) {
        for (const s of [m.user, m.domain, m.workstation, m.nbComputerName, m.dnsComputerName]) assert.ok(2 * s.length <= p.length);
      }
      runSession(ntlm, [{ isOrig: true, bytes: p }, { isOrig: false, bytes: p }]);
    }
  }
});

test('fuzzing: random bytes and bit flips never throw', () => {
  const m = new NtlmMessage();
  const g = new GssToken();
  const samples = [negotiate, challenge, auth, spnegoInit(auth), spnegoResp(1, challenge)];
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
    parseNtlmssp(b, 0, b.length, m);
    parseGssToken(b, 0, b.length, g);
    runSession(ntlm, [{ isOrig: true, bytes: b }]);
  }), { numRuns: 2000 });
  fc.assert(fc.property(fc.integer({ min: 0, max: samples.length - 1 }), fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), (i, flips) => {
    const b = samples[i].slice();
    for (const f of flips) b[f % b.length] ^= 1 << (f % 8);
    parseNtlmssp(b, 0, b.length, m);
    runSession(ntlm, [{ isOrig: true, bytes: b }, { isOrig: false, bytes: b }]);
  }), { numRuns: 3000 });
});

test('docs/protocols/ntlm.md documents every field and event', () => {
  const doc = readFileSync(new URL('../../../docs/protocols/ntlm.md', import.meta.url), 'utf8');
  const rows = doc.split('\n').filter((l) => l.startsWith('|'));
  for (const f of ntlm.records.ntlm.slice(6)) assert.ok(rows.some((l) => l.includes(`| ${f.name} |`) || l.includes(`\`${f.name}\``)), `ntlm.${f.name} documented`);
  for (const e of Object.keys(ntlm.events)) assert.ok(doc.includes(`ntlm.${e}`), `event ntlm.${e} documented`);
});
