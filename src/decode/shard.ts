// Which worker a frame goes to: a symmetric hash of its IP address pair (and VLAN), read
// with a minimal look at the headers, through what the decoder follows to reach IP (VLAN
// tags, LLC/SNAP, MPLS, PPPoE, IP-in-IP, GRE). Both directions of a flow, and every fragment
// of a datagram, land on the same worker. Frames without IP hash by their MAC address pair.
import { LINKTYPE, type RawFrame } from '../capture/frame.ts';

// Everything here stays a signed 32-bit integer (`| 0`, never `>>> 0`), and shardHash's
// value fits in 30 bits. V8 keeps such numbers untagged in optimised code and passes them
// as small integers; an unsigned value above 2^30 leaving a function that is not inlined is
// boxed as a heap number, and the dispatcher's `%` on it is a floating-point remainder (a
// call into C). On plant-mix that cost the reader's thread about 0.05 CPU s per pass of
// --workers 2 (0.58 against 0.37 s for the capture given 4 times).

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function word(d: Uint8Array, o: number): number {
  return (d[o] << 24) | (d[o + 1] << 16) | (d[o + 2] << 8) | d[o + 3];
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
  // Addition is commutative: the pair hashes the same in either order.
  return fmix((fmix(ha) + fmix(hb)) | 0);
}

/** A non-negative integer below 2^30: the same for both directions of a flow. */
export function shardHash(f: RawFrame): number {
  return frameHash(f) & 0x3fffffff;
}

function frameHash(f: RawFrame): number {
  const d = f.data;
  const end = f.offset + f.caplen;
  let o = f.offset;
  let type: number;
  switch (f.linktype) {
    case LINKTYPE.ETHERNET:
      if (end - o < 14) return 0;
      return l2Hash(d, o + 14, end, (d[o + 12] << 8) | d[o + 13], o, true);
    case LINKTYPE.NULL:
    case LINKTYPE.LOOP:
      o += 4;
      type = end - o > 0 && d[o] >> 4 === 6 ? 0x86dd : 0x0800;
      break;
    case LINKTYPE.LINUX_SLL:
      if (end - o < 16) return 0;
      return l2Hash(d, o + 16, end, (d[o + 14] << 8) | d[o + 15], -1, false);
    case LINKTYPE.LINUX_SLL2:
      if (end - o < 20) return 0;
      return l2Hash(d, o + 20, end, (d[o] << 8) | d[o + 1], -1, false);
    default:
      // Raw IP link types and anything else: look at the version nibble.
      type = end - o > 0 && d[o] >> 4 === 6 ? 0x86dd : 0x0800;
  }
  return ipHash(d, o, end, type, 0);
}

/** Most VLAN tags or MPLS labels followed, as the decoder does. */
const MAX_TAGS = 8;

/**
 * From an EtherType at d[o] on (`mac`: offset of the Ethernet addresses, -1 for none), the
 * way the decoder goes to the network layer: VLAN tags, LLC/SNAP (`llc`: Ethernet only; an
 * SLL protocol below 0x0600 is no length), MPLS labels and PPPoE sessions. An IP packet
 * hashes by its address pair (and the VLAN ids, which are part of the flow's key), whatever
 * carries it: both directions of a flow and every fragment land on one engine even when
 * the two directions travel between other MAC addresses or MPLS labels. Anything else
 * hashes by the MAC address pair.
 */
