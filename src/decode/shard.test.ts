// The engine a frame goes to (--workers N): both directions of a flow must get the same
// hash whatever carries the IP packet, and different address pairs must spread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LINKTYPE, RawFrame } from '../capture/frame.ts';
import { shardHash } from './shard.ts';

const bytes = (...parts: (number[] | Uint8Array)[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
const be16 = (n: number) => [n >> 8, n & 0xff];
const ip4 = (a: string) => a.split('.').map(Number);

/** An IPv4 header (no options) and a 20-byte TCP header, no payload. */
function ipv4Tcp(src: string, dst: string, sport: number, dport: number): Uint8Array {
  return bytes([0x45, 0, ...be16(40), 0, 1, 0x40, 0, 64, 6, 0, 0], ip4(src), ip4(dst), be16(sport), be16(dport), [0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x10, 0x20, 0, 0, 0, 0, 0]);
}
const MAC_A = [0x00, 0x1c, 0x06, 0x01, 0x02, 0x03];
const MAC_B = [0x00, 0x0c, 0x29, 0x0a, 0x0b, 0x0c];
const MAC_C = [0x02, 0x00, 0x00, 0x00, 0x00, 0x01];
const eth = (dst: number[], src: number[], type: number, payload: Uint8Array) => bytes(dst, src, be16(type), payload);
const vlan = (id: number, type: number, payload: Uint8Array) => bytes(be16(id), be16(type), payload);
/** MPLS labels (the last one bottom of stack) in front of an IP packet. */
const mpls = (labels: number[], payload: Uint8Array) =>
  bytes(labels.flatMap((l, i) => [(l >> 12) & 0xff, (l >> 4) & 0xff, ((l & 0xf) << 4) | (i === labels.length - 1 ? 1 : 0), 64]), payload);
const pppoe = (session: number, payload: Uint8Array) => bytes([0x11, 0x00], be16(session), be16(payload.length + 2), [0x00, 0x21], payload);
const snap = (payload: Uint8Array) => bytes([0xaa, 0xaa, 0x03, 0, 0, 0], be16(0x0800), payload);
const sll = (proto: number, payload: Uint8Array) => bytes([0, 0], be16(1), be16(6), MAC_A, [0, 0], be16(proto), payload);
const sll2 = (proto: number, payload: Uint8Array) => bytes(be16(proto), [0, 0], [0, 0, 0, 2], be16(1), [0, 6], MAC_B, [0, 0], payload);

function hash(linktype: number, data: Uint8Array, at = 0): number {
  const f = new RawFrame();
  f.linktype = linktype;
  // Offset into a bigger buffer, as the readers hand frames over.
  const buf = new Uint8Array(at + data.length + 7);
  buf.set(data, at);
  f.data = buf;
  f.offset = at;
  f.caplen = data.length;
  f.wirelen = data.length;
  return shardHash(f);
}

const fwd = ipv4Tcp('10.1.1.10', '192.168.7.20', 49152, 502);
const rev = ipv4Tcp('192.168.7.20', '10.1.1.10', 502, 49152);

/** Both directions of the flow, each carried its own way (other MAC addresses, labels, sessions). */
const CARRIERS: [string, number, Uint8Array, Uint8Array][] = [
  ['Ethernet', LINKTYPE.ETHERNET, eth(MAC_A, MAC_B, 0x0800, fwd), eth(MAC_B, MAC_A, 0x0800, rev)],
  ['Ethernet, asymmetric routers', LINKTYPE.ETHERNET, eth(MAC_A, MAC_B, 0x0800, fwd), eth(MAC_C, MAC_A, 0x0800, rev)],
  ['MPLS, other labels and routers each way', LINKTYPE.ETHERNET, eth(MAC_A, MAC_B, 0x8847, mpls([1001, 16], fwd)), eth(MAC_C, MAC_A, 0x8847, mpls([2002], rev))],
  ['VLAN + MPLS', LINKTYPE.ETHERNET, eth(MAC_A, MAC_B, 0x8100, vlan(30, 0x8847, mpls([7], fwd))), eth(MAC_C, MAC_A, 0x8100, vlan(30, 0x8847, mpls([8, 9], rev)))],
  ['PPPoE session', LINKTYPE.ETHERNET, eth(MAC_A, MAC_B, 0x8864, pppoe(0x1234, fwd)), eth(MAC_C, MAC_A, 0x8864, pppoe(0x1234, rev))],
  ['LLC/SNAP', LINKTYPE.ETHERNET, eth(MAC_A, MAC_B, fwd.length + 8, snap(fwd)), eth(MAC_C, MAC_A, rev.length + 8, snap(rev))],
  ['QinQ', LINKTYPE.ETHERNET, eth(MAC_A, MAC_B, 0x88a8, vlan(100, 0x8100, vlan(5, 0x0800, fwd))), eth(MAC_C, MAC_A, 0x88a8, vlan(100, 0x8100, vlan(5, 0x0800, rev)))],
  ['Linux SLL with a VLAN tag', LINKTYPE.LINUX_SLL, sll(0x8100, vlan(12, 0x0800, fwd)), sll(0x8100, vlan(12, 0x0800, rev))],
  ['Linux SLL2 with MPLS', LINKTYPE.LINUX_SLL2, sll2(0x8847, mpls([44], fwd)), sll2(0x8847, mpls([45], rev))],
  ['raw IP', LINKTYPE.RAW, fwd, rev],
];

test('both directions of a flow go to one engine, whatever carries them', () => {
  for (const [name, lt, a, b] of CARRIERS) assert.equal(hash(lt, a, 3), hash(lt, b, 11), name);
});

test('an IP packet hashes by its addresses: MPLS, PPPoE and SNAP do not pile every flow of a link onto one engine', () => {
  const plain = (f: Uint8Array) => hash(LINKTYPE.ETHERNET, eth(MAC_A, MAC_B, 0x0800, f));
  for (const wrap of [
    (f: Uint8Array) => eth(MAC_A, MAC_B, 0x8847, mpls([16], f)),
    (f: Uint8Array) => eth(MAC_A, MAC_B, 0x8864, pppoe(1, f)),
    (f: Uint8Array) => eth(MAC_A, MAC_B, f.length + 8, snap(f)),
  ]) {
    const seen = new Set<number>();
    for (let i = 1; i <= 16; i++) {
      const f = ipv4Tcp(`10.0.0.${i}`, '10.0.9.9', 40000 + i, 502);
      const h = hash(LINKTYPE.ETHERNET, wrap(f));
      assert.equal(h, plain(f));
      seen.add(h % 2);
    }
    // Sixteen address pairs behind one MAC pair reach both engines of two.
    assert.equal(seen.size, 2);
  }
});

test('frames without IP hash by their MAC pair, the same both ways', () => {
  const arp = (a: number[], b: number[]) => eth(a, b, 0x0806, new Uint8Array(28));
  assert.equal(hash(LINKTYPE.ETHERNET, arp(MAC_A, MAC_B)), hash(LINKTYPE.ETHERNET, arp(MAC_B, MAC_A)));
  // MPLS carrying an Ethernet pseudowire: not followed (as the decoder), the outer MAC pair decides.
  const pw = (a: number[], b: number[]) => eth(a, b, 0x8847, mpls([99], bytes([0x00, 0x11], new Uint8Array(40))));
  assert.equal(hash(LINKTYPE.ETHERNET, pw(MAC_A, MAC_B)), hash(LINKTYPE.ETHERNET, pw(MAC_B, MAC_A)));
});

test('cut-short and random frames give a number, never an exception', () => {
  let seed = 7;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16) & 0xff;
  for (const [, lt, a] of CARRIERS) for (let n = 0; n < a.length; n++) assert.ok(Number.isInteger(hash(lt, a.subarray(0, n))));
  for (const lt of [LINKTYPE.ETHERNET, LINKTYPE.LINUX_SLL, LINKTYPE.LINUX_SLL2, LINKTYPE.RAW, LINKTYPE.NULL, 999]) {
    for (let i = 0; i < 2000; i++) {
      const f = Uint8Array.from({ length: rnd() % 96 }, rnd);
      // Encapsulations the walk follows, to reach its loops.
      if (lt === LINKTYPE.ETHERNET && f.length > 14) f.set([[0x81, 0x00], [0x88, 0x47], [0x88, 0x64]][i % 3], 12);
      const h = hash(lt, f);
      assert.ok(Number.isInteger(h) && h >= 0 && h < 2 ** 30);
    }
  }
});

test('the hash is a small integer (below 2^30) and spreads address pairs evenly over 2, 3 and 5 engines', () => {
  // Below 2^30, V8 passes it untagged and the dispatcher's remainder is an integer one.
  const counts = new Map<number, number[]>([[2, [0, 0]], [3, [0, 0, 0]], [5, [0, 0, 0, 0, 0]]]);
  let high = 0;
  for (let i = 0; i < 6000; i++) {
    const h = hash(LINKTYPE.ETHERNET, eth(MAC_A, MAC_B, 0x0800, ipv4Tcp(`10.${(i >> 8) & 255}.${i & 255}.1`, `192.168.${i % 7}.${(i * 13) & 255}`, 40000 + (i % 1000), 502)));
    assert.ok(Number.isInteger(h) && h >= 0 && h < 2 ** 30, String(h));
    if (h >= 2 ** 29) high++;
    for (const [n, c] of counts) c[h % n]++;
  }
  // All 30 bits are used, not only the low ones.
  assert.ok(high > 2700 && high < 3300, `${high} of 6000 at or above 2^29`);
  for (const [n, c] of counts) for (const k of c) assert.ok(Math.abs(k - 6000 / n) < (6000 / n) * 0.1, `${n} engines: ${c.join(' ')}`);
});
