// TLS against independent sources on the corpus:
//  1. tshark (4.0): on every capture MANIFEST.md lists with tls, on Zeek's
//     modbus-and-non-modbus-p502.pcap (a scanner's ClientHello to port 502, which Zeek's conn.log
//     baseline logs with service ssl) and on nDPI's rdp.pcap (TLS inside RDP, decoded with
//     -d tcp.port==3389,tls), per connection the SNI (tls.handshake.extensions_server_name) and
//     JA3 (tls.handshake.ja3) of the ClientHello, and the version (tls.handshake.version, or
//     tls.handshake.extensions.supported_version when the ServerHello has one), cipher suite
//     (tls.handshake.ciphersuite) and JA3S (tls.handshake.ja3s) of the ServerHello agree, ≥ 99%;
//  2. nDPI's expected ndpiReader output (malware.pcap.out): JA3C, JA3S, JA4, SNI, cipher,
//     advertised and negotiated ALPN, supported versions, the host certificate's SHA-1, issuer,
//     subject, validity and subjectAltName DNS names of both TLS flows.
// Captures whose TLS starts before the capture (no hello) give no ssl record, as in Zeek
// (its SSL analyzer skips partial connections); tshark shows only their record headers.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { CORPUS, HAVE_CORPUS, manifest } from './support/corpus.ts';
import { runEngine } from './support/run-engine.ts';
import { HAVE_TSHARK, TSHARK } from './support/tshark.ts';

const run = promisify(execFile);
const skip = HAVE_CORPUS ? false : 'corpus not found';
type Rec = Record<string, unknown>;

const P502 = 'zeek/testing/btest/Traces/modbus/modbus-and-non-modbus-p502.pcap';
const RDP = 'ndpi/tests/cfgs/default/pcap/rdp.pcap';
const DECODE_AS: Record<string, string[]> = { [RDP]: ['-d', 'tcp.port==3389,tls'] };

/** The names the version codes have in the record (Zeek's version_strings). */
const VERSIONS: Record<number, string> = { 0x0300: 'SSLv3', 0x0301: 'TLSv10', 0x0302: 'TLSv11', 0x0303: 'TLSv12', 0x0304: 'TLSv13' };

async function records(file: string): Promise<{ ssl: Rec[]; x509: Rec[] }> {
  const r = await runEngine([join(CORPUS, file)]);
  assert.equal(r.counters.dissectors.ssl?.internal_errors ?? 0, 0);
  return { ssl: (r.records.get('ssl') ?? []) as Rec[], x509: (r.records.get('x509') ?? []) as Rec[] };
}

const key = (r: Rec) => `${r['id.orig_h']}:${r['id.orig_p']}>${r['id.resp_h']}:${r['id.resp_p']}`;

test('tshark: SNI, JA3, version, cipher and JA3S agree on ≥ 99% of the hellos', { skip: skip || (!HAVE_TSHARK && 'tshark not installed') }, async (t) => {
  const files = [...new Set([...manifest().filter((m) => /\btls\b/.test(m.protocols)).map((m) => m.path), P502, RDP])];
  let total = 0;
  let agree = 0;
  let hellos = 0;
  const problems: string[] = [];
  for (const f of files) {
    const ours = (await records(f)).ssl;
    const { stdout } = await run(TSHARK, ['-n', '-r', join(CORPUS, f), ...(DECODE_AS[f] ?? []), '-Y', 'tls.handshake.type == 1 || tls.handshake.type == 2', '-T', 'fields',
      '-E', 'occurrence=f', '-e', 'ip.src', '-e', 'ipv6.src', '-e', 'tcp.srcport', '-e', 'ip.dst', '-e', 'ipv6.dst', '-e', 'tcp.dstport',
      '-e', 'tls.handshake.type', '-e', 'tls.handshake.extensions_server_name', '-e', 'tls.handshake.ja3', '-e', 'tls.handshake.version',
      '-e', 'tls.handshake.extensions.supported_version', '-e', 'tls.handshake.ciphersuite', '-e', 'tls.handshake.ja3s'], { maxBuffer: 256 << 20 });
    for (const line of stdout.split('\n')) {
      if (line === '') continue;
      const [s4, s6, sp, d4, d6, dp, types, sni, ja3, version, supported, cipher, ja3s] = line.split('\t');
      const fwd = `${s4 || s6}:${sp}>${d4 || d6}:${dp}`;
      const rev = `${d4 || d6}:${dp}>${s4 || s6}:${sp}`;
      const r = ours.find((x) => key(x) === fwd || key(x) === rev);
      const check = (what: string, want: string, got: unknown) => {
        total++;
        if (String(got) === want) agree++;
        else problems.push(`${f} ${fwd} ${what}: tshark ${want}, palisade ${String(got)}`);
      };
      hellos++;
      if (types.split(',')[0] === '1') {
        if (sni !== '') check('server_name', sni, r?.server_name);
        check('ja3', ja3, r?.ja3);
      } else {
        const v = Number(supported !== '' ? supported : version);
        check('version', VERSIONS[v] ?? `unknown-${v}`, r?.version);
        check('cipher_code', String(Number(cipher)), r?.cipher_code);
        check('ja3s', ja3s, r?.ja3s);
      }
    }
  }
  const pct = (100 * agree) / total;
  t.diagnostic(`${files.length} captures, ${hellos} hellos, ${total} facts, ${agree} agree (${pct.toFixed(2)}%)`);
  assert.ok(hellos >= 600, `${hellos} hellos compared`);
  assert.ok(pct >= 99, problems.slice(0, 20).join('\n'));
  assert.deepEqual(problems, []);
});