function l2Hash(d: Uint8Array, o: number, end: number, type: number, mac: number, llc: boolean): number {
  let vlan = 0;
  for (let i = 0; type === 0x8100 || type === 0x88a8 || type === 0x9100; i++) {
    if (i >= MAX_TAGS || end - o < 4) return 0;
    vlan = (Math.imul(vlan, 4099) + (((d[o] & 0x0f) << 8) | d[o + 1])) | 0;
    type = (d[o + 2] << 8) | d[o + 3];
    o += 4;
  }
  let ip = 0; // 0x0800 or 0x86dd once the network layer is found
  if (type < 0x0600) {
    if (llc && end - o >= 8 && d[o] === 0xaa && d[o + 1] === 0xaa && d[o + 2] === 0x03 && d[o + 3] === 0 && d[o + 4] === 0 && d[o + 5] === 0) {
      const snap = (d[o + 6] << 8) | d[o + 7];
      if (snap === 0x0800 || snap === 0x86dd) {
        ip = snap;
        o += 8;
      }
    }
  } else if (type === 0x0800 || type === 0x86dd) ip = type;
  else if (type === 0x8847 || type === 0x8848) {
    for (let i = 0; i < MAX_TAGS && end - o >= 4; i++) {
      const bottom = d[o + 2] & 1;
      o += 4;
      if (bottom) {
        const v = end - o >= 1 ? d[o] >> 4 : 0;
        if (v === 4) ip = 0x0800;
        else if (v === 6) ip = 0x86dd;
        break;
      }
    }
  } else if (type === 0x8864 && end - o >= 8) {
    const proto = (d[o + 6] << 8) | d[o + 7];
    if (proto === 0x0021) ip = 0x0800;
    else if (proto === 0x0057) ip = 0x86dd;
    o += 8;
  }
  if (ip !== 0) return ipHash(d, o, end, ip, 0) ^ vlan;
  return mac >= 0 ? pairHash(d, mac, mac + 6, 6) ^ vlan : vlan;
}

/** The hash every DHCP/DHCPv6 packet gets (any fixed value: one engine sees them all). */
const DHCP_SHARD = 0;

/** Hash of an IP packet's address pair, looking inside IP-in-IP and GRE as the decoder does. */
function ipHash(d: Uint8Array, o: number, end: number, type: number, depth: number): number {
  let proto: number;
  let inner: number;
  let h: number;
  if (type === 0x0800) {
    if (end - o < 20) return 0;
    h = fmix((fmix(word(d, o + 12)) + fmix(word(d, o + 16))) | 0);
    proto = d[o + 9];
    inner = o + ((d[o] & 0x0f) << 2);
  } else if (type === 0x86dd) {
    if (end - o < 40) return 0;
    h = pairHash(d, o + 8, o + 24, 16);
    proto = d[o + 6]; // tunnels behind IPv6 extension headers are rare: not followed
    inner = o + 40;
  } else return 0;
  // DHCP and DHCPv6 transactions run over several address pairs (0.0.0.0 → broadcast, then the
  // assigned address): all of it goes to one engine so each transaction is one record.
  if (proto === 17 && end - inner >= 4 && (type === 0x86dd || (((d[o + 6] & 0x1f) << 8) | d[o + 7]) === 0)) {
    const sp = (d[inner] << 8) | d[inner + 1];
    const dp = (d[inner + 2] << 8) | d[inner + 3];
    if (sp === 67 || sp === 68 || dp === 67 || dp === 68 || sp === 546 || sp === 547 || dp === 546 || dp === 547) return DHCP_SHARD;
  }
  if (depth >= 4 || inner >= end) return h;
  if (proto === 4 || proto === 41) return ipHash(d, inner, end, proto === 4 ? 0x0800 : 0x86dd, depth + 1) || h;
  if (proto === 47 && end - inner >= 4) {
    const flags = d[inner];
    const version = d[inner + 1] & 7;
    let hl = 4;
    if (version === 0) hl += (flags & 0x80 ? 4 : 0) + (flags & 0x20 ? 4 : 0) + (flags & 0x10 ? 4 : 0);
    else if (version === 1) hl += 4 + (flags & 0x10 ? 4 : 0) + (d[inner + 1] & 0x80 ? 4 : 0);
    const t = (d[inner + 2] << 8) | d[inner + 3];
    if (t === 0x0800 || t === 0x86dd) return ipHash(d, inner + hl, end, t, depth + 1) || h;
  }
  return h;
}
