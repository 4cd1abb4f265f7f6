// Decoder tests: hand-built frames, commented field by field; truncation at every offset;
// fuzzing with random and bit-flipped frames (never an exception, always one outcome).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { LINKTYPE, RawFrame } from '../capture/frame.ts';
import { Decoder } from './decoder.ts';
import { OUTCOME, Packet } from './packet.ts';

const hex = (s: string) => Uint8Array.from(s.replace(/\s+|#[^\n]*/g, '').match(/../g)!.map((b) => parseInt(b, 16)));

// Ethernet + 802.1Q + IPv4 + TCP SYN with 4 bytes of payload.
const VLAN_TCP = hex(`
  001122334455 66778899aabb   # dst MAC, src MAC
  8100 0064                   # 802.1Q, VLAN 100
  0800                        # IPv4
  45 00 002c 1234 4000 40 06 0000   # v4 ihl 5, total 44, id, DF, ttl 64, TCP, checksum
  c0a80001 c0a80002           # 192.168.0.1 -> 192.168.0.2
  d431 01f6                   # ports 54321 -> 502
  00000064 00000000           # seq 100, ack 0
  50 02 ffff 0000 0000        # data offset 5, SYN, window 65535, checksum, urgent
  deadbeef                    # payload
`);

function frameOf(bytes: Uint8Array, linktype: number = LINKTYPE.ETHERNET, wirelen = bytes.length): RawFrame {
  const f = new RawFrame();
  f.data = bytes;
  f.offset = 0;
  f.caplen = bytes.length;
  f.wirelen = wirelen;
  f.linktype = linktype;
  f.ts = 1000.5;
  return f;
}

test('Ethernet + VLAN + IPv4 + TCP: every field', () => {
  const d = new Decoder();
  const p = new Packet();
  assert.equal(d.decode(frameOf(VLAN_TCP), p), OUTCOME.FLOW);
  assert.equal(p.vlan, 100);
  assert.equal(p.innerVlan, -1);
  assert.equal(p.ipVersion, 4);
  assert.equal(p.src0, 0xc0a80001);
  assert.equal(p.dst0, 0xc0a80002);
  assert.equal(p.ipLen, 44);
  assert.equal(p.ttl, 64);
  assert.equal(p.ipProto, 6);
  assert.equal(p.sport, 54321);
  assert.equal(p.dport, 502);
  assert.equal(p.seq, 100);
  assert.equal(p.tcpFlags, 0x02);
  assert.equal(p.window, 0xffff);
  assert.equal(p.payloadLen, 4);
  assert.deepEqual([...p.data.subarray(p.payloadOff, p.payloadOff + p.payloadLen)], [0xde, 0xad, 0xbe, 0xef]);
  assert.equal(p.macOff, 0);
});

test('QinQ: outer and inner VLAN', () => {
  const f = hex(`001122334455 66778899aabb 88a8 00c8 8100 0064 0806 0001080006040001 001122334455 c0a80001 000000000000 c0a80002`);
  const p = new Packet();
  assert.equal(new Decoder().decode(frameOf(f), p), OUTCOME.L2);
  assert.equal(p.vlan, 200);
  assert.equal(p.innerVlan, 100);
  assert.equal(p.ethertype, 0x0806);
});

test('Linux SLL2, BSD loopback in either byte order, raw IPv6 + UDP', () => {
  const ipv6udp = hex(`
    60000000 000c 11 40                                  # v6, payload 12, UDP, hop limit 64
    fe800000000000000000000000000001 ff020000000000000000000000000001
    1234 0035 000c 0000 61626364                         # ports 4660 -> 53, length 12, "abcd"
  `);
  const p = new Packet();
  assert.equal(new Decoder().decode(frameOf(ipv6udp, LINKTYPE.RAW), p), OUTCOME.FLOW);
  assert.equal(p.ipVersion, 6);
  assert.equal(p.src0, 0xfe800000);
  assert.equal(p.src3, 1);
  assert.equal(p.dport, 53);
  assert.equal(p.payloadLen, 4);
  const sll2 = new Uint8Array(20 + ipv6udp.length);
  sll2.set(hex('86dd 0000 00000002 0001 00 06 00112233445566770000'.replace(/ /g, '')), 0);
  sll2.set(ipv6udp, 20);
  assert.equal(new Decoder().decode(frameOf(sll2, LINKTYPE.LINUX_SLL2), p), OUTCOME.FLOW);
  assert.equal(p.dport, 53);
  for (const fam of [hex('1e000000'), hex('0000001e'), hex('18000000')]) {
    const b = new Uint8Array(4 + ipv6udp.length);
    b.set(fam, 0);
    b.set(ipv6udp, 4);
    assert.equal(new Decoder().decode(frameOf(b, LINKTYPE.NULL), p), OUTCOME.FLOW, `family ${[...fam]}`);
  }
});

test('ICMP echo: flow ports are the type and its counterpart, as in Zeek', () => {
  const f = hex(`001122334455 66778899aabb 0800 4500 001c 0001 0000 40 01 0000 0a000001 0a000002 08 00 0000 0001 0001`);
  const p = new Packet();
  assert.equal(new Decoder().decode(frameOf(f), p), OUTCOME.FLOW);
  assert.deepEqual([p.sport, p.dport, p.icmpType, p.icmpCode], [8, 0, 8, 0]);
});

test('IPv4 fragments are reassembled, in any order', () => {
  // A UDP datagram of 8 + 24 bytes, split into fragments of 16 and 16 bytes.
  const payload = new Uint8Array(32).map((_, i) => i);
  payload.set(hex('0400 0401 0020 0000'), 0); // UDP header: ports 1024 -> 1025, length 32
  const frag = (off: number, more: boolean, part: Uint8Array) => {
    const ip = hex(`4500 0000 abcd 0000 40 11 0000 0a000001 0a000002`);
    const tot = 20 + part.length;
    ip[2] = tot >> 8;
    ip[3] = tot & 255;
    const fo = (off >> 3) | (more ? 0x2000 : 0);
    ip[6] = fo >> 8;
    ip[7] = fo & 255;
    const b = new Uint8Array(14 + tot);
    b.set(hex('001122334455 66778899aabb 0800'), 0);
    b.set(ip, 14);
    b.set(part, 34);
    return b;
  };
  const a = frag(0, true, payload.subarray(0, 16));
  const b = frag(16, false, payload.subarray(16));
  for (const order of [[a, b], [b, a]]) {
    const d = new Decoder();
    const p = new Packet();
    assert.equal(d.decode(frameOf(order[0]), p), OUTCOME.FRAGMENT);
    assert.equal(d.decode(frameOf(order[1]), p), OUTCOME.FLOW);
    assert.equal(p.reassembled, true);
    assert.equal(p.ipLen, 52);
    assert.equal(p.dport, 1025);
    assert.equal(p.payloadLen, 24);
    assert.deepEqual([...p.data.subarray(p.payloadOff, p.payloadOff + 24)], [...payload.subarray(8)]);
  }
});

test('truncation at every offset: never an exception, a sane outcome, no read beyond the frame', () => {
  for (let n = 0; n <= VLAN_TCP.length; n++) {
    const cut = VLAN_TCP.slice(0, n);
    const p = new Packet();
    const o = new Decoder().decode(frameOf(cut, LINKTYPE.ETHERNET, VLAN_TCP.length), p);
    if (n < 14) assert.equal(o, OUTCOME.MALFORMED, `cut at ${n}`);
    else if (n >= 18 + 20 + 20) assert.equal(o, OUTCOME.FLOW, `cut at ${n}`);
    if (o === OUTCOME.FLOW) assert.ok(p.payloadOff + p.payloadCaplen <= n, `cut at ${n}: payload beyond the frame`);
  }
});

test('fuzz: random frames on every link type never throw and get one outcome', () => {
  const lts = [0, 1, 12, 14, 101, 108, 113, 228, 229, 276, 147, 9999];
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.constantFrom(...lts), fc.nat(300), (bytes, lt, extra) => {
      const d = new Decoder();
      const p = new Packet();
      const o = d.decode(frameOf(bytes, lt, bytes.length + (extra % 3 === 0 ? extra : 0)), p);
      assert.ok(o >= 0 && o <= 5);
      if (o === OUTCOME.FLOW) assert.ok(p.payloadOff + Math.max(0, p.payloadCaplen) <= p.end);
    }),
    { numRuns: 20_000 },
  );
});