test("nDPI's ndpiReader output (malware.pcap.out): fingerprints, names, cipher, ALPN and certificates of both TLS flows", { skip }, async () => {
  const out = readFileSync(join(CORPUS, 'ndpi/tests/cfgs/default/result/malware.pcap.out'), 'utf8');
  const flows = out.split('\n').filter((l) => /\[proto: \d+\/TLS\]/.test(l));
  assert.equal(flows.length, 2);
  const { ssl, x509 } = await records('ndpi/tests/cfgs/default/pcap/malware.pcap');
  const field = (l: string, name: string) => new RegExp(`\\[${name.replace(/[()/]/g, '\\$&')}: ([^\\]]*)\\]`).exec(l)?.[1];
  for (const l of flows) {
    const m = /TCP (\S+):(\d+) <-> (\S+):(\d+)/.exec(l)!;
    const r = ssl.find((x) => x['id.orig_h'] === m[1] && String(x['id.orig_p']) === m[2])!;
    assert.ok(r !== undefined, m[0]);
    assert.equal(r.ja3, field(l, 'JA3C'));
    assert.equal(r.ja3s, field(l, 'JA3S'));
    assert.equal(r.server_name, field(l, 'Hostname/SNI'));
    assert.equal(r.cipher, field(l, 'Cipher'));
    assert.equal(r.next_protocol, field(l, '(Negotiated) ALPN'));
    assert.equal((r.client_alpn as string[]).join(';'), field(l, '(Advertised) ALPNs'));
    assert.equal((r.client_supported_versions as string[]).map((v) => v.replace('TLSv1', 'TLSv1.').replace('TLSv1.0', 'TLSv1')).join(';'), field(l, 'TLS Supported Versions'));
    assert.equal(r.ja4, field(l, 'JA4'));
    // The host certificate: SHA-1, subject and issuer (nDPI prints RFC 2253 names in forward order), validity.
    const host = x509.find((x) => x.fingerprint === (r.cert_chain_fps as string[])[0])!;
    assert.equal((host.fingerprint_sha1 as string).toUpperCase().match(/../g)!.join(':'), field(l, 'Certificate SHA-1'));
    const forward = (s: string) => s.split(/(?<!\\),/).reverse().join(', ').replaceAll('\\,', ',');
    assert.equal(forward(r.subject as string), field(l, 'Subject'));
    assert.equal(forward(r.issuer as string), field(l, 'Issuer'));
    const iso = (t: unknown) => new Date((t as number) * 1000).toISOString().replace('T', ' ').slice(0, 19);
    assert.equal(`${iso(host['certificate.not_valid_before'])} - ${iso(host['certificate.not_valid_after'])}`, field(l, 'Validity'));
    // nDPI's ServerNames lists the host certificate's subjectAltName DNS names.
    assert.equal((host['san.dns'] as string[]).join(','), field(l, 'ServerNames'));
  }
});

test('a ClientHello-only scanner on port 502: an ssl record (Zeek\'s conn.log baseline has service ssl for it); TLS inside RDP: ssl and x509 records', { skip }, async () => {
  const p502 = (await records(P502)).ssl;
  assert.equal(p502.length, 1);
  assert.deepEqual([p502[0]['id.resp_p'], p502[0].ssl_history, p502[0].established], [502, 'C', false]);
  const rdp = await records(RDP);
  assert.equal(rdp.ssl.length, 1);
  assert.deepEqual([rdp.ssl[0].server_name, rdp.ssl[0].subject, rdp.ssl[0].established], ['192.168.2.142', 'CN=OFFICE-WIN10-VM', true]);
  assert.equal(rdp.x509.length, 1);
});

const OPENSSL = '/usr/bin/openssl';

