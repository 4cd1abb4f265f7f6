// Differential test against Zeek and CISA ICSNPP-DNP3: every dnp3.log, dnp3_control.log and
// dnp3_objects.log baseline in the corpus whose capture is there (MANIFEST.md says which) is
// compared with Palisade's records for that capture, connection by connection, row by row in
// order, on every field both logs carry.
//
// Palisade writes more than the baselines in three documented ways (docs/protocols/dnp3.md);
// the test removes exactly those rows from Palisade's side before comparing, so each
// baseline row must meet its Palisade record and nothing else may be left over:
//  - dnp3: a request that Zeek overwrites with the next request is written unanswered by
//    Palisade (Zeek loses it). Such rows are unanswered and not the connection's last row
//    (Zeek writes an unanswered request only when the connection ends).
//  - dnp3_objects: ICSNPP logs only READ requests and RESPONSE responses and only the
//    object types in its table; Palisade logs every header. ICSNPP leaves count and range
//    unset in requests; Palisade fills them, so they are compared on responses only.
//  - dnp3_control: Palisade adds analog output blocks (g41); ICSNPP logs CROB and PCB only.
//
// Groups: the official btest baselines (Zeek's scripts.base.protocols.dnp3.*, ICSNPP's
// analyzer.basic) must agree on every row; the 2016 Bro 2.4 logs of automayt/ICS-pcap
// (same dnp3.log script) are compared the same way, timestamps included.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { CORPUS, HAVE_CORPUS, captureFor, manifest } from './support/corpus.ts';
import { runEngine } from './support/run-engine.ts';
import { readZeekLog, type ZeekRow } from './support/zeek-log.ts';

type Rec = Record<string, unknown>;

/** ICSNPP-DNP3's object table (scripts/consts.zeek): group → variations it names. Others it does not log. */
const ICSNPP_TYPES: Record<number, [number, number]> = {
  1: [0, 2], 2: [0, 3], 3: [0, 2], 4: [0, 3], 10: [0, 2], 11: [0, 2], 20: [0, 8], 21: [0, 12], 22: [0, 8],
  23: [0, 8], 30: [0, 6], 31: [1, 8], 32: [0, 8], 33: [1, 8], 40: [0, 4], 41: [1, 4], 42: [0, 8], 60: [1, 4],
};

const FIELDS: Record<string, string[]> = {
  dnp3: ['fc_request', 'fc_reply', 'iin'],
  dnp3_control: [
    'is_orig', 'source_h', 'source_p', 'destination_h', 'destination_p', 'block_type', 'function_code', 'index_number',
    'trip_control_code', 'operation_type', 'clear_bit', 'execute_count', 'on_time', 'off_time', 'status_code',
  ],
  dnp3_objects: ['is_orig', 'source_h', 'source_p', 'destination_h', 'destination_p', 'function_code', 'object_type'],
};
const OBJECT_RESPONSE_FIELDS = ['object_count', 'range_low', 'range_high'];

/** A Palisade value as Zeek's ASCII writer prints it. */
function zeekText(v: unknown): string {
  if (v === undefined || v === null) return '-';
  if (typeof v === 'boolean') return v ? 'T' : 'F';
  if (Array.isArray(v)) return v.length === 0 ? '(empty)' : v.join(',');
  return String(v);
}

const tuple = (r: Rec | ZeekRow) => `${r['id.orig_h']}:${r['id.orig_p']} ${r['id.resp_h']}:${r['id.resp_p']}`;

function byConnection<T extends Rec | ZeekRow>(rows: T[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const k = tuple(r);
    let l = m.get(k);
    if (l === undefined) m.set(k, (l = []));
    l.push(r);
  }
  return m;
}

/** Palisade's rows of one connection as the baseline's log would hold them (see the header). */
function asBaselineWould(type: string, rows: Rec[], icsnppFields: boolean): Rec[] {
  if (type === 'dnp3') return rows.filter((r, i) => r.fc_reply !== undefined || i === rows.length - 1);
  if (type === 'dnp3_control') return rows.filter((r) => r.block_type === 'Control Relay Output Block' || r.block_type === 'Pattern Control Block');
  if (!icsnppFields) return rows;
  return rows.filter((r) => {
    const range = ICSNPP_TYPES[r.object_group as number];
    if (range === undefined || (r.object_variation as number) < range[0] || (r.object_variation as number) > range[1]) return false;
    return r.is_orig === true ? r.function_code === 'READ' : r.function_code === 'RESPONSE';
  });
}

