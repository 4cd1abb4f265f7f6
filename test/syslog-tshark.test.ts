// Syslog against tshark and nDPI on the corpus captures that hold syslog (MANIFEST.md):
//  1. one `syslog` record per message tshark shows (UDP), agreeing on the key fields
//     (syslog.facility, syslog.level) and, where tshark reads them, on the RFC 3164 timestamp
//     and hostname and the RFC 5424 version, hostname and app-name;
//  2. nDPI's result file for the capture (ndpi/tests/cfgs/default/result/syslog.pcap.out)
//     lists the UDP flows it classifies as Syslog: each is a flow our records come from.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { CORPUS, HAVE_CORPUS, manifest } from './support/corpus.ts';
import { runEngine } from './support/run-engine.ts';
import { HAVE_TSHARK, TSHARK } from './support/tshark.ts';

const run = promisify(execFile);
const skip = !HAVE_CORPUS ? 'corpus not found' : !HAVE_TSHARK ? 'tshark not installed' : false;

const FIELDS = ['frame.time_epoch', 'udp.srcport', 'syslog.facility', 'syslog.level', 'syslog.version', 'syslog.timestamp_rfc3164', 'syslog.hostname', 'syslog.appname'];

function captures(): string[] {
  return manifest().filter((r) => /(^|[\s,])syslog([\s,]|$)/.test(r.protocols)).map((r) => r.path);
}

async function tsharkRows(file: string): Promise<Record<string, string>[]> {
  const args = ['-n', '-r', file, '-Y', 'syslog && udp && !icmp && !icmpv6', '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=f'];
  for (const f of FIELDS) args.push('-e', f);
  const { stdout } = await run(TSHARK, args, { maxBuffer: 64 << 20 });
  return stdout.split('\n').filter((l) => l !== '').map((l) => {
    const c = l.split('\t');
    const row: Record<string, string> = {};
    FIELDS.forEach((f, i) => (row[f] = c[i] ?? ''));
    return row;
  });
}

test('syslog: one record per message tshark shows, agreeing on facility and severity (and the header fields tshark reads)', { skip }, async () => {
  let compared = 0;
  let keyAgree = 0;
  let headerCompared = 0;
  let headerAgree = 0;
  const problems: string[] = [];
  for (const rel of captures()) {
    const file = join(CORPUS, rel);
    const rows = await tsharkRows(file);
    const res = await runEngine([file]);
    assert.equal(res.counters.dissectors.syslog?.internal_errors ?? 0, 0);
    const recs = ((res.records.get('syslog') ?? []) as Record<string, unknown>[]).slice().sort((a, b) => (a.ts as number) - (b.ts as number));
    assert.equal(recs.length, rows.length, `${rel}: records vs tshark messages`);
    rows.forEach((row, i) => {
      const r = recs[i];
      compared++;
      const sameTime = Math.abs((r.ts as number) - Number(row['frame.time_epoch'])) < 1e-6;
      const fromOrig = r['id.orig_p'] === Number(row['udp.srcport']) || r['id.resp_p'] === Number(row['udp.srcport']);
      if (sameTime && fromOrig && String(r.facility_code) === row['syslog.facility'] && String(r.severity_code) === row['syslog.level']) keyAgree++;
      else if (problems.length < 20) problems.push(`${rel} #${i}: ours ${r.facility_code}/${r.severity_code}, tshark ${row['syslog.facility']}/${row['syslog.level']}`);
      const pairs: [unknown, string][] = [];
      if (row['syslog.timestamp_rfc3164'] !== '') pairs.push([r.timestamp, row['syslog.timestamp_rfc3164']], [r.hostname, row['syslog.hostname']]);
      if (row['syslog.version'] !== '') pairs.push([String(r.version), row['syslog.version']], [r.hostname, row['syslog.hostname']], [r.app_name, row['syslog.appname']]);
      for (const [ours, theirs] of pairs) {
        headerCompared++;
        if (ours === theirs) headerAgree++;
        else if (problems.length < 20) problems.push(`${rel} #${i}: header ours ${JSON.stringify(ours)}, tshark ${JSON.stringify(theirs)}`);
      }
    });
  }
  console.log(`syslog key fields (syslog.facility, syslog.level): ${keyAgree}/${compared} messages agree (${((100 * keyAgree) / compared).toFixed(2)}%); header fields ${headerAgree}/${headerCompared}`);
  assert.ok(compared >= 80, `messages compared: ${compared}`);
  assert.equal(keyAgree, compared, problems.join('\n'));
  assert.equal(headerAgree, headerCompared, problems.join('\n'));
});

/** The two endpoints of a flow in a fixed order (nDPI names the sender first; the flow table may
 * orient a flow from port 514 to a high port the other way, as Zeek does with its likely server ports). */
const pair = (ah: unknown, ap: unknown, bh: unknown, bp: unknown) => [`${ah}:${ap}`, `${bh}:${bp}`].sort().join(' ');

test('syslog: every UDP flow nDPI classifies as Syslog carries our syslog records', { skip: HAVE_CORPUS ? false : 'corpus not found' }, async () => {
  const out = readFileSync(join(CORPUS, 'ndpi/tests/cfgs/default/result/syslog.pcap.out'), 'utf8');
  const flows: string[] = [];
  for (const m of out.matchAll(/^\s+\d+\s+UDP (\S+):(\d+) -> (\S+):(\d+) .*\[proto: [\d.]+\/Syslog\]/gm)) {
    const strip = (a: string) => a.replace(/^\[|\]$/g, '');
    flows.push(pair(strip(m[1]), m[2], strip(m[3]), m[4]));
  }
  assert.ok(flows.length >= 20, `nDPI syslog flows: ${flows.length}`);
  const res = await runEngine([join(CORPUS, 'ndpi/tests/cfgs/default/pcap/syslog.pcap')]);
  const ours = new Set(((res.records.get('syslog') ?? []) as Record<string, unknown>[]).map((r) => pair(r['id.orig_h'], r['id.orig_p'], r['id.resp_h'], r['id.resp_p'])));
  for (const f of flows) assert.ok(ours.has(f), `nDPI's Syslog flow ${f} has no syslog record (ours: ${[...ours].join('; ')})`);
  const conn = (res.records.get('conn') ?? []) as Record<string, unknown>[];
  // Every flow with syslog records counts as syslog (conn service), and only those.
  const withRecords = conn.filter((c) => ours.has(pair(c['id.orig_h'], c['id.orig_p'], c['id.resp_h'], c['id.resp_p'])));
  assert.ok(withRecords.length > 0);
  assert.deepEqual(conn.filter((c) => c.service === 'syslog'), withRecords);
});