/** What OpenSSL 3 prints for a DER certificate (the library Zeek's x509.log comes from). */
async function opensslFacts(der: Buffer): Promise<Record<string, string>> {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'palisade-x509-'));
  try {
    const f = join(dir, 'c.der');
    writeFileSync(f, der);
    const { stdout } = await run(OPENSSL, ['x509', '-inform', 'DER', '-in', f, '-noout', '-subject', '-issuer', '-serial', '-startdate', '-enddate', '-nameopt', 'RFC2253', '-ext', 'subjectAltName,basicConstraints']);
    const text = (await run(OPENSSL, ['x509', '-inform', 'DER', '-in', f, '-noout', '-text'])).stdout;
    const o: Record<string, string> = {};
    const lines = stdout.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i];
      const m = /^(subject|issuer|serial|notBefore|notAfter)=(.*)$/.exec(l);
      if (m !== null) o[m[1]] = m[2];
      if (l.startsWith('X509v3 Subject Alternative Name')) o.san = lines[i + 1].trim();
      if (l.startsWith('X509v3 Basic Constraints')) o.bc = lines[i + 1].trim();
    }
    o.version = /Version: (\d+)/.exec(text)![1];
    o.sigAlg = /Signature Algorithm: (\S+)/.exec(text)![1];
    o.keyAlg = /Public Key Algorithm: (\S+)/.exec(text)![1];
    o.bits = /Public-Key: \((\d+) bit\)/.exec(text)?.[1] ?? '';
    o.exponent = /Exponent: (\d+)/.exec(text)?.[1] ?? '';
    o.curve = /ASN1 OID: (\S+)/.exec(text)?.[1] ?? '';
    return o;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('OpenSSL: every certificate of the corpus TLS captures gives the x509 fields OpenSSL prints for it', { skip: skip || (!HAVE_TSHARK && 'tshark not installed') || (!(await import('node:fs')).existsSync(OPENSSL) && 'openssl not installed') }, async (t) => {
  const files = ['ndpi/tests/cfgs/default/pcap/malware.pcap', RDP, ...manifest().filter((m) => /\btls\b/.test(m.protocols)).map((m) => m.path)];
  const seen = new Set<string>();
  let certs = 0;
  for (const f of [...new Set(files)]) {
    const { x509 } = await records(f);
    // tshark does not reassemble out-of-order TCP segments unless told to: malware.pcap's
    // hobbeach.com certificates arrive after a retransmission ("[TCP Out-Of-Order]", frame 37).
    const { stdout } = await run(TSHARK, ['-n', '-r', join(CORPUS, f), '-o', 'tcp.reassemble_out_of_order:TRUE', ...(DECODE_AS[f] ?? []), '-Y', 'tls.handshake.certificate', '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=;', '-e', 'tls.handshake.certificate'], { maxBuffer: 64 << 20 });
    for (const h of stdout.split(/[\n;]/)) {
      if (h === '') continue;
      const der = Buffer.from(h.replaceAll(':', ''), 'hex');
      const fingerprint = createHash('sha256').update(der).digest('hex');
      if (seen.has(fingerprint)) continue;
      seen.add(fingerprint);
      const o = await opensslFacts(der);
      const x = x509.find((r) => r.fingerprint === fingerprint);
      assert.ok(x !== undefined, `${f}: an x509 record for ${fingerprint}`);
      const when = (s: string) => Date.parse(s.replace(/ +/g, ' ')) / 1000;
      assert.equal(x['certificate.subject'], o.subject);
      assert.equal(x['certificate.issuer'], o.issuer);
      assert.equal(x['certificate.serial'], o.serial);
      assert.equal(x['certificate.not_valid_before'], when(o.notBefore));
      assert.equal(x['certificate.not_valid_after'], when(o.notAfter));
      assert.equal(String(x['certificate.version']), o.version);
      assert.equal(x['certificate.sig_alg'], o.sigAlg);
      assert.equal(x['certificate.key_alg'], o.keyAlg);
      if (o.bits !== '') assert.equal(String(x['certificate.key_length']), o.bits);
      if (o.exponent !== '') assert.equal(x['certificate.exponent'], o.exponent);
      if (o.curve !== '') assert.equal(x['certificate.curve'], o.curve);
      const dns = o.san === undefined ? undefined : [...o.san.matchAll(/DNS:([^,]+)/g)].map((m) => m[1]);
      assert.deepEqual(x['san.dns'], dns?.length === 0 ? undefined : dns);
      if (o.bc !== undefined) {
        assert.equal(x['basic_constraints.ca'], o.bc.includes('CA:TRUE'));
        const pl = /pathlen:(\d+)/.exec(o.bc)?.[1];
        assert.equal(x['basic_constraints.path_len'], pl === undefined ? undefined : Number(pl));
      } else assert.equal(x['basic_constraints.ca'], undefined);
      certs++;
    }
  }
  t.diagnostic(`${certs} certificates compared with OpenSSL`);
  assert.ok(certs >= 5, `${certs} certificates`);
});
