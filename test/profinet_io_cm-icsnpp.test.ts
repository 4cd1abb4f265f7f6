// PROFINET IO CM against the CISA ICSNPP icsnpp-profinet-io-cm baselines in the corpus
// (icsnpp-profinet-io-cm/testing/baseline/tests.*/): every line of profinet_io_cm.log maps, in
// order, to one of our `profinet_io_cm` records (one per DCE/RPC datagram), and every column
// the two share agrees. The baselines are zeek-cut output without ts and uid; their columns
// are ICSNPP's Profinet_Header (analyzer/types.zeek) in order.
//
// Two ICSNPP representations are mapped, each with its evidence:
//  - UUIDs: ICSNPP prints the 16 bytes in wire order whatever the data representation; a
//    little-endian packet's UUIDs have their first three fields byte-swapped. Evidence: the
//    same call's activity is 13142F90-0000-1000-… in its big-endian request and
//    902F1413-0000-0010-… in its little-endian response (tests.profinet_io_cm_device lines 1-2),
//    and the PNIO device interface DEA00001-6C97-11D1-8271-00A02442DF7D reads
//    0100A0DE-976C-D111-… in little-endian packets. Palisade decodes them (tshark agrees).
//  - Interface version: DCE/RPC's if_vers has the major version in its low 16 bits; ICSNPP's
//    bitfield takes major from the high 16, so PNIO's version 1.0 is logged major 0, minor 1.
//    Palisade logs major 1, minor 0 (tshark's dcerpc.dg_if_ver is 1 on every PNIO packet).
// ICSNPP's conn.log service is `spicy_profinet_io_cm`; each of those flows must count as our
// `profinet_io_cm`.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CORPUS, HAVE_CORPUS } from './support/corpus.ts';
import { runEngine } from './support/run-engine.ts';
import { readZeekLog } from './support/zeek-log.ts';

const COLUMNS = [
  'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'source_h', 'source_p', 'destination_h', 'destination_p', 'proto',
  'rpc_version', 'packet_type', 'reserved_for_impl_1', 'last_fragment', 'fragment', 'no_fragment_requested', 'maybe',
  'idempotent', 'broadcast', 'reserved_for_impl_2', 'cancel_was_pending_at_call_end', 'integer_encoding',
  'character_encoding', 'floating_point_encoding', 'serial_high', 'object_uuid', 'interface_uuid', 'activity_uuid',
  'server_boot_time', 'interface_vers_major', 'interface_vers_minor', 'sequence_num', 'operation_num', 'interface_hint',
  'activity_hint', 'len_of_body', 'fragment_num', 'auth_protocol', 'serial_low', 'vers_fack', 'window_size', 'max_tsdu',
  'max_frag_size', 'serial_number', 'sel_ack_len', 'array_of_sel_ack',
];

const BASE = join(CORPUS, 'icsnpp-profinet-io-cm/testing');
/** Baseline folder → trace (testing/tests/<name>.zeek reads these). */
const TRACES: Record<string, string> = {
  'tests.profinet_io_cm': 'profinet_io_cm.pcap',
  'tests.profinet_io_cm_connect': 'profinet_io_cm_connect.pcapng',
  'tests.profinet_io_cm_control': 'profinet_io_cm_control.pcapng',
  'tests.profinet_io_cm_device': 'profinet_io_cm_device.pcapng',
  'tests.profinet_io_cm_mixed_2': 'profinet_io_cm_mixed_2.pcapng',
  'tests.profinet_io_cm_read': 'profinet_io_cm_read.pcapng',
  'tests.profinet_io_cm_write': 'profinet_io_cm_write.pcapng',
};

function zeekText(v: unknown): string {
  if (v === undefined || v === null) return '-';
  if (typeof v === 'boolean') return v ? 'T' : 'F';
  if (Array.isArray(v)) return v.length === 0 ? '(empty)' : v.join(',');
  return String(v);
}

/** A UUID as ICSNPP prints it: the wire bytes in order (little-endian packets: first three fields reversed). */
function icsnppUuid(u: string, le: boolean): string {
  if (!le) return u;
  const [a, b, c, ...rest] = u.split('-');
  const rev = (s: string) => s.match(/../g)!.reverse().join('');
  return [rev(a), rev(b), rev(c), ...rest].join('-');
}

/** Our record's value of `col` in ICSNPP's representation. */
function asIcsnpp(r: Record<string, unknown>, col: string): string {
  const le = r.integer_encoding === 'Little Endian';
  if (col === 'object_uuid' || col === 'interface_uuid' || col === 'activity_uuid') return icsnppUuid(r[col] as string, le);
  if (col === 'interface_vers_major') return String(r.interface_vers_minor);
  if (col === 'interface_vers_minor') return String(r.interface_vers_major);
  return zeekText(r[col]);
}

test('the corpus holds every baseline this test maps', { skip: !HAVE_CORPUS }, () => {
  assert.deepEqual(readdirSync(join(BASE, 'baseline')).sort(), Object.keys(TRACES).sort());
});

for (const [name, trace] of Object.entries(TRACES)) {
  test(`ICSNPP baseline ${name}: every profinet_io_cm.log line matches our record`, { skip: !HAVE_CORPUS }, async () => {
    const rows = readZeekLog(join(BASE, 'baseline', name, 'profinet_io_cm.log'), COLUMNS);
    const r = await runEngine([join(BASE, 'traces', trace)]);
    assert.equal(r.counters.internalErrors, 0, r.counters.firstInternalError);
    const ours = (r.records.get('profinet_io_cm') ?? []) as Record<string, unknown>[];
    assert.ok(rows.length > 0);
    assert.equal(ours.length, rows.length, `${ours.length} records, the baseline has ${rows.length} lines`);
    let compared = 0;
    rows.forEach((row, i) => {
      for (const col of COLUMNS) {
        const theirs = row[col];
        const o = asIcsnpp(ours[i], col);
        const ok = theirs === o || (col === 'operation_num' && theirs === 'unknown' && /^unknown-\d+$/.test(o));
        assert.ok(ok, `line ${i + 1}, ${col}: baseline "${theirs}", ours "${o}"`);
        compared++;
      }
    });
    assert.equal(compared, rows.length * COLUMNS.length);
    const conns = r.records.get('conn') as Record<string, unknown>[];
    for (const row of readZeekLog(join(BASE, 'baseline', name, 'conn.log'), ['id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'service'])) {
      if (row.service !== 'spicy_profinet_io_cm') continue;
      const o = conns.find((x) => x['id.orig_h'] === row['id.orig_h'] && String(x['id.orig_p']) === row['id.orig_p'] && x['id.resp_h'] === row['id.resp_h'] && String(x['id.resp_p']) === row['id.resp_p']);
      assert.ok(o !== undefined, `conn ${row['id.orig_h']}:${row['id.orig_p']} -> ${row['id.resp_h']}:${row['id.resp_p']} missing`);
      assert.ok(String(o.service ?? '').split(',').includes('profinet_io_cm'), `conn ${row['id.orig_h']}:${row['id.orig_p']}: service "${o.service}"`);
    }
  });
}
