// HART-IP on the corpus:
//  1. ICSNPP baselines: every row of each icsnpp-hart-ip hart_ip_general.log baseline (the
//     btest keeps it without the three random link-id columns) is the `hart_ip` record of the
//     same message, column by column;
//  2. tshark: on every corpus capture with hart_ip (MANIFEST.md), each message tshark 4.0
//     decodes agrees with our record on version, message type and id, status, sequence
//     number, length, session-initiate fields, and the token-passing PDU's delimiter,
//     address, command, byte count, response code, device status and check byte.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { HART_IP_FIELDS } from '../src/protocols/hart_ip/records.ts';
import { CORPUS, HAVE_CORPUS, captureFor, manifest } from './support/corpus.ts';
import { runEngine } from './support/run-engine.ts';
import { HAVE_TSHARK, TSHARK } from './support/tshark.ts';
import { readZeekLog } from './support/zeek-log.ts';

const run = promisify(execFile);

/** The baseline's columns: ICSNPP's general log without its link ids, which are our first 60 fields. */
const COLUMNS = HART_IP_FIELDS.slice(0, 60).map((f) => f.name);
/**
 * Columns left out of the comparison, and why:
 *  - ts and uid: the btest masks the time; Zeek's uids are its own;
 *  - token_passing_pdu_contents_data_data: ICSNPP fills it only for commands it does not parse
 *    into its per-command logs (universal/common commands); Palisade always writes the data.
 */
const NOT_COMPARED = new Set(['ts', 'uid', 'token_passing_pdu_contents_data_data']);

/** A Zeek ASCII string value ("\xb9\xfd\x95&o") as the bytes it stands for, in hex. */
function zeekBytesHex(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && s[i + 1] === 'x') {
      out += s.slice(i + 2, i + 4).toLowerCase();
      i += 3;
    } else out += s.charCodeAt(i).toString(16).padStart(2, '0');
  }
  return out;
}

function same(col: string, ours: unknown, theirs: string): boolean {
  if (theirs === '-') return ours === undefined;
  if (ours === undefined) return false;
  if (col === 'token_passing_pdu_address_v6') return ours === zeekBytesHex(theirs);
  if (typeof ours === 'boolean') return (theirs === 'T') === ours && (theirs === 'T' || theirs === 'F');
  if (col.startsWith('read_audit_log_power_up_time') || col.startsWith('read_audit_log_last_security_change')) {
    return Math.abs((ours as number) - Number(theirs)) <= Math.abs(Number(theirs)) * 1e-15;
  }
  return String(ours) === theirs;
}

test('ICSNPP baselines: every hart_ip_general.log row is our record of that message, column by column', { skip: HAVE_CORPUS ? false : 'corpus not found' }, async () => {
  const rows = manifest().filter((r) => /icsnpp-hart-ip\/testing\/baseline\/.*\/hart_ip_general\.log$/.test(r.path));
  assert.ok(rows.length >= 2);
  let matched = 0;
  let total = 0;
  for (const row of rows) {
    const cap = captureFor(row);
    assert.ok(cap !== undefined, row.path);
    const base = readZeekLog(join(CORPUS, row.path), COLUMNS);
    const res = await runEngine([join(CORPUS, cap)]);
    const recs = (res.records.get('hart_ip') ?? []) as Record<string, unknown>[];
    assert.equal(res.counters.dissectors.hart_ip.internal_errors, 0);
    // Rows in order per connection.
    const conn = (r: Record<string, unknown>) => `${r['id.orig_h']}:${r['id.orig_p']}>${r['id.resp_h']}:${r['id.resp_p']}`;
    const byConn = new Map<string, Record<string, unknown>[]>();
    for (const r of recs) {
      const k = conn(r);
      byConn.set(k, [...(byConn.get(k) ?? []), r]);
    }
    const seen = new Map<string, number>();
    for (const b of base) {
      total++;
      const k = conn(b);
      const i = seen.get(k) ?? 0;
      seen.set(k, i + 1);
      const r = (byConn.get(k) ?? [])[i];
      assert.ok(r !== undefined, `${row.path}: no record #${i} for ${k}`);
      const diffs = COLUMNS.filter((c) => !NOT_COMPARED.has(c) && !same(c, r[c], b[c])).map((c) => `${c}: ours ${String(r[c])}, ICSNPP ${b[c]}`);
      assert.deepEqual(diffs, [], `${row.path} row ${total}`);
      matched++;
    }
    for (const [k, l] of byConn) assert.equal(l.length, seen.get(k) ?? 0, `${row.path}: records of ${k} beyond the baseline`);
  }
  console.log(`hart_ip: ${matched}/${total} ICSNPP baseline rows match on ${COLUMNS.length - NOT_COMPARED.size} columns`);
});

