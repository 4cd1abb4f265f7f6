// The host-identity dissectors (dns, netbios, dhcp, dhcpv6, ssdp) over the whole corpus:
//  - none claims a flow in a capture where tshark sees none of its protocol (MANIFEST.md
//    Protocols column), so content detection finds no protocol that is not there;
//  - none has an internal error anywhere;
//  - each finds flows in at least the captures tshark names (counts below are a floor).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { CORPUS, HAVE_CORPUS, corpusCaptures, manifest } from './support/corpus.ts';
import { runEngine } from './support/run-engine.ts';

const skip = HAVE_CORPUS ? false : 'corpus not found';

/** Our protocol id → tshark's names for it. */
const TSHARK_NAMES: Record<string, string[]> = {
  dns: ['dns', 'mdns', 'llmnr'],
  netbios: ['nbns', 'nbdgm'],
  dhcp: ['dhcp'],
  dhcpv6: ['dhcpv6'],
  ssdp: ['ssdp'],
};

test('dns, netbios, dhcp, dhcpv6, ssdp: no flow claimed where tshark sees none of the protocol, no internal error, every capture with the protocol found', { skip, timeout: 120_000 }, async () => {
  const protocols = new Map(manifest().map((r) => [r.path, r.protocols.split(',').map((p) => p.trim())]));
  const files = corpusCaptures();
  assert.ok(files.length > 400, `captures: ${files.length}`);
  const claimed: string[] = [];
  const errors: string[] = [];
  const missed: string[] = [];
  const found: Record<string, number> = {};
  for (const f of files) {
    const r = await runEngine([join(CORPUS, f)]);
    const theirs = protocols.get(f) ?? [];
    for (const [id, names] of Object.entries(TSHARK_NAMES)) {
      const c = r.counters.dissectors[id];
      const has = names.some((n) => theirs.includes(n));
      if (c !== undefined && c.internal_errors > 0) errors.push(`${f}: ${id}`);
      if (!has && c !== undefined && c.flows > 0) claimed.push(`${f}: ${id} ${JSON.stringify(c)}`);
      if (has && (c === undefined || c.confirmed === 0)) missed.push(`${f}: ${id}`);
      if (has && c !== undefined && c.confirmed > 0) found[id] = (found[id] ?? 0) + 1;
    }
  }
  console.log(`captures with flows of each protocol: ${JSON.stringify(found)}`);
  assert.deepEqual(errors, []);
  assert.deepEqual(claimed, []);
  assert.deepEqual(missed, []);
  assert.ok(found.dns >= 25 && found.netbios >= 29 && found.dhcp >= 18 && found.dhcpv6 >= 11 && found.ssdp >= 16, JSON.stringify(found));
});
