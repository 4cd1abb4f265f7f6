// Layer 2 to 4 decoding: link types, VLAN tags, ARP, IPv4/IPv6 (with extension headers and
// fragment reassembly), TCP, UDP, ICMP/ICMPv6. One call per frame fills a reused Packet and
// returns its outcome. Nothing here throws or allocates on the common path: every length
// from the wire is checked against the bytes present before it is used.
import { LINKTYPE, type RawFrame } from '../capture/frame.ts';
import { DecodeCounters, LAYER, MALFORMED, WEIRD } from './counters.ts';
import { FragmentReassembler, type FragmentLimits, DEFAULT_FRAGMENT_LIMITS } from './ip-fragments.ts';
import { IPPROTO, OUTCOME, Packet, type Outcome } from './packet.ts';

const ETH_IPV4 = 0x0800;
const ETH_ARP = 0x0806;
const ETH_IPV6 = 0x86dd;
const ETH_VLAN = 0x8100;
const ETH_QINQ = 0x88a8;
const ETH_QINQ_OLD = 0x9100;
const ETH_MPLS = 0x8847;
const ETH_MPLS_MC = 0x8848;
const ETH_PPPOE = 0x8864;

/** Most VLAN tags or MPLS labels followed on one frame before it counts as malformed. */
const MAX_TAGS = 8;
/** Most IPv6 extension headers followed before the packet counts as malformed. */
const MAX_EXT_HEADERS = 16;
/** Most IP-in-IP / GRE encapsulations followed. */
const MAX_TUNNELS = 4;

export class Decoder {
  readonly counters = new DecodeCounters();
  readonly fragments: FragmentReassembler;

  constructor(fragmentLimits: FragmentLimits = DEFAULT_FRAGMENT_LIMITS) {
    this.fragments = new FragmentReassembler(this.counters, fragmentLimits);
  }

  decode(f: RawFrame, p: Packet): Outcome {
    const lt = f.linktype;
    p.ts = f.ts;
    p.wirelen = f.wirelen;
    p.caplen = f.caplen;
    p.linktype = lt;
    p.frame = f.data;
    p.frameOff = f.offset;
    p.data = f.data;
    p.end = f.offset + f.caplen;
    p.macOff = -1;
    p.sllAddrOff = -1;
    p.sllAddrLen = 0;
    p.vlan = -1;
    p.innerVlan = -1;
    p.ethertype = 0;
    p.ipVersion = 0;
    p.reassembled = false;
    p.tunnelDepth = 0;
    p.ipProto = 0;
    p.sport = 0;
    p.dport = 0;
    p.tcpFlags = 0;
    p.payloadLen = 0;
    p.payloadCaplen = 0;
    this.counters.countLinktype(lt);
    const off = f.offset;
    const c = this.counters;
    switch (lt) {
      case LINKTYPE.ETHERNET:
        return this.ethernet(p, off);
      case LINKTYPE.NULL:
      case LINKTYPE.LOOP:
        return this.nullLink(p, off, lt === LINKTYPE.LOOP);
      case LINKTYPE.RAW:
      case LINKTYPE.RAW_OLD_12:
      case LINKTYPE.RAW_OLD_14: {
        c.layers[LAYER.raw]++;
        if (p.end - off < 1) return this.bad(MALFORMED.raw_bad_version);
        const v = p.data[off] >> 4;
        if (v === 4) return this.ipv4(p, off);
        if (v === 6) return this.ipv6(p, off);
        return this.bad(MALFORMED.raw_bad_version);
      }
      case LINKTYPE.IPV4:
        c.layers[LAYER.raw]++;
        return this.ipv4(p, off);
      case LINKTYPE.IPV6:
        c.layers[LAYER.raw]++;
        return this.ipv6(p, off);
      case LINKTYPE.LINUX_SLL:
        return this.sll(p, off);
      case LINKTYPE.LINUX_SLL2:
        return this.sll2(p, off);
      default:
        return OUTCOME.UNSUPPORTED;
    }
  }

