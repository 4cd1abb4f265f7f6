// RDP on the corpus, against tshark (4.0): on every capture MANIFEST.md lists with rdp, and on
// Zeek's modbus-and-non-modbus-p502.pcap, whose connection 62.122.184.123:7488 is an RDP
// scanner's Connection Request ("Cookie: mstshash=admin") sent to Modbus port 502 (tshark
// decodes it with -d tcp.port==502,tpkt; Zeek's baseline for that trace logs the connection with
// no service), per connection the cookie (rdp.rt_cookie), the requested protocols
// (rdp.negReq.requestedProtocols) and the selected one (rdp.negReq.selectedProtocol) agree,
// ≥ 99%. The cookie is RDP's login name: the scanner's "admin" is the login-outcome check for
// RDP (the corpus has no RDP capture with a visible authentication result: with CredSSP the
// result travels inside TLS). nDPI's expected output for rdp.pcap classifies its one flow RDP.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { CORPUS, HAVE_CORPUS, manifest } from './support/corpus.ts';
import { runEngine } from './support/run-engine.ts';
import { conversationPcap } from './support/build.ts';
import { HAVE_TSHARK, TSHARK } from './support/tshark.ts';
import { CC, CONNECT_INITIAL, CONNECT_RESPONSE, CR } from '../src/protocols/rdp/test-fixtures.ts';

const run = promisify(execFile);
const skip = HAVE_CORPUS ? false : 'corpus not found';
type Rec = Record<string, unknown>;

const P502 = 'zeek/testing/btest/Traces/modbus/modbus-and-non-modbus-p502.pcap';
const DECODE_AS: Record<string, string[]> = { [P502]: ['-d', 'tcp.port==502,tpkt'] };

async function records(file: string): Promise<{ rdp: Rec[]; conn: Rec[] }> {
  const r = await runEngine([join(CORPUS, file)]);
  assert.equal(r.counters.dissectors.rdp?.internal_errors ?? 0, 0);
  return { rdp: (r.records.get('rdp') ?? []) as Rec[], conn: (r.records.get('conn') ?? []) as Rec[] };
}

const key = (r: Rec) => `${r['id.orig_h']}:${r['id.orig_p']}>${r['id.resp_h']}:${r['id.resp_p']}`;

test('tshark: cookie, requested and selected protocols agree on ≥ 99% of the facts', { skip: skip || (!HAVE_TSHARK && 'tshark not installed') }, async (t) => {
  const files = [...new Set([...manifest().filter((m) => /\brdp\b/.test(m.protocols)).map((m) => m.path), P502])];
  let total = 0;
  let agree = 0;
  const problems: string[] = [];
  for (const f of files) {
    const ours = (await records(f)).rdp;
    const { stdout } = await run(TSHARK, ['-n', '-r', join(CORPUS, f), ...(DECODE_AS[f] ?? []), '-Y', 'rdp', '-T', 'fields',
      '-e', 'ip.src', '-e', 'tcp.srcport', '-e', 'ip.dst', '-e', 'tcp.dstport', '-e', 'rdp.rt_cookie', '-e', 'rdp.negReq.requestedProtocols', '-e', 'rdp.negReq.selectedProtocol'], { maxBuffer: 64 << 20 });
    for (const line of stdout.split('\n')) {
      if (line === '') continue;
      const [src, sp, dst, dp, cookie, requested, selected] = line.split('\t');
      const fwd = `${src}:${sp}>${dst}:${dp}`;
      const rev = `${dst}:${dp}>${src}:${sp}`;
      const r = ours.find((x) => key(x) === fwd || key(x) === rev);
      const check = (what: string, want: string, got: unknown) => {
        total++;
        if (String(got) === want) agree++;
        else problems.push(`${f} ${fwd} ${what}: tshark ${want}, palisade ${String(got)}`);
      };
      if (cookie !== '') {
        const m = /^Cookie: mstshash=(.*)$/.exec(cookie);
        if (m !== null) check('cookie', m[1], r?.cookie);
        else check('routing_token', cookie.replace(/^Cookie: /, ''), r?.routing_token);
      }
      if (requested !== '') check('requested_protocols_code', String(Number(requested)), r?.requested_protocols_code);
      if (selected !== '') check('security_protocol_code', String(Number(selected)), r?.security_protocol_code);
    }
  }
  const pct = (100 * agree) / total;
  t.diagnostic(`${files.length} captures, ${total} facts, ${agree} agree (${pct.toFixed(2)}%)`);
  assert.ok(total >= 4, `${total} facts compared`);
  assert.ok(pct >= 99, problems.join('\n'));
  assert.deepEqual(problems, []);
});

