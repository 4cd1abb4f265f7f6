// CDP: an announcement built byte by byte (802.3 + LLC/SNAP OUI 00-00-0c type 0x2000, CDP
// header, every TLV Palisade reads), with the record it must give; the checksum (the IP
// checksum, and Cisco's variant for odd lengths, computed here independently); Ethernet
// padding bounded by the 802.3 length; the change-only rule; malformed TLVs; truncation at
// every offset; fuzzing through the engine.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { LINKTYPE, RawFrame } from '../../capture/frame.ts';
import { Registry } from '../../dissect/registry.ts';
import { concat, hex, prefixes } from '../../dissect/testing.ts';
import { Engine } from '../../pipeline/engine.ts';
import { cdp } from './index.ts';

const enc = new TextEncoder();
const u16 = (n: number) => [n >> 8, n & 255];
const u32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
/** A CDP TLV: type, length including the 4-byte header, value. */
const tlv = (type: number, v: Uint8Array | number[] | string) => {
  const b = typeof v === 'string' ? enc.encode(v) : v instanceof Uint8Array ? v : new Uint8Array(v);
  return concat(new Uint8Array([...u16(type), ...u16(b.length + 4)]), b);
};

/** Addresses TLV value: one IPv4 (NLPID 0xcc) and one IPv6 (802.2 SNAP 0x86dd) address. */
const ADDRESSES = hex`
  00 00 00 02                    // 2 addresses
  01 01 cc  00 04  c0 a8 00 fd   // protocol type 1 (NLPID), length 1, 0xcc (IP); address length 4: 192.168.0.253
  02 08 aa aa 03 00 00 00 86 dd  // protocol type 2 (802.2), length 8, SNAP IPv6
  00 10  20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01   // address length 16: 2001:db8::1
`;

const TLVS = concat(
  tlv(0x0001, 'myswitch'), // Device ID
  tlv(0x0002, ADDRESSES), // Addresses
  tlv(0x0003, 'FastEthernet0/1'), // Port ID
  tlv(0x0004, u32(0x28)), // Capabilities: switch (0x08) + IGMP (0x20)
  tlv(0x0005, 'Cisco IOS Software, C2950 Software\nVersion 12.1(22)EA14'), // Software version
  tlv(0x0006, 'cisco WS-C2950-12'), // Platform
  tlv(0x0007, [10, 1, 0, 0, 16]), // IP Prefixes: 10.1.0.0/16
  tlv(0x0008, [0x00, 0x00, 0x0c, 0x01, 0x12]), // Protocol Hello (not decoded)
  tlv(0x0009, 'MYDOMAIN'), // VTP management domain
  tlv(0x000a, u16(100)), // Native VLAN 100
  tlv(0x000b, [1]), // Duplex: full
  tlv(0x000e, [1, ...u16(200)]), // VoIP VLAN reply: VLAN 200
  tlv(0x0010, u16(6300)), // Power consumption 6300 mW
  tlv(0x0011, u32(1500)), // MTU
  tlv(0x0012, [0]), // Trust bitmap
  tlv(0x0013, [0]), // Untrusted port CoS
  tlv(0x0014, 'sw1.plant.example'), // System name
  tlv(0x0015, [0x06, 0x09, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x09, 0x01, 0x81, 0x01]), // System OID, BER: 1.3.6.1.4.1.9.1.129
  tlv(0x0016, ADDRESSES.subarray(0, 13)), // Management addresses: the IPv4 one (count patched below)
  tlv(0x0017, [0x00, ...enc.encode('Hall 3')]), // Physical location
  tlv(0x001d, [1, 2, 3]), // not decoded
);

/** RFC 1071 checksum of the CDP packet with its checksum field zero. */
function ipChecksum(b: Uint8Array): number {
  let s = 0;
  for (let i = 0; i + 1 < b.length; i += 2) s += (b[i] << 8) | b[i + 1];
  if (b.length & 1) s += b[b.length - 1] << 8;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}
