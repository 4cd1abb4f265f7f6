// DNS, mDNS and LLMNR against tshark on every corpus capture that holds them (MANIFEST.md
// Protocols column `dns`, `mdns`, `llmnr`):
//  1. key fields: every message tshark decodes (dns.id, dns.flags.response, and per
//     message dns.qry.name, dns.qry.type, dns.flags.rcode, dns.flags.opcode) is one that our
//     `dns` records stand for (a record stands for its query and/or its response), on the
//     same pair of endpoints, with the same name (case and undecodable bytes aside, see
//     normName), type, opcode and response code; >= 99% must agree, and every message that
//     does not is listed below with the reason;
//  2. every message our records stand for is one tshark shows (none invented), except those
//     listed with their reason;
//  3. the variant: records on port 5353 are mdns, on 5355 llmnr, and tshark calls those
//     frames mdns and llmnr.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { CORPUS, HAVE_CORPUS } from './support/corpus.ts';
import { runEngine } from './support/run-engine.ts';
import { HAVE_TSHARK } from './support/tshark.ts';
import { Bag, capturesWith, endpoints, normName, tsharkFields, values } from './dns-support.ts';

const skip = !HAVE_CORPUS ? 'corpus not found' : !HAVE_TSHARK ? 'tshark not installed' : false;
type Rec = Record<string, unknown>;

const FIELDS = [
  'frame.number', 'frame.protocols', 'ip.src', 'ipv6.src', 'udp.srcport', 'tcp.srcport', 'ip.dst', 'ipv6.dst', 'udp.dstport', 'tcp.dstport',
  'dns.id', 'dns.flags.response', 'dns.flags.opcode', 'dns.flags.rcode', 'dns.count.queries', 'dns.qry.name', 'dns.qry.type',
];

/**
 * Messages tshark shows that our records do not stand for, per capture, as "frame N", with
 * the reason (checked: each must be missing, and nothing else may be).
 */
const WE_DO_NOT_LOG: Record<string, { frames: number[]; why: string }> = {};

interface Pdu {
  ends: string;
  id: number;
  qr: boolean;
  qname: string;
  qtype: string;
  rcode: string;
  opcode: string;
}

const keyOf = (p: Pdu) => `${p.ends}|${p.id}|${p.qr ? 1 : 0}|${p.opcode}|${p.qr ? p.rcode : ''}`;

function oursOf(recs: Rec[]): { bag: Bag; byKey: Map<string, Pdu[]> } {
  const bag = new Bag();
  const byKey = new Map<string, Pdu[]>();
  const add = (p: Pdu) => {
    const k = keyOf(p);
    bag.add(k);
    (byKey.get(k) ?? byKey.set(k, []).get(k)!).push(p);
  };
  for (const r of recs) {
    const ends = endpoints(r['id.orig_h'] as string, r['id.orig_p'] as number, r['id.resp_h'] as string, r['id.resp_p'] as number);
    const common = { ends, id: r.trans_id as number, qname: normName(r.query as string | undefined), qtype: r.qtype === undefined ? '' : String(r.qtype), opcode: String(r.opcode) };
    if (r.request_seen === true) add({ ...common, qr: false, rcode: '' });
    if (r.response_seen === true) add({ ...common, qr: true, rcode: String(r.rcode) });
  }
  return { bag, byKey };
}

interface Outcome {
  file: string;
  tshark: number;
  agree: number;
  misses: string[];
  extra: string[];
  variants: string[];
}

