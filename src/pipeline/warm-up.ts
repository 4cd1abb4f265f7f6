// A few hundred made-up frames that an engine of its own (records thrown away) runs before
// the capture, so that V8 has seen the packet path's branches before it optimises it.
//
// V8 compiles a hot function for the branches it has seen taken. A branch first taken later
// (the first ICMP packet, a sequence number past 2^31, a zero window, data after a FIN)
// throws the optimised code away: the function runs unoptimised again until V8 has compiled
// it a second time, on a helper thread that is busy with the rest of the start. On plant-mix
// (flows only) optimised code was thrown away 19 times, most in the first 0.3 s; 12 times
// after these frames, which take many of those branches before any function is hot. (Not
// all: V8 notes nothing for a function's first few calls, and some branches depend on state
// built up over many packets.)
//
// Nothing of it reaches the run's records or counters: its engine, flow table, clock and
// sink are its own, and it dissects nothing.
import { RawFrame } from '../capture/frame.ts';
import { LINKTYPE } from '../capture/frame.ts';
import { Registry } from '../dissect/registry.ts';
import type { FlowConfig } from '../flow/flow-table.ts';
import { Engine, type RecordSink } from './engine.ts';

const TH = { F: 1, S: 2, R: 4, P: 8, A: 16, U: 32 } as const;

/** Builds the frames: Ethernet (optionally one VLAN tag), IPv4 or IPv6, then TCP, UDP or ICMP. */
class Frames {
  readonly out: RawFrame[] = [];
  ts = 1_000_000_000;

  private push(bytes: Uint8Array, caplen = bytes.length): void {
    const f = new RawFrame();
    f.data = bytes;
    f.offset = 0;
    f.caplen = caplen;
    f.wirelen = bytes.length;
    f.linktype = LINKTYPE.ETHERNET;
    f.ts = this.ts;
    this.ts += 0.001;
    this.out.push(f);
  }

  /** An Ethernet frame around an IP packet; `v6` picks the header; `cut` bytes are left uncaptured. */
  ip(src: number, dst: number, proto: number, l4: Uint8Array, opts: { v6?: boolean; vlan?: number; cut?: number; frag?: number } = {}): void {
    const v6 = opts.v6 === true;
    const l2 = opts.vlan !== undefined ? 18 : 14;
    const ipLen = (v6 ? 40 : 20) + l4.length;
    const b = new Uint8Array(l2 + ipLen);
    const v = new DataView(b.buffer);
    b.set([0x02, 0, 0, 0, (dst >>> 8) & 255, dst & 255, 0x02, 0, 0, 0, (src >>> 8) & 255, src & 255], 0);
    let o = 12;
    if (opts.vlan !== undefined) {
      v.setUint16(o, 0x8100);
      v.setUint16(o + 2, opts.vlan);
      o += 4;
    }
    v.setUint16(o, v6 ? 0x86dd : 0x0800);
    o += 2;
    if (v6) {
      b[o] = 0x60;
      v.setUint16(o + 4, l4.length);
      b[o + 6] = proto;
      b[o + 7] = 64;
      v.setUint32(o + 8, 0xfe800000);
      v.setUint32(o + 20, src);
      v.setUint32(o + 24, 0xfe800000);
      v.setUint32(o + 36, dst);
      b.set(l4, o + 40);
    } else {
      b[o] = 0x45;
      v.setUint16(o + 2, ipLen);
      v.setUint16(o + 4, 1);
      v.setUint16(o + 6, opts.frag ?? 0x4000);
      b[o + 8] = 64;
      b[o + 9] = proto;
      v.setUint32(o + 12, src);
      v.setUint32(o + 16, dst);
      b.set(l4, o + 20);
    }
    this.push(b, b.length - (opts.cut ?? 0));
  }

  tcp(src: number, dst: number, sport: number, dport: number, seq: number, ack: number, flags: number, payload = 0, opts: { v6?: boolean; vlan?: number; cut?: number; window?: number } = {}): void {
    const t = new Uint8Array(20 + payload);
    const v = new DataView(t.buffer);
    v.setUint16(0, sport);
    v.setUint16(2, dport);
    v.setUint32(4, seq >>> 0);
    v.setUint32(8, ack >>> 0);
    t[12] = 0x50;
    t[13] = flags;
    v.setUint16(14, opts.window ?? 8192);
    for (let i = 20; i < t.length; i++) t[i] = i & 255;
    this.ip(src, dst, 6, t, opts);
  }