const TSHARK_FIELDS = [
  'frame.number', 'ip.src', 'udp.srcport', 'tcp.srcport', 'ip.dst', 'udp.dstport', 'tcp.dstport', 'hart_ip.version', 'hart_ip.message_type',
  'hart_ip.message_id', 'hart_ip.status', 'hart_ip.transaction_id', 'hart_ip.msg_length', 'hart_ip.session_init.master_type',
  'hart_ip.session_init.inactivity_close_timer', 'hart_ip.pt.delimiter', 'hart_ip.pt.short_addr', 'hart_ip.pt.long_address',
  'hart_ip.pt.command', 'hart_ip.pt.length', 'hart_ip.pt.response_code', 'hart_ip.pt.device_status', 'hart_ip.pt.checksum',
];

/**
 * tshark 4.0 knows HART-IP message ids 0-3 only: the Direct PDU (4) and Read Audit Log (5)
 * messages of hart-ip_all_messageIDs.pcapng (frames 12-15) are bare TCP to it. They are
 * compared with the ICSNPP baseline instead (first test).
 */
const TSHARK_UNKNOWN_IDS = new Set([4, 5]);

test('tshark: every HART-IP message agrees on the header, session initiate and token-passing PDU', { skip: !HAVE_CORPUS ? 'corpus not found' : !HAVE_TSHARK ? 'tshark not installed' : false }, async () => {
  const files = manifest().filter((r) => /\bhart_ip\b/.test(r.protocols)).map((r) => r.path);
  assert.ok(files.length >= 3);
  let compared = 0;
  let agree = 0;
  const problems: string[] = [];
  for (const rel of files) {
    const file = join(CORPUS, rel);
    const args = ['-n', '-r', file, '-Y', 'hart_ip && !icmp', '-T', 'fields', '-E', 'separator=\t'];
    for (const f of TSHARK_FIELDS) args.push('-e', f);
    const { stdout } = await run(TSHARK, args, { maxBuffer: 64 << 20 });
    const theirs = new Map<string, Record<string, string>[]>();
    for (const line of stdout.split('\n')) {
      if (line === '') continue;
      const c = line.split('\t');
      const r: Record<string, string> = {};
      TSHARK_FIELDS.forEach((f, i) => (r[f] = c[i] ?? ''));
      const k = `${r['ip.src']}:${r['udp.srcport'] || r['tcp.srcport']}>${r['ip.dst']}:${r['udp.dstport'] || r['tcp.dstport']}`;
      theirs.set(k, [...(theirs.get(k) ?? []), r]);
    }
    const res = await runEngine([file]);
    const ours = new Map<string, Record<string, unknown>[]>();
    for (const r of (res.records.get('hart_ip') ?? []) as Record<string, unknown>[]) {
      if (TSHARK_UNKNOWN_IDS.has(r.header_message_id_code as number)) continue;
      const k = r.is_orig ? `${r['id.orig_h']}:${r['id.orig_p']}>${r['id.resp_h']}:${r['id.resp_p']}` : `${r['id.resp_h']}:${r['id.resp_p']}>${r['id.orig_h']}:${r['id.orig_p']}`;
      ours.set(k, [...(ours.get(k) ?? []), r]);
    }
    for (const [dir, tl] of theirs) {
      const ol = ours.get(dir) ?? [];
      if (ol.length !== tl.length) problems.push(`${rel} ${dir}: ${ol.length} messages, tshark ${tl.length}`);
      tl.forEach((t, i) => {
        compared++;
        const o = ol[i];
        const num = (s: string) => (s === '' ? undefined : Number(s));
        const want: Record<string, unknown> = {
          header_version: num(t['hart_ip.version']),
          header_message_type_code: num(t['hart_ip.message_type']),
          header_message_id_code: num(t['hart_ip.message_id']),
          header_status_code_code: num(t['hart_ip.status']),
          header_sequence_number: num(t['hart_ip.transaction_id']),
          header_length: num(t['hart_ip.msg_length']),
          session_initiate_master_type: num(t['hart_ip.session_init.master_type']),
          session_initiate_inactivity_close_timer: num(t['hart_ip.session_init.inactivity_close_timer']),
          token_passing_pdu_address_v4: num(t['hart_ip.pt.short_addr']),
          token_passing_pdu_address_v6: t['hart_ip.pt.long_address'] === '' ? undefined : t['hart_ip.pt.long_address'].replace(/:/g, ''),
          token_passing_pdu_command_number_code: num(t['hart_ip.pt.command']),
          token_passing_pdu_contents_response_response_code: num(t['hart_ip.pt.response_code']),
          token_passing_pdu_check_byte: num(t['hart_ip.pt.checksum']),
        };
        const got: Record<string, unknown> = {};
        for (const k of Object.keys(want)) got[k] = o?.[k];
        // tshark's pt.length is the HART byte count.
        const tsLen = num(t['hart_ip.pt.length']);
        const ourLen = o?.token_passing_pdu_byte_count as number | undefined;
        const lenOk = ourLen === tsLen;
        // The device status byte, from our eight flags (bit 7 first).
        const flags = ['device_malfunction', 'configuration_changed', 'cold_start', 'more_status_available', 'loop_current_fixed', 'loop_current_saturated', 'non_primary_variable_out_of_limits', 'primary_variable_out_of_limits'];
        const ourStatus = o?.token_passing_pdu_contents_response_device_status_device_malfunction === undefined ? '' : String(flags.reduce((v, f, i) => v | (o[`token_passing_pdu_contents_response_device_status_${f}`] ? 0x80 >> i : 0), 0));
        const dsOk = ourStatus === (t['hart_ip.pt.device_status'] === '' ? '' : String(Number(t['hart_ip.pt.device_status'])));
        if (JSON.stringify(got) === JSON.stringify(want) && lenOk && dsOk) agree++;
        else if (problems.length < 20) problems.push(`${rel} frame ${t['frame.number']}: ours ${JSON.stringify(got)} byte count ${ourLen}\n   tshark ${JSON.stringify(want)} length ${tsLen}`);
      });
    }
  }
  console.log(`hart_ip: ${agree}/${compared} messages agree with tshark`);
  assert.ok(compared >= 100, `messages: ${compared}`);
  assert.deepEqual(problems, []);
});