  private bad(reason: number): Outcome {
    this.counters.malformed[reason]++;
    return OUTCOME.MALFORMED;
  }

  private ethernet(p: Packet, off: number): Outcome {
    const d = p.data;
    if (p.end - off < 14) return this.bad(MALFORMED.eth_truncated);
    this.counters.layers[LAYER.ethernet]++;
    p.macOff = off;
    const type = (d[off + 12] << 8) | d[off + 13];
    return this.ethertype(p, type, off + 14);
  }

  /** Follows VLAN tags, LLC/SNAP, MPLS and PPPoE to the network layer. */
  private ethertype(p: Packet, type: number, off: number): Outcome {
    const d = p.data;
    const end = p.end;
    const c = this.counters;
    for (let tags = 0; type === ETH_VLAN || type === ETH_QINQ || type === ETH_QINQ_OLD; tags++) {
      if (end - off < 4) return this.bad(MALFORMED.vlan_truncated);
      if (tags >= MAX_TAGS) return this.bad(MALFORMED.vlan_truncated);
      const vid = ((d[off] & 0x0f) << 8) | d[off + 1];
      if (p.vlan < 0) {
        p.vlan = vid;
        c.layers[LAYER.vlan]++;
      } else if (p.innerVlan < 0) {
        p.innerVlan = vid;
        c.layers[LAYER.qinq]++;
      }
      type = (d[off + 2] << 8) | d[off + 3];
      off += 4;
    }
    if (type < 0x0600) {
      // IEEE 802.3 length field: an LLC frame (STP, CDP via SNAP, ...). IP over SNAP goes on.
      if (end - off < 3) return this.bad(MALFORMED.llc_truncated);
      c.layers[LAYER.llc]++;
      if (d[off] === 0xaa && d[off + 1] === 0xaa && d[off + 2] === 0x03 && end - off >= 8) {
        const oui = (d[off + 3] << 16) | (d[off + 4] << 8) | d[off + 5];
        const snapType = (d[off + 6] << 8) | d[off + 7];
        if (oui === 0 && (snapType === ETH_IPV4 || snapType === ETH_IPV6 || snapType === ETH_ARP)) {
          type = snapType;
          off += 8;
        } else {
          p.ethertype = type;
          p.l2PayloadOff = off;
          return OUTCOME.L2;
        }
      } else {
        p.ethertype = type;
        p.l2PayloadOff = off;
        return OUTCOME.L2;
      }
    }
    p.ethertype = type;
    p.l2PayloadOff = off;
    switch (type) {
      case ETH_IPV4:
        return this.ipv4(p, off);
      case ETH_IPV6:
        return this.ipv6(p, off);
      case ETH_ARP:
        if (end - off < 8) return this.bad(MALFORMED.arp_truncated);
        c.layers[LAYER.arp]++;
        return OUTCOME.L2;
      case ETH_MPLS:
      case ETH_MPLS_MC:
        return this.mpls(p, off);
      case ETH_PPPOE:
        return this.pppoe(p, off);
      default:
        c.countEthertype(type);
        return OUTCOME.L2;
    }
  }

  private mpls(p: Packet, off: number): Outcome {
    const d = p.data;
    this.counters.layers[LAYER.mpls]++;
    for (let i = 0; i < MAX_TAGS; i++) {
      if (p.end - off < 4) return this.bad(MALFORMED.mpls_truncated);
      const bottom = d[off + 2] & 1;
      off += 4;
      if (bottom) {
        if (p.end - off < 1) return this.bad(MALFORMED.mpls_truncated);
        const v = d[off] >> 4;
        if (v === 4) return this.ipv4(p, off);
        if (v === 6) return this.ipv6(p, off);
        return OUTCOME.L2; // Ethernet-over-MPLS pseudowires and others: not followed
      }
    }
    return this.bad(MALFORMED.mpls_truncated);
  }

