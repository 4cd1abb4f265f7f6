// ARP: a request and a reply built byte by byte, gratuitous ARP, truncation at every offset,
// and every ARP packet of the corpus captures that carry ARP against tshark's fields.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { join } from 'node:path';
import { LINKTYPE, RawFrame } from '../../capture/frame.ts';
import { hex } from '../../dissect/testing.ts';
import { Engine } from '../../pipeline/engine.ts';
import { defaultRegistry } from '../index.ts';
import { CORPUS, HAVE_CORPUS, manifest } from '../../../test/support/corpus.ts';
import { HAVE_TSHARK, TSHARK } from '../../../test/support/tshark.ts';
import { runEngine } from '../../../test/support/run-engine.ts';

const REQUEST = hex`
  ff ff ff ff ff ff   // Ethernet destination: broadcast
  00 1c 06 01 02 03   // Ethernet source (a Siemens OUI)
  08 06               // EtherType ARP
  00 01               // hardware type: Ethernet
  08 00               // protocol type: IPv4
  06 04               // hardware and protocol address lengths
  00 01               // operation: request
  00 1c 06 01 02 03   // sender hardware address
  c0 a8 00 0a         // sender protocol address 192.168.0.10
  00 00 00 00 00 00   // target hardware address (unknown)
  c0 a8 00 01         // target protocol address 192.168.0.1
`;

function frame(bytes: Uint8Array, ts = 100): RawFrame {
  const f = new RawFrame();
  f.data = bytes;
  f.caplen = f.wirelen = bytes.length;
  f.linktype = LINKTYPE.ETHERNET;
  f.ts = ts;
  return f;
}

function run(...frames: Uint8Array[]) {
  const out: [string, Record<string, unknown>][] = [];
  const e = new Engine({ write: (t, r) => out.push([t, r as Record<string, unknown>]) }, { registry: defaultRegistry() });
  frames.forEach((b, i) => e.frame(frame(b, 100 + i)));
  e.finish();
  return { out, counters: e.counters() };
}

test('a request: sender and target addresses, operation as name and number', () => {
  const { out } = run(REQUEST);
  assert.deepEqual(out, [['arp', {
    ts: 100, src_mac: '00:1c:06:01:02:03', dst_mac: 'ff:ff:ff:ff:ff:ff', vlan: undefined, operation: 'request', operation_code: 1,
    orig_mac: '00:1c:06:01:02:03', orig_h: '192.168.0.10', resp_mac: '00:00:00:00:00:00', resp_h: '192.168.0.1',
    gratuitous: false, sha_mismatch: false,
  }]]);
});

test('a gratuitous reply whose sender address is not the frame source', () => {
  const b = REQUEST.slice();
  b[21] = 2; // operation: reply
  b.set([192, 168, 0, 10], 38); // target protocol address = sender protocol address
  b.set([0x02, 0, 0, 0, 0, 9], 22); // sender hardware address differs from the Ethernet source
  const [[, r]] = run(b).out;
  assert.equal(r.operation, 'reply');
  assert.equal(r.gratuitous, true);
  assert.equal(r.sha_mismatch, true);
  assert.equal(r.orig_mac, '02:00:00:00:00:09');
});

test('an unknown operation is data; truncation at every offset never throws and raises `truncated`', () => {
  const b = REQUEST.slice();
  b[21] = 77;
  assert.equal(run(b).out.find(([t]) => t === 'arp')![1].operation, 'unknown-77');
  for (let n = 14; n < REQUEST.length; n++) {
    const r = run(REQUEST.slice(0, n));
    assert.equal(r.out.filter(([t]) => t === 'arp').length, 0);
    if (n >= 22) assert.equal(r.counters.dissectors.arp.events.truncated, 1, `length ${n}`);
  }
});

const ARP_CAPTURES = HAVE_CORPUS ? manifest().filter((m) => /(^|, )arp(,|$)/.test(m.protocols)).map((m) => m.path) : [];

test('every ARP packet of the corpus agrees with tshark: operation, sender and target addresses', { skip: !HAVE_CORPUS || !HAVE_TSHARK ? 'needs the corpus and tshark' : false }, async () => {
  assert.ok(ARP_CAPTURES.length >= 20, `only ${ARP_CAPTURES.length} corpus captures with ARP`);
  let compared = 0;
  for (const rel of ARP_CAPTURES) {
    const file = join(CORPUS, rel);
    const run = await runEngine([file]);
    const ours = (run.records.get('arp') ?? []) as Record<string, unknown>[];
    const tshark = execFileSync(TSHARK, ['-n', '-r', file, '-Y', 'arp', '-T', 'fields', '-e', 'arp.opcode', '-e', 'arp.src.hw_mac', '-e', 'arp.src.proto_ipv4', '-e', 'arp.dst.proto_ipv4', '-e', 'arp.hw.type', '-e', 'arp.proto.type'], { encoding: 'utf8', maxBuffer: 64 << 20 })
      .split('\n').filter((l) => l !== '').map((l) => l.split('\t'))
      // Ethernet/IPv4 ARP only (the others are counted, not recorded), and no ARP inside ICMP errors.
      .filter((f) => f[4] === '1' && f[5] === '0x0800' && f[2] !== '');
    const theirs = tshark.map((f) => `${f[0]} ${f[1]} ${f[2]} ${f[3]}`);
    const mine = ours.map((r) => `${r.operation_code} ${r.orig_mac} ${r.orig_h} ${r.resp_h}`);
    assert.deepEqual(mine, theirs, rel);
    compared += mine.length;
  }
  assert.ok(compared > 1000, `compared ${compared} ARP packets`);
});
