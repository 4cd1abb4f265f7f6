// OMRON FINS against tshark on every corpus capture with omron (MANIFEST.md): each FINS
// message tshark 4.0 decodes agrees with our record, in each direction and in order, on the
// FINS/TCP command and error code, ICF, GCT, DNA/DA1/DA2, SNA/SA1/SA2, SID, the command code
// (the key field), the end code of responses, the memory area code, beginning address and
// number of items of memory area commands, and the controller model. There is no ICSNPP
// baseline for FINS in the corpus.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { CORPUS, HAVE_CORPUS, manifest } from './support/corpus.ts';
import { runEngine } from './support/run-engine.ts';
import { HAVE_TSHARK, TSHARK } from './support/tshark.ts';

const run = promisify(execFile);
const skip = !HAVE_CORPUS ? 'corpus not found' : !HAVE_TSHARK ? 'tshark not installed' : false;

const FIELDS = [
  'frame.number', 'ip.src', 'udp.srcport', 'tcp.srcport', 'ip.dst', 'udp.dstport', 'tcp.dstport', 'omron.tcp.command', 'omron.tcp.error_code',
  'omron.icf', 'omron.gct', 'omron.dna', 'omron.da1', 'omron.da2', 'omron.sna', 'omron.sa1', 'omron.sa2', 'omron.sid', 'omron.command',
  'omron.response.code', 'omron.memory.area.read', 'omron.memory.address', 'omron.memory.numitems', 'omron.controller.model',
];

/** Key fields of one message, as "name=value" text; the same function for both sides. */
function key(v: Record<string, number | string | undefined>): string {
  return Object.entries(v).map(([k, x]) => `${k}=${x ?? '-'}`).join(' ');
}

/**
 * tshark's bugs, by capture and frame: tshark marks these responses malformed (their bodies
 * are shorter than its dissector for the command expects) and leaves out omron.response.code,
 * although the end code is there, right after MRC/SRC: frame 234
 * "c1 00 02 00 00 00 00 00 00 7a | 22 0b | 00 00 | 00 00 00 ff" (Parameter Area File Transfer,
 * end code 0000) and frame 245 "c1 … 7a | 26 02 | 00 00 | 73 65 74 6e 61 6d 65 31" (Name
 * Delete, end code 0000). The end code the bytes hold is used for them.
 */
const TSHARK_MISSES_END_CODE: Record<string, Record<string, number>> = {
  'ndpi/tests/cfgs/default/pcap/fins.pcap': { 234: 0, 245: 0 },
};

const num = (s: string) => (s === '' ? undefined : Number(s.split(',')[0]));