interface Outcome {
  rows: number;
  agree: number;
  problems: string[];
}

async function compare(logPath: string, capture: string, withTs: boolean): Promise<Outcome> {
  const type = /(dnp3(?:_control|_objects)?)\.log$/.exec(logPath)![1];
  const base = readZeekLog(join(CORPUS, logPath));
  const run = await runEngine([join(CORPUS, capture)]);
  const ours = byConnection((run.records.get(type) ?? []) as Rec[]);
  const out: Outcome = { rows: 0, agree: 0, problems: [] };
  for (const [conn, brows] of byConnection(base)) {
    const orows = asBaselineWould(type, ours.get(conn) ?? [], true);
    ours.delete(conn);
    for (let i = 0; i < Math.max(brows.length, orows.length); i++) {
      const b = brows[i];
      const o = orows[i];
      if (b === undefined) {
        out.problems.push(`${conn} row ${i}: Palisade has an extra row ${JSON.stringify(o)}`);
        continue;
      }
      out.rows++;
      if (o === undefined) {
        out.problems.push(`${conn} row ${i}: no Palisade row for ${JSON.stringify(b)}`);
        continue;
      }
      const fields = [...FIELDS[type]];
      if (type === 'dnp3_objects') {
        if (b.is_orig === 'F') fields.push(...OBJECT_RESPONSE_FIELDS);
        else for (const f of OBJECT_RESPONSE_FIELDS) if (b[f] !== '-') out.problems.push(`${conn} row ${i}: ICSNPP set ${f} in a request`);
      }
      const diffs = fields.filter((f) => (b[f] ?? '-') !== zeekText(o[f])).map((f) => `${f}: Zeek ${b[f]} Palisade ${zeekText(o[f])}`);
      if (withTs && Math.abs(Number(b.ts) - (o.ts as number)) > 1e-6) diffs.push(`ts: Zeek ${b.ts} Palisade ${o.ts}`);
      if (diffs.length === 0) out.agree++;
      else out.problems.push(`${conn} row ${i}: ${diffs.join('; ')}`);
    }
  }
  for (const [conn, rows] of ours) {
    const left = asBaselineWould(type, rows, true);
    if (left.length > 0) out.problems.push(`${conn}: ${left.length} Palisade rows on a connection the baseline has none of`);
  }
  return out;
}

function baselines(): { log: string; capture: string; legacy: boolean }[] {
  const out: { log: string; capture: string; legacy: boolean }[] = [];
  for (const row of manifest()) {
    if (!/\/dnp3(_control|_objects)?\.log$/.test(row.path)) continue;
    const capture = captureFor(row);
    if (capture === undefined) continue;
    out.push({ log: row.path, capture, legacy: row.path.startsWith('automayt-ics-pcap/') });
  }
  return out;
}

test('DNP3: every official Zeek/ICSNPP dnp3 baseline row agrees with Palisade', { skip: !HAVE_CORPUS && 'no corpus' }, async () => {
  const logs = baselines().filter((b) => !b.legacy);
  assert.ok(logs.length >= 12, `expected the ICSNPP and Zeek dnp3 baselines, found ${logs.length}`);
  let rows = 0;
  const problems: string[] = [];
  for (const b of logs) {
    const o = await compare(b.log, b.capture, false);
    rows += o.rows;
    assert.ok(o.rows > 0, `${b.log}: no rows compared`);
    problems.push(...o.problems.map((p) => `${b.log}: ${p}`));
  }
  assert.deepEqual(problems.slice(0, 20), [], `${problems.length} problems over ${rows} rows`);
  assert.ok(rows >= 1400, `rows compared: ${rows}`);
});

test('DNP3: the Bro 2.4 dnp3.log files of automayt/ICS-pcap agree with Palisade, timestamps included', { skip: !HAVE_CORPUS && 'no corpus' }, async () => {
  const logs = baselines().filter((b) => b.legacy);
  assert.ok(logs.length >= 5, `expected the automayt dnp3 logs, found ${logs.length}`);
  let rows = 0;
  const problems: string[] = [];
  for (const b of logs) {
    const o = await compare(b.log, b.capture, true);
    rows += o.rows;
    problems.push(...o.problems.map((p) => `${b.log}: ${p}`));
  }
  assert.deepEqual(problems.slice(0, 20), [], `${problems.length} problems over ${rows} rows`);
  assert.ok(rows >= 300, `rows compared: ${rows}`);
});
