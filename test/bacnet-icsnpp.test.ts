// BACnet against CISA icsnpp-bacnet's btest baselines in the corpus (analyzer.basic,
// analyzer.error-reject-abort, analyzer.services: bacnet.log, bacnet_discovery.log,
// bacnet_property.log, bacnet_device_control.log). Every baseline row is mapped to one of
// our records of the same type, in order, and every field both have must agree, except the
// differences listed below with their reason. btest masks timestamps: a value matching
// "0.000000" or ten digits, a dot and six digits is written XXXXXXXXXX.XXXXXX, and ours are
// masked the same way before they are compared.
//
// Records of ours that ICSNPP does not write are left out of the mapping (ROWS_ICSNPP_OMITS),
// and field values that differ on purpose are accepted only in the form described
// (KNOWN_DIFFERENCES); anything else fails the test.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { CORPUS, HAVE_CORPUS, captureFor, manifest } from './support/corpus.ts';
import { runEngine, type EngineRun } from './support/run-engine.ts';
import { readZeekLog, type ZeekRow } from './support/zeek-log.ts';
import { unescapeZeek } from './support/zeek-cut.ts';

const skip = HAVE_CORPUS ? false : 'corpus not found';
type Rec = Record<string, unknown>;

/** btest's timestamp canonifier, applied to our values. */
const mask = (s: string) => s.replace(/\d{10}\.\d{6}/g, 'XXXXXXXXXX.XXXXXX').replace(/0\.000000/g, 'XXXXXXXXXX.XXXXXX');

/** One of our values as Zeek's ASCII writer would print it. */
function zeekText(v: unknown): string {
  if (v === undefined || v === null) return '-';
  if (typeof v === 'boolean') return v ? 'T' : 'F';
  if (Array.isArray(v)) return v.length === 0 ? '(empty)' : v.join(',');
  if (v === '') return '(empty)';
  if (typeof v === 'number' && !Number.isInteger(v)) return v.toFixed(6);
  return String(v);
}

/** Records we write that ICSNPP does not, with the reason; they are not mapped to baseline rows. */
const ROWS_ICSNPP_OMITS: Record<string, { why: string; is: (r: Rec) => boolean }[]> = {
  bacnet: [
    { why: 'a segment with more to follow: ICSNPP logs a segmented message once, at its last segment', is: (r) => r.more_follows === true },
  ],
  bacnet_property: [
    { why: 'a ReadProperty-ACK whose value list is empty: ICSNPP writes no row', is: (r) => r.pdu_service === 'read-property-ack' && r.value_type === undefined },
    { why: 'WritePropertyMultiple: ICSNPP does not decode its values', is: (r) => r.pdu_service === 'write-property-multiple' },
  ],
  bacnet_discovery: [
    { why: 'Who-Am-I / You-Are (135-2020): ICSNPP does not decode them', is: (r) => r.pdu_service === 'who-am-i' || r.pdu_service === 'you-are' },
  ],
  bacnet_device_control: [],
};

/** ICSNPP's copy of the ASHRAE vendor list is older than ours (src/protocols/bacnet/vendors.ts). */
const VENDOR_RENAMED: Record<number, string> = {
  22: 'Siemens Schweiz AG (Formerly: Cerberus AG)',
};

/**
 * A field that differs on purpose: returns the reason when `b` (baseline, unescaped) and our
 * record `o` differ only in the way described, else null.
 */