test('OMRON FINS: every message agrees with tshark on the FINS header, command code, end code and memory area parameters', { skip }, async () => {
  const files = manifest().filter((r) => /\bomron\b/.test(r.protocols)).map((r) => r.path);
  assert.ok(files.length >= 2, files.join(', '));
  let compared = 0;
  let agree = 0;
  let commands = 0;
  let commandsAgree = 0;
  const problems: string[] = [];
  for (const rel of files) {
    const file = join(CORPUS, rel);
    const args = ['-n', '-r', file, '-Y', 'omron', '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=,'];
    for (const f of FIELDS) args.push('-e', f);
    const { stdout } = await run(TSHARK, args, { maxBuffer: 64 << 20 });
    const theirs = new Map<string, { frame: string; key: string; command: string }[]>();
    for (const line of stdout.split('\n')) {
      if (line === '') continue;
      const c = line.split('\t');
      const r: Record<string, string> = {};
      FIELDS.forEach((f, i) => (r[f] = c[i] ?? ''));
      const dir = `${r['ip.src']}:${r['udp.srcport'] || r['tcp.srcport']}>${r['ip.dst']}:${r['udp.dstport'] || r['tcp.dstport']}`;
      const hasFins = r['omron.icf'] !== '';
      // Memory area parameters are compared for the memory area commands, which both parse;
      // tshark also reads area codes out of other commands' data (file memory, forced set).
      const cmd = num(r['omron.command']);
      const memoryCommand = cmd !== undefined && cmd >= 0x0101 && cmd <= 0x0105 && (num(r['omron.icf'])! & 0x40) === 0;
      const k = key({
        tcp_command: num(r['omron.tcp.command']),
        tcp_error: num(r['omron.tcp.error_code']),
        icf: num(r['omron.icf']),
        gct: hasFins ? num(r['omron.gct']) : undefined,
        dna: num(r['omron.dna']),
        da1: num(r['omron.da1']),
        da2: num(r['omron.da2']),
        sna: num(r['omron.sna']),
        sa1: num(r['omron.sa1']),
        sa2: num(r['omron.sa2']),
        sid: num(r['omron.sid']),
        command: num(r['omron.command']),
        end_code: TSHARK_MISSES_END_CODE[rel]?.[r['frame.number']] ?? num(r['omron.response.code']),
        area: memoryCommand ? num(r['omron.memory.area.read']) : undefined,
        address: memoryCommand ? num(r['omron.memory.address']) : undefined,
        items: memoryCommand && cmd !== 0x0104 ? num(r['omron.memory.numitems']) : undefined,
        model: r['omron.controller.model'] === '' ? undefined : r['omron.controller.model'].trim(),
      });
      theirs.set(dir, [...(theirs.get(dir) ?? []), { frame: r['frame.number'], key: k, command: r['omron.command'] }]);
    }
    const res = await runEngine([file]);
    assert.equal(res.counters.dissectors.omron_fins?.internal_errors ?? 0, 0);
    const ours = new Map<string, { key: string; command: unknown }[]>();
    for (const r of (res.records.get('omron_fins') ?? []) as Record<string, number | string | undefined>[]) {
      const dir = r.is_orig ? `${r['id.orig_h']}:${r['id.orig_p']}>${r['id.resp_h']}:${r['id.resp_p']}` : `${r['id.resp_h']}:${r['id.resp_p']}>${r['id.orig_h']}:${r['id.orig_p']}`;
      const memoryCommand = r.memory_area_code_code !== undefined;
      const k = key({
        tcp_command: r.tcp_command_code,
        tcp_error: r.tcp_error_code,
        icf: r.icf,
        gct: r.gateway_count,
        dna: r.destination_network_address,
        da1: r.destination_node_number,
        da2: r.destination_unit_address,
        sna: r.source_network_address,
        sa1: r.source_node_number,
        sa2: r.source_unit_address,
        sid: r.service_id,
        command: r.command_code_code,
        end_code: r.response_code_code,
        area: r.memory_area_code_code,
        address: r.beginning_address,
        // tshark gives no number of items for Multiple Memory Area Read (its count is ours, from the element list)
        items: memoryCommand && r.command_code_code !== 0x0104 ? r.number_of_items : undefined,
        model: r.controller_model,
      });
      ours.set(dir, [...(ours.get(dir) ?? []), { key: k, command: r.command_code_code }]);
    }
    for (const [dir, tl] of theirs) {
      const ol = ours.get(dir) ?? [];
      if (ol.length !== tl.length) problems.push(`${rel} ${dir}: ${ol.length} messages, tshark ${tl.length}`);
      tl.forEach((t, i) => {
        compared++;
        if (t.command !== '') commands++;
        const o = ol[i];
        if (o !== undefined && t.command !== '' && o.command === Number(t.command)) commandsAgree++;
        if (o !== undefined && o.key === t.key) agree++;
        else if (problems.length < 25) problems.push(`${rel} frame ${t.frame}:\n   ours   ${o?.key}\n   tshark ${t.key}`);
      });
    }
  }
  console.log(`omron_fins: ${agree}/${compared} messages agree with tshark; command code ${commandsAgree}/${commands}`);
  assert.ok(compared >= 300, `messages: ${compared}`);
  assert.equal(commandsAgree, commands);
  assert.deepEqual(problems, []);
});