test('login name: the scanner on port 502 sends "Cookie: mstshash=admin"; the connection gets no rdp service (the server answers Modbus), as in Zeek\'s conn.log', { skip }, async () => {
  const { rdp, conn } = await records(P502);
  const r = rdp.find((x) => x['id.orig_h'] === '62.122.184.123');
  assert.ok(r !== undefined);
  assert.deepEqual([r.cookie, r['id.resp_p'], r.requested_protocols], ['admin', 502, ['SSL']]);
  const c = conn.find((x) => x['id.orig_h'] === '62.122.184.123')!;
  assert.equal(c.service, undefined);
  assert.equal(rdp.length, 1, 'no other connection of the trace is taken for RDP');
});

test("nDPI's expected output: rdp.pcap's flow is RDP; Palisade counts it as rdp, selects HYBRID_EX and hands the TLS to the ssl dissector", { skip }, async () => {
  const out = readFileSync(join(CORPUS, 'ndpi/tests/cfgs/default/result/rdp.pcap.out'), 'utf8');
  const m = /TCP (\S+):(\d+) <-> (\S+):(\d+) \[proto: \d+\/RDP\]/.exec(out)!;
  const r = await runEngine([join(CORPUS, 'ndpi/tests/cfgs/default/pcap/rdp.pcap')]);
  const c = ((r.records.get('conn') ?? []) as Rec[]).find((x) => x['id.orig_h'] === m[1] && String(x['id.orig_p']) === m[2])!;
  assert.ok(String(c.service).split(',').includes('rdp'));
  const rec = ((r.records.get('rdp') ?? []) as Rec[])[0];
  assert.deepEqual([rec.result, rec.security_protocol], ['encrypted', 'HYBRID_EX']);
});

test('tshark on a capture of the [MS-RDPBCGR] example connection sequence: cookie, protocols, client core data, channels, server security', { skip: !HAVE_TSHARK && 'tshark not installed' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-rdp-'));
  try {
    const file = join(dir, 'rdp.pcap');
    writeFileSync(file, conversationPcap([
      { isOrig: true, bytes: CR }, { isOrig: false, bytes: CC }, { isOrig: true, bytes: CONNECT_INITIAL }, { isOrig: false, bytes: CONNECT_RESPONSE },
    ], ['10.0.0.5', 50123], ['10.0.0.9', 3389]));
    const { stdout } = await run(TSHARK, ['-n', '-r', file, '-Y', 'rdp', '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=,',
      '-e', 'rdp.rt_cookie', '-e', 'rdp.negReq.requestedProtocols', '-e', 'rdp.negReq.selectedProtocol', '-e', 'rdp.client.name', '-e', 'rdp.client.build',
      '-e', 'rdp.desktop.width', '-e', 'rdp.desktop.height', '-e', 'rdp.keyboardLayout', '-e', 'rdp.client.digProductId', '-e', 'rdp.name',
      '-e', 'rdp.encryptionMethod', '-e', 'rdp.encryptionLevel']);
    const facts: Record<string, string> = {};
    const names = ['cookie', 'requested', 'selected', 'name', 'build', 'width', 'height', 'keyboard', 'product', 'channels', 'method', 'level'];
    for (const line of stdout.split('\n')) line.split('\t').forEach((v, i) => { if (v !== '' && i < names.length) facts[names[i]] = v; });
    const r = await runEngine([file]);
    const rec = ((r.records.get('rdp') ?? []) as Rec[])[0];
    assert.equal(`Cookie: mstshash=${rec.cookie}`, facts.cookie);
    assert.equal(rec.requested_protocols_code, Number(facts.requested));
    assert.equal(rec.security_protocol_code, Number(facts.selected));
    assert.equal(rec.client_name, facts.name);
    assert.equal(rec.client_build_number, Number(facts.build));
    assert.equal(rec.desktop_width, Number(facts.width));
    assert.equal(rec.desktop_height, Number(facts.height));
    assert.equal(rec.keyboard_layout_code, Number(facts.keyboard));
    assert.equal(rec.client_dig_product_id, facts.product);
    assert.equal((rec.client_channels as string[]).join(','), facts.channels);
    assert.equal(rec.encryption_method, { 0: 'None', 1: '40bit', 2: '128bit', 8: '56bit', 16: 'FIPS' }[Number(facts.method)]);
    assert.equal(rec.encryption_level, ['None', 'Low', 'Client compatible', 'High', 'FIPS'][Number(facts.level)]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