function knownDifference(type: string, field: string, b: string, o: Rec): string | null {
  const ours = zeekText(o[field]);
  if (type === 'bacnet_discovery' && field === 'vendor') {
    const id = o.vendor_id as number;
    if (ours.replace(/,/g, '') === b) return 'ICSNPP drops the commas of vendor names';
    if (VENDOR_RENAMED[id] === b) return 'vendor renamed in the ASHRAE list since ICSNPP copied it';
    const m = /^Unknown Vendor-0x([0-9a-f]+)$/.exec(b);
    if (m !== null && parseInt(m[1], 16) === id) return 'vendor id assigned by ASHRAE after ICSNPP copied the list';
  }
  if (type === 'bacnet_discovery' && field === 'object_name' && b === 'N/A' && ours === '-') {
    return 'Who-Has by object identifier: ICSNPP writes "N/A", we leave the name unset';
  }
  if (type === 'bacnet_property') {
    const error = String(o.pdu_service).startsWith('ERROR: ');
    if (error && field === 'object_type' && b === zeekText(o.error_code)) {
      return 'Error PDU: ICSNPP writes the error code in object_type; ours is in error_code, with the request\'s object';
    }
    if (error && (field === 'instance_number' || field === 'property' || field === 'array_index') && b === '-') {
      return 'Error PDU: ICSNPP has no reference; ours is the paired request\'s';
    }
    if (field === 'value') {
      if (b === 'PropertyError' && ours === '-' && o.error_code !== undefined) {
        return 'ReadPropertyMultiple-ACK error: ICSNPP writes "PropertyError" as the value; ours is in error_class/error_code';
      }
      if (o.value_type === 'bit-string' && /^[TF]*$/.test(b) && b.startsWith(ours) && b.length % 8 === 0 && b.length - ours.length < 8) {
        return 'BIT STRING: ICSNPP prints the unused bits of the last octet too';
      }
      if (b === '-' && ours === '(empty)' && o.value_type === 'character-string') {
        return 'an empty CharacterString: ICSNPP leaves the value unset';
      }
    }
    if (field === 'array_index' && o.pdu_service === 'read-range-request' && b === '0' && ours === '-') {
      return 'ReadRange without an array index: ICSNPP reads the range\'s opening tag as index 0';
    }
  }
  if (type === 'bacnet_device_control' && field === 'password') {
    // We record whether a password was sent, never the password itself.
    const sent = b !== '-' && b !== '(empty)';
    if (o.password_present === undefined ? b === '-' : (o.password_present === true) === sent || (b === '(empty)' && o.password_present === false)) {
      return 'password: we record password_present, not the password';
    }
  }
  return null;
}

interface Suite {
  capture: string;
  dir: string;
  logs: string[];
}

/** The ICSNPP baselines of BACnet in the corpus, and the traces MANIFEST.md says they belong to. */
function suites(): Suite[] {
  const byDir = new Map<string, Suite>();
  for (const row of manifest()) {
    const m = /^(icsnpp-bacnet\/testing\/baseline\/[^/]+)\/(bacnet[a-z_]*)\.log$/.exec(row.path);
    if (m === null) continue;
    const capture = captureFor(row);
    assert.ok(capture !== undefined, `MANIFEST.md names no capture for ${row.path}`);
    const s = byDir.get(m[1]) ?? { capture, dir: m[1], logs: [] };
    s.logs.push(m[2]);
    byDir.set(m[1], s);
  }
  return [...byDir.values()].sort((a, b) => a.dir.localeCompare(b.dir));
}

const runs = new Map<string, Promise<EngineRun>>();
const engineOn = (capture: string) => {
  let r = runs.get(capture);
  if (r === undefined) runs.set(capture, (r = runEngine([join(CORPUS, capture)])));
  return r;
};

interface Outcome {
  rows: number;
  fields: number;
  known: Map<string, number>;
  unexplained: string[];
}

