// VNC (RFB) on the corpus, against two independent sources:
//  1. Zeek: the btest baseline of scripts.base.protocols.rfb.vnc-scanner (zeek/zeek,
//     testing/btest/Baseline/scripts.base.protocols.rfb.vnc-scanner/rfb.log) for the corpus'
//     zeek/testing/btest/Traces/rfb/vnc-scanner.pcap. The corpus keeps the trace but not that
//     baseline, so its one row is quoted here; every column of it must agree. It is the login
//     outcome test: a scanner's VNC Authentication that the server refused (auth F).
//  2. tshark (4.0), on every capture MANIFEST.md lists with vnc: the protocol versions of both
//     sides (vnc.server_proto_ver, vnc.client_proto_ver), the security types offered and chosen
//     (vnc.security_type, vnc.client_security_type), the SecurityResult (vnc.auth_result) and the
//     reason (vnc.auth_error), ≥ 99% of the facts tshark decodes; facts tshark gets wrong are
//     listed below with the evidence.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { CORPUS, HAVE_CORPUS, manifest } from './support/corpus.ts';
import { runEngine } from './support/run-engine.ts';
import { conversationPcap } from './support/build.ts';
import { HAVE_TSHARK, TSHARK } from './support/tshark.ts';
import { LOGIN_OK } from '../src/protocols/vnc/test-fixtures.ts';

const run = promisify(execFile);
const skip = HAVE_CORPUS ? false : 'corpus not found';
type Rec = Record<string, unknown>;

/** The baseline row (ts and uid masked by btest), columns as Zeek's rfb.log writes them. */
const ZEEK_RFB_COLUMNS = ['id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'client_major_version', 'client_minor_version', 'server_major_version', 'server_minor_version', 'authentication_method', 'auth', 'share_flag', 'desktop_name', 'width', 'height'];
const ZEEK_RFB_ROW = '192.168.0.11\t46381\t10.0.0.149\t5900\t003\t008\t003\t008\tVNC\tF\t-\t-\t-\t-';

function zeekText(v: unknown): string {
  if (v === undefined || v === null) return '-';
  if (typeof v === 'boolean') return v ? 'T' : 'F';
  return String(v);
}

async function vncRecords(file: string): Promise<Rec[]> {
  const r = await runEngine([resolve(CORPUS, file)]);
  assert.equal(r.counters.dissectors.vnc?.internal_errors ?? 0, 0);
  return (r.records.get('vnc') ?? []) as Rec[];
}

test("Zeek's rfb.log baseline for vnc-scanner.pcap: every column agrees (a refused VNC login: auth F)", { skip }, async () => {
  const ours = await vncRecords('zeek/testing/btest/Traces/rfb/vnc-scanner.pcap');
  assert.equal(ours.length, 1);
  const cells = ZEEK_RFB_ROW.split('\t');
  ZEEK_RFB_COLUMNS.forEach((c, i) => assert.equal(zeekText(ours[0][c]), cells[i], c));
  assert.equal(ours[0].auth, false);
});

/**
 * tshark's VNC dissector does not reassemble a handshake message that spans TCP segments: in
 * vnc-scanner.pcap the server sends its security types as three 1-byte segments (frames 6-8:
 * count 2, type 2, type 16; `tshark -qz follow,tcp,hex,0` shows them), which tshark flags
 * `_ws.malformed`; from then on it reads the challenge as a type list and the SecurityResult
 * as a selection ("Security type selected: Invalid (0)", frame 14; "Unknown (65)", frame 15),
 * so it decodes no vnc.auth_result, and it reads the server's reason string as a client's
 * selection ("Unknown (65)", the "A" of "Authentication failed", frame 15, sent by the server).
 * Facts tshark shows from its first malformed frame of a connection on are not counted.
 */
async function tsharkFacts(file: string): Promise<Map<string, string>> {
  const { stdout } = await run(TSHARK, ['-n', '-r', join(CORPUS, file), '-Y', 'vnc', '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=,',
    '-e', 'tcp.stream', '-e', '_ws.malformed', '-e', 'ip.src', '-e', 'tcp.srcport', '-e', 'ip.dst', '-e', 'tcp.dstport', '-e', 'vnc.server_proto_ver', '-e', 'vnc.client_proto_ver',
    '-e', 'vnc.security_type', '-e', 'vnc.client_security_type', '-e', 'vnc.auth_result', '-e', 'vnc.auth_error'], { maxBuffer: 64 << 20 });
  const facts = new Map<string, string>();
  const lost = new Set<string>();
  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    const [stream, malformed, src, sp, dst, dp, sv, cv, offered, chosen, result, error] = line.split('\t');
    if (malformed !== '') lost.add(stream);
    if (lost.has(stream)) continue;
    const server = `${src}:${sp}>${dst}:${dp}`;
    const client = `${dst}:${dp}>${src}:${sp}`;
    if (sv !== '') facts.set(`${server}|server_version`, sv);
    if (cv !== '') facts.set(`${src}:${sp}>${dst}:${dp}|client_version`, cv);
    if (offered !== '') facts.set(`${client}|security_types`, offered);
    if (chosen !== '') facts.set(`${src}:${sp}>${dst}:${dp}|authentication_method_code`, chosen);
    if (result !== '') facts.set(`${client}|auth`, result === '1' ? 'false' : 'true');
    if (error !== '') facts.set(`${client}|auth_failure_reason`, error);
  }
  return facts;
}