/** Cisco's variant for an odd length: the last byte taken as a signed low byte (minus one when negative). */
function ciscoChecksum(b: Uint8Array): number {
  let s = 0;
  for (let i = 0; i + 1 < b.length; i += 2) s += (b[i] << 8) | b[i + 1];
  const last = b[b.length - 1];
  if (b.length & 1) s += last & 0x80 ? 0xff00 | ((last - 1) & 0xff) : last;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

function cdpPacket(tlvs: Uint8Array, version = 2, ttl = 180, sum: (b: Uint8Array) => number = ipChecksum): Uint8Array {
  const p = concat(new Uint8Array([version, ttl, 0, 0]), tlvs);
  const c = sum(p);
  p[2] = c >> 8;
  p[3] = c & 255;
  return p;
}

const SRC = hex`00 0b be 18 9a 41`;
function frame(packet: Uint8Array, src = SRC, padding = 0): Uint8Array {
  const llc = concat(hex`aa aa 03  00 00 0c  20 00   // LLC: DSAP/SSAP SNAP, UI; OUI Cisco, protocol 0x2000`, packet);
  return concat(hex`01 00 0c cc cc cc  // destination: the CDP multicast address`, src, new Uint8Array(u16(llc.length)), llc, new Uint8Array(padding).fill(0xee));
}

function rawFrame(bytes: Uint8Array, ts: number): RawFrame {
  const f = new RawFrame();
  f.data = bytes;
  f.offset = 0;
  f.caplen = f.wirelen = bytes.length;
  f.linktype = LINKTYPE.ETHERNET;
  f.ts = ts;
  return f;
}

function runFrames(frames: { bytes: Uint8Array; ts: number }[]) {
  const out: [string, Record<string, unknown>][] = [];
  const e = new Engine({ write: (t, r) => out.push([t, r as Record<string, unknown>]) }, { registry: new Registry([], [cdp]) });
  for (const f of frames) e.frame(rawFrame(f.bytes, f.ts));
  e.finish();
  const c = e.counters().dissectors.cdp;
  return { records: out.filter(([t]) => t === 'cdp').map(([, r]) => r), events: c?.events ?? {}, internal: c?.internal_errors ?? 0 };
}

// The management addresses TLV above holds the first address only: its count must say 1.
const PACKET_TLVS = TLVS.slice();
{
  const at = PACKET_TLVS.findIndex((_, i) => PACKET_TLVS[i] === 0x00 && PACKET_TLVS[i + 1] === 0x16 && PACKET_TLVS[i + 2] === 0x00 && PACKET_TLVS[i + 3] === 17);
  PACKET_TLVS[at + 7] = 1;
}

test('the reference announcement gives every TLV; the checksum verifies; Ethernet padding is not read', () => {
  const { records, events, internal } = runFrames([{ bytes: frame(cdpPacket(PACKET_TLVS), SRC, 7), ts: 1700000000 }]);
  assert.equal(internal, 0);
  assert.deepEqual(events, {});
  const r = records[0];
  assert.equal(r.src_mac, '00:0b:be:18:9a:41');
  assert.equal(r.dst_mac, '01:00:0c:cc:cc:cc');
  assert.equal(r.version, 2);
  assert.equal(r.ttl, 180);
  assert.equal(r.checksum_ok, true);
  assert.equal(r.device_id, 'myswitch');
  assert.deepEqual(r.addresses, ['192.168.0.253', '2001:db8::1']);
  assert.equal(r.port_id, 'FastEthernet0/1');
  assert.deepEqual(r.capabilities, ['switch', 'igmp']);
  assert.equal(r.capabilities_bits, 0x28);
  assert.equal(r.software_version, 'Cisco IOS Software, C2950 Software\nVersion 12.1(22)EA14');
  assert.equal(r.platform, 'cisco WS-C2950-12');
  assert.deepEqual(r.ip_prefixes, ['10.1.0.0/16']);
  assert.equal(r.vtp_domain, 'MYDOMAIN');
  assert.equal(r.native_vlan, 100);
  assert.equal(r.duplex, 'full');
  assert.equal(r.voice_vlan, 200);
  assert.equal(r.power_mw, 6300);
  assert.equal(r.mtu, 1500);
  assert.equal(r.trust_bitmap, 0);
  assert.equal(r.untrusted_cos, 0);
  assert.equal(r.system_name, 'sw1.plant.example');
  assert.equal(r.system_object_id, '1.3.6.1.4.1.9.1.129');
  assert.deepEqual(r.mgmt_addresses, ['192.168.0.253']);
  assert.equal(r.location, 'Hall 3');
  assert.deepEqual(r.other_tlvs, ['0x0008', '0x001d']);
  assert.equal(r.truncated, false);
  assert.equal(r.record_kind, 'new');
});

test('checksums: a wrong one raises bad_checksum (recorded); Cisco\'s odd-length variant verifies', () => {
  const bad = cdpPacket(PACKET_TLVS);
  bad[3] ^= 0xff;
  // The reference packet has an odd length (4 + 307 bytes); make its last byte negative so the two algorithms differ.
  const odd = PACKET_TLVS.slice();
  assert.equal((4 + odd.length) % 2, 1);
  odd[odd.length - 1] = 0xf0;
  const cisco = cdpPacket(odd, 2, 180, ciscoChecksum);
  assert.notEqual(ciscoChecksum(concat(new Uint8Array(4), odd)), ipChecksum(concat(new Uint8Array(4), odd)));
  const r = runFrames([{ bytes: frame(bad), ts: 1 }, { bytes: frame(cisco, hex`00 0b be 00 00 01`), ts: 2 }]);
  assert.deepEqual(r.events, { bad_checksum: 1 });
  assert.deepEqual(r.records.map((x) => x.checksum_ok), [false, true]);
});

test('the change-only rule: repeats folded, a changed TLV written, a summary at the end', () => {
  const a = cdpPacket(PACKET_TLVS);
  const b = cdpPacket(concat(PACKET_TLVS, tlv(0x0011, u32(9000))));
  const { records } = runFrames([a, a, a, b, b].map((p, i) => ({ bytes: frame(p), ts: 1700000000 + 60 * i })));
  assert.deepEqual(records.map((r) => [r.record_kind, r.repeats, r.frame_count, r.mtu]), [
    ['new', 0, 1, 1500],
    ['changed', 2, 4, 9000], // the second MTU TLV is the last one read
    ['summary', 1, 5, 9000],
  ]);
});

test('malformed TLVs: a length below 4 stops the walk; a wrong-size TLV is left out; version 3 is flagged', () => {
  const short = cdpPacket(concat(tlv(0x0001, 'dev'), hex`00 03 00 02  // Port ID with length 2`));
  const wrongSize = cdpPacket(concat(tlv(0x0001, 'dev2'), tlv(0x000a, [1])));
  const v3 = cdpPacket(tlv(0x0001, 'dev3'), 3);
  const r = runFrames([short, wrongSize, v3].map((p, i) => ({ bytes: frame(p), ts: 1 + i })));
  assert.deepEqual(r.events, { bad_tlv_length: 2, unknown_version: 1 });
  assert.deepEqual(r.records.map((x) => [x.device_id, x.port_id, x.native_vlan, x.truncated, x.version]), [
    ['dev', undefined, undefined, true, 2],
    ['dev2', undefined, undefined, false, 2],
    ['dev3', undefined, undefined, false, 3],
  ]);
});

test('truncation at every offset: no exception; a cut packet is flagged and keeps only whole TLVs', () => {
  const full = cdpPacket(PACKET_TLVS);
  const boundaries = new Set<number>([4]);
  for (let o = 4; o < full.length; o += (full[o + 2] << 8) | full[o + 3]) boundaries.add(o);
  boundaries.add(full.length);
  for (const cut of prefixes(full)) {
    // A capture cut by the snap length: the 802.3 length still says the whole packet.
    const f = frame(full).subarray(0, 22 + cut.length);
    const { records, internal } = runFrames([{ bytes: f, ts: 1 }]);
    assert.equal(internal, 0);
    if (cut.length < 4) assert.equal(records.length, 0);
    for (const r of records) assert.equal(r.truncated, !boundaries.has(cut.length), `${cut.length} bytes`);
  }
});

test('fuzz: random payloads and bit flips of the reference announcement never throw', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), (body) => runFrames([{ bytes: frame(body), ts: 1 }]).internal === 0),
    { numRuns: 300 },
  );
  const good = cdpPacket(PACKET_TLVS);
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 6 }), (flips) => {
      const b = good.slice();
      for (const [i, x] of flips) b[i] ^= x;
      return runFrames([{ bytes: frame(good), ts: 1 }, { bytes: frame(b), ts: 2 }]).internal === 0;
    }),
    { numRuns: 500 },
  );
});
