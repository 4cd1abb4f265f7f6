// Per-protocol and per-problem counters of the decoder. Fixed slots in a Float64Array so
// that counting on the packet path is one increment; names are attached only for reports.

export const LAYER = {
  ethernet: 0,
  vlan: 1,
  qinq: 2,
  llc: 3,
  arp: 4,
  ipv4: 5,
  ipv6: 6,
  tcp: 7,
  udp: 8,
  icmp: 9,
  icmpv6: 10,
  linux_sll: 11,
  linux_sll2: 12,
  null: 13,
  raw: 14,
  ipv4_fragment: 15,
  ipv6_fragment: 16,
  ipv4_reassembled: 17,
  ipv6_reassembled: 18,
  mpls: 19,
  pppoe: 20,
  ip_in_ip: 21,
  gre: 22,
} as const;
export const LAYER_NAMES = Object.keys(LAYER);

/** Reasons a frame is counted as malformed; they add up to outcomes.malformed. Stable names: they appear in stats.json. */
export const MALFORMED = {
  eth_truncated: 0,
  vlan_truncated: 1,
  llc_truncated: 2,
  arp_truncated: 3,
  sll_truncated: 4,
  null_truncated: 5,
  null_unknown_family: 6,
  raw_bad_version: 7,
  ipv4_truncated: 8,
  ipv4_bad_version: 9,
  ipv4_bad_header_length: 10,
  ipv4_bad_total_length: 11,
  ipv6_truncated: 12,
  ipv6_bad_version: 13,
  ipv6_ext_truncated: 14,
  tcp_truncated: 15,
  tcp_bad_header_length: 16,
  udp_truncated: 17,
  udp_bad_length: 18,
  icmp_truncated: 19,
  mpls_truncated: 20,
  pppoe_truncated: 21,
  gre_truncated: 22,
  tunnel_too_deep: 23,
} as const;
export const MALFORMED_NAMES = Object.keys(MALFORMED);

/** Anomalies in packets that were still decoded (the packet keeps its outcome). Stable names. */
export const WEIRD = {
  /** The IP header claims more bytes than the frame had on the wire (a sliced or corrupt capture). */
  ip_length_exceeds_frame: 0,
  /** The UDP length field disagrees with the IP length (the IP length was used). */
  udp_bad_length: 1,
  /** IP fragments: offset or length impossible (dropped). */
  frag_bad_offset: 2,
  /** IP fragments overlapping with different extents (the first copy was kept). */
  frag_overlap: 3,
  /** A reassembled datagram would exceed 65535 bytes (dropped). */
  frag_too_large: 4,
  /** An incomplete datagram timed out (its fragments dropped). */
  frag_timeout: 5,
  /** Too many datagrams in reassembly: the oldest was dropped. */
  frag_cap_hit: 6,
} as const;
export const WEIRD_NAMES = Object.keys(WEIRD);

export class DecodeCounters {
  readonly layers = new Float64Array(LAYER_NAMES.length);
  readonly malformed = new Float64Array(MALFORMED_NAMES.length);
  readonly weird = new Float64Array(WEIRD_NAMES.length);
  /** Non-IP EtherTypes (LLDP 0x88cc, PROFINET 0x8892, …) by value. */
  readonly ethertypes = new Map<number, number>();
  /** IP transports other than TCP/UDP/ICMP (GRE, ESP, OSPF, …) by protocol number. */
  readonly ipProtos = new Map<number, number>();
  /** Frames per link type (small link types in an array, the rest in a map). */
  readonly linktypeSmall = new Float64Array(300);
  readonly linktypeOther = new Map<number, number>();

  countEthertype(t: number): void {
    this.ethertypes.set(t, (this.ethertypes.get(t) ?? 0) + 1);
  }
  countIpProto(p: number): void {
    this.ipProtos.set(p, (this.ipProtos.get(p) ?? 0) + 1);
  }
  countLinktype(lt: number): void {
    if (lt >= 0 && lt < 300) this.linktypeSmall[lt]++;
    else this.linktypeOther.set(lt, (this.linktypeOther.get(lt) ?? 0) + 1);
  }

  merge(o: DecodeCounters): void {
    for (let i = 0; i < this.layers.length; i++) this.layers[i] += o.layers[i];
    for (let i = 0; i < this.malformed.length; i++) this.malformed[i] += o.malformed[i];
    for (let i = 0; i < this.weird.length; i++) this.weird[i] += o.weird[i];
    for (let i = 0; i < this.linktypeSmall.length; i++) this.linktypeSmall[i] += o.linktypeSmall[i];
    for (const [k, v] of o.ethertypes) this.ethertypes.set(k, (this.ethertypes.get(k) ?? 0) + v);
    for (const [k, v] of o.ipProtos) this.ipProtos.set(k, (this.ipProtos.get(k) ?? 0) + v);
    for (const [k, v] of o.linktypeOther) this.linktypeOther.set(k, (this.linktypeOther.get(k) ?? 0) + v);
  }

  /** Plain-object form for stats.json and for passing between threads. */
  toJSON(): DecodeCountersJSON {
    const layers: Record<string, number> = {};
    LAYER_NAMES.forEach((n, i) => {
      if (this.layers[i]) layers[n] = this.layers[i];
    });
    const malformed: Record<string, number> = {};
    MALFORMED_NAMES.forEach((n, i) => {
      if (this.malformed[i]) malformed[n] = this.malformed[i];
    });
    const weird: Record<string, number> = {};
    WEIRD_NAMES.forEach((n, i) => {
      if (this.weird[i]) weird[n] = this.weird[i];
    });
    const linktypes: Record<string, number> = {};
    this.linktypeSmall.forEach((v, i) => {
      if (v) linktypes[String(i)] = v;
    });
    for (const [k, v] of this.linktypeOther) linktypes[String(k)] = v;
    const ethertypes: Record<string, number> = {};
    for (const [k, v] of [...this.ethertypes].sort((a, b) => a[0] - b[0])) ethertypes['0x' + k.toString(16).padStart(4, '0')] = v;
    const ipProtos: Record<string, number> = {};
    for (const [k, v] of [...this.ipProtos].sort((a, b) => a[0] - b[0])) ipProtos[String(k)] = v;
    return { layers, malformed, weird, linktypes, ethertypes, ip_protos: ipProtos };
  }

  static fromJSON(j: DecodeCountersJSON): DecodeCounters {
    const c = new DecodeCounters();
    for (const [n, v] of Object.entries(j.layers)) c.layers[LAYER[n as keyof typeof LAYER]] = v;
    for (const [n, v] of Object.entries(j.malformed)) c.malformed[MALFORMED[n as keyof typeof MALFORMED]] = v;
    for (const [n, v] of Object.entries(j.weird)) c.weird[WEIRD[n as keyof typeof WEIRD]] = v;
    for (const [k, v] of Object.entries(j.linktypes)) {
      const lt = Number(k);
      if (lt < 300) c.linktypeSmall[lt] = v;
      else c.linktypeOther.set(lt, v);
    }
    for (const [k, v] of Object.entries(j.ethertypes)) c.ethertypes.set(Number(k), v);
    for (const [k, v] of Object.entries(j.ip_protos)) c.ipProtos.set(Number(k), v);
    return c;
  }
}

export interface DecodeCountersJSON {
  layers: Record<string, number>;
  malformed: Record<string, number>;
  weird: Record<string, number>;
  linktypes: Record<string, number>;
  ethertypes: Record<string, number>;
  ip_protos: Record<string, number>;
}
