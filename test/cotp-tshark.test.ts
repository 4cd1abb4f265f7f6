// Differential test against tshark: every corpus capture whose MANIFEST.md protocols include
// cotp (S7comm, S7comm-plus, IEC 61850 MMS, RDP). Per COTP TPDU, in order per direction, the
// TPDU type (tshark cotp.type) must equal the `cotp` record's pdu_code. At least 99% must agree
// and every TPDU that does not is listed with the reason.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { CORPUS, HAVE_CORPUS, manifest } from './support/corpus.ts';
import { runEngine } from './support/run-engine.ts';
import { HAVE_TSHARK, TSHARK } from './support/tshark.ts';

const exec = promisify(execFile);

/** Where tshark and the bytes on the wire disagree: by "capture#frame", or "capture direction" for counts. */
const TSHARK_DIFFERS: Record<string, string> = {
  'iti-ics-security-tools/pcaps/s7/wincc_s300_setup-alarm-read_2.pcapng 134.249.53.130:1495>134.249.61.182:102':
    'bytes 16421-16427 of this direction are only in frame 422 (seq 16421, 134 bytes): a 7-byte DT without data ' +
    '(03 00 00 07 02 f0 00, EOT 0) ahead of the TPKT that frame 421 had already carried; tshark flags frame 422 as a ' +
    'retransmission and does not dissect it, so it shows one TPDU fewer than the stream holds',
};

const last = (s: string) => s.split('|').filter((x) => x !== '').at(-1) ?? '';

async function tsharkTpdus(file: string): Promise<Map<string, { frame: number; type: string }[]>> {
  const args = ['-n', '-r', file, '-Y', 'cotp', '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=|'];
  for (const f of ['frame.number', 'ip.src', 'ipv6.src', 'tcp.srcport', 'ip.dst', 'ipv6.dst', 'tcp.dstport', 'cotp.type']) args.push('-e', f);
  const { stdout } = await exec(TSHARK, args, { maxBuffer: 1 << 28 });
  const out = new Map<string, { frame: number; type: string }[]>();
  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    const c = line.split('\t');
    const key = `${last(c[1]) || last(c[2])}:${last(c[3])}>${last(c[4]) || last(c[5])}:${last(c[6])}`;
    let l = out.get(key);
    if (l === undefined) out.set(key, (l = []));
    for (const type of c[7].split('|')) if (type !== '') l.push({ frame: Number(c[0]), type });
  }
  return out;
}

test('COTP: TPDU types agree with tshark on every corpus capture with COTP', { skip: !HAVE_CORPUS || !HAVE_TSHARK, timeout: 120_000 }, async (t) => {
  const captures = manifest().filter((r) => /(^|, )cotp(,|$)/.test(r.protocols)).map((r) => r.path);
  assert.ok(captures.length >= 40, `corpus captures with cotp: ${captures.length}`);
  let tpdus = 0;
  let agree = 0;
  const unexplained: string[] = [];
  const seen = new Set<string>();
  for (const path of captures) {
    const file = join(CORPUS, path);
    const [ts, run] = await Promise.all([tsharkTpdus(file), runEngine([file])]);
    const ours = new Map<string, string[]>();
    for (const r of (run.records.get('cotp') ?? []) as Record<string, unknown>[]) {
      const k = `${r.source_h}:${r.source_p}>${r.destination_h}:${r.destination_p}`;
      let l = ours.get(k);
      if (l === undefined) ours.set(k, (l = []));
      l.push(r.pdu_code as string);
    }
    // RDP runs its X.224 Connection Request/Confirm over TPKT/COTP too: flows the rdp
    // dissector claimed carry those in `rdp` records, not `cotp` ones.
    const rdpFlows = new Set<string>();
    for (const c of (run.records.get('conn') ?? []) as Record<string, unknown>[]) {
      if (!String(c.service ?? '').split(',').includes('rdp')) continue;
      rdpFlows.add(`${c['id.orig_h']}:${c['id.orig_p']}>${c['id.resp_h']}:${c['id.resp_p']}`);
      rdpFlows.add(`${c['id.resp_h']}:${c['id.resp_p']}>${c['id.orig_h']}:${c['id.orig_p']}`);
    }
    const differ: [string, string][] = [];
    for (const [k, tl] of ts) {
      if (rdpFlows.has(k)) continue;
      const ol = ours.get(k) ?? [];
      if (ol.length !== tl.length) differ.push([`${path} ${k}`, `tshark has ${tl.length} TPDUs, Palisade ${ol.length}`]);
      for (let i = 0; i < tl.length; i++) {
        tpdus++;
        if (ol[i] === tl[i].type) agree++;
        else differ.push([`${path}#${tl[i].frame}`, `tshark ${tl[i].type}, Palisade ${ol[i]}`]);
      }
    }
    for (const [k, l] of ours) if (!ts.has(k)) differ.push([`${path} ${k}`, `${l.length} Palisade records, no tshark TPDU`]);
    for (const [key, what] of differ) {
      if (TSHARK_DIFFERS[key] !== undefined) seen.add(key);
      else unexplained.push(`${key}: ${what}`);
    }
  }
  t.diagnostic(`${agree} of ${tpdus} TPDUs agree, ${captures.length} captures`);
  assert.deepEqual(unexplained, []);
  assert.deepEqual([...seen].sort(), Object.keys(TSHARK_DIFFERS).sort());
  assert.ok(tpdus > 20000, `${tpdus} TPDUs compared`);
  assert.ok(agree / tpdus >= 0.99);
});