  private pppoe(p: Packet, off: number): Outcome {
    const d = p.data;
    if (p.end - off < 8) return this.bad(MALFORMED.pppoe_truncated);
    this.counters.layers[LAYER.pppoe]++;
    const proto = (d[off + 6] << 8) | d[off + 7];
    if (proto === 0x0021) return this.ipv4(p, off + 8);
    if (proto === 0x0057) return this.ipv6(p, off + 8);
    return OUTCOME.L2;
  }

  private nullLink(p: Packet, off: number, networkOrder: boolean): Outcome {
    const d = p.data;
    if (p.end - off < 4) return this.bad(MALFORMED.null_truncated);
    this.counters.layers[LAYER.null]++;
    // DLT_NULL stores the address family in the writer's byte order; accept either.
    let fam = networkOrder
      ? ((d[off] << 24) | (d[off + 1] << 16) | (d[off + 2] << 8) | d[off + 3]) >>> 0
      : (d[off] | (d[off + 1] << 8) | (d[off + 2] << 16) | (d[off + 3] << 24)) >>> 0;
    if (fam > 0xffff) fam = ((fam & 0xff) << 24 | (fam & 0xff00) << 8 | (fam >>> 8) & 0xff00 | fam >>> 24) >>> 0;
    if (fam === 2) return this.ipv4(p, off + 4);
    if (fam === 24 || fam === 28 || fam === 30 || fam === 10) return this.ipv6(p, off + 4);
    return this.bad(MALFORMED.null_unknown_family);
  }

  private sll(p: Packet, off: number): Outcome {
    const d = p.data;
    if (p.end - off < 16) return this.bad(MALFORMED.sll_truncated);
    this.counters.layers[LAYER.linux_sll]++;
    const alen = (d[off + 4] << 8) | d[off + 5];
    p.sllAddrOff = off + 6;
    p.sllAddrLen = alen > 8 ? 8 : alen;
    const proto = (d[off + 14] << 8) | d[off + 15];
    return this.sllProto(p, proto, off + 16);
  }

  private sll2(p: Packet, off: number): Outcome {
    const d = p.data;
    if (p.end - off < 20) return this.bad(MALFORMED.sll_truncated);
    this.counters.layers[LAYER.linux_sll2]++;
    const alen = d[off + 11];
    p.sllAddrOff = off + 12;
    p.sllAddrLen = alen > 8 ? 8 : alen;
    const proto = (d[off] << 8) | d[off + 1];
    return this.sllProto(p, proto, off + 20);
  }

  private sllProto(p: Packet, proto: number, off: number): Outcome {
    // Values below 0x0600 are Linux pseudo-protocols (802.2 LLC, CAN, ...), not EtherTypes.
    if (proto < 0x0600) {
      p.ethertype = proto;
      p.l2PayloadOff = off;
      return OUTCOME.L2;
    }
    return this.ethertype(p, proto, off);
  }

