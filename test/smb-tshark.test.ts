// SMB and NTLM against tshark on every corpus capture that holds SMB over TCP or NTLMSSP
// (tshark's own view, found by a scan of the corpus with `-Y "smb || smb2 || ntlmssp"`:
// MANIFEST.md's Protocols column stops at smb/smb2 and omits ntlmssp). Compared, as multisets
// per connection and direction:
// - smb: every SMB1 and SMB2 message: version, command (smb.cmd of each AndX command but the
//   0xff terminator, smb2.cmd of each compound member), message id (smb.mid, smb2.msg_id)
//   and, for responses, the NT status (smb.nt_status, smb2.nt_status; tshark leaves a zero
//   status out). Palisade's smb records are per request/response pair: each gives one
//   request message (when the request was seen: rtt set, or no response) and one response
//   message (status set).
// - ntlm: every AUTHENTICATE message carried by SMB: user, domain and host
//   (ntlmssp.auth.username, ntlmssp.auth.domain, ntlmssp.auth.hostname; tshark writes an
//   empty name as NULL), and per connection the number of NTLM messages of each type.
// Known differences (counted against agreement, listed here with their evidence):
// - NTLMSSP inside DCE/RPC (iti-ics-security-tools/pcaps/ModbusTCP/mb2.pcap frames 5049 on,
//   tcp port 135 and the ports it hands out) is not compared: Palisade has no DCE/RPC
//   dissector to carry it (the ntlm child is opened by SMB only). The tshark filter keeps
//   NTLMSSP inside SMB.
// - An SMB1 NEGOTIATE answered by an SMB2 NEGOTIATE response (multi-protocol negotiate) is
//   one Palisade record (version SMB1, the SMB2 dialect); its response is an SMB2 message
//   with message id 0 and command 0, as tshark shows it.
// - Interim responses (STATUS_PENDING with the async flag, MS-SMB2 3.3.4.2) are no records:
//   the record pairs the request with its final response. tshark's interim responses are
//   left out of the comparison (ndpi smb_deletefile.pcap frame of message 4009,
//   zeek smb2readwrite.pcap message 1237: CHANGE_NOTIFY answered later).
// - The unsolicited OPLOCK_BREAK notification has message id 0xffffffffffffffff, which a
//   JSON number cannot hold exactly (Palisade's message_id reads 18446744073709552000); it is
//   compared as 2^64 - 1.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { CORPUS, HAVE_CORPUS } from './support/corpus.ts';
import { runEngine } from './support/run-engine.ts';
import { HAVE_TSHARK, TSHARK } from './support/tshark.ts';

const run = promisify(execFile);

/** Captures where tshark sees SMB over TCP or NTLMSSP (scan of the whole corpus). */
export const SMB_CAPTURES = [
  'arkime/tests/pcap/smb-smb1-ascii.pcap',
  'arkime/tests/pcap/wireshark-smb-on-windows10.pcap',
  'iti-ics-security-tools/pcaps/IEC61850/Sample_File_MMS_and_GOOSE.pcap',
  'iti-ics-security-tools/pcaps/ModbusTCP/mb2.pcap',
  'iti-ics-security-tools/pcaps/openics/EIP-ControlProtocolChangeAttempt.pcap',
  'iti-ics-security-tools/pcaps/openics/EIP-RemoteModeChangeAttempt.pcap',
  'icsnpp-hart-ip/testing/traces/hart-ip.pcap',
  'modbus-dataset-cset2016/CnC_uploading_exe_modbus_6RTU_with_operate.pcap',
  'modbus-dataset-cset2016/characterization_modbus_6RTU_with_operate.pcap',
  'modbus-dataset-cset2016/moving_two_files_modbus_6RTU.pcap',
  'ndpi/tests/cfgs/default/pcap/netbios.pcap',
  'ndpi/tests/cfgs/default/pcap/smb_deletefile.pcap',
  'suricata-verify/tests/output-eve-smb-01/input.pcap',
  'zeek/testing/btest/Traces/netbios/netbios-split-session-msg.pcap',
  'zeek/testing/btest/Traces/smb/smb1.pcap',
  'zeek/testing/btest/Traces/smb/smb2readwrite.pcap',
];

