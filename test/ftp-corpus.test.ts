// FTP on the corpus: the Zeek ftp.log baseline (row for row, field for field), tshark
// (commands and reply codes of every control connection MANIFEST.md lists with ftp), and the
// login outcome of every USER/PASS exchange, each checked against a source other than
// Palisade (the capture's reply codes as tshark reads them, nDPI's and Arkime's results).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { ZEEK_LOGGED_COMMANDS } from '../src/protocols/ftp/constants.ts';
import { CORPUS, HAVE_CORPUS, manifest } from './support/corpus.ts';
import { runEngine } from './support/run-engine.ts';
import { HAVE_TSHARK, TSHARK } from './support/tshark.ts';

const run = promisify(execFile);
const skip = !HAVE_CORPUS;

export const FTP_CAPTURES = manifest().filter((r) => /(^|[ ,])ftp([ ,]|$)/.test(r.protocols)).map((r) => r.path).sort();

type Rec = Record<string, unknown>;

async function ftpRecords(rel: string): Promise<Rec[]> {
  const r = await runEngine([join(CORPUS, rel)]);
  return (r.records.get('ftp') ?? []) as Rec[];
}

/** A Zeek ASCII log: its rows as column → value. */
function zeekLog(path: string): Record<string, string>[] {
  let fields: string[] = [];
  const rows: Record<string, string>[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.startsWith('#fields\t')) fields = line.split('\t').slice(1);
    if (line === '' || line.startsWith('#')) continue;
    const v = line.split('\t');
    rows.push(Object.fromEntries(fields.map((f, i) => [f, v[i]])));
  }
  return rows;
}

/** Zeek's ASCII form of one of our values. */
function zeekText(v: unknown): string {
  if (v === undefined || v === null) return '-';
  if (typeof v === 'boolean') return v ? 'T' : 'F';
  if (v === '') return '(empty)';
  return String(v);
}

/** The rows Zeek's ftp.log holds: FTP::logged_commands, and for a session that has none but a user, its last command (log_at_least_one_command). */
function zeekRows(recs: Rec[]): Rec[] {
  const byUid = new Map<string, Rec[]>();
  for (const r of recs) {
    let l = byUid.get(r.uid as string);
    if (l === undefined) byUid.set(r.uid as string, (l = []));
    l.push(r);
  }
  const out: Rec[] = [];
  for (const l of byUid.values()) {
    const logged = l.filter((r) => ZEEK_LOGGED_COMMANDS.has(r.command as string));
    if (logged.length > 0) out.push(...logged);
    else if (l.some((r) => r.user !== '<unknown>')) out.push(l[l.length - 1]);
  }
  return out;
}

test('the Zeek ftp.log baseline (bruteforce.pcap) is reproduced row for row', { skip }, async () => {
  const base = zeekLog(join(CORPUS, 'zeek/testing/btest/Baseline/scripts.policy.protocols.ftp.bruteforce/ftp.log'));
  assert.equal(base.length, 30);
  const ours = zeekRows(await ftpRecords('zeek/testing/btest/Traces/ftp/bruteforce.pcap'));
  assert.equal(ours.length, base.length);
  const key = (r: Record<string, unknown>) => `${r['id.orig_h']}:${r['id.orig_p']}>${r['id.resp_h']}:${r['id.resp_p']} ${r.command}`;
  const mine = new Map(ours.map((r) => [key(r), r]));
  let fieldsCompared = 0;
  for (const z of base) {
    const o = mine.get(key(z));
    assert.ok(o !== undefined, `no row for ${key(z)}`);
    for (const f of ['id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'user', 'command', 'arg', 'mime_type', 'file_size', 'reply_code', 'reply_msg',
      'data_channel.passive', 'data_channel.orig_h', 'data_channel.resp_h', 'data_channel.resp_p', 'fuid']) {
      assert.equal(zeekText(o[f]), z[f], `${key(z)} ${f}`);
      fieldsCompared++;
    }
    // Zeek's `password` is "<hidden>" when one was sent; Palisade writes only that one was.
    assert.equal(o.password_present, z.password !== '-', `${key(z)} password`);
  }
  assert.equal(fieldsCompared, 30 * 16);
});

/** Per connection: the commands, and the replies (one per reply, a multi-line one once). */
interface Conn {
  commands: string[];
  replies: string[];
}

function conn(m: Map<string, Conn>, k: string): Conn {
  let c = m.get(k);
  if (c === undefined) m.set(k, (c = { commands: [], replies: [] }));
  return c;
}

