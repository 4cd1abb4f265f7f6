// SSH against independent sources on the corpus:
//  1. tshark (4.0): on every capture MANIFEST.md lists with ssh (plus nDPI's ssh.pcap, whose
//     second connection runs on port 8000, decoded with -d), per connection the client and
//     server identification strings (ssh.protocol), HASSH and HASSH-server (ssh.kex.hassh,
//     ssh.kex.hasshserver) and the server host key type (ssh.host_key.type) agree, ≥ 99%;
//  2. suricata-verify ssh-hassh: the hashes and hash strings its rules and EVE checks expect;
//  3. nDPI's expected ndpiReader output (ssh.pcap.out): HASSH-C and HASSH-S of both flows;
//  4. Arkime's expected session (ssh2.test): hassh, hasshServer, the host key (its MD5 is
//     Zeek's host_key) and the two version strings;
//  5. Zeek's detect-bruteforcing baseline (notice.log for sshguess.pcap, run with
//     SSH::password_guesses_limit=10): 192.168.56.1 is a password guesser "seen in 10
//     connections", so at least 10 of its connections must be inferred as failed logins.
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
import { readZeekLog } from './support/zeek-log.ts';

const run = promisify(execFile);
const skip = HAVE_CORPUS ? false : 'corpus not found';
type Rec = Record<string, unknown>;

/** Captures whose SSH runs on a port tshark does not decode as SSH by itself. */
const DECODE_AS: Record<string, string[]> = {
  'ndpi/tests/cfgs/default/pcap/ssh.pcap': ['-d', 'tcp.port==8000,ssh'],
};

async function sshRecords(file: string): Promise<Rec[]> {
  const r = await runEngine([join(CORPUS, file)]);
  assert.equal(r.counters.dissectors.ssh?.internal_errors ?? 0, 0);
  return (r.records.get('ssh') ?? []) as Rec[];
}

/** tshark's SSH facts per connection ("a:p>b:p" from client to server): field → values. */
async function tsharkFacts(file: string): Promise<Map<string, Map<string, string>>> {
  const { stdout } = await run(TSHARK, ['-n', '-r', join(CORPUS, file), ...(DECODE_AS[file] ?? []), '-Y', 'ssh', '-T', 'fields', '-E', 'occurrence=f',
    '-e', 'ip.src', '-e', 'ipv6.src', '-e', 'tcp.srcport', '-e', 'ip.dst', '-e', 'ipv6.dst', '-e', 'tcp.dstport',
    '-e', 'ssh.protocol', '-e', 'ssh.kex.hassh', '-e', 'ssh.kex.hasshserver', '-e', 'ssh.host_key.type'], { maxBuffer: 64 << 20 });
  const out = new Map<string, Map<string, string>>();
  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    const [s4, s6, sp, d4, d6, dp, proto, hassh, hasshServer, hkType] = line.split('\t');
    const from = `${s4 || s6}:${sp}`;
    const to = `${d4 || d6}:${dp}`;
    const facts = (k: string) => {
      let m = out.get(k);
      if (m === undefined) out.set(k, (m = new Map()));
      return m;
    };
    // Both orientations are kept; the comparison picks the one our record has.
    if (proto !== '') {
      facts(`${from}>${to}`).set('client', proto);
      facts(`${to}>${from}`).set('server', proto);
    }
    if (hassh !== '') facts(`${from}>${to}`).set('hassh', hassh);
    if (hasshServer !== '') facts(`${to}>${from}`).set('hassh_server', hasshServer);
    if (hkType !== '') facts(`${to}>${from}`).set('host_key_type', hkType);
  }
  return out;
}

const connKey = (r: Rec) => `${r['id.orig_h']}:${r['id.orig_p']}>${r['id.resp_h']}:${r['id.resp_p']}`;

test('tshark: identification strings, HASSH, HASSH-server and host key type agree on ≥ 99% of the facts', { skip: skip || (!HAVE_TSHARK && 'tshark not installed') }, async (t) => {
  const files = [...new Set(manifest().filter((m) => /\bssh\b/.test(m.protocols)).map((m) => m.path))];
  assert.ok(files.length >= 5, `${files.length} SSH captures`);
  let total = 0;
  let agree = 0;
  const problems: string[] = [];
  for (const f of files) {
    const ours = await sshRecords(f);
    const theirs = await tsharkFacts(f);
    for (const r of ours) {
      const facts = theirs.get(connKey(r)) ?? new Map<string, string>();
      for (const [field, want] of facts) {
        total++;
        if (r[field] === want) agree++;
        else problems.push(`${f} ${connKey(r)} ${field}: tshark ${want}, palisade ${String(r[field])}`);
      }
    }
    // Every connection tshark decodes has a record.
    const keys = new Set(ours.map(connKey));
    for (const [k, facts] of theirs) {
      if (facts.has('client') && facts.has('server') && !keys.has(k) && !keys.has(k.split('>').reverse().join('>'))) {
        total += facts.size;
        problems.push(`${f} ${k}: no ssh record`);
      }
    }
  }
  const pct = (100 * agree) / total;
  t.diagnostic(`${files.length} captures, ${total} facts, ${agree} agree (${pct.toFixed(2)}%)`);
  assert.ok(total >= 60, `${total} facts compared`);
  assert.ok(pct >= 99, problems.join('\n'));
  assert.deepEqual(problems, [], 'every fact agrees (no tshark bug to list)');
});

