// Telnet on the corpus (MANIFEST.md lists it in nDPI's telnet.pcap and suricata-verify's
// telnet-01, the same capture): option negotiation against tshark, and the login outcome
// against nDPI's result and the session's own text.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { optionName } from '../src/protocols/telnet/constants.ts';
import { CORPUS, HAVE_CORPUS, manifest } from './support/corpus.ts';
import { runEngine } from './support/run-engine.ts';
import { HAVE_TSHARK, TSHARK } from './support/tshark.ts';

const run = promisify(execFile);
const skip = !HAVE_CORPUS;

export const TELNET_CAPTURES = manifest().filter((r) => /(^|[ ,])telnet([ ,]|$)/.test(r.protocols)).map((r) => r.path).sort();

type Rec = Record<string, unknown>;

async function telnetRecords(rel: string): Promise<Rec[]> {
  const r = await runEngine([join(CORPUS, rel)]);
  return (r.records.get('telnet') ?? []) as Rec[];
}

/** Per connection (client→server): the IAC commands each side sent, and the options named. */
interface Negotiation {
  orig: number;
  resp: number;
  options: Set<string>;
}

/**
 * tshark's telnet tree, in order (PDML): every command but SE counts once (a SB … SE is one
 * sequence), and the subcommand right after WILL/WONT/DO/DONT/SB is the option.
 */
async function theirs(rel: string): Promise<Map<string, Negotiation>> {
  const { stdout } = await run(TSHARK, ['-n', '-r', join(CORPUS, rel), '-Y', 'telnet', '-T', 'pdml'], { maxBuffer: 256 << 20 });
  const m = new Map<string, Negotiation>();
  for (const pkt of stdout.split('<packet>').slice(1)) {
    const val = (name: string) => new RegExp(`name="${name.replace('.', '\\.')}"[^>]*show="([^"]*)"`).exec(pkt)?.[1] ?? '';
    const src = val('ip.src') || val('ipv6.src');
    const dst = val('ip.dst') || val('ipv6.dst');
    const sp = Number(val('tcp.srcport'));
    const dp = Number(val('tcp.dstport'));
    const toServer = dp === 23;
    const k = toServer ? `${src}:${sp}>${dst}:${dp}` : `${dst}:${dp}>${src}:${sp}`;
    let n = m.get(k);
    if (n === undefined) m.set(k, (n = { orig: 0, resp: 0, options: new Set() }));
    let wantOption = false;
    for (const f of pkt.matchAll(/name="telnet\.(cmd|subcmd)"[^>]*show="([^"]*)"/g)) {
      const v = Number(f[2]);
      if (f[1] === 'cmd') {
        if (v !== 240) {
          if (toServer) n.orig++;
          else n.resp++;
        }
        wantOption = v >= 250 && v <= 254;
      } else if (wantOption) {
        n.options.add(optionName(v));
        wantOption = false;
      }
    }
  }
  return m;
}

test('telnet agrees with tshark on the IAC commands of each side and the options negotiated', { skip: skip || !HAVE_TSHARK }, async () => {
  assert.ok(TELNET_CAPTURES.length >= 2, `MANIFEST lists ${TELNET_CAPTURES.length} captures with telnet`);
  let options = 0;
  let commands = 0;
  let commandsAgree = 0;
  for (const rel of TELNET_CAPTURES) {
    const ours = await telnetRecords(rel);
    const t = await theirs(rel);
    assert.equal(ours.length, t.size, rel);
    for (const r of ours) {
      const k = `${r['id.orig_h']}:${r['id.orig_p']}>${r['id.resp_h']}:${r['id.resp_p']}`;
      const n = t.get(k);
      assert.ok(n !== undefined, `${rel} ${k}`);
      assert.deepEqual(new Set(r.options as string[]), n.options, `${rel} options`);
      assert.equal(r.commands_orig, n.orig, `${rel} client commands`);
      // The server's IAC DM (frames 72 and 73, the urgent "ff" then "f2") is split over two
      // segments; tshark does not reassemble Telnet, flags frame 72 malformed and reads no
      // command in frame 73. Palisade reads the stream: one command more than tshark.
      assert.equal(r.commands_resp, n.resp + 1, `${rel} server commands`);
      options += n.options.size;
      commands += (r.commands_orig as number) + (r.commands_resp as number);
      commandsAgree += n.orig + n.resp;
    }
  }
  process.stderr.write(`telnet vs tshark: options ${options}/${options} agree; IAC commands ${commandsAgree}/${commands} (the rest: the split IAC DM above)\n`);
  assert.equal(options, 28);
});

test('telnet login: the user nDPI reports, a password, and success (Last login, then a shell prompt)', { skip }, async () => {
  for (const rel of TELNET_CAPTURES) {
    const [r] = await telnetRecords(rel);
    // nDPI's result for the capture: "[Username: fake]".
    assert.equal(r.user, 'fake', rel);
    assert.equal(r.password_present, true, rel);
    // The server answers the password with "Last login: Sat Nov 27 20:11:43 on ttyp2 from
    // bam.zing.org", then the shell prompt "$ " at which the client runs /sbin/ping (the
    // command suricata-verify's telnet-01 rule matches after the login).
    assert.equal(r.login, 'success', rel);
    assert.equal(r.success, true, rel);
    assert.match(r.login_reason as string, /^Last login: Sat Nov 27 20:11:43/);
    assert.equal(r.login_attempts, 1);
    assert.equal(r.login_failures, 0);
    assert.equal(r.confused, false);
    // Banner and terminal: the server's text before "login:", the client's TERMINAL-TYPE IS.
    assert.equal(r.banner, 'OpenBSD/i386 (oof) (ttyp2)');
    assert.equal(r.terminal_type, 'xterm-color');
  }
});
