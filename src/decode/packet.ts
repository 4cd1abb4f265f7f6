// The decoded view of one frame: header fields as numbers and offsets into the frame's
// buffer, never copies. The decoder reuses one Packet for every frame (stable shape, no
// allocation per packet); a consumer that keeps anything copies it.

const EMPTY = new Uint8Array(0);

/** What the decoder made of a frame. Every frame gets exactly one outcome (see stats.json). */
export const OUTCOME = {
  /** IPv4/IPv6 with TCP, UDP, ICMP or ICMPv6: belongs to a flow. */
  FLOW: 0,
  /** IP with another transport (GRE, ESP, OSPF, …): decoded, no flow. */
  IP_OTHER: 1,
  /** A layer-2 frame that carries no IP (ARP, LLDP, PROFINET, STP, …): decoded, no flow. */
  L2: 2,
  /** An IP fragment held for reassembly (the datagram goes on when complete). */
  FRAGMENT: 3,
  /** A link type Palisade does not decode. */
  UNSUPPORTED: 4,
  /** A header that is cut short or impossible. */
  MALFORMED: 5,
} as const;
export type Outcome = (typeof OUTCOME)[keyof typeof OUTCOME];
export const OUTCOME_NAMES = ['flow', 'ip_other', 'l2', 'fragment', 'unsupported', 'malformed'] as const;

export const IPPROTO = { ICMP: 1, TCP: 6, UDP: 17, ICMPV6: 58 } as const;

export const TCP_FLAG = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10, URG: 0x20, ECE: 0x40, CWR: 0x80 } as const;

export class Packet {
  // --- frame ---
  ts = 0;
  wirelen = 0;
  caplen = 0;
  linktype = 0;
  /** Buffer holding the frame; macOff and sllAddrOff point into it. */
  frame: Uint8Array = EMPTY;
  /** Offset of the frame's first byte in `frame`. */
  frameOff = 0;
  /** Buffer holding layer 3 and up: the frame, or after IP reassembly the rebuilt datagram. */
  data: Uint8Array = EMPTY;
  /** One past the last captured byte of the layer-3 data in `data`. */
  end = 0;

  // --- layer 2 ---
  /** Offset in `frame` of the destination MAC (source MAC at +6), or -1 when the link has no MAC addresses. */
  macOff = -1;
  /** For SLL/SLL2: offset in `frame` of the sender's link-layer address, -1 otherwise; length in sllAddrLen. */
  sllAddrOff = -1;
  sllAddrLen = 0;
  /** Outer 802.1Q/802.1ad VLAN id, -1 when untagged. */
  vlan = -1;
  /** Inner VLAN id of a QinQ frame, -1 when absent. */
  innerVlan = -1;
  /** EtherType of the payload after VLAN tags (or the SLL protocol); 0 for raw/null links. */
  ethertype = 0;
  /** Offset of the layer-2 payload (the start of IP, ARP, LLC, …). */
  l2PayloadOff = 0;

  // --- layer 3 ---
  ipVersion = 0;
  l3Off = 0;
  /** IPv4 header length or IPv6 header length including extension headers. */
  ipHdrLen = 0;
  /** The IP datagram's length as its header states it (Zeek's ip_bytes unit). */
  ipLen = 0;
  ttl = 0;
  /** Transport protocol (after IPv6 extension headers). */
  ipProto = 0;
  /** Source address as 32-bit words; IPv4 uses src0 only (src1..3 are 0). */
  src0 = 0;
  src1 = 0;
  src2 = 0;
  src3 = 0;
  dst0 = 0;
  dst1 = 0;
  dst2 = 0;
  dst3 = 0;
  /** Offset of the source address in data (4 or 16 bytes), for printing. */
  srcOff = 0;
  dstOff = 0;
  /** True when this packet is a datagram rebuilt from fragments. */
  reassembled = false;
  /** IP-in-IP / GRE encapsulations followed to reach the inner packet (0 when none). */
  tunnelDepth = 0;

  // --- layer 4 ---
  l4Off = 0;
  sport = 0;
  dport = 0;
  tcpFlags = 0;
  seq = 0;
  ack = 0;
  window = 0;
  /** ICMP type/code (for ICMP flows). */
  icmpType = 0;
  icmpCode = 0;
  /** Payload as the headers declare it (TCP: IP length - headers; UDP: UDP length - 8). */
  payloadLen = 0;
  payloadOff = 0;
  /** Payload bytes actually captured (<= payloadLen when the snap length cut the frame). */
  payloadCaplen = 0;
}
