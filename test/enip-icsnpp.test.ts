// EtherNet/IP and CIP against the CISA ICSNPP icsnpp-enip baselines in the corpus
// (icsnpp-enip/tests/baseline/analyzer.*/): every line of enip.log, cip.log, cip_io.log and
// cip_identity.log maps, in order, to one of our records of that type, and every column the
// two share agrees. The baselines are headerless (zeek-cut -n packet_correlation_id); their
// columns are ICSNPP's (scripts/icsnpp/enip/main.zeek) without packet_correlation_id, and
// ts/uid are masked (XXXXXXXXXX.XXXXXX, btest-diff). ICSNPP writes "unknown" for codes it
// has no name for where Palisade writes "unknown-<n>" (docs/protocols/cip.md); the test
// accepts exactly that. conn.log: the flow's service includes ICSNPP's (which holds one).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CORPUS, HAVE_CORPUS } from './support/corpus.ts';
import { runEngine } from './support/run-engine.ts';
import { readZeekLog } from './support/zeek-log.ts';

const DIR = ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'is_orig', 'source_h', 'source_p', 'destination_h', 'destination_p'];
const COLUMNS: Record<string, string[]> = {
  enip: [...DIR, 'enip_command_code', 'enip_command', 'length', 'session_handle', 'enip_status', 'sender_context', 'options'],
  cip: [...DIR, 'cip_sequence_count', 'direction', 'cip_service_code', 'cip_service', 'cip_status_code', 'cip_status',
    'cip_extended_status_code', 'cip_extended_status', 'class_id', 'class_name', 'instance_id', 'attribute_id'],
  cip_io: [...DIR, 'connection_id', 'sequence_number', 'data_length', 'io_data'],
  cip_identity: [...DIR, 'encapsulation_version', 'socket_address', 'socket_port', 'vendor_id', 'vendor_name', 'device_type_id',
    'device_type_name', 'product_code', 'revision', 'device_status', 'serial_number', 'product_name', 'device_state'],
};

const CASES = [
  { name: 'analyzer.basic', trace: 'enip_cip_example.pcap', logs: ['enip', 'cip', 'cip_io', 'cip_identity'] },
  { name: 'analyzer.multiple_service_request', trace: 'multiple_service_packet_cip.pcapng', logs: ['enip', 'cip'] },
];

/** Our value as Zeek's ASCII writer prints it. */
function zeekText(v: unknown): string {
  if (v === undefined || v === null) return '-';
  if (typeof v === 'boolean') return v ? 'T' : 'F';
  if (v === '') return '(empty)';
  return String(v);
}

function agrees(col: string, theirs: string, ours: string): boolean {
  if (theirs === ours) return true;
  // ICSNPP's name for a code it does not know
  if (/(_name|^cip_service|^enip_command)$/.test(col) && theirs === 'unknown' && /^unknown-\d+$/.test(ours)) return true;
  return false;
}

for (const c of CASES) {
  test(`ICSNPP baseline ${c.name}: every line matches our record`, { skip: !HAVE_CORPUS }, async () => {
    const base = join(CORPUS, 'icsnpp-enip/tests/baseline', c.name);
    const r = await runEngine([join(CORPUS, 'icsnpp-enip/tests/traces', c.trace)]);
    let compared = 0;
    for (const log of c.logs) {
      const rows = readZeekLog(join(base, `${log}.log`), COLUMNS[log]);
      let ours = (r.records.get(log) ?? []) as Record<string, unknown>[];
      if (log === 'cip_identity') ours = ours.filter((o) => o.identity_source === 'list_identity');
      assert.equal(ours.length, rows.length, `${log}: ${ours.length} records, the baseline has ${rows.length} lines`);
      rows.forEach((row, i) => {
        for (const col of COLUMNS[log]) {
          if (col === 'ts' || col === 'uid') continue;
          const o = zeekText(ours[i][col]);
          assert.ok(agrees(col, row[col], o), `${log} line ${i + 1}, ${col}: baseline "${row[col]}", ours "${o}"`);
          compared++;
        }
      });
    }
    assert.ok(compared > 0);
    const connLog = join(base, 'conn.log');
    if (existsSync(connLog)) {
      const conns = r.records.get('conn') as Record<string, unknown>[];
      for (const row of readZeekLog(connLog)) {
        if (row.service === '-') continue;
        const ours = conns.find((o) => o['id.orig_h'] === row['id.orig_h'] && String(o['id.orig_p']) === row['id.orig_p'] && o['id.resp_h'] === row['id.resp_h'] && String(o['id.resp_p']) === row['id.resp_p']);
        assert.ok(ours !== undefined, `conn ${row['id.orig_h']}:${row['id.orig_p']} missing`);
        assert.ok(String(ours.service ?? '').split(',').includes(row.service), `conn ${row['id.orig_h']}:${row['id.orig_p']}: service "${ours.service}", ICSNPP "${row.service}"`);
      }
    }
  });
}