  udp(src: number, dst: number, sport: number, dport: number, payload: number, opts: { v6?: boolean; vlan?: number } = {}): void {
    const u = new Uint8Array(8 + payload);
    const v = new DataView(u.buffer);
    v.setUint16(0, sport);
    v.setUint16(2, dport);
    v.setUint16(4, u.length);
    this.ip(src, dst, 17, u, opts);
  }

  icmp(src: number, dst: number, type: number, opts: { v6?: boolean } = {}): void {
    const c = new Uint8Array(16);
    c[0] = type;
    c[5] = 1;
    this.ip(src, dst, opts.v6 === true ? 58 : 1, c, opts);
  }

  /** A whole TCP connection: handshake, `rounds` request/response exchanges, then a close by FIN or RST. */
  conversation(c: number, s: number, cport: number, sport: number, cseq: number, sseq: number, rounds: number, end: 'fin' | 'rst' | 'none', opts: { v6?: boolean; vlan?: number } = {}): void {
    const { S, A, P, F, R } = TH;
    this.tcp(c, s, cport, sport, cseq, 0, S, 0, opts);
    this.tcp(s, c, sport, cport, sseq, cseq + 1, S | A, 0, opts);
    let cs = cseq + 1;
    let ss = sseq + 1;
    this.tcp(c, s, cport, sport, cs, ss, A, 0, opts);
    for (let i = 0; i < rounds; i++) {
      this.tcp(c, s, cport, sport, cs, ss, P | A, 12, opts);
      cs += 12;
      this.tcp(s, c, sport, cport, ss, cs, P | A, 40, opts);
      ss += 40;
      this.tcp(c, s, cport, sport, cs, ss, A, 0, opts);
    }
    if (end === 'fin') {
      this.tcp(c, s, cport, sport, cs, ss, F | A, 0, opts);
      this.tcp(s, c, sport, cport, ss, cs + 1, F | A, 0, opts);
      this.tcp(c, s, cport, sport, cs + 1, ss + 1, A, 0, opts);
    } else if (end === 'rst') this.tcp(c, s, cport, sport, cs, ss, R | A, 0, opts);
  }
}

