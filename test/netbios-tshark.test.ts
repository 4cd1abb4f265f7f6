// NetBIOS against tshark on every corpus capture with the name service or the datagram
// service (MANIFEST.md Protocols column `nbns`, `nbdgm`):
//  1. name service: every message tshark decodes (nbns.id, nbns.flags.response,
//     nbns.flags.opcode, nbns.flags.rcode, the first nbns.name and nbns.type) is one our
//     `netbios` records stand for, on the same endpoints, with the same decoded name and
//     suffix (`NAME<xx>`), record type and response code;
//  2. datagram service: every datagram (nbdgm.type, nbdgm.dgram_id, nbdgm.source_name,
//     nbdgm.destination_name) is one of our records, and its browser message (browser.command,
//     browser.server, browser.os_major/os_minor, browser.server_type) agrees;
//  3. nothing else: every message our records stand for is one tshark shows.
// >= 99% of messages must agree on these key fields; every difference is listed with its reason.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { CORPUS, HAVE_CORPUS } from './support/corpus.ts';
import { runEngine } from './support/run-engine.ts';
import { HAVE_TSHARK } from './support/tshark.ts';
import { Bag, capturesWith, endpoints, tsharkFields, values } from './dns-support.ts';

const skip = !HAVE_CORPUS ? 'corpus not found' : !HAVE_TSHARK ? 'tshark not installed' : false;
type Rec = Record<string, unknown>;

const FIELDS = [
  'frame.number', 'ip.src', 'udp.srcport', 'ip.dst', 'udp.dstport',
  'nbns.id', 'nbns.flags.response', 'nbns.flags.opcode', 'nbns.flags.rcode', 'nbns.name', 'nbns.type',
  'nbdgm.type', 'nbdgm.dgram_id', 'nbdgm.source_name', 'nbdgm.destination_name',
  'browser.command', 'browser.server', 'browser.os_major', 'browser.os_minor', 'browser.server_type',
];

const hex2 = (n: number) => n.toString(16).padStart(2, '0');

/**
 * tshark's `NAME<xx>` (or `NAME<xx> (Type)`) as ours: the name without the 16th byte's
 * `<xx>`, trailing NULs (`<00>`) dropped as we drop them, and the suffix.
 */
function tsharkName(s: string | undefined): string {
  if (s === undefined || s === '') return '';
  const m = /^(.*)<([0-9a-f]{2})>(?: \(.*\))?$/.exec(s);
  if (m === null) return s;
  return `${m[1].replace(/(<00>)+$/, '')}<${m[2]}>`;
}

const ourName = (name: unknown, suffix: unknown) => (name === undefined ? '' : `${name as string}<${hex2(suffix as number)}>`);

interface Outcome {
  file: string;
  tshark: number;
  agree: number;
  misses: string[];
  extra: string[];
}

async function compare(file: string): Promise<Outcome> {
  const path = join(CORPUS, file);
  const r = await runEngine([path]);
  assert.equal(r.counters.dissectors.netbios?.internal_errors ?? 0, 0, `${file}: internal errors`);
  const recs = (r.records.get('netbios') ?? []) as Rec[];
  // Ours, as messages: key → the fields compared.
  const bag = new Bag();
  const detail = new Map<string, string[]>();
  const add = (k: string, v: string) => {
    bag.add(k);
    (detail.get(k) ?? detail.set(k, []).get(k)!).push(v);
  };
  for (const x of recs) {
    const ends = endpoints(x['id.orig_h'] as string, x['id.orig_p'] as number, x['id.resp_h'] as string, x['id.resp_p'] as number);
    if (x.nb_service === 'name') {
      const name = ourName(x.name, x.name_suffix);
      if (x.request_seen === true) add(`ns|${ends}|${x.trans_id}|0|${x.opcode}`, `${name}|${x.qtype}|`);
      if (x.response_seen === true) add(`ns|${ends}|${x.trans_id}|1|${x.opcode}`, `${name}|${x.qtype}|${x.rcode}`);
    } else {
      const browser = x.browser_command_code === undefined ? '' :
        `${x.browser_command_code}|${x.server_name ?? ''}|${x.os_version ?? ''}|${x.server_type ?? ''}`;
      add(`dgm|${ends}|${x.dgm_id}|${x.msg_type_code}`, `${ourName(x.source_name, x.source_suffix)}|${ourName(x.destination_name, x.destination_suffix)}|${browser}`);
    }
  }
  const out: Outcome = { file, tshark: 0, agree: 0, misses: [], extra: [] };
  for (const row of await tsharkFields(path, 'nbns || nbdgm', FIELDS)) {
    const ends = endpoints(row['ip.src'], row['udp.srcport'], row['ip.dst'], row['udp.dstport']);
    const frame = row['frame.number'];
    let k: string;
    let want: string;
    if (row['nbns.id'] !== '') {
      const qr = row['nbns.flags.response'] === '1' || row['nbns.flags.response'] === 'True' ? 1 : 0;
      k = `ns|${ends}|${parseInt(row['nbns.id'], 16)}|${qr}|${row['nbns.flags.opcode']}`;
      want = `${tsharkName(values(row, 'nbns.name')[0])}|${values(row, 'nbns.type')[0] ?? ''}|${qr === 1 ? row['nbns.flags.rcode'] : ''}`;
    } else {
      k = `dgm|${ends}|${parseInt(row['nbdgm.dgram_id'], 16)}|${row['nbdgm.type']}`;
      const cmd = row['browser.command'];
      const browser = cmd === '' ? '' :
        `${parseInt(cmd, 16)}|${row['browser.server']}|${row['browser.os_major'] === '' ? '' : `${row['browser.os_major']}.${row['browser.os_minor']}`}|${row['browser.server_type'] === '' ? '' : parseInt(row['browser.server_type'], 16)}`;
      want = `${tsharkName(row['nbdgm.source_name'])}|${tsharkName(row['nbdgm.destination_name'])}|${browser}`;
    }
    out.tshark++;
    if (!bag.take(k)) {
      out.misses.push(`frame ${frame}: ${k} not in our records`);
      continue;
    }
    const cands = detail.get(k)!;
    const j = cands.indexOf(want);
    if (j < 0) {
      out.misses.push(`frame ${frame}: ${k}: tshark ${want}, ours ${cands.join(' ; ')}`);
      continue;
    }
    cands.splice(j, 1);
    out.agree++;
  }
  out.extra = bag.left();
  return out;
}

test('NetBIOS: every name service message and datagram tshark decodes agrees on ids, flags, names, types and browser announcements', { skip, timeout: 120_000 }, async () => {
  const files = capturesWith(['nbns', 'nbdgm']);
  assert.ok(files.length >= 25, `captures: ${files.length}`);
  const results: Outcome[] = [];
  for (const f of files) results.push(await compare(f));
  const total = results.reduce((a, r) => a + r.tshark, 0);
  const agree = results.reduce((a, r) => a + r.agree, 0);
  console.log(`netbios vs tshark: ${agree}/${total} messages agree (${((100 * agree) / total).toFixed(2)}%) over ${files.length} captures\n  ` +
    results.map((r) => `${r.file}: ${r.agree}/${r.tshark}${r.extra.length > 0 ? `, ${r.extra.length} only ours` : ''}`).join('\n  '));
  assert.ok(total >= 1500, `messages compared: ${total}`);
  assert.ok(agree / total >= 0.99, `agreement ${agree}/${total}`);
  for (const r of results) {
    assert.deepEqual(r.misses, [], `${r.file}: messages tshark decodes that our records do not match`);
    assert.deepEqual(r.extra, [], `${r.file}: messages only our records hold`);
  }
});