async function compare(file: string): Promise<Outcome> {
  const path = join(CORPUS, file);
  const r = await runEngine([path]);
  assert.equal(r.counters.dissectors.dns?.internal_errors ?? 0, 0, `${file}: internal errors`);
  const recs = (r.records.get('dns') ?? []) as Rec[];
  const ours = oursOf(recs);
  const out: Outcome = { file, tshark: 0, agree: 0, misses: [], extra: [], variants: [] };
  const excused = new Set(WE_DO_NOT_LOG[file]?.frames ?? []);
  for (const row of await tsharkFields(path, 'dns || mdns || llmnr', FIELDS)) {
    const ids = values(row, 'dns.id');
    const src = row['ip.src'] || row['ipv6.src'];
    const dst = row['ip.dst'] || row['ipv6.dst'];
    const sport = row['udp.srcport'] || row['tcp.srcport'];
    const dport = row['udp.dstport'] || row['tcp.dstport'];
    const ends = endpoints(src, sport, dst, dport);
    const qrs = values(row, 'dns.flags.response');
    const opcodes = values(row, 'dns.flags.opcode');
    const rcodes = values(row, 'dns.flags.rcode');
    const counts = values(row, 'dns.count.queries');
    const names = values(row, 'dns.qry.name');
    const types = values(row, 'dns.qry.type');
    let q = 0;
    for (let i = 0; i < ids.length; i++) {
      out.tshark++;
      const qr = qrs[i] === '1' || qrs[i] === 'True';
      const nq = Number(counts[i] ?? 0);
      const p: Pdu = {
        ends, id: parseInt(ids[i], 16), qr, opcode: opcodes[i] ?? '', rcode: qr ? (rcodes[i] ?? '') : '',
        qname: nq > 0 ? normName(names[q]) : '', qtype: nq > 0 ? (types[q] ?? '') : '',
      };
      q += nq;
      const k = keyOf(p);
      const frame = Number(row['frame.number']);
      if (!ours.bag.take(k)) {
        if (!excused.has(frame)) out.misses.push(`frame ${frame}: ${k} ${p.qname} ${p.qtype}`);
        continue;
      }
      // The name and type of the message (the record holds the query's; a response without a
      // question has none in tshark's view).
      const cands = ours.byKey.get(k)!;
      const j = cands.findIndex((c) => nq === 0 || (c.qname === p.qname && c.qtype === p.qtype));
      if (j < 0) {
        out.misses.push(`frame ${frame}: ${k}: tshark ${p.qname} ${p.qtype}, ours ${cands.map((c) => `${c.qname} ${c.qtype}`).join('; ')}`);
        continue;
      }
      cands.splice(j, 1);
      out.agree++;
      const protos = row['frame.protocols'];
      const port = Number(sport) === 5353 || Number(dport) === 5353 ? 'mdns' : Number(sport) === 5355 || Number(dport) === 5355 ? 'llmnr' : 'dns';
      if (protos.endsWith(':mdns') !== (port === 'mdns') || protos.endsWith(':llmnr') !== (port === 'llmnr')) out.variants.push(`frame ${frame}: tshark ${protos}, port says ${port}`);
    }
  }
  out.extra = ours.bag.left();
  for (const rec of recs) {
    const p = [rec['id.orig_p'], rec['id.resp_p']];
    const want = p.includes(5353) ? 'mdns' : p.includes(5355) ? 'llmnr' : 'dns';
    if (rec.variant !== want) out.variants.push(`${rec.uid}: variant ${rec.variant}, ports say ${want}`);
  }
  return out;
}

test('DNS/mDNS/LLMNR: every message tshark decodes agrees on id, flags, name, type, opcode and rcode', { skip, timeout: 120_000 }, async () => {
  const files = capturesWith(['dns', 'mdns', 'llmnr']);
  assert.ok(files.length >= 20, `captures: ${files.length}`);
  const results: Outcome[] = [];
  for (const f of files) results.push(await compare(f));
  const total = results.reduce((a, r) => a + r.tshark, 0);
  const agree = results.reduce((a, r) => a + r.agree, 0);
  console.log(`dns vs tshark: ${agree}/${total} messages agree (${((100 * agree) / total).toFixed(2)}%) over ${files.length} captures\n  ` +
    results.filter((r) => r.tshark > 0 || r.extra.length > 0).map((r) => `${r.file}: ${r.agree}/${r.tshark}${r.extra.length > 0 ? `, ${r.extra.length} only ours` : ''}`).join('\n  '));
  assert.ok(total >= 1000, `messages compared: ${total}`);
  assert.ok(agree / total >= 0.99, `agreement ${agree}/${total}`);
  for (const r of results) {
    assert.deepEqual(r.misses, [], `${r.file}: messages tshark decodes that our records do not match`);
    assert.deepEqual(r.extra, [], `${r.file}: messages only our records hold`);
    assert.deepEqual(r.variants, [], `${r.file}: variants`);
  }
});
