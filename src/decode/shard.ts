// Which worker a frame goes to: a symmetric hash of its IP address pair (and VLAN), read
// with a minimal look at the headers. Both directions of a flow, and every fragment of a
// datagram, land on the same worker. Frames without IP hash by their MAC address pair.
import { LINKTYPE, type RawFrame } from '../capture/frame.ts';

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function word(d: Uint8Array, o: number): number {
  return ((d[o] << 24) | (d[o + 1] << 16) | (d[o + 2] << 8) | d[o + 3]) >>> 0;
}

/** Hash of the unordered pair of byte strings d[a, a+n) and d[b, b+n), n a multiple of 2. */
function pairHash(d: Uint8Array, a: number, b: number, n: number): number {
  let ha = 0x9e3779b9;
  let hb = 0x9e3779b9;
  for (let i = 0; i + 3 < n; i += 4) {
    ha = Math.imul(ha ^ word(d, a + i), 0x01000193);
    hb = Math.imul(hb ^ word(d, b + i), 0x01000193);
  }
  if ((n & 3) !== 0) {
    const i = n & ~3;
    ha = Math.imul(ha ^ ((d[a + i] << 8) | d[a + i + 1]), 0x01000193);
    hb = Math.imul(hb ^ ((d[b + i] << 8) | d[b + i + 1]), 0x01000193);
  }
  return fmix(fmix(ha) + fmix(hb));
}

export function shardHash(f: RawFrame): number {
  const d = f.data;
  const end = f.offset + f.caplen;
  let o = f.offset;
  let type = 0;
  let vlan = 0;
  switch (f.linktype) {
    case LINKTYPE.ETHERNET: {
      if (end - o < 14) return 0;
      const mac = o;
      type = (d[o + 12] << 8) | d[o + 13];
      o += 14;
      for (let i = 0; i < 8 && (type === 0x8100 || type === 0x88a8 || type === 0x9100); i++) {
        if (end - o < 4) return 0;
        vlan = vlan * 4099 + (((d[o] & 0x0f) << 8) | d[o + 1]);
        type = (d[o + 2] << 8) | d[o + 3];
        o += 4;
      }
      if (type !== 0x0800 && type !== 0x86dd) return pairHash(d, mac, mac + 6, 6) ^ vlan;
      break;
    }
    case LINKTYPE.NULL:
    case LINKTYPE.LOOP:
      o += 4;
      type = end - o > 0 && d[o] >> 4 === 6 ? 0x86dd : 0x0800;
      break;
    case LINKTYPE.LINUX_SLL:
      if (end - o < 16) return 0;
      type = (d[o + 14] << 8) | d[o + 15];
      o += 16;
      break;
    case LINKTYPE.LINUX_SLL2:
      if (end - o < 20) return 0;
      type = (d[o] << 8) | d[o + 1];
      o += 20;
      break;
    default:
      // Raw IP link types and anything else: look at the version nibble.
      type = end - o > 0 && d[o] >> 4 === 6 ? 0x86dd : 0x0800;
  }
  if (type === 0x0800) {
    if (end - o < 20) return vlan;
    return (pairHash(d, o + 12, o + 16, 4) ^ vlan) >>> 0;
  }
  if (type === 0x86dd) {
    if (end - o < 40) return vlan;
    return (pairHash(d, o + 8, o + 24, 16) ^ vlan) >>> 0;
  }
  return vlan;
}
