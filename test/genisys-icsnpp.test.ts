// Genisys against the CISA ICSNPP icsnpp-genisys baselines in the corpus
// (icsnpp-genisys/tests/baseline/analyzer.{basic,otherport}/): every line of genisys.log maps
// to one of our `genisys` records, one to one, and every column the two share agrees.
//
// The baselines are sorted (btest's diff-sort) with ts masked, so lines are matched as a
// multiset on all shared columns but ts and uid (Zeek's uid is random). One column differs by
// design: ICSNPP's crc_calculated starts its CRC register at 0, so it never equals the CRC
// the message carries (0x4083 sent, 0xf082 "calculated" for every poll); Palisade starts at
// 0xFFFF, the value with which every CRC of the traces verifies. The test checks both: ours
// equals crc_transmitted on every message, and ICSNPP's is the zero-start CRC of the same
// header, station and data bytes our record holds, so each line still maps to exactly one
// record. tshark has no Genisys dissector (`tshark -G protocols` lists none), so there is
// no tshark differential; the conn.log baseline gives the flow's service (ICSNPP's
// `genisys_tcp` is our `genisys`).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { crc16, crcText } from '../src/protocols/genisys/constants.ts';
import { CORPUS, HAVE_CORPUS } from './support/corpus.ts';
import { runEngine } from './support/run-engine.ts';
import { readZeekLog } from './support/zeek-log.ts';

const CASES = [
  { name: 'analyzer.basic', trace: 'genisys.pcap', port: 10001 },
  { name: 'analyzer.otherport', trace: 'genisys_otherport.pcap', port: 10002 },
];

/** The columns compared as they are (ICSNPP's, without ts, uid and crc_calculated). */
const SHARED = ['id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'header', 'server', 'direction', 'crc_transmitted', 'payload'];

function zeekText(v: unknown): string {
  if (v === undefined || v === null) return '-';
  if (Array.isArray(v)) return v.length === 0 ? '(empty)' : v.join(',');
  return String(v);
}

/** ICSNPP's crc_calculated for the message our record describes: the CRC of header, station and data from a register of 0. */
function icsnppCalculated(r: Record<string, unknown>): string {
  const bytes = [r.header_code as number, r.server as number];
  for (const p of (r.payload as string[] | undefined) ?? []) {
    const [a, v] = p.split('=').map(Number);
    bytes.push(a, v);
  }
  return crcText(crc16(new Uint8Array(bytes), 0, bytes.length, 0));
}

for (const c of CASES) {
  test(`ICSNPP baseline ${c.name}: every genisys.log line maps to one record`, { skip: !HAVE_CORPUS }, async () => {
    const base = join(CORPUS, 'icsnpp-genisys/tests/baseline', c.name);
    const r = await runEngine([join(CORPUS, 'icsnpp-genisys/tests/traces', c.trace)]);
    const ours = (r.records.get('genisys') ?? []) as Record<string, unknown>[];
    const rows = readZeekLog(join(base, 'genisys.log'));
    assert.ok(rows.length > 600, `baseline has ${rows.length} lines`);
    assert.equal(ours.length, rows.length, `${ours.length} records, the baseline has ${rows.length} lines`);
    assert.equal(r.counters.internalErrors, 0);

    // Ours: crc_calculated is the CRC the message carries, on every message with a CRC.
    for (const o of ours) {
      if (o.crc_transmitted === undefined) continue;
      assert.equal(o.crc_calculated, o.crc_transmitted, `${o.header} ${o.crc_transmitted}: calculated ${o.crc_calculated}`);
      assert.equal(o.crc_ok, true);
    }
    // Match the multiset of lines.
    const key = (get: (col: string) => string) => SHARED.map(get).join('\t');
    const pool = new Map<string, Record<string, unknown>[]>();
    for (const o of ours) {
      const k = key((col) => zeekText(o[col]));
      let l = pool.get(k);
      if (l === undefined) pool.set(k, (l = []));
      l.push(o);
    }
    let matched = 0;
    for (const row of rows) {
      assert.equal(row['id.resp_p'], String(c.port));
      const k = key((col) => row[col]);
      const l = pool.get(k);
      assert.ok(l !== undefined && l.length > 0, `baseline line without a record: ${k}`);
      const o = l.pop()!;
      // ICSNPP's zero-start CRC of the same bytes.
      const theirs = row.crc_calculated;
      if (o.crc_transmitted === undefined) assert.equal(theirs, '-');
      else assert.equal(theirs, icsnppCalculated(o), `${k}: ICSNPP crc_calculated ${theirs}`);
      matched++;
    }
    assert.equal(matched, rows.length);

    // conn.log: the flow counts as genisys.
    const conns = r.records.get('conn') as Record<string, unknown>[];
    for (const row of readZeekLog(join(base, 'conn.log'), ['id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'service'])) {
      const o = conns.find((x) => x['id.orig_h'] === row['id.orig_h'] && String(x['id.orig_p']) === row['id.orig_p'] && String(x['id.resp_p']) === row['id.resp_p']);
      assert.ok(o !== undefined, `conn ${row['id.orig_h']}:${row['id.orig_p']} missing`);
      assert.equal(row.service, 'genisys_tcp');
      assert.equal(o.service, 'genisys');
    }
  });
}