function compare(type: string, baseline: ZeekRow[], records: Rec[]): Outcome {
  const omits = ROWS_ICSNPP_OMITS[type] ?? [];
  const ours = records.filter((r) => !omits.some((o) => o.is(r)));
  const out: Outcome = { rows: 0, fields: 0, known: new Map(), unexplained: [] };
  assert.equal(ours.length, baseline.length, `${type}: ${baseline.length} baseline rows, ${ours.length} records of ours after the omissions`);
  for (let i = 0; i < baseline.length; i++) {
    const b = baseline[i];
    const o = ours[i];
    out.rows++;
    for (const field of Object.keys(b)) {
      if (field === 'uid') continue; // Zeek's uids come from its own generator
      const bv = b[field].includes('\\x') ? unescapeZeek(b[field]) : b[field];
      if (!(field in o) && field !== 'password') {
        out.unexplained.push(`${type} row ${i}: no field ${field} in our record`);
        continue;
      }
      out.fields++;
      const ov = mask(field === 'ts' ? (o.ts as number).toFixed(6) : zeekText(o[field]));
      if (ov === bv) continue;
      const why = knownDifference(type, field, bv, o);
      if (why !== null) out.known.set(why, (out.known.get(why) ?? 0) + 1);
      else if (out.unexplained.length < 20) out.unexplained.push(`${type} row ${i} ${field}: baseline ${JSON.stringify(bv)}, ours ${JSON.stringify(ov)}`);
    }
  }
  return out;
}

for (const s of HAVE_CORPUS ? suites() : []) {
  test(`ICSNPP ${s.dir.split('/').pop()}: ${s.logs.join(', ')} row by row (${s.capture})`, { skip }, async (t) => {
    const run = await engineOn(s.capture);
    assert.equal(run.counters.internalErrors, 0);
    for (const log of s.logs) {
      const baseline = readZeekLog(join(CORPUS, s.dir, `${log}.log`));
      assert.ok(baseline.length > 0, `${log}.log has rows`);
      const r = compare(log, baseline, (run.records.get(log) ?? []) as Rec[]);
      assert.deepEqual(r.unexplained, [], `${s.dir}/${log}.log`);
      assert.equal(r.rows, baseline.length);
      t.diagnostic(`${log}: ${r.rows} rows, ${r.fields} fields compared; known differences: ${JSON.stringify(Object.fromEntries(r.known))}`);
    }
  });
}

test('the BACnet ICSNPP baselines are all found (three btest directories, ten logs)', { skip }, () => {
  const all = suites();
  assert.deepEqual(all.map((s) => s.dir.split('/').pop()), ['analyzer.basic', 'analyzer.error-reject-abort', 'analyzer.services']);
  assert.equal(all.reduce((n, s) => n + s.logs.length, 0), 10);
});

test('conn.log of the ICSNPP traces: the same flows count as bacnet, except flows of network layer messages only', { skip }, async () => {
  let checked = 0;
  for (const s of suites()) {
    if (!manifest().some((m) => m.path === `${s.dir}/conn.log`)) continue;
    const rows = readZeekLog(join(CORPUS, s.dir, 'conn.log'));
    const run = await engineOn(s.capture);
    const key = (r: Rec | ZeekRow) => `${r['id.orig_h']}|${r['id.orig_p']}|${r['id.resp_h']}|${r['id.resp_p']}`;
    const ours = new Map<string, Rec>();
    for (const c of (run.records.get('conn') ?? []) as Rec[]) ours.set(key(c), c);
    const headers = (run.records.get('bacnet') ?? []) as Rec[];
    for (const r of rows) {
      const c = ours.get(key(r));
      assert.ok(c !== undefined, `${s.dir} conn ${key(r)}: no flow of ours`);
      checked++;
      const zeekSays = r.service === 'bacnet';
      const weSay = c.service === 'bacnet';
      if (zeekSays === weSay) continue;
      // ICSNPP's NPDU event does not set conn.log's service; we count a valid network layer
      // message (Who-Is-Router-To-Network …) as BACnet.
      const mine = headers.filter((h) => h.uid === c.uid);
      assert.ok(!zeekSays && mine.length > 0 && mine.every((h) => h.pdu_type === 'NPDU'), `${s.dir} conn ${key(r)}: Zeek ${r.service}, ours ${String(c.service)}`);
    }
  }
  assert.ok(checked > 0);
});