/** The made-up traffic: every kind of frame, connection and ending the flow table handles. */
export function warmUpFrames(): RawFrame[] {
  const g = new Frames();
  const { S, A, P, F, R } = TH;
  const C = 0x0a000001; // 10.0.0.1
  const SV = 0x0a000102; // 10.0.1.2
  // Connections of each ending, with sequence numbers below 2^31, above it and about to wrap.
  for (let round = 0; round < 3; round++) {
    const base = [0x1000, 0x9000_0000, 0xffff_ff00][round];
    g.conversation(C, SV, 40000 + round, 502, base, base + 0x100, 6, 'fin');
    g.conversation(C + 1, SV, 40100 + round, 102, base + 7, base * 3 + 11, 4, 'rst');
    g.conversation(C + 2, SV, 40200 + round, 44818, base + 99, base + 5, 3, 'none', { vlan: 10 + round });
    g.conversation(C + 3, SV + 1, 40300 + round, 80, base, base + 77, 2, 'fin', { v6: true });
    // Unanswered SYN (S0), and one refused (REJ).
    g.tcp(C + 4, SV, 40400 + round, 445, base, 0, S);
    g.tcp(C + 5, SV, 40500 + round, 23, base, 0, S);
    g.tcp(SV, C + 5, 23, 40500 + round, 0, base + 1, R | A);
  }
  // Picked up mid-stream, with a segment out of order, a retransmission, a gap, a zero window,
  // a segment cut short by the snap length, data after the FIN and an RST from each side.
  for (let round = 0; round < 3; round++) {
    const c = C + 10 + round;
    const s0 = [0x2000, 0xa000_0000, 0xffff_f000][round];
    const r0 = 0x7fff_ff00 + round * 0x4000_0000;
    let cs = s0;
    let rs = r0;
    g.tcp(c, SV, 41000 + round, 502, cs, rs, P | A, 12);
    cs += 12;
    g.tcp(SV, c, 502, 41000 + round, rs, cs, P | A, 20);
    rs += 20;
    g.tcp(c, SV, 41000 + round, 502, cs + 12, rs, P | A, 12); // ahead of the next
    g.tcp(c, SV, 41000 + round, 502, cs, rs, P | A, 12); // the missing one
    g.tcp(c, SV, 41000 + round, 502, cs, rs, P | A, 12); // again: a retransmission
    cs += 24;
    g.tcp(SV, c, 502, 41000 + round, rs + 100, cs, P | A, 20); // 100 bytes never seen: a gap
    rs += 120;
    g.tcp(c, SV, 41000 + round, 502, cs, rs, A, 0, { window: 0 });
    g.tcp(c, SV, 41000 + round, 502, cs, rs, P | A, 200, { cut: 150 });
    cs += 200;
    g.tcp(SV, c, 502, 41000 + round, rs, cs, F | A, 0);
    g.tcp(SV, c, 502, 41000 + round, rs + 1, cs, P | A, 8); // after its FIN
    g.tcp(c, SV, 41000 + round, 502, cs, rs + 1, F | A, 0);
    g.tcp(c, SV, 41000 + round, 502, cs + 1, rs + 1, R, 0);
    g.tcp(SV, c, 502, 41000 + round, rs + 1, cs + 1, R | A, 0);
  }
  // A port reused by a new SYN after the first connection closed.
  g.conversation(C + 20, SV, 42000, 502, 100, 200, 1, 'fin');
  g.conversation(C + 20, SV, 42000, 502, 900_000, 5_000, 1, 'fin');
  // UDP both ways and one way, ICMP and ICMPv6, over IPv4, IPv6 and a VLAN.
  for (let i = 0; i < 4; i++) {
    g.udp(C + 30 + i, SV, 50000 + i, 161, 30);
    g.udp(SV, C + 30 + i, 161, 50000 + i, 90);
    g.udp(C + 30 + i, SV + 2, 50100 + i, 47808, 20, { vlan: 20 });
    g.udp(C + 30 + i, SV + 3, 50200 + i, 53, 40, { v6: true });
    g.udp(SV + 3, C + 30 + i, 53, 50200 + i, 80, { v6: true });
    g.icmp(C + 40 + i, SV, 8);
    g.icmp(SV, C + 40 + i, 0);
    g.icmp(C + 40 + i, SV, 128, { v6: true });
    g.icmp(SV, C + 40 + i, 129, { v6: true });
  }
  // An IPv4 datagram in two fragments.
  g.ip(C + 50, SV, 17, new Uint8Array(24), { frag: 0x2000 });
  g.ip(C + 50, SV, 17, new Uint8Array(16), { frag: 0x0003 });
  // Later traffic, past every timeout: the flows still open end by timer.
  g.ts += 4000;
  g.udp(C + 60, SV, 50300, 161, 10);
  g.tcp(C + 61, SV, 43000, 502, 1, 0, S);
  return g.out;
}

const DISCARD: RecordSink = { write() {} };

/**
 * Runs the made-up frames through an engine of its own, dissecting nothing, and drops its
 * records: ~12 ms, in V8's slowest tier. `flow`: the run's flow-table settings, so that the
 * same code paths (and timeouts) are taken. plant-mix, flows only: 0.744 against 0.768 s with
 * one engine, 0.933 against 0.973 s with two (7 interleaved rounds).
 */
export function warmUpEngine(flow?: Partial<FlowConfig>): void {
  const e = new Engine(DISCARD, { flow, registry: new Registry([]) });
  // Twice: V8 gives a function its feedback vector (where it notes the branches and types
  // seen) only after its first few calls. More passes cost more than they save.
  const frames = warmUpFrames();
  for (let pass = 0; pass < 2; pass++) for (const f of frames) e.frame(f);
  e.finish();
}
