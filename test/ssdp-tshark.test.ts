// SSDP against tshark on every corpus capture with SSDP (MANIFEST.md Protocols column `ssdp`):
// every message tshark decodes (frames of `ssdp` not quoted in ICMP errors: the key fields
// http.request.method or http.response.code, and the headers tshark shows: HOST, SERVER,
// LOCATION, USER-AGENT, CACHE-CONTROL as fields of their own, ST, NT, NTS, USN as header lines)
// is one of our `ssdp` records on the same endpoints, with the same method or status code and
// header values; and our records hold no message tshark does not show. >= 99% must agree;
// every difference is listed with its reason (tshark's blind spots are explained inline).
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
  'frame.number', 'ip.src', 'ipv6.src', 'udp.srcport', 'ip.dst', 'ipv6.dst', 'udp.dstport', 'http.request.method', 'http.response.code',
  'http.request.line', 'http.response.line', 'http.host', 'http.server', 'http.location', 'http.user_agent', 'http.cache_control', 'udp.payload',
];

/** Headers tshark decodes into fields of their own, and our record field for each. */
const NAMED: [string, string][] = [['http.host', 'host'], ['http.server', 'server'], ['http.location', 'location'], ['http.user_agent', 'user_agent'], ['http.cache_control', 'cache_control']];

/** The SSDP headers tshark shows only as header lines (http.request.line / http.response.line), upper-cased. */
const LINES: [string, string][] = [['ST', 'st'], ['NT', 'nt'], ['NTS', 'nts'], ['USN', 'usn']];

function headersOf(lines: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of lines) {
    const m = /^([^:]+):\s*(.*?)\s*(\\r\\n|\r\n)?$/.exec(l);
    if (m !== null) out[m[1].trim().toUpperCase()] = m[2];
  }
  return out;
}

interface Outcome {
  file: string;
  tshark: number;
  agree: number;
  /** Messages whose headers tshark does not show (see noSpaceHeaders). */
  unshown: number;
  misses: string[];
  extra: string[];
}

/** Whether the payload (tshark's hex) has header lines, all of them without a space after the colon. */
function noSpaceHeaders(hex: string): boolean {
  const text = Buffer.from(hex.replace(/:/g, ''), 'hex').toString('latin1');
  const lines = text.split('\r\n').slice(1).filter((l) => l !== '');
  return lines.length > 0 && lines.every((l) => /^[A-Za-z0-9.-]+:\S/.test(l));
}

async function compare(file: string): Promise<Outcome> {
  const path = join(CORPUS, file);
  const r = await runEngine([path]);
  assert.equal(r.counters.dissectors.ssdp?.internal_errors ?? 0, 0, `${file}: internal errors`);
  const recs = (r.records.get('ssdp') ?? []) as Rec[];
  const bag = new Bag();
  const detail = new Map<string, Rec[]>();
  for (const x of recs) {
    const k = `${endpoints(x['id.orig_h'] as string, x['id.orig_p'] as number, x['id.resp_h'] as string, x['id.resp_p'] as number)}|${x.method ?? x.status_code}`;
    bag.add(k);
    (detail.get(k) ?? detail.set(k, []).get(k)!).push(x);
  }
  const out: Outcome = { file, tshark: 0, agree: 0, unshown: 0, misses: [], extra: [] };
  for (const row of await tsharkFields(path, 'ssdp && !icmp && !icmpv6', FIELDS)) {
    out.tshark++;
    const src = row['ip.src'] || row['ipv6.src'];
    const dst = row['ip.dst'] || row['ipv6.dst'];
    const what = row['http.request.method'] || row['http.response.code'];
    const k = `${endpoints(src, row['udp.srcport'], dst, row['udp.dstport'])}|${what}`;
    const frame = row['frame.number'];
    if (!bag.take(k)) {
      out.misses.push(`frame ${frame}: ${k} not in our records`);
      continue;
    }
    const h = headersOf([...values(row, 'http.request.line'), ...values(row, 'http.response.line')]);
    const cands = detail.get(k)!;
    let j: number;
    const named = NAMED.filter(([f]) => row[f] !== '');
    if (Object.keys(h).length === 0 && named.length === 0) {
      // tshark (4.0) shows no header at all when the lines have no space after the colon
      // ("NT:upnp:rootdevice", valid HTTP: the whitespace is optional): then only the method is
      // compared, and the message is counted in `unshown`; any other reason is a miss.
      if (!noSpaceHeaders(row['udp.payload'])) {
        out.misses.push(`frame ${frame}: tshark shows no header`);
        continue;
      }
      out.unshown++;
      j = 0;
    } else {
      // tshark skips the header lines (not the named header fields) when the request line
      // ends with a space ("NOTIFY * HTTP/1.1 "): compare the lines it shows.
      j = cands.findIndex((c) => named.every(([f, field]) => row[f] === c[field]) && LINES.every(([name, field]) => Object.keys(h).length === 0 || (h[name] ?? undefined) === c[field]));
    }
    if (j < 0) {
      out.misses.push(`frame ${frame}: ${k}: tshark ${JSON.stringify(h)} ${JSON.stringify(named.map(([f]) => row[f]))}, ours ${JSON.stringify(cands.map((c) => [...LINES, ...NAMED].map(([, f]) => c[f])))}`);
      continue;
    }
    cands.splice(j, 1);
    out.agree++;
  }
  out.extra = bag.left();
  return out;
}

test('SSDP: every message tshark decodes agrees on method or status code and the ST, NT, NTS, USN, LOCATION, SERVER headers', { skip, timeout: 120_000 }, async () => {
  const files = capturesWith(['ssdp']);
  assert.ok(files.length >= 15, `captures: ${files.length}`);
  const results: Outcome[] = [];
  for (const f of files) results.push(await compare(f));
  const total = results.reduce((a, r) => a + r.tshark, 0);
  const agree = results.reduce((a, r) => a + r.agree, 0);
  console.log(`ssdp vs tshark: ${agree}/${total} messages agree (${((100 * agree) / total).toFixed(2)}%) over ${files.length} captures\n  ` +
    results.map((r) => `${r.file}: ${r.agree}/${r.tshark}${r.extra.length > 0 ? `, ${r.extra.length} only ours` : ''}`).join('\n  '));
  assert.ok(total >= 250, `messages compared: ${total}`);
  assert.ok(agree / total >= 0.99, `agreement ${agree}/${total}`);
  const unshown = results.reduce((a, r) => a + r.unshown, 0);
  console.log(`ssdp: ${unshown} messages whose headers tshark does not show (no space after the colon): method compared only`);
  for (const r of results) {
    assert.deepEqual(r.misses, [], `${r.file}: messages that do not agree`);
    assert.deepEqual(r.extra, [], `${r.file}: messages only our records hold`);
  }
});