test('fuzz: bit-flipped valid frames never throw', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(VLAN_TCP.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), (flips) => {
      const b = VLAN_TCP.slice();
      for (const [i, v] of flips) b[i] ^= v;
      new Decoder().decode(frameOf(b), new Packet());
    }),
    { numRuns: 20_000 },
  );
});

test('fuzz: random fragments never throw and never exceed the caps', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.nat(8), fc.nat(200), fc.boolean(), fc.uint8Array({ maxLength: 64 })), { maxLength: 40 }),
      (frags) => {
        const d = new Decoder({ maxDatagrams: 4, maxBytes: 1000, timeout: 30 });
        for (const [id, off, more, part] of frags) {
          const tot = 20 + part.length;
          const b = new Uint8Array(14 + tot);
          b.set(hex('001122334455 66778899aabb 0800 4500'), 0);
          b[16] = tot >> 8;
          b[17] = tot & 255;
          b[19] = id;
          const fo = off | (more ? 0x2000 : 0);
          b[20] = fo >> 8;
          b[21] = fo & 255;
          b[22] = 64;
          b[23] = 17;
          b.set(part, 34);
          d.decode(frameOf(b), new Packet());
          assert.ok(d.fragments.inProgress <= 4);
        }
      },
    ),
    { numRuns: 3_000 },
  );
});
