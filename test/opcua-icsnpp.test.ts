// OPC UA against ICSNPP: every opcua_binary.log btest baseline of icsnpp-opcua-binary in the
// corpus, with the trace it was made from (MANIFEST.md names it). The baselines carry no
// #fields header; their 55 columns are OPCUA_Binary::Info_Log's (ts, uid, id, then msg_type …
// res_hdr_add_hdr_enc_mask), which are the first 55 columns of our `opcua` record. Each baseline
// row is mapped to our record of the same connection, message type and request id (HEL/ACK
// rows, which have none, by their order), and every column is compared as Zeek writes it;
// btest masks timestamps (XXXXXXXXXX.XXXXXX) and uids differ by design, so those are not.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatZeekValue } from '../src/events/zeek-tsv.ts';
import { ICSNPP_COLUMNS, OPCUA_FIELDS } from '../src/protocols/opcua/records.ts';
import { CORPUS, HAVE_CORPUS, captureFor, manifest } from './support/corpus.ts';
import { runEngine } from './support/run-engine.ts';
import { readZeekLog } from './support/zeek-log.ts';

const COLUMNS = OPCUA_FIELDS.slice(0, ICSNPP_COLUMNS);
const MASKED = 'XXXXXXXXXX.XXXXXX';

/**
 * Known difference: ICSNPP writes a GUID's 16 bytes in wire order. OPC UA encodes a Guid as
 * Data1 (UInt32), Data2, Data3 (UInt16) little-endian, then Data4 (OPC 10000-6 §5.1.3), and
 * its text form is that of the numbers: the bytes 39 12 16 15 46 f3 6d 34 fe cf … of frame 8
 * of open62541_client-server_mainloop-no-handshake.pcap are 15161239-f346-346d-fecf-…, as
 * Palisade and tshark (opcua.nodeid.guid) write them; ICSNPP writes 39121615-46f3-6d34-….
 * Ours is turned into ICSNPP's byte order for the comparison.
 */
function icsnppGuid(g: string): string {
  const m = /^(..)(..)(..)(..)-(..)(..)-(..)(..)-(.*)$/.exec(g);
  return m === null ? g : `${m[4]}${m[3]}${m[2]}${m[1]}-${m[6]}${m[5]}-${m[8]}${m[7]}-${m[9]}`;
}

const BASELINES = manifest()
  .filter((r) => /^icsnpp-opcua-binary\/tests\/baseline\/[^/]+\/opcua_binary\.log$/.test(r.path))
  .map((r) => ({ log: r.path, trace: captureFor(r) }));

function key(r: Record<string, unknown>, n: number): string {
  const rid = r.request_id;
  return `${r['id.orig_h']}|${r['id.orig_p']}|${r['id.resp_h']}|${r['id.resp_p']}|${r.msg_type}|${rid === undefined || rid === '-' ? `#${n}` : rid}`;
}

/** Rows keyed by connection, message type and request id (or the n-th row of that kind without one). */
function index(rows: Record<string, unknown>[]): Map<string, Record<string, unknown>> {
  const m = new Map<string, Record<string, unknown>>();
  const counts = new Map<string, number>();
  for (const r of rows) {
    const base = `${r['id.orig_h']}|${r['id.orig_p']}|${r['id.resp_h']}|${r['id.resp_p']}|${r.msg_type}`;
    const n = counts.get(base) ?? 0;
    counts.set(base, n + 1);
    m.set(key(r, n), r);
  }
  return m;
}

test('OPC UA: every opcua_binary.log baseline row has our record, and every ICSNPP column agrees', { skip: HAVE_CORPUS ? false : 'no corpus' }, async () => {
  assert.equal(BASELINES.length, 3, 'opcua_binary.log baselines in MANIFEST.md');
  let rows = 0;
  let cells = 0;
  const problems: string[] = [];
  for (const { log, trace } of BASELINES) {
    assert.ok(trace !== undefined && existsSync(join(CORPUS, trace)), `trace of ${log}`);
    const baseline = readZeekLog(join(CORPUS, log), COLUMNS.map((c) => c.name));
    assert.ok(baseline.length > 0, log);
    const run = await runEngine([join(CORPUS, trace!)]);
    const ours = index((run.records.get('opcua') ?? []) as Record<string, unknown>[]);
    const theirs = index(baseline);
    for (const [k, b] of theirs) {
      rows++;
      const o = ours.get(k);
      if (o === undefined) {
        problems.push(`${log}: no record for ${k}`);
        continue;
      }
      for (const f of COLUMNS) {
        if (f.name === 'ts' || f.name === 'uid') continue;
        const want = b[f.name];
        if (want === MASKED) continue;
        cells++;
        let v = o[f.name];
        if (f.name === 'req_hdr_node_id_guid' && typeof v === 'string') v = icsnppGuid(v);
        const got = formatZeekValue(f.type, v);
        if (got !== want) problems.push(`${log}: ${k} ${f.name}: ours ${got}, ICSNPP ${want}`);
      }
    }
  }
  console.log(`OPC UA vs ICSNPP: ${rows} baseline rows, ${cells} cells compared, ${problems.length} differences`);
  assert.ok(rows >= 74, `baseline rows: ${rows}`);
  assert.deepEqual(problems, []);
});
