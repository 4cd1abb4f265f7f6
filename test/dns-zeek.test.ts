// The conn `service` of DNS-family and DHCP flows against every Zeek conn.log in the corpus
// whose capture is there (MANIFEST.md): official Zeek/ICSNPP baselines and the 2016 Bro logs
// of automayt/ICS-pcap. Where Zeek says `dns`, our flow with the same endpoints is `dns` on
// the DNS, mDNS and LLMNR ports and `netbios` on UDP 137 (Zeek runs its DNS analyzer on
// NetBIOS name service; Palisade has a NetBIOS dissector, see docs/protocols/netbios.md);
// where Zeek says `dhcp`, ours is `dhcp`.
//
// Flow splits differ: Zeek's DNS analyzer shortens a UDP connection's timeout to
// dns_session_timeout (10 s), so repeated broadcasts that Palisade keeps in one flow (60 s
// UDP timeout, src/flow) are several connections in Zeek; endpoints, not uids, are compared.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { CORPUS, HAVE_CORPUS, captureFor, manifest } from './support/corpus.ts';
import { runEngine } from './support/run-engine.ts';
import { readZeekLog } from './support/zeek-log.ts';
import { endpoints } from './dns-support.ts';

const skip = HAVE_CORPUS ? false : 'corpus not found';
type Rec = Record<string, unknown>;
const CUT_COLUMNS = ['id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'service'];

function ourService(zeek: string, ports: number[]): string | undefined {
  if (zeek.split(',').includes('dhcp')) return 'dhcp';
  if (!zeek.split(',').includes('dns')) return undefined;
  return ports.includes(137) ? 'netbios' : 'dns';
}

test('Zeek conn.log service dns/dhcp: the same flows are dns, netbios (UDP 137) or dhcp for us', { skip, timeout: 120_000 }, async () => {
  let compared = 0;
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const row of manifest()) {
    if (!/(^|\/)conn\.log(\.labeled)?$/.test(row.path)) continue;
    const capture = captureFor(row);
    if (capture === undefined) continue;
    const zeek = readZeekLog(join(CORPUS, row.path), CUT_COLUMNS).filter((z) => z.service !== undefined && ourService(z.service, [Number(z['id.orig_p']), Number(z['id.resp_p'])]) !== undefined);
    if (zeek.length === 0) continue;
    const r = await runEngine([join(CORPUS, capture)]);
    const services = new Map<string, Set<string>>();
    for (const c of (r.records.get('conn') ?? []) as Rec[]) {
      const k = endpoints(c['id.orig_h'] as string, c['id.orig_p'] as number, c['id.resp_h'] as string, c['id.resp_p'] as number);
      (services.get(k) ?? services.set(k, new Set()).get(k)!).add(String(c.service ?? '-'));
    }
    for (const z of zeek) {
      const k = endpoints(z['id.orig_h'], z['id.orig_p'], z['id.resp_h'], z['id.resp_p']);
      if (seen.has(`${capture}|${k}`)) continue;
      seen.add(`${capture}|${k}`);
      compared++;
      const want = ourService(z.service, [Number(z['id.orig_p']), Number(z['id.resp_p'])])!;
      const got = services.get(k);
      if (got === undefined || !got.has(want)) problems.push(`${row.path}: ${k}: Zeek ${z.service}, ours ${[...(got ?? [])].join('/') || 'no flow'}`);
    }
  }
  console.log(`conn service dns/netbios/dhcp: ${compared - problems.length}/${compared} flows agree`);
  assert.ok(compared >= 40, `flows compared: ${compared}`);
  assert.deepEqual(problems, []);
});