/** Columns of the baselines' per-command logs (the btest cuts the link ids), as far as they are compared. */
const DIRECT_COLUMNS = ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'direct_pdu_command_data_data', 'direct_pdu_command_command_number', 'direct_pdu_command_byte_count', 'direct_pdu_contents_response_response_code'];
/** hart_ip_universal_commands.log: the Read Unique Identifier (command 0) response columns up to the device id. */
const UNIVERSAL_COLUMNS = [
  'ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'read_unique_identifier_response__254', 'expanded_device_type',
  'minimum_preambles', 'hart_protocol_major_revision', 'device_revision_level', 'software_revision_level', 'hardware_revision_level',
  'physical_signaling_code', 'f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8', 'device_id',
];

test('ICSNPP per-command baselines: Direct PDU commands and Read Unique Identifier identity agree with our records', { skip: HAVE_CORPUS ? false : 'corpus not found' }, async () => {
  let checked = 0;
  for (const row of manifest().filter((r) => /icsnpp-hart-ip\/testing\/baseline\/.*\/hart_ip_(direct_pdu_command|universal_commands)\.log$/.test(r.path))) {
    const cap = captureFor(row)!;
    const res = await runEngine([join(CORPUS, cap)]);
    const recs = (res.records.get('hart_ip') ?? []) as Record<string, unknown>[];
    if (row.path.endsWith('direct_pdu_command.log')) {
      // One row per command of a Direct PDU message: command name, byte count, response code.
      const base = readZeekLog(join(CORPUS, row.path), DIRECT_COLUMNS).map((b) => `${b.direct_pdu_command_command_number}/${b.direct_pdu_command_byte_count}/${b.direct_pdu_contents_response_response_code}`);
      const ours = recs
        .filter((r) => r.direct_pdu_command_names !== undefined)
        .flatMap((r) => (r.direct_pdu_command_names as string[]).map((n, i) => `${n}/${(r.direct_pdu_byte_counts as number[])[i]}/${(r.direct_pdu_response_codes as number[] | undefined)?.[i] ?? '-'}`));
      assert.deepEqual(ours, base, row.path);
      checked += base.length;
    } else {
      // Rows of command 0 responses (their first column is the 254 that starts the response).
      const base = readZeekLog(join(CORPUS, row.path), UNIVERSAL_COLUMNS).filter((b) => b.read_unique_identifier_response__254 === '254');
      const ours = recs.filter((r) => r.device_id !== undefined);
      assert.equal(ours.length, base.length, row.path);
      base.forEach((b, i) => {
        const o = ours[i];
        assert.deepEqual(
          [o.device_hart_revision, o.device_revision, o.device_software_revision, parseInt(o.device_id as string, 16)].map(String),
          [b.hart_protocol_major_revision, b.device_revision_level, b.software_revision_level, b.device_id],
          `${row.path} row ${i}`,
        );
      });
      checked += base.length;
    }
  }
  console.log(`hart_ip: ${checked} per-command ICSNPP baseline rows match`);
  assert.ok(checked >= 4);
});