test('suricata-verify ssh-hassh: the hashes and strings its rules and EVE checks expect', { skip }, async () => {
  const dir = join(CORPUS, 'suricata-verify/tests/ssh-hassh');
  const yaml = readFileSync(join(dir, 'test.yaml'), 'utf8');
  const rules = readFileSync(join(dir, 'test.rules'), 'utf8');
  const want = (re: RegExp, s: string) => re.exec(s)![1];
  const [r] = await sshRecords('suricata-verify/tests/ssh-hassh/input.pcap');
  assert.equal(r.hassh, want(/ssh\.client\.hassh\.hash: "([0-9a-f]+)"/, yaml));
  assert.equal(r.hassh_server, want(/ssh\.server\.hassh\.hash: "([0-9a-f]+)"/, yaml));
  // Rules 3 and 4 match content inside the hash strings (ssh.hassh.string, ssh.hassh.server.string).
  assert.ok((r.hassh_algorithms as string).includes(want(/ssh\.hassh\.string; content:"([^"]+)"/, rules)));
  assert.ok((r.hassh_server_algorithms as string).includes(want(/ssh\.hassh\.server\.string; content:"([^"]+)"/, rules)));
  assert.equal(r.hassh, createHash('md5').update(r.hassh_algorithms as string).digest('hex'));
});

test("nDPI's ndpiReader output: HASSH-C and HASSH-S of both flows of ssh.pcap", { skip }, async () => {
  const out = readFileSync(join(CORPUS, 'ndpi/tests/cfgs/default/result/ssh.pcap.out'), 'utf8');
  const expected = [...out.matchAll(/TCP (\S+):(\d+) <-> (\S+):(\d+) .*\[HASSH-C: ([0-9A-F]+)\].*\[HASSH-S: ([0-9A-F]+)\]/g)];
  assert.equal(expected.length, 2);
  const ours = await sshRecords('ndpi/tests/cfgs/default/pcap/ssh.pcap');
  for (const m of expected) {
    const r = ours.find((x) => x['id.orig_h'] === m[1] && String(x['id.orig_p']) === m[2] && x['id.resp_h'] === m[3] && String(x['id.resp_p']) === m[4]);
    assert.ok(r !== undefined, `record for ${m[0].slice(0, 60)}`);
    assert.equal((r.hassh as string).toUpperCase(), m[5]);
    assert.equal((r.hassh_server as string).toUpperCase(), m[6]);
  }
});

test("Arkime's expected session (ssh2.test): HASSH, HASSH-server, the host key and the version strings", { skip }, async () => {
  const text = readFileSync(join(CORPUS, 'arkime/tests/pcap/ssh2.test'), 'utf8');
  const session = JSON.parse(text.slice(text.indexOf('{'))) as { sessions3: { body: { ssh: Record<string, string[]> } }[] };
  const a = session.sessions3[0].body.ssh;
  const [r] = await sshRecords('arkime/tests/pcap/ssh2.pcap');
  assert.deepEqual([r.hassh, r.hassh_server], [a.hassh[0], a.hasshServer[0]]);
  const blob = Buffer.from(a.key[0], 'base64');
  assert.equal(r.host_key, createHash('md5').update(blob).digest('hex').match(/../g)!.join(':'));
  assert.equal(r.host_key_sha256, `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`);
  assert.deepEqual([String(r.server).toLowerCase(), String(r.client).toLowerCase()].sort(), [...a.version].sort());
});

test("login outcome: Zeek's brute-force notice for sshguess.pcap needs ≥ 10 failed logins from 192.168.56.1", { skip }, async () => {
  const notice = readZeekLog(join(CORPUS, 'zeek/testing/btest/Baseline/scripts.policy.protocols.ssh.detect-bruteforcing/notice.log'));
  assert.equal(notice.length, 1);
  assert.equal(notice[0].note, 'SSH::Password_Guessing');
  const guesser = notice[0].src;
  const seen = Number(/seen in (\d+) connections/.exec(notice[0].msg)![1]);
  const ours = await sshRecords('zeek/testing/btest/Traces/ssh/sshguess.pcap');
  const failed = ours.filter((r) => r['id.orig_h'] === guesser && r.auth_success === false);
  // Zeek raises the notice when the count of ssh_auth_failed connections reaches the limit (10).
  assert.ok(failed.length >= seen, `${failed.length} failed logins inferred, Zeek counted ${seen}`);
  // The sampled servers are the ones the guesser failed against.
  const servers = new Set(failed.map((r) => r['id.resp_h']));
  for (const s of notice[0].sub.replace('Sampled servers:', '').split(',').map((x) => x.trim())) assert.ok(servers.has(s), s);
  // None of the guesser's connections is inferred as a success.
  assert.equal(ours.filter((r) => r['id.orig_h'] === guesser && r.auth_success === true).length, 0);
});
