// Builds Ethernet/IPv4 TCP and UDP frames for tests.
import { LINKTYPE, RawFrame } from '../../src/capture/frame.ts';

export interface TcpSpec {
  src: string;
  dst: string;
  sport: number;
  dport: number;
  seq: number;
  ack?: number;
  flags: string; // any of "SAFRPU"
  payload?: Uint8Array;
  window?: number;
  ts: number;
}

const ip4 = (s: string) => s.split('.').map(Number);

function ipv4Frame(src: string, dst: string, proto: number, l4: Uint8Array): Uint8Array {
  const tot = 20 + l4.length;
  const b = new Uint8Array(14 + tot);
  b.set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00], 0);
  b.set([0x45, 0, tot >> 8, tot & 255, 0, 1, 0x40, 0, 64, proto, 0, 0, ...ip4(src), ...ip4(dst)], 14);
  b.set(l4, 34);
  return b;
}

export function tcpFrame(s: TcpSpec): RawFrame {
  const pay = s.payload ?? new Uint8Array(0);
  const t = new Uint8Array(20 + pay.length);
  const v = new DataView(t.buffer);
  v.setUint16(0, s.sport);
  v.setUint16(2, s.dport);
  v.setUint32(4, s.seq >>> 0);
  v.setUint32(8, (s.ack ?? 0) >>> 0);
  let fl = 0;
  for (const [c, bit] of [['F', 1], ['S', 2], ['R', 4], ['P', 8], ['A', 16], ['U', 32]] as const) if (s.flags.includes(c)) fl |= bit;
  t[12] = 0x50;
  t[13] = fl;
  v.setUint16(14, s.window ?? 8192);
  t.set(pay, 20);
  return frame(ipv4Frame(s.src, s.dst, 6, t), s.ts);
}

export function udpFrame(src: string, dst: string, sport: number, dport: number, payload: Uint8Array, ts: number): RawFrame {
  const u = new Uint8Array(8 + payload.length);
  const v = new DataView(u.buffer);
  v.setUint16(0, sport);
  v.setUint16(2, dport);
  v.setUint16(4, u.length);
  u.set(payload, 8);
  return frame(ipv4Frame(src, dst, 17, u), ts);
}

function frame(bytes: Uint8Array, ts: number): RawFrame {
  const f = new RawFrame();
  f.data = bytes;
  f.offset = 0;
  f.caplen = f.wirelen = bytes.length;
  f.linktype = LINKTYPE.ETHERNET;
  f.ts = ts;
  return f;
}