type Bag = Map<string, number>;

function add(b: Bag, k: string, n = 1): void {
  b.set(k, (b.get(k) ?? 0) + n);
}

const hex32 = (n: number) => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
const SMB2_DIALECTS = new Set(['2.0.2', '2.1', '3.0', '3.0.2', '3.1.1', '2.1+']);

interface Sides {
  smb: Bag;
  ntlmUsers: Bag;
  ntlmMsgs: Bag;
}

async function ours(file: string): Promise<Sides> {
  const r = await runEngine([file]);
  const s: Sides = { smb: new Map(), ntlmUsers: new Map(), ntlmMsgs: new Map() };
  for (const o of (r.records.get('smb') ?? []) as Record<string, unknown>[]) {
    if (o.command === 'ENCRYPTED' || o.command === 'COMPRESSED') continue;
    const c2s = `${o['id.orig_h']}:${o['id.orig_p']}>${o['id.resp_h']}:${o['id.resp_p']}`;
    const s2c = `${o['id.resp_h']}:${o['id.resp_p']}>${o['id.orig_h']}:${o['id.orig_p']}`;
    const v = o.version === 'SMB1' ? 1 : 2;
    const cmd = o.command_code as number;
    const hasResp = o.status_code !== undefined;
    const hasReq = !hasResp || o.rtt !== undefined;
    const mid = (o.message_id as number) >= 2 ** 53 ? '18446744073709551615' : String(o.message_id);
    if (hasReq) add(s.smb, `${c2s}|${v}|${mid}|${cmd}|req`);
    if (hasResp) {
      const smb2Answer = v === 1 && cmd === 0x72 && SMB2_DIALECTS.has(o.dialect as string);
      if (smb2Answer) add(s.smb, `${s2c}|2|0|0|${hex32(o.status_code as number)}`);
      else add(s.smb, `${s2c}|${v}|${mid}|${cmd}|${hex32(o.status_code as number)}`);
    }
  }
  for (const o of (r.records.get('ntlm') ?? []) as Record<string, unknown>[]) {
    const c2s = `${o['id.orig_h']}:${o['id.orig_p']}>${o['id.resp_h']}:${o['id.resp_p']}`;
    const msgs = o.messages as string[];
    for (const m of msgs) add(s.ntlmMsgs, `${c2s}|${m}`);
    if (msgs.includes('AUTHENTICATE_MESSAGE')) add(s.ntlmUsers, `${c2s}|${o.username ?? 'NULL'}|${o.domainname ?? 'NULL'}|${o.hostname ?? 'NULL'}`);
  }
  return s;
}

const NTLM_TYPES: Record<string, string> = { '0x00000001': 'NEGOTIATE_MESSAGE', '0x00000002': 'CHALLENGE_MESSAGE', '0x00000003': 'AUTHENTICATE_MESSAGE' };