  private ipv4(p: Packet, off: number): Outcome {
    const d = p.data;
    const c = this.counters;
    const avail = p.end - off;
    if (avail < 20) return this.bad(MALFORMED.ipv4_truncated);
    const vihl = d[off];
    if (vihl >> 4 !== 4) return this.bad(MALFORMED.ipv4_bad_version);
    const hl = (vihl & 0x0f) << 2;
    if (hl < 20) return this.bad(MALFORMED.ipv4_bad_header_length);
    if (hl > avail) return this.bad(MALFORMED.ipv4_truncated);
    let tot = (d[off + 2] << 8) | d[off + 3];
    // Bytes of this datagram that were on the wire (frame length minus the link header).
    const onWire = p.reassembled ? avail : p.wirelen - (off - p.frameOff);
    if (tot === 0) tot = onWire; // TCP segmentation offload leaves 0 here
    if (tot < hl) return this.bad(MALFORMED.ipv4_bad_total_length);
    // A datagram longer than its frame: decode what is there, as tshark does (Zeek drops it).
    if (tot > onWire) c.weird[WEIRD.ip_length_exceeds_frame]++;
    c.layers[LAYER.ipv4]++;
    p.ipVersion = 4;
    p.l3Off = off;
    p.ipHdrLen = hl;
    p.ipLen = tot;
    p.ttl = d[off + 8];
    p.src0 = ((d[off + 12] << 24) | (d[off + 13] << 16) | (d[off + 14] << 8) | d[off + 15]) >>> 0;
    p.dst0 = ((d[off + 16] << 24) | (d[off + 17] << 16) | (d[off + 18] << 8) | d[off + 19]) >>> 0;
    p.src1 = p.src2 = p.src3 = 0;
    p.dst1 = p.dst2 = p.dst3 = 0;
    p.srcOff = off + 12;
    p.dstOff = off + 16;
    const proto = d[off + 9];
    const ff = (d[off + 6] << 8) | d[off + 7];
    const capEnd = off + tot < p.end ? off + tot : p.end;
    if ((ff & 0x3fff) !== 0) {
      // MF set or a non-zero offset: a fragment.
      c.layers[LAYER.ipv4_fragment]++;
      const fragOff = (ff & 0x1fff) << 3;
      const more = (ff & 0x2000) !== 0;
      const whole = this.fragments.addV4(p.ts, d, off, hl, off + hl, capEnd - off - hl, fragOff, more);
      if (whole === null) return OUTCOME.FRAGMENT;
      c.layers[LAYER.ipv4_reassembled]++;
      p.data = whole;
      p.end = whole.length;
      p.reassembled = true;
      return this.ipv4(p, 0);
    }
    return this.transport(p, proto, off + hl, off + tot, capEnd);
  }

  private ipv6(p: Packet, off: number): Outcome {
    const d = p.data;
    const c = this.counters;
    const avail = p.end - off;
    if (avail < 40) return this.bad(MALFORMED.ipv6_truncated);
    if (d[off] >> 4 !== 6) return this.bad(MALFORMED.ipv6_bad_version);
    const onWire = p.reassembled ? avail : p.wirelen - (off - p.frameOff);
    let plen = (d[off + 4] << 8) | d[off + 5];
    if (plen === 0) plen = onWire - 40; // jumbogram or offload
    const tot = plen + 40;
    if (tot > onWire) c.weird[WEIRD.ip_length_exceeds_frame]++;
    c.layers[LAYER.ipv6]++;
    p.ipVersion = 6;
    p.l3Off = off;
    p.ipLen = tot;
    p.ttl = d[off + 7];
    p.src0 = readU32(d, off + 8);
    p.src1 = readU32(d, off + 12);
    p.src2 = readU32(d, off + 16);
    p.src3 = readU32(d, off + 20);
    p.dst0 = readU32(d, off + 24);
    p.dst1 = readU32(d, off + 28);
    p.dst2 = readU32(d, off + 32);
    p.dst3 = readU32(d, off + 36);
    p.srcOff = off + 8;
    p.dstOff = off + 24;
    const declEnd = off + tot;
    const capEnd = declEnd < p.end ? declEnd : p.end;
    let nxt = d[off + 6];
    let o = off + 40;
    for (let n = 0; ; n++) {
      if (n > MAX_EXT_HEADERS) return this.bad(MALFORMED.ipv6_ext_truncated);
      if (nxt === 0 || nxt === 43 || nxt === 60 || nxt === 135 || nxt === 139 || nxt === 140 || nxt === 253 || nxt === 254) {
        if (capEnd - o < 2) return this.bad(MALFORMED.ipv6_ext_truncated);
        const len = (d[o + 1] + 1) << 3;
        nxt = d[o];
        o += len;
        if (o > capEnd) return this.bad(MALFORMED.ipv6_ext_truncated);
      } else if (nxt === 51) {
        if (capEnd - o < 2) return this.bad(MALFORMED.ipv6_ext_truncated);
        const len = (d[o + 1] + 2) << 2;
        nxt = d[o];
        o += len;
        if (o > capEnd) return this.bad(MALFORMED.ipv6_ext_truncated);
      } else if (nxt === 44) {
        if (capEnd - o < 8) return this.bad(MALFORMED.ipv6_ext_truncated);
        const next = d[o];
        const fo = (d[o + 2] << 8) | d[o + 3];
        const fragOff = fo & 0xfff8;
        const more = (fo & 1) !== 0;
        if (fragOff === 0 && !more) {
          // An atomic fragment: the whole datagram is here.
          nxt = next;
          o += 8;
          continue;
        }
        c.layers[LAYER.ipv6_fragment]++;
        const ident = readU32(d, o + 4);
        const whole = this.fragments.addV6(p.ts, d, off, ident, next, o + 8, capEnd - o - 8, fragOff, more);
        if (whole === null) return OUTCOME.FRAGMENT;
        c.layers[LAYER.ipv6_reassembled]++;
        p.data = whole;
        p.end = whole.length;
        p.reassembled = true;
        return this.ipv6(p, 0);
      } else break;
    }
    p.ipHdrLen = o - off;
    if (nxt === 59) {
      p.ipProto = 59;
      c.countIpProto(59);
      return OUTCOME.IP_OTHER;
    }
    return this.transport(p, nxt, o, declEnd, capEnd);
  }