const CODES: Record<string, number> = { None: 1, VNC: 2, Tight: 16, VeNCrypt: 19 };

test('tshark: versions, security types, SecurityResult and reason agree on ≥ 99% of the facts tshark decodes', { skip: skip || (!HAVE_TSHARK && 'tshark not installed') }, async (t) => {
  const files = [...new Set(manifest().filter((m) => /\bvnc\b/.test(m.protocols)).map((m) => m.path))];
  assert.ok(files.length >= 1);
  let total = 0;
  let agree = 0;
  const problems: string[] = [];
  for (const f of files) {
    const ours = await vncRecords(f);
    const facts = await tsharkFacts(f);
    for (const [k, want] of facts) {
      const [conn, field] = k.split('|');
      // Facts are keyed by the direction they travel; our records by client>server.
      const r = ours.find((x) => `${x['id.orig_h']}:${x['id.orig_p']}>${x['id.resp_h']}:${x['id.resp_p']}` === conn
        || `${x['id.resp_h']}:${x['id.resp_p']}>${x['id.orig_h']}:${x['id.orig_p']}` === conn);
      total++;
      let got: string | undefined;
      if (r !== undefined) {
        if (field === 'server_version') got = `${r.server_major_version}.${r.server_minor_version}`;
        else if (field === 'client_version') got = `${r.client_major_version}.${r.client_minor_version}`;
        else if (field === 'security_types') got = (r.security_types as string[] | undefined)?.map((n) => CODES[n] ?? n).join(',');
        else got = r[field] === undefined ? undefined : String(r[field]);
      }
      if (got === want) agree++;
      else problems.push(`${f} ${k}: tshark ${want}, palisade ${got}`);
    }
  }
  const pct = (100 * agree) / total;
  t.diagnostic(`${files.length} captures, ${total} facts, ${agree} agree (${pct.toFixed(2)}%)`);
  assert.ok(total >= 2, `${total} facts compared`);
  assert.ok(pct >= 99, problems.join('\n'));
});

test('tshark on a capture of an RFC 6143 handshake (one message per segment): versions, types, outcome, share flag, desktop', { skip: !HAVE_TSHARK && 'tshark not installed' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-vnc-'));
  try {
    const file = join(dir, 'vnc.pcap');
    writeFileSync(file, conversationPcap(LOGIN_OK, ['10.0.0.5', 50123], ['10.0.0.9', 5900]));
    const { stdout } = await run(TSHARK, ['-n', '-r', file, '-Y', 'vnc', '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=,',
      '-e', 'vnc.server_proto_ver', '-e', 'vnc.client_proto_ver', '-e', 'vnc.security_type', '-e', 'vnc.client_security_type', '-e', 'vnc.auth_result',
      '-e', 'vnc.share_desktop_flag', '-e', 'vnc.width', '-e', 'vnc.height', '-e', 'vnc.desktop_name']);
    const facts: Record<string, string> = {};
    const names = ['server', 'client', 'offered', 'chosen', 'result', 'share', 'width', 'height', 'name'];
    for (const line of stdout.split('\n')) line.split('\t').forEach((v, i) => { if (v !== '' && i < names.length) facts[names[i]] = v; });
    const rec = (await vncRecords(file))[0];
    assert.equal(`${rec.server_major_version}.${rec.server_minor_version}`, facts.server);
    assert.equal(`${rec.client_major_version}.${rec.client_minor_version}`, facts.client);
    assert.equal((rec.security_types as string[]).map((n) => CODES[n]).join(','), facts.offered);
    assert.equal(String(rec.authentication_method_code), facts.chosen);
    // vnc.auth_result is the SecurityResult's value as a boolean: 0 (False) is OK.
    assert.equal(rec.auth, facts.result === '0' || facts.result === 'False');
    assert.equal(rec.share_flag, facts.share === '1' || facts.share === 'True');
    assert.equal(String(rec.width), facts.width);
    assert.equal(String(rec.height), facts.height);
    assert.equal(rec.desktop_name, facts.name);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
