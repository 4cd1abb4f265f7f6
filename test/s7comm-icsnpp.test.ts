// ICSNPP baselines of S7comm: every s7comm.log and s7comm_known_devices.log of icsnpp-s7comm
// in the corpus, row by row, field by field, against Palisade's records of the same capture.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { s7comm } from '../src/protocols/s7comm/index.ts';
import { HAVE_CORPUS } from './support/corpus.ts';
import { baselines, compare, run } from './s7comm-icsnpp-support.ts';

/**
 * ICSNPP writes no s7comm.log row for an Ack (ROSCTR 2) without a parameter: its parser wants
 * a function code after the error code and the PDU ends there. In s7ident.pcap these are the
 * four answers to Start Upload (frames 21, 23, 26, 29, error 0xd241: function not permitted in
 * the current protection level), which tshark dissects as Ack with Errorcode 0xd241.
 */
const ACK_WITHOUT_PARAMETER = 'Ack (ROSCTR 2) without a parameter: not logged by ICSNPP';

test('s7comm.log baselines: every row agrees', { skip: !HAVE_CORPUS }, async () => {
  const logs = baselines('s7comm');
  assert.ok(logs.length >= 2, `expected the s7comm_plus and s7ident baselines, found ${logs.length}`);
  let rows = 0;
  let extra = 0;
  for (const b of logs) {
    const c = compare(s7comm, 's7comm', b, await run(b.capture), {
      extra: (r) => (r.rosctr_code === 2 && r.function_code === undefined ? ACK_WITHOUT_PARAMETER : undefined),
    });
    assert.deepEqual(c.problems, [], b.log);
    assert.equal(c.agree, c.rows, b.log);
    rows += c.rows;
    extra += c.extra.get(ACK_WITHOUT_PARAMETER) ?? 0;
  }
  assert.equal(rows, 52);
  assert.equal(extra, 4, 'the four Start Upload error Acks of s7ident.pcap');
});

test('s7comm_known_devices.log baselines: the identity ICSNPP found, and which host it belongs to', { skip: !HAVE_CORPUS }, async () => {
  const logs = baselines('s7comm_known_devices');
  assert.ok(logs.length >= 1);
  for (const b of logs) {
    const engine = await run(b.capture);
    // ICSNPP leaves the direction fields of this log unset; Palisade names the device that
    // answered (source_*) and who asked (destination_*).
    const c = compare(s7comm, 's7comm_known_devices', b, engine, { filled: new Set(['is_orig', 'source_h', 'source_p', 'destination_h', 'destination_p']) });
    assert.deepEqual(c.problems, [], b.log);
    assert.equal(c.agree, c.rows);
    const dev = (engine.records.get('s7comm_known_devices') as Record<string, unknown>[])[0];
    assert.equal(dev.source_p, 102, 'the identity is the PLC side');
  }
});
