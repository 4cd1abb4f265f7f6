// Builds Ethernet/IPv4 TCP and UDP frames, and whole pcap files of a TCP conversation, for tests.
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

/** A pcap of a TCP conversation (handshake, one segment per chunk, FIN) between client and server. */
export function conversationPcap(chunks: readonly { isOrig: boolean; bytes: Uint8Array }[], client: [string, number], server: [string, number]): Buffer {
  const frames: { ts: number; data: Uint8Array }[] = [];
  let seqC = 1000;
  let seqS = 5000;
  let ts = 1700000000;
  const add = (isOrig: boolean, flags: string, payload?: Uint8Array) => {
    const f = tcpFrame({
      src: isOrig ? client[0] : server[0], dst: isOrig ? server[0] : client[0], sport: isOrig ? client[1] : server[1], dport: isOrig ? server[1] : client[1],
      seq: isOrig ? seqC : seqS, ack: isOrig ? seqS : seqC, flags, payload, ts: (ts += 0.001),
    });
    frames.push({ ts: f.ts, data: f.data.subarray(f.offset, f.offset + f.caplen) });
    const n = (payload?.length ?? 0) + (flags.includes('S') || flags.includes('F') ? 1 : 0);
    if (isOrig) seqC += n;
    else seqS += n;
  };
  add(true, 'S');
  add(false, 'SA');
  add(true, 'A');
  for (const c of chunks) add(c.isOrig, 'PA', c.bytes);
  add(true, 'FA');
  add(false, 'FA');
  const parts: Buffer[] = [];
  const g = Buffer.alloc(24);
  g.writeUInt32LE(0xa1b2c3d4, 0);
  g.writeUInt16LE(2, 4);
  g.writeUInt16LE(4, 6);
  g.writeUInt32LE(65535, 16);
  g.writeUInt32LE(1, 20);
  parts.push(g);
  for (const f of frames) {
    const h = Buffer.alloc(16);
    h.writeUInt32LE(Math.floor(f.ts), 0);
    h.writeUInt32LE(Math.round((f.ts % 1) * 1e6), 4);
    h.writeUInt32LE(f.data.length, 8);
    h.writeUInt32LE(f.data.length, 12);
    parts.push(h, Buffer.from(f.data));
  }
  return Buffer.concat(parts);
}
