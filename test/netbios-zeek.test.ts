// NetBIOS name service against Zeek's dns.log. Zeek runs its DNS analyzer on UDP 137 and
// logs NetBIOS name queries in dns.log; Palisade writes them as `netbios` records. The dns.log
// files the automayt/ICS-pcap author made with Bro 2.4 (MANIFEST.md names their captures, the
// openics EIP captures) are compared row by row: every row is one of our records (same
// endpoints, trans_id), and the fields both have agree:
//  - query: Zeek's decode_netbios_name() of the name (the first 15 bytes, up to the first byte
//    that is not a letter, digit or punctuation), from our decoded `name`;
//  - qclass, qtype, qtype_name, rcode, rcode_name, TC;
//  - on query rows RD, AA, RA and Z (Zeek's Z is the 3 bits after RA: in NetBIOS the B flag
//    is the lowest, so Z is 1 exactly when our `broadcast` is true).
// Zeek's known behaviours, where our records say more (see docs/protocols/netbios.md):
//  - a response without a question (NetBIOS answers carry the name in the answer record):
//    Zeek sets query, qclass and qtype only from a question, and AA/RA only when an answer
//    record of a type it formats arrives (NB records are not one), RD/Z only from a query's
//    header; ours carry the answer's name, type and the response's flags;
//  - Zeek does not format NB answer records (answers, TTLs unset); ours list the addresses.
// Every name query record of ours (opcode 0) must be one of the rows, so none is invented.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { CORPUS, HAVE_CORPUS, captureFor, manifest } from './support/corpus.ts';
import { runEngine } from './support/run-engine.ts';
import { readZeekLog, type ZeekRow } from './support/zeek-log.ts';
import { endpoints } from './dns-support.ts';

const skip = HAVE_CORPUS ? false : 'corpus not found';
type Rec = Record<string, unknown>;

/** Zeek's decode_netbios_name() applied to our decoded name (`<xx>` escapes are the raw bytes). */
function zeekNetbiosName(name: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < name.length; ) {
    const m = /^<([0-9a-f]{2})>/.exec(name.slice(i));
    if (m !== null) {
      bytes.push(parseInt(m[1], 16));
      i += 4;
    } else bytes.push(name.charCodeAt(i++));
  }
  while (bytes.length < 15) bytes.push(0x20);
  let out = '';
  for (let i = 0; i < 15; i++) {
    const c = bytes[i];
    const alnum = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    const punct = c > 0x20 && c < 0x7f && !alnum;
    if (alnum || punct || (i < 2 && c > 0 && c < 3)) out += String.fromCharCode(c);
    else break;
  }
  return out;
}

const bool = (v: unknown) => (v === true ? 'T' : 'F');
const text = (v: unknown) => (v === undefined ? '-' : String(v));

function baselines(): { log: string; capture: string }[] {
  const out: { log: string; capture: string }[] = [];
  for (const row of manifest()) {
    if (!/(^|\/)dns\.log$/.test(row.path)) continue;
    const capture = captureFor(row);
    if (capture !== undefined) out.push({ log: row.path, capture });
  }
  return out;
}

test('Zeek dns.log rows of NetBIOS name queries are our netbios records, field by field', { skip }, async () => {
  const logs = baselines();
  assert.equal(logs.length, 6, `dns.log baselines with their capture: ${logs.map((l) => l.log).join(', ')}`);
  let rows = 0;
  const problems: string[] = [];
  for (const { log, capture } of logs) {
    const zeek = readZeekLog(join(CORPUS, log));
    const r = await runEngine([join(CORPUS, capture)]);
    const ours = ((r.records.get('netbios') ?? []) as Rec[]).filter((x) => x.nb_service === 'name');
    const used = new Set<Rec>();
    for (const z of zeek) {
      rows++;
      const ends = endpoints(z['id.orig_h'], z['id.orig_p'], z['id.resp_h'], z['id.resp_p']);
      const isQuery = z.query !== '-';
      const cands = ours.filter((o) =>
        !used.has(o) && endpoints(o['id.orig_h'] as string, o['id.orig_p'] as number, o['id.resp_h'] as string, o['id.resp_p'] as number) === ends &&
        String(o.trans_id) === z.trans_id && (isQuery ? o.request_seen === true : o.response_seen === true));
      if (cands.length === 0) {
        problems.push(`${log}: ${ends} trans_id ${z.trans_id}: no record`);
        continue;
      }
      // Retransmissions share a trans_id: the record of the same time is the row's.
      const o = cands.reduce((a, b) => (Math.abs((b.ts as number) - Number(z.ts)) < Math.abs((a.ts as number) - Number(z.ts)) ? b : a));
      if (Math.abs((o.ts as number) - Number(z.ts)) > 1e-5) problems.push(`${log}: ${ends} trans_id ${z.trans_id}: ts Zeek ${z.ts}, ours ${o.ts}`);
      used.add(o);
      const want: Record<string, string> = { TC: bool(o.TC), rcode: text(o.rcode), rcode_name: text(o.rcode_name) };
      if (isQuery) {
        Object.assign(want, {
          query: zeekNetbiosName(o.name as string), qclass: text(o.qclass), qclass_name: o.qclass === 1 ? 'C_INTERNET' : '?', qtype: text(o.qtype),
          qtype_name: text(o.qtype_name), RD: bool(o.RD), AA: bool(o.AA), RA: bool(o.RA), Z: o.broadcast === true ? '1' : '0',
        });
      }
      for (const [f, v] of Object.entries(want)) if (z[f] !== v) problems.push(`${log}: ${ends} trans_id ${z.trans_id}: ${f} Zeek ${z[f]}, ours ${v}`);
    }
    // Every name query of ours is a row.
    for (const o of ours) if (o.opcode === 0 && !used.has(o)) problems.push(`${log}: our record ${o.uid} trans_id ${o.trans_id} ${o.name} has no Zeek row`);
  }
  assert.equal(rows, 26);
  assert.deepEqual(problems, []);
});

/** Zeek's row values as our record would hold them when a response stands alone (for the doc's claims). */
test('a NetBIOS answer without its query: Zeek leaves query/qtype unset, ours carries the answer record', { skip }, async () => {
  const log = 'automayt-ics-pcap/EIP/EIP-ControlProtocolChangeAttempt/dns.log';
  const z: ZeekRow = readZeekLog(join(CORPUS, log)).find((x) => x.query === '-')!;
  assert.equal(z.qtype, '-');
  assert.equal(z.answers, '-');
  const r = await runEngine([join(CORPUS, 'iti-ics-security-tools/pcaps/openics/EIP-ControlProtocolChangeAttempt.pcap')]);
  const o = ((r.records.get('netbios') ?? []) as Rec[]).find((x) => String(x.trans_id) === z.trans_id && x.response_seen === true)!;
  assert.equal(o.name, 'DBLICENSESERVER');
  assert.equal(o.name_suffix, 0x20);
  assert.equal(o.qtype, 32);
  assert.deepEqual(o.answers, ['192.168.10.105']);
});
