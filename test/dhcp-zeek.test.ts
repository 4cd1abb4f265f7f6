// DHCP against Zeek's btest baseline scripts.base.protocols.dhcp.dhcp-all-msg-types (dhcp.log
// and conn.log of zeek/testing/btest/Traces/dhcp/dhcp.pcap): every dhcp.log row is one of our
// `dhcp` records and every column agrees (ts is masked in the baseline, so rows are matched in
// order); `uids` are compared through the baseline's conn.log: Zeek's uids name connections,
// whose endpoints must be those of the flows our record's uids name. The conn.log rows Zeek
// gives service `dhcp` are DHCP flows for us too.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { CORPUS, HAVE_CORPUS } from './support/corpus.ts';
import { runEngine } from './support/run-engine.ts';
import { readZeekLog } from './support/zeek-log.ts';
import { endpoints } from './dns-support.ts';

const skip = HAVE_CORPUS ? false : 'corpus not found';
type Rec = Record<string, unknown>;

const BASE = 'zeek/testing/btest/Baseline/scripts.base.protocols.dhcp.dhcp-all-msg-types';
const TRACE = 'zeek/testing/btest/Traces/dhcp/dhcp.pcap';

/** A record value as Zeek's ASCII writer prints it. */
function zeekText(v: unknown, type: string): string {
  if (v === undefined || v === null) return '-';
  if (Array.isArray(v)) return v.length === 0 ? '(empty)' : v.join(',');
  if (typeof v === 'boolean') return v ? 'T' : 'F';
  if (type === 'interval') return (v as number).toFixed(6);
  return String(v);
}

const COLUMNS: [string, string][] = [
  ['client_addr', 'addr'], ['server_addr', 'addr'], ['mac', 'string'], ['host_name', 'string'], ['client_fqdn', 'string'],
  ['domain', 'string'], ['requested_addr', 'addr'], ['assigned_addr', 'addr'], ['lease_time', 'interval'], ['client_message', 'string'],
  ['server_message', 'string'], ['msg_types', 'vector'], ['duration', 'interval'],
];

test('Zeek dhcp.log (dhcp-all-msg-types): every row is one of our records, column by column, uids through conn.log', { skip }, async () => {
  const rows = readZeekLog(join(CORPUS, BASE, 'dhcp.log'));
  const conns = readZeekLog(join(CORPUS, BASE, 'conn.log'));
  assert.equal(rows.length, 3);
  const r = await runEngine([join(CORPUS, TRACE)]);
  const ours = (r.records.get('dhcp') ?? []) as Rec[];
  assert.equal(ours.length, rows.length, JSON.stringify(ours));
  const zeekEnds = new Map(conns.map((c) => [c.uid, endpoints(c['id.orig_h'], c['id.orig_p'], c['id.resp_h'], c['id.resp_p'])]));
  const ourEnds = new Map(((r.records.get('conn') ?? []) as Rec[]).map((c) => [c.uid as string, endpoints(c['id.orig_h'] as string, c['id.orig_p'] as number, c['id.resp_h'] as string, c['id.resp_p'] as number)]));
  // Records in the order of their first message, as the baseline's rows are.
  ours.sort((a, b) => (a.ts as number) - (b.ts as number));
  rows.forEach((z, i) => {
    const o = ours[i];
    for (const [c, type] of COLUMNS) assert.equal(zeekText(o[c], type), z[c], `row ${i + 1} ${c}`);
    const want = z.uids.split(',').map((u) => zeekEnds.get(u)).sort();
    const got = (o.uids as string[]).map((u) => ourEnds.get(u)).sort();
    assert.deepEqual(got, want, `row ${i + 1} uids`);
  });
  // Zeek's policy scripts: the vendor class of the server, the source of each message.
  assert.equal(ours[0].server_software, 'ArubaAP');
  assert.deepEqual(ours[0].msg_orig, ['0.0.0.0', '128.2.6.152', '0.0.0.0', '128.2.6.152', '0.0.0.0', '128.2.6.152', '0.0.0.0']);
  // conn.log: every connection Zeek calls dhcp is a dhcp flow of ours.
  const service = new Map(((r.records.get('conn') ?? []) as Rec[]).map((c) => [ourEnds.get(c.uid as string), c.service]));
  for (const c of conns) {
    if (c.service !== 'dhcp') continue;
    assert.equal(service.get(zeekEnds.get(c.uid)), 'dhcp', `conn ${zeekEnds.get(c.uid)}`);
  }
});
