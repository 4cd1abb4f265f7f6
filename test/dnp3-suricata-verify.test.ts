// DNP3 against the expectations of suricata-verify's DNP3 anomaly tests (OISF/suricata-verify,
// tests/dnp3*): each test.yaml's expected counts of DNP3 requests and of alerts on Suricata's
// DNP3 app-layer events must be met by Palisade's dnp3 records and dnp3.* events on the same
// capture. The counts are read from the test.yaml files, not written here.
//
// Suricata's event ↔ Palisade's event: FLOODED (sid 2270000) ↔ flooded, too_many_points (sid
// 2270005) ↔ too_many_points, too_long_reassembly (sid 2270007) ↔ too_long_reassembly.
// dnp3-max-objects is left out: it configures `max-objects: 7`, where Palisade's cap is
// fixed at 2048 object headers (src/protocols/dnp3/dnp3.test.ts tests that cap).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CORPUS, HAVE_CORPUS } from './support/corpus.ts';
import { runEngine } from './support/run-engine.ts';

const SV = join(CORPUS, 'suricata-verify/tests/dnp3');
const SID_EVENT: Record<number, string> = { 2270000: 'flooded', 2270005: 'too_many_points', 2270007: 'too_long_reassembly' };

interface Check {
  count: number;
  match: Record<string, string>;
}

/** The `checks: - filter: {count, match: {…}}` entries of a suricata-verify test.yaml. */
function checks(testYaml: string): Check[] {
  const out: Check[] = [];
  let cur: Check | null = null;
  let inMatch = false;
  for (const line of readFileSync(testYaml, 'utf8').split('\n')) {
    if (/^\s*- filter:/.test(line)) {
      cur = { count: -1, match: {} };
      out.push(cur);
      inMatch = false;
      continue;
    }
    if (cur === null) continue;
    const count = /^\s+count:\s*(\d+)/.exec(line);
    if (count !== null && !inMatch) cur.count = Number(count[1]);
    else if (/^\s+match:\s*$/.test(line)) inMatch = true;
    else if (inMatch) {
      const kv = /^\s+([\w.]+):\s*(.+?)\s*$/.exec(line);
      if (kv !== null) cur.match[kv[1]] = kv[2];
    }
  }
  return out;
}

async function verify(dir: string, pcap: string): Promise<void> {
  const run = await runEngine([join(SV, dir, pcap)]);
  const ev = run.counters.dissectors?.dnp3?.events ?? {};
  const requests = ((run.records.get('dnp3') ?? []) as Record<string, unknown>[]).filter((r) => r.fc_request !== undefined).length;
  const cs = checks(join(SV, dir, 'test.yaml'));
  assert.ok(cs.length > 0, `${dir}: no checks read`);
  for (const c of cs) {
    if (c.match.event_type === 'dnp3' && c.match['dnp3.type'] === 'request') {
      assert.equal(requests, c.count, `${dir}: DNP3 requests`);
    } else if (c.match.event_type === 'alert') {
      const name = SID_EVENT[Number(c.match['alert.signature_id'])];
      assert.ok(name !== undefined, `${dir}: no Palisade event for sid ${c.match['alert.signature_id']}`);
      assert.equal(ev[name] ?? 0, c.count, `${dir}: dnp3.${name} events (${JSON.stringify(ev)})`);
    } else if (c.match.event_type === 'flow' && c.match.app_proto === 'dnp3') {
      const conns = ((run.records.get('conn') ?? []) as Record<string, unknown>[]).filter((r) => r.service === 'dnp3' && String(r['id.resp_p']) === c.match.dest_port);
      assert.equal(conns.length, c.count, `${dir}: DNP3 flows`);
      if (c.match['flow.pkts_toserver'] !== undefined) assert.equal(conns[0].orig_pkts, Number(c.match['flow.pkts_toserver']), `${dir}: packets to server`);
      if (c.match['flow.pkts_toclient'] !== undefined) assert.equal(conns[0].resp_pkts, Number(c.match['flow.pkts_toclient']), `${dir}: packets to client`);
    } else assert.fail(`${dir}: a check this test does not know: ${JSON.stringify(c)}`);
  }
}

const CASES: [string, string][] = [
  ['dnp3-flood', 'input.pcap'],
  ['dnp3-max-points', 'test.pcap'],
  ['dnp3-too-long-reassembly-request', 'input.pcap'],
  ['dnp3-toclient-start', 'dnp3_toclient_start.pcap'],
];

for (const [dir, pcap] of CASES) {
  test(`suricata-verify ${dir}: the expected requests, events and flows`, { skip: !HAVE_CORPUS && 'no corpus' }, async () => {
    await verify(dir, pcap);
  });
}