async function theirs(file: string): Promise<Sides> {
  const { stdout } = await run(
    TSHARK,
    ['-n', '-r', file, '-Y', '(smb || smb2) && tcp', '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=;',
      '-e', 'ip.src', '-e', 'tcp.srcport', '-e', 'ip.dst', '-e', 'tcp.dstport',
      '-e', 'smb.cmd', '-e', 'smb.mid', '-e', 'smb.flags.response', '-e', 'smb.nt_status',
      '-e', 'smb2.cmd', '-e', 'smb2.msg_id', '-e', 'smb2.flags.response', '-e', 'smb2.nt_status',
      '-e', 'ntlmssp.messagetype', '-e', 'ntlmssp.auth.username', '-e', 'ntlmssp.auth.domain', '-e', 'ntlmssp.auth.hostname'],
    { maxBuffer: 256 << 20 },
  ).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }));
  const s: Sides = { smb: new Map(), ntlmUsers: new Map(), ntlmMsgs: new Map() };
  const list = (x: string) => (x === '' ? [] : x.split(';'));
  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    const [src, sp, dst, dp, cmd1, mid1, resp1, st1, cmd2, mid2, resp2, st2, ntype, user, dom, host] = line.split('\t');
    const k = `${src}:${sp}>${dst}:${dp}`;
    const r1 = resp1 === '1';
    const c1 = list(cmd1).filter((c) => c !== '0xff');
    const statuses1 = list(st1);
    for (const c of c1) add(s.smb, `${k}|1|${mid1.split(';')[0]}|${parseInt(c, 16)}|${r1 ? hex32(parseInt(statuses1[0] ?? '0', 16)) : 'req'}`);
    const c2 = list(cmd2);
    const m2 = list(mid2);
    const rs2 = list(resp2);
    const statuses2 = list(st2);
    let si = 0;
    for (let i = 0; i < c2.length; i++) {
      const isResp = rs2[i] === '1';
      if (isResp && parseInt(statuses2[si] ?? '0', 16) === 0x103) {
        si++;
        continue; // an interim response (see the top)
      }
      add(s.smb, `${k}|2|${m2[i]}|${Number(c2[i])}|${isResp ? hex32(parseInt(statuses2[si++] ?? '0', 16)) : 'req'}`);
    }
    // NTLM: the client's side of the connection names it (as ntlm records do).
    const types = list(ntype);
    for (const t of types) {
      const name = NTLM_TYPES[t] ?? t;
      const c2s = name === 'CHALLENGE_MESSAGE' ? `${dst}:${dp}>${src}:${sp}` : k;
      add(s.ntlmMsgs, `${c2s}|${name}`);
    }
    const users = list(user);
    const doms = list(dom);
    const hosts = list(host);
    for (let i = 0; i < users.length; i++) add(s.ntlmUsers, `${k}|${users[i]}|${doms[i] ?? 'NULL'}|${hosts[i] ?? 'NULL'}`);
  }
  return s;
}

interface Tally {
  pdus: number;
  agree: number;
  diffs: string[];
}

function compare(rel: string, a: Bag, b: Bag, t: Tally): void {
  for (const k of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(k) ?? 0;
    const y = b.get(k) ?? 0;
    t.pdus += Math.max(x, y);
    t.agree += Math.min(x, y);
    if (x !== y && t.diffs.length < 30) t.diffs.push(`${rel} ${k}: ours ${x} tshark ${y}`);
  }
}

test('smb and ntlm agree with tshark on commands, message ids, statuses and NTLM users', { skip: !HAVE_CORPUS || !HAVE_TSHARK }, async () => {
  const totals: Record<keyof Sides, Tally> = {
    smb: { pdus: 0, agree: 0, diffs: [] },
    ntlmUsers: { pdus: 0, agree: 0, diffs: [] },
    ntlmMsgs: { pdus: 0, agree: 0, diffs: [] },
  };
  for (const rel of SMB_CAPTURES) {
    const file = join(CORPUS, rel);
    const [o, t] = await Promise.all([ours(file), theirs(file)]);
    for (const f of ['smb', 'ntlmUsers', 'ntlmMsgs'] as const) compare(rel, o[f], t[f], totals[f]);
  }
  const report = Object.entries(totals).map(([f, t]) => `${f}: ${t.agree}/${t.pdus} (${((100 * t.agree) / Math.max(1, t.pdus)).toFixed(3)}%)`).join(', ');
  process.stderr.write(`smb/ntlm vs tshark: ${report}\n`);
  if (process.env.SMB_DIFFS) for (const t of Object.values(totals)) process.stderr.write(t.diffs.join('\n') + '\n');
  for (const [f, t] of Object.entries(totals)) {
    assert.ok(t.pdus > 0, `${f}: nothing compared`);
    assert.ok(t.agree / t.pdus >= 0.99, `${f}: ${t.agree}/${t.pdus} agree\n${t.diffs.join('\n')}`);
  }
  // The floor: the corpus holds at least this many SMB messages and NTLM logins.
  assert.ok(totals.smb.pdus >= 500, `${totals.smb.pdus} SMB messages`);
  assert.ok(totals.ntlmUsers.pdus >= 20, `${totals.ntlmUsers.pdus} NTLM logins`);
});
