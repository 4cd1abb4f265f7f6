// Differential test against tshark: for every capture in the corpus, the TCP and UDP
// conversations Palisade finds, their packet counts per direction and their byte totals
// (frame bytes on the wire) equal what `tshark -q -z conv,tcp -z conv,udp` reports.
// Conversations are compared after grouping by address/port pair, because tshark and
// Palisade (like Zeek) split a 4-tuple into several conversations at different points
// (timeouts, port reuse after FIN/RST). tshark prints sizes of 10 kB and more rounded down
// to whole kB/MB; those are checked against the range the printed value stands for.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { CORPUS, HAVE_CORPUS, corpusCaptures } from './support/corpus.ts';
import { runEngine } from './support/run-engine.ts';
import { HAVE_TSHARK, sizeRange, tsharkConversations, type Conversation } from './support/tshark.ts';
import type { ConnRecord } from '../src/events/conn-fields.ts';

interface Totals {
  fAB: number;
  fBA: number;
  lAB: number;
  hAB: number;
  lBA: number;
  hBA: number;
}

/** Our records grouped by unordered address:port pair and transport. */
function groupOurs(conns: ConnRecord[]): Map<string, Totals> {
  const m = new Map<string, Totals>();
  for (const c of conns) {
    if (c.proto !== 'tcp' && c.proto !== 'udp') continue;
    const a = `${c['id.orig_h']}:${c['id.orig_p']}`;
    const b = `${c['id.resp_h']}:${c['id.resp_p']}`;
    const fwd = a < b;
    const k = fwd ? `${c.proto} ${a} ${b}` : `${c.proto} ${b} ${a}`;
    const e = m.get(k) ?? { fAB: 0, fBA: 0, lAB: 0, hAB: 0, lBA: 0, hBA: 0 };
    const [fo, bo, fr, br] = [c.orig_pkts ?? 0, c.orig_l2_bytes ?? 0, c.resp_pkts ?? 0, c.resp_l2_bytes ?? 0];
    if (fwd) {
      e.fAB += fo; e.lAB += bo; e.hAB += bo; e.fBA += fr; e.lBA += br; e.hBA += br;
    } else {
      e.fBA += fo; e.lBA += bo; e.hBA += bo; e.fAB += fr; e.lAB += br; e.hAB += br;
    }
    m.set(k, e);
  }
  return m;
}

function groupTshark(convs: Conversation[]): Map<string, Totals> {
  const m = new Map<string, Totals>();
  for (const t of convs) {
    const fwd = t.a < t.b;
    const k = fwd ? `${t.proto} ${t.a} ${t.b}` : `${t.proto} ${t.b} ${t.a}`;
    const e = m.get(k) ?? { fAB: 0, fBA: 0, lAB: 0, hAB: 0, lBA: 0, hBA: 0 };
    const [fab, bab, fba, bba] = fwd ? [t.framesAB, t.bytesAB, t.framesBA, t.bytesBA] : [t.framesBA, t.bytesBA, t.framesAB, t.bytesAB];
    const [l1, h1] = sizeRange(bab);
    const [l2, h2] = sizeRange(bba);
    e.fAB += fab; e.lAB += l1; e.hAB += h1; e.fBA += fba; e.lBA += l2; e.hBA += h2;
    m.set(k, e);
  }
  return m;
}

/** Differences between the two, as readable lines (empty when they agree). */
export function compareConversations(ours: Map<string, Totals>, theirs: Map<string, Totals>): string[] {
  const out: string[] = [];
  for (const [k, t] of theirs) {
    const o = ours.get(k);
    if (o === undefined) {
      out.push(`only in tshark: ${k} (${t.fAB}/${t.fBA} frames)`);
      continue;
    }
    const bytesOk = o.lAB >= t.lAB && o.hAB <= t.hAB && o.lBA >= t.lBA && o.hBA <= t.hBA;
    if (o.fAB !== t.fAB || o.fBA !== t.fBA || !bytesOk)
      out.push(`${k}: palisade ${o.fAB}/${o.fBA} frames ${o.lAB}/${o.lBA} bytes; tshark ${t.fAB}/${t.fBA} frames ${t.lAB}-${t.hAB}/${t.lBA}-${t.hBA} bytes`);
  }
  for (const k of ours.keys()) if (!theirs.has(k)) out.push(`only in palisade: ${k}`);
  return out;
}

const skip = !HAVE_CORPUS ? 'corpus not found (../shared/corpus)' : !HAVE_TSHARK ? 'tshark not installed (apt-get install tshark; .ci/run installs it)' : false;

test('TCP and UDP conversations equal tshark conv,tcp / conv,udp on every corpus capture', { skip, timeout: 20 * 60_000 }, async () => {
  const captures = corpusCaptures();
  assert.ok(captures.length > 400, `expected the whole corpus, found ${captures.length} captures`);
  const failures: string[] = [];
  let conversations = 0;
  // tshark runs two at a time ahead of our engine, which runs in this process.
  const pending = new Map<number, Promise<Conversation[] | Error>>();
  const start = (i: number) => {
    if (i < captures.length && !pending.has(i))
      pending.set(i, tsharkConversations(join(CORPUS, captures[i])).catch((e: Error) => e));
  };
  for (let i = 0; i < captures.length; i++) {
    start(i);
    start(i + 1);
    start(i + 2);
    const file = join(CORPUS, captures[i]);
    const ts = await pending.get(i)!;
    pending.delete(i);
    if (ts instanceof Error) {
      failures.push(`${captures[i]}: tshark failed: ${ts.message.split('\n')[0]}`);
      continue;
    }
    const run = await runEngine([file]);
    const theirs = groupTshark(ts);
    conversations += theirs.size;
    const diffs = compareConversations(groupOurs((run.records.get('conn') ?? []) as ConnRecord[]), theirs);
    if (diffs.length > 0) failures.push(`${captures[i]}:\n    ${diffs.slice(0, 5).join('\n    ')}${diffs.length > 5 ? `\n    … ${diffs.length - 5} more` : ''}`);
  }
  assert.ok(conversations > 5000, `only ${conversations} conversations compared`);
  assert.deepEqual(failures, [], `captures where Palisade and tshark disagree:\n  ${failures.join('\n  ')}`);
});

test('the comparison itself notices a wrong packet count, a missing and an extra conversation', () => {
  const t = new Map([['tcp 10.0.0.1:1 10.0.0.2:2', { fAB: 3, fBA: 2, lAB: 180, hAB: 180, lBA: 120, hBA: 120 }]]);
  assert.deepEqual(compareConversations(new Map(t), t), []);
  assert.equal(compareConversations(new Map([['tcp 10.0.0.1:1 10.0.0.2:2', { ...t.get('tcp 10.0.0.1:1 10.0.0.2:2')!, fAB: 4 }]]), t).length, 1);
  assert.equal(compareConversations(new Map([['tcp 10.0.0.1:1 10.0.0.2:2', { ...t.get('tcp 10.0.0.1:1 10.0.0.2:2')!, lAB: 181, hAB: 181 }]]), t).length, 1);
  assert.equal(compareConversations(new Map(), t).length, 1);
  assert.equal(compareConversations(new Map([...t, ['udp 1.1.1.1:5 2.2.2.2:6', t.get('tcp 10.0.0.1:1 10.0.0.2:2')!]]), t).length, 1);
});