  /** TCP, UDP, ICMP. `declEnd` is where the datagram ends by its header, `capEnd` where the captured bytes end. */
  private transport(p: Packet, proto: number, o: number, declEnd: number, capEnd: number): Outcome {
    const d = p.data;
    const c = this.counters;
    p.ipProto = proto;
    p.l4Off = o;
    const have = capEnd - o;
    if (proto === IPPROTO.TCP) {
      if (have < 20) return this.bad(MALFORMED.tcp_truncated);
      const thl = (d[o + 12] >> 4) << 2;
      if (thl < 20) return this.bad(MALFORMED.tcp_bad_header_length);
      if (thl > have || thl > declEnd - o) return this.bad(MALFORMED.tcp_truncated);
      c.layers[LAYER.tcp]++;
      p.sport = (d[o] << 8) | d[o + 1];
      p.dport = (d[o + 2] << 8) | d[o + 3];
      p.seq = ((d[o + 4] << 24) | (d[o + 5] << 16) | (d[o + 6] << 8) | d[o + 7]) >>> 0;
      p.ack = ((d[o + 8] << 24) | (d[o + 9] << 16) | (d[o + 10] << 8) | d[o + 11]) >>> 0;
      p.tcpFlags = d[o + 13];
      p.window = (d[o + 14] << 8) | d[o + 15];
      p.payloadOff = o + thl;
      p.payloadLen = declEnd - o - thl;
      p.payloadCaplen = capEnd - o - thl;
      return OUTCOME.FLOW;
    }
    if (proto === IPPROTO.UDP) {
      if (have < 8) return this.bad(MALFORMED.udp_truncated);
      c.layers[LAYER.udp]++;
      p.sport = (d[o] << 8) | d[o + 1];
      p.dport = (d[o + 2] << 8) | d[o + 3];
      const ulen = (d[o + 4] << 8) | d[o + 5];
      const ipPayload = declEnd - o;
      // Zeek counts the UDP length field; fall back to the IP length when the field is impossible.
      let plen = ulen - 8;
      if (ulen < 8 || ulen > ipPayload) {
        if (ulen !== 0) c.weird[WEIRD.udp_bad_length]++;
        plen = ipPayload - 8;
      }
      p.payloadOff = o + 8;
      p.payloadLen = plen;
      const capPay = capEnd - o - 8;
      p.payloadCaplen = capPay < plen ? capPay : plen;
      return OUTCOME.FLOW;
    }
    if (proto === IPPROTO.ICMP || proto === IPPROTO.ICMPV6) {
      if (have < 4) return this.bad(MALFORMED.icmp_truncated);
      c.layers[proto === IPPROTO.ICMP ? LAYER.icmp : LAYER.icmpv6]++;
      const type = d[o];
      const code = d[o + 1];
      p.icmpType = type;
      p.icmpCode = code;
      // Flow "ports" as Zeek forms them: the type, and the counterpart type (or the code).
      p.sport = type;
      const cp = proto === IPPROTO.ICMP ? icmp4Counterpart(type) : icmp6Counterpart(type);
      p.dport = cp >= 0 ? cp : code;
      p.payloadOff = o + 8 < capEnd ? o + 8 : capEnd;
      p.payloadLen = declEnd - o - 8 > 0 ? declEnd - o - 8 : 0;
      p.payloadCaplen = capEnd - p.payloadOff;
      return OUTCOME.FLOW;
    }
    if (proto === 4 || proto === 41 || proto === 47) return this.tunnel(p, proto, o, capEnd);
    c.countIpProto(proto);
    return OUTCOME.IP_OTHER;
  }