async function ours(rel: string): Promise<Map<string, Conn>> {
  const m = new Map<string, Conn>();
  const recs = (await ftpRecords(rel)).slice().sort((a, b) => (a.ts as number) - (b.ts as number));
  for (const r of recs) {
    const c = conn(m, `${r['id.orig_h']}:${r['id.orig_p']}>${r['id.resp_h']}:${r['id.resp_p']}`);
    const cmd = r.command as string;
    if (!cmd.startsWith('<')) c.commands.push(cmd);
    for (const code of (r.reply_codes as number[] | undefined) ?? []) c.replies.push(String(code));
  }
  return m;
}

/**
 * tshark reads the first line of each frame: a frame of commands gives its command, a frame
 * of replies its first line's code. A multi-line reply whose last line ("ddd " with the
 * code of an open "ddd-") starts a frame of its own is the same reply, not another.
 */
async function theirs(rel: string): Promise<Map<string, Conn>> {
  const { stdout } = await run(
    TSHARK,
    ['-n', '-r', join(CORPUS, rel), '-Y', 'ftp', '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=|',
      '-e', 'ip.src', '-e', 'ipv6.src', '-e', 'tcp.srcport', '-e', 'ip.dst', '-e', 'ipv6.dst', '-e', 'tcp.dstport',
      '-e', 'ftp.request.command', '-e', 'ftp.response.code', '-e', 'tcp.payload'],
    { maxBuffer: 256 << 20 },
  ).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }));
  const m = new Map<string, Conn>();
  const open = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    const [s4, s6, sp, d4, d6, dp, cmd, code, payload] = line.split('\t');
    const src = s4 || s6;
    const dst = d4 || d6;
    for (const x of cmd ? cmd.split('|') : []) conn(m, `${src}:${sp}>${dst}:${dp}`).commands.push(x.toUpperCase());
    if (!code) continue;
    const k = `${dst}:${dp}>${src}:${sp}`;
    const first = Buffer.from(payload ?? '', 'hex').subarray(0, 4).toString('latin1');
    const sep = first[3];
    if (open.get(k) === code.split('|')[0] && sep === ' ') {
      open.delete(k);
      continue;
    }
    if (sep === '-') open.set(k, code.split('|')[0]);
    conn(m, k).replies.push(code.split('|')[0]);
  }
  return m;
}

test('ftp agrees with tshark on the commands and reply codes of every control connection', { skip: skip || !HAVE_TSHARK }, async () => {
  assert.ok(FTP_CAPTURES.length >= 9, `MANIFEST lists ${FTP_CAPTURES.length} captures with ftp`);
  const t = { command: { pdus: 0, agree: 0 }, reply: { pdus: 0, agree: 0 } };
  const diffs: string[] = [];
  for (const rel of FTP_CAPTURES) {
    const [o, s] = await Promise.all([ours(rel), theirs(rel)]);
    for (const k of new Set([...o.keys(), ...s.keys()])) {
      const a = o.get(k) ?? { commands: [], replies: [] };
      const b = s.get(k) ?? { commands: [], replies: [] };
      for (const [f, x, y] of [['command', a.commands, b.commands], ['reply', a.replies, b.replies]] as const) {
        for (let i = 0; i < Math.max(x.length, y.length); i++) {
          t[f].pdus++;
          if (x[i] === y[i]) t[f].agree++;
          else diffs.push(`${rel} ${k} ${f} #${i}: ours ${x[i]} tshark ${y[i]}`);
        }
      }
    }
  }
  process.stderr.write(`ftp vs tshark: commands ${t.command.agree}/${t.command.pdus}, replies ${t.reply.agree}/${t.reply.pdus}\n`);
  for (const x of Object.values(t)) {
    assert.ok(x.pdus > 100);
    assert.ok(x.agree / x.pdus >= 0.99);
  }
  assert.deepEqual(diffs, []);
});

/**
 * The outcome of each login, with where it is known from apart from Palisade: the reply
 * tshark reads after PASS (or after USER), and nDPI's / Arkime's results for the capture.
 */
