// The conn summary of several engines (worker threads tally their own, the main thread
// merges them) equals the summary of one engine, and prints the same whatever the order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConnSummary, groupDigits } from './summary.ts';
import type { AnalysisStats } from './stats.ts';

function conn(i: number): object {
  return {
    ts: i, uid: `C${i}`, 'id.orig_h': `10.0.0.${i % 7}`, 'id.orig_p': 40000 + i, 'id.resp_h': `10.0.1.${i % 3}`, 'id.resp_p': [502, 102, 44818][i % 3],
    proto: i % 5 === 0 ? 'udp' : 'tcp', conn_state: ['SF', 'S0', 'REJ', 'OTH'][i % 4], orig_pkts: 1 + (i % 2), resp_pkts: 1, orig_ip_bytes: 100, resp_ip_bytes: 60,
  };
}

const STATS = {
  inputs: [], packets: 0, bytes: 0, elapsed_seconds: 1, packets_per_second: 0, outcomes: {}, linktypes: {},
  flows: { by_proto: {} }, protocols: { ethertypes: {}, layers: {} },
} as unknown as AnalysisStats;

test('summaries tallied apart and merged equal one summary, and print the same', () => {
  const recs = Array.from({ length: 200 }, (_, i) => conn(i));
  const one = new ConnSummary();
  for (const r of recs) one.write('conn', r);
  one.write('modbus', { ts: 1 });
  const parts = [new ConnSummary(), new ConnSummary(), new ConnSummary()];
  [...recs].reverse().forEach((r, i) => parts[i % 3].write('conn', r));
  const merged = new ConnSummary();
  for (const p of parts) merged.merge(structuredClone(p.state()));
  assert.equal(merged.flows, 200);
  const sorted = (m: Map<string, unknown>) => [...m].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  assert.deepEqual(sorted(merged.byService), sorted(one.byService));
  assert.deepEqual(sorted(merged.byPair), sorted(one.byPair));
  assert.deepEqual(sorted(merged.byState), sorted(one.byState));
  assert.equal(merged.format(STATS, []), one.format(STATS, []));
});

test('a summary passes every record on to its inner sink', () => {
  const seen: string[] = [];
  const s = new ConnSummary({ write: (t) => seen.push(t) });
  s.write('conn', conn(1));
  s.write('dns', { ts: 1 });
  assert.deepEqual(seen, ['conn', 'dns']);
  assert.equal(s.flows, 1);
});

test('groupDigits writes whole numbers as toLocaleString("en-US") does', () => {
  const xs = [0, 1, -1, 7, 12, 999, 1000, -1000, 1001, 12345, 99999, 100000, 123456, 999999, 1000000, 2106684, -2106684, 1234567890, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER];
  for (let k = 1; k < 1e15; k *= 7) xs.push(k, k + 1, -k);
  // Fractions and numbers beyond 2^53 are toLocaleString's own.
  xs.push(0.5, 1234.5678, 2 ** 60, NaN, Infinity);
  for (const x of xs) assert.equal(groupDigits(x), x.toLocaleString('en-US'), String(x));
});