  /** IP-in-IP (4), IPv6-in-IP (41) and GRE (47): the inner packet is what forms the flow, as Zeek and tshark see it. */
  private tunnel(p: Packet, proto: number, o: number, capEnd: number): Outcome {
    const c = this.counters;
    if (p.tunnelDepth >= MAX_TUNNELS) return this.bad(MALFORMED.tunnel_too_deep);
    p.tunnelDepth++;
    if (proto === 4 || proto === 41) {
      c.layers[LAYER.ip_in_ip]++;
      p.end = capEnd;
      return proto === 4 ? this.ipv4(p, o) : this.ipv6(p, o);
    }
    // GRE (RFC 2784/2890): flags and version, protocol type, then optional checksum, key, sequence.
    const d = p.data;
    if (capEnd - o < 4) return this.bad(MALFORMED.gre_truncated);
    c.layers[LAYER.gre]++;
    const flags = d[o];
    const version = d[o + 1] & 7;
    const type = (d[o + 2] << 8) | d[o + 3];
    let hl = 4;
    if (version === 0) {
      if (flags & 0x80) hl += 4; // checksum + reserved
      if (flags & 0x20) hl += 4; // key
      if (flags & 0x10) hl += 4; // sequence number
    } else if (version === 1) {
      hl += 4; // PPTP: payload length + call id
      if (flags & 0x10) hl += 4;
      if (d[o + 1] & 0x80) hl += 4; // acknowledgement
    }
    if (capEnd - o < hl) return this.bad(MALFORMED.gre_truncated);
    const inner = o + hl;
    p.end = capEnd;
    if (type === ETH_IPV4) return this.ipv4(p, inner);
    if (type === ETH_IPV6) return this.ipv6(p, inner);
    if (type === 0x6558) {
      // Transparent Ethernet bridging: a whole Ethernet frame inside.
      if (capEnd - inner < 14) return this.bad(MALFORMED.gre_truncated);
      return this.ethertype(p, (d[inner + 12] << 8) | d[inner + 13], inner + 14);
    }
    c.countIpProto(47);
    return OUTCOME.IP_OTHER;
  }
}

function readU32(d: Uint8Array, o: number): number {
  return ((d[o] << 24) | (d[o + 1] << 16) | (d[o + 2] << 8) | d[o + 3]) >>> 0;
}

/** The reply type of an ICMPv4 request (and vice versa), or -1 for one-way messages. */
export function icmp4Counterpart(type: number): number {
  switch (type) {
    case 8: return 0;
    case 0: return 8;
    case 13: return 14;
    case 14: return 13;
    case 15: return 16;
    case 16: return 15;
    case 10: return 9;
    case 9: return 10;
    case 17: return 18;
    case 18: return 17;
    default: return -1;
  }
}

/** The reply type of an ICMPv6 request (and vice versa), or -1 for one-way messages. */
export function icmp6Counterpart(type: number): number {
  switch (type) {
    case 128: return 129;
    case 129: return 128;
    case 133: return 134;
    case 134: return 133;
    case 135: return 136;
    case 136: return 135;
    case 130: return 131;
    case 131: return 130;
    case 139: return 140;
    case 140: return 139;
    case 144: return 145;
    case 145: return 144;
    default: return -1;
  }
}

export { Packet };