const LOGINS: [string, string, string[]][] = [
  // nDPI result: "[User: anonymous][Pwd: NcFTP@]", no "[Auth Failed]"; tshark: PASS → 230.
  ['ndpi/tests/cfgs/default/pcap/ftp.pcap', 'anonymous', ['success']],
  // nDPI result: "[User: hello][Pwd: ][Auth Failed]"; tshark: USER → 530 "This FTP server is anonymous only."
  ['ndpi/tests/cfgs/default/pcap/ftp_failed.pcap', 'hello', ['failure']],
  // Arkime result: user "anonymous", response codes 220, 230, 331; tshark: PASS → 230.
  ['arkime/tests/pcap/ftp.pcap', 'anonymous', ['success']],
  // tshark: PASS → 230 "Anonymous access granted".
  ['suricata-verify/tests/ftp-epsv/input.pcap', 'ftp', ['success']],
  // tshark: PASS → 230 "Login successful." (suricata-verify's test checks the USER command from 172.23.0.3).
  ['suricata-verify/tests/ftp/ftp-download-active/input.pcap', 'bob', ['success']],
  ['suricata-verify/tests/ftp/ftp-download-passive/input.pcap', 'bob', ['success']],
  // tshark: PASS → 230 (a multi-line reply).
  ['zeek/testing/btest/Traces/ftp/ipv4.pcap', 'anonymous', ['success']],
];

test('login outcomes: every USER/PASS exchange gets the outcome its reply gives', { skip }, async () => {
  for (const [rel, user, outcomes] of LOGINS) {
    const recs = await ftpRecords(rel);
    const decided = recs.filter((r) => r.login !== undefined);
    assert.deepEqual(decided.map((r) => r.login), outcomes, rel);
    assert.equal(decided[0].user, user, rel);
    assert.ok(decided.every((r) => ['USER', 'PASS', 'ACCT'].includes(r.command as string)), rel);
  }
});

test('login outcomes: the 30 brute-force connections all fail, each on its PASS', { skip }, async () => {
  // tshark: 30 × (USER bro → 331, PASS n → 530 "Login incorrect."); Zeek's notice.log for the
  // capture reports the failed logins (FTP::Bruteforcing, "had 20 failed logins").
  const recs = await ftpRecords('zeek/testing/btest/Traces/ftp/bruteforce.pcap');
  const decided = recs.filter((r) => r.login !== undefined);
  assert.equal(decided.length, 30);
  for (const r of decided) {
    assert.equal(r.login, 'failure');
    assert.equal(r.command, 'PASS');
    assert.equal(r.reply_code, 530);
    assert.equal(r.user, 'bro');
    assert.equal(r.arg, '<hidden>');
  }
  assert.equal(new Set(decided.map((r) => r.uid)).size, 30);
});

test('data channels: PORT, PASV and EPSV give the endpoints tshark computes', { skip: skip || !HAVE_TSHARK }, async () => {
  let n = 0;
  for (const rel of ['zeek/testing/btest/Traces/ftp/ipv4.pcap', 'suricata-verify/tests/ftp-epsv/input.pcap', 'suricata-verify/tests/ftp/ftp-download-active/input.pcap', 'ndpi/tests/cfgs/default/pcap/ftp.pcap']) {
    const { stdout } = await run(TSHARK, ['-n', '-r', join(CORPUS, rel), '-Y', 'ftp.active.cip || ftp.passive.ip || ftp.epsv.port', '-T', 'fields',
      '-e', 'ftp.active.cip', '-e', 'ftp.active.port', '-e', 'ftp.passive.ip', '-e', 'ftp.passive.port', '-e', 'ftp.epsv.port']);
    const want = stdout.split('\n').filter((l) => l !== '').map((l) => {
      const [aip, aport, pip, pport, eport] = l.split('\t');
      return aip ? `${aip}:${aport}` : pip ? `${pip}:${pport}` : `epsv:${eport}`;
    });
    const recs = (await ftpRecords(rel)).filter((r) => r['data_channel.resp_p'] !== undefined);
    const got = recs.map((r) => (r.command === 'EPSV' ? `epsv:${r['data_channel.resp_p']}` : `${r['data_channel.resp_h']}:${r['data_channel.resp_p']}`));
    assert.deepEqual(got, want, rel);
    for (const r of recs) assert.equal(r['data_channel.passive'], r.command === 'PASV' || r.command === 'EPSV');
    n += got.length;
  }
  assert.equal(n, 13, 'data channels: 4 in ipv4.pcap, 4 in ftp-epsv, 3 in ftp-download-active, 2 in nDPI ftp.pcap');
});

test('suricata-verify ftp-epsv: the first EPSV announces port 58612', { skip }, async () => {
  // test.yaml: one ftp event with ftp.command EPSV and ftp.dynamic_port 58612.
  const recs = await ftpRecords('suricata-verify/tests/ftp-epsv/input.pcap');
  assert.equal(recs.filter((r) => r['data_channel.resp_p'] === 58612).map((r) => r.command).join(), 'EPSV');
});
